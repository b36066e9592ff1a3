#include "outpost/agent/agent.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>
#include <utility>
#include <variant>

#include "hal/network_link.hpp"
#include "hal/sim/sim_network_link.hpp"
#include "hal/watchdog.hpp"
#include "outpost/agent/certificate_watch.hpp"
#include "outpost/agent/control_server.hpp"
#include "outpost/agent/delivery_worker.hpp"
#include "outpost/agent/metrics.hpp"
#include "outpost/agent/pruner.hpp"
#include "outpost/agent/pull_worker.hpp"
#include "outpost/agent/status_report.hpp"
#include "outpost/catalog/catalog.hpp"
#include "pick_station.hpp"
#include "outpost/common/log.hpp"
#include "outpost/config/secret_files.hpp"
#include "outpost/connectors/registry.hpp"
#include "outpost/intake/operation_kinds.hpp"
#include "outpost/outbox/outbox.hpp"
#include "outpost/transport/http_client.hpp"
#include "request_guard.hpp"
#include "catalog_commands.hpp"

namespace outpost::agent {

struct Agent::Parts {
    config::Config config;
    hal::NetworkLink* link = nullptr;
    hal::sim::SimNetworkLink* sim_link = nullptr;
    int wake_fd = -1;
    // Guards wake_fd against its close in ~Parts: outpostd's signal thread may still be inside
    // stop() when run() has returned and the main thread destroys the agent.
    std::mutex wake_mutex;
    std::atomic<bool> stopping{false};
    std::unique_ptr<outbox::Outbox> outbox;
    std::unique_ptr<catalog::Catalog> catalog;  // before upstreams: their pullers write to it
    // One per [upstream.<name>] table, in config order.
    struct Upstream {
        std::string name;
        std::unique_ptr<connectors::Connector> connector;
        std::unique_ptr<DeliveryWorker> worker;
        // One per puller the connector offers (master data, pick lists); declared last, so they
        // stop before the connector that owns their pullers goes.
        std::vector<std::unique_ptr<PullWorker>> pullers;
    };
    std::vector<Upstream> upstreams;  // replaced only on the control thread, under upstreams_mutex
    std::mutex upstreams_mutex;       // the link observer (another thread) reads the list
    std::shared_ptr<Pruner> pruner;
    std::unique_ptr<CertificateWatch> certificate_watch;  // tls.cert_file's expiry
    std::unique_ptr<ControlServer> control;
    std::atomic<bool> reload_requested{false};
    // Supervision (optional): READY=1 once serving, kicks from the control loop itself, which a
    // ticker thread wakes at half the interval so an idle loop still proves it is alive.
    hal::Watchdog* watchdog = nullptr;
    std::chrono::milliseconds watchdog_interval{0};
    std::chrono::steady_clock::time_point next_kick{};
    std::mutex ticker_mutex;
    std::condition_variable ticker_wake;
    bool ticker_stopping = false;
    std::thread ticker;
    // Operations accepted with a catalog flag (stale catalog), since start; control thread only.
    std::int64_t flagged_total = 0;
    std::string last_flag;
    bool flagging = false;  // the last catalog-checked operation was flagged
    std::unique_ptr<PickStation> pick_station;  // boards with a scanner (attach_pick_station)

    ~Parts() {
        if (link != nullptr) link->set_observer({});
        pick_station.reset();  // its scanner thread stops before the outbox goes
        stop_watchdog_ticker();
        // Workers join before the connectors, the catalog and the outbox they use go away.
        for (auto& upstream : upstreams) {
            upstream.pullers.clear();
            upstream.worker.reset();
        }
        std::lock_guard lock(wake_mutex);
        if (wake_fd >= 0) ::close(wake_fd);
        wake_fd = -1;
    }

    DeliveryWorker* worker_for(const std::string& upstream) {
        for (auto& candidate : upstreams) {
            if (candidate.name == upstream) return candidate.worker.get();
        }
        return nullptr;
    }
    void notify_all() {
        for (auto& upstream : upstreams) upstream.worker->notify_enqueued();
    }
    void stop_workers() {
        for (auto& upstream : upstreams) {
            for (auto& puller : upstream.pullers) puller->stop();
            upstream.worker->stop();
        }
    }
    Expected<std::vector<Upstream>> build_upstreams(const config::Config& with);
    Expected<void> start_workers();
    void reload();
    void wake() {
        std::lock_guard lock(wake_mutex);
        write_wake_locked();
    }
    void write_wake_locked() const {
        if (wake_fd < 0) return;
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wake_fd, &one, sizeof one);
    }
    // From any thread. Sets the flag and wakes the loop under wake_mutex, so once run() has seen
    // the flag (and the agent may be destroyed), this call no longer touches anything.
    void stop_and_wake() {
        std::lock_guard lock(wake_mutex);
        stopping = true;
        write_wake_locked();
    }
    void start_watchdog() {
        if (auto ready = watchdog->ready(); !ready) log::warning("watchdog", "READY=1: " + ready.message());
        if (watchdog_interval.count() <= 0) return;
        if (auto enabled = watchdog->enable(watchdog_interval); !enabled) {
            log::warning("watchdog", "enable: " + enabled.message());
        }
        ticker = std::thread([this] {
            std::unique_lock lock(ticker_mutex);
            while (!ticker_wake.wait_for(lock, watchdog_interval / 2, [this] { return ticker_stopping; })) wake();
        });
    }
    void kick_watchdog_if_due() {
        if (watchdog == nullptr || watchdog_interval.count() <= 0) return;
        const auto now = std::chrono::steady_clock::now();
        if (now < next_kick) return;
        next_kick = now + watchdog_interval / 4;
        if (auto kicked = watchdog->kick(); !kicked) log::warning("watchdog", "kick: " + kicked.message());
    }
    void stop_watchdog_ticker() {
        {
            std::lock_guard lock(ticker_mutex);
            ticker_stopping = true;
        }
        ticker_wake.notify_all();
        if (ticker.joinable()) ticker.join();
    }
    // The device's wall clock. On the sim board tests can move it (sim.clock) to play a handheld
    // that booted without a real-time clock.
    std::atomic<std::int64_t> sim_clock_offset_ms{0};
    bool clock_was_plausible = true;
    UnixMillis device_now() const { return wall_clock_now_ms() + sim_clock_offset_ms.load(); }
    intake::IntakeContext intake_context() const {
        return {config.device_id, device_now(), catalog.get(),
                intake::CatalogPolicy{config.catalog.max_age, config.catalog.reject_when_stale}};
    }
    bool check_clock() {
        const bool plausible = wall_clock_plausible(device_now());
        if (plausible != clock_was_plausible) {
            if (plausible) {
                log::info("clock", "the wall clock is plausible again; new operations are no longer flagged");
            } else {
                log::warning("clock", "the wall clock (" + format_rfc3339_utc(device_now()) +
                                          ") is earlier than this agent's build (" + format_rfc3339_utc(build_time_ms()) +
                                          "): new operations are flagged clock_unreliable until it is set");
            }
            clock_was_plausible = plausible;
        }
        return plausible;
    }
    // After the workers have stopped: connectors with server-side sessions end them (PMP
    // logout). Only with the link up, on a connection of its own with short timeouts, so a stop
    // stays quick (at most a few seconds per such upstream when it does not answer).
    void end_sessions() {
        if (!link->is_up()) return;
        const transport::TlsSettings tls{config.tls.ca_file, config.tls.cert_file, config.tls.key_file};
        const transport::Timeouts quick{std::chrono::milliseconds(2000), std::chrono::milliseconds(3000)};
        for (auto& upstream : upstreams) {
            auto http = transport::HttpClient::create(tls, quick);
            if (!http) {
                log::warning(upstream.name, "cannot end the session at shutdown: " + http.error().message);
                continue;
            }
            upstream.connector->end_session(**http);
        }
    }
    CatalogCommandTargets catalog_targets() {
        std::vector<PullWorker*> pullers;
        for (auto& upstream : upstreams) {
            for (auto& puller : upstream.pullers) pullers.push_back(puller.get());
        }
        return {*catalog, std::move(pullers), config.catalog, link->is_up(), flagged_total, last_flag};
    }
    // The operations one enqueue request asks for, and the catalog's flag when it could not
    // vouch for them (catalog_policy.hpp).
    struct Prepared {
        std::vector<outbox::NewOperation> operations;
        bool checked = false;  // the kind has a catalog check, and it ran
        std::string flag;
    };

    std::vector<nlohmann::json> handle(const std::vector<nlohmann::json>& requests);
    // The operations one enqueue request asks for, or the answer refusing it.
    std::variant<Prepared, nlohmann::json> prepare_enqueue(const nlohmann::json& request);
    nlohmann::json kinds() const;
    nlohmann::json handle_one(const nlohmann::json& request);
    nlohmann::json handle_dead_letters(const std::string& command, const nlohmann::json& request);
};

namespace {

nlohmann::json failure(const std::string& message) { return {{"ok", false}, {"error", message}}; }

}  // namespace

std::variant<Agent::Parts::Prepared, nlohmann::json> Agent::Parts::prepare_enqueue(
    const nlohmann::json& request) {
    const std::string kind_name = request.value("kind", "");
    const intake::OperationKind* kind = intake::find_operation_kind(kind_name);
    if (kind == nullptr) {
        std::string known;
        for (const auto& candidate : intake::operation_kinds()) {
            known += (known.empty() ? "" : ", ") + std::string(candidate.name);
        }
        return failure("unknown operation kind '" + kind_name + "' (known: " + known + ")");
    }
    if (worker_for(std::string(kind->upstream)) == nullptr) {
        return failure("operation kind '" + kind_name + "' goes to the " + std::string(kind->upstream) +
                       " upstream, which this agent has no [upstream." + std::string(kind->upstream) +
                       "] table for; nothing was queued");
    }
    const auto key = request.find("idempotency_key");
    if (key != request.end() && (!key->is_string() || key->get_ref<const std::string&>().size() > 200)) {
        return failure("idempotency_key must be a string of at most 200 characters");
    }
    const nlohmann::json payload = request.value("payload", nlohmann::json());
    const intake::IntakeContext context = intake_context();
    auto prepared = kind->prepare(payload, key != request.end() ? key->get<std::string>() : "", context);
    if (!prepared) return failure(prepared.error().message);
    Prepared result{std::move(*prepared), false, {}};
    if (kind->check_catalog != nullptr) {
        auto verdict = kind->check_catalog(payload, context);
        if (!verdict) return failure(verdict.error().message);
        result.checked = true;
        result.flag = std::move(verdict->flag);
    }
    return result;
}

std::vector<nlohmann::json> Agent::Parts::handle(const std::vector<nlohmann::json>& requests) {
    std::vector<nlohmann::json> answers(requests.size());
    // Enqueues of one turn share one transaction (group commit); everything else is answered
    // on its own. One request may become several operations (a kind that splits).
    std::vector<outbox::NewOperation> batch;
    struct Placed {
        std::size_t request;
        std::size_t first;  // in batch
        std::size_t count;
        bool checked;       // against the catalog
        std::string flag;   // the catalog could not vouch for it
    };
    std::vector<Placed> placed;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const nlohmann::json& request = requests[i];
        if (request.value("cmd", "") != "enqueue") {
            answers[i] = refuse_malformed([&] { return handle_one(request); });
            continue;
        }
        auto prepared = refuse_malformed([&] { return prepare_enqueue(request); });
        if (auto* refused = std::get_if<nlohmann::json>(&prepared)) {
            answers[i] = std::move(*refused);
            continue;
        }
        auto& operations = std::get<Prepared>(prepared).operations;
        placed.push_back({i, batch.size(), operations.size(), std::get<Prepared>(prepared).checked,
                          std::move(std::get<Prepared>(prepared).flag)});
        for (auto& operation : operations) batch.push_back(std::move(operation));
    }
    if (batch.empty()) return answers;
    if (!check_clock()) {
        for (auto& operation : batch) operation.clock_unreliable = true;
    }

    auto stored = outbox->enqueue(batch);
    if (!stored) {
        log::error("intake", stored.error().describe());
        for (const Placed& place : placed) answers[place.request] = failure("not queued: " + stored.error().message);
        return answers;
    }
    log::debug("intake", "queued " + std::to_string(batch.size()) + " operation(s) in one commit");
    for (const Placed& place : placed) {
        nlohmann::json ids = nlohmann::json::array();
        std::string refused;
        bool duplicate = true;
        bool coalesced = false;
        for (std::size_t j = place.first; j < place.first + place.count; ++j) {
            const auto& result = (*stored)[j];
            if (!result) {
                refused = result.error().message;
                continue;
            }
            ids.push_back(result->id);
            duplicate = duplicate && result->duplicate;
            coalesced = coalesced || result->coalesced;
        }
        const auto& first = (*stored)[place.first];
        if (!refused.empty()) {
            // A split request is answered as a whole: the parts that were stored stay (their keys
            // make the producer's retry skip them), and the producer is told to retry.
            answers[place.request] = failure("not queued: " + refused +
                                             (place.count > 1 ? " (" + std::to_string(ids.size()) + " of " +
                                                                    std::to_string(place.count) +
                                                                    " parts were queued; retry with the same key)"
                                                              : std::string()));
            continue;
        }
        answers[place.request] = {{"ok", true}, {"id", first->id}, {"idempotency_key", first->idempotency_key},
                                  {"duplicate", duplicate}, {"coalesced", coalesced}};
        if (place.count > 1) answers[place.request]["ids"] = ids;
        if (!place.flag.empty()) {
            // Accepted on the stale-catalog policy: the producer, the log and status say so.
            answers[place.request]["flagged"] = place.flag;
            ++flagged_total;
            last_flag = "operation " + std::to_string(first->id) + " (key " + first->idempotency_key + "): " + place.flag;
            if (!std::exchange(flagging, true)) {
                log::warning("intake", "the catalog cannot vouch for operations now (" + place.flag +
                                           "); they are accepted and flagged until it is fresh again");
            }
            log::info("intake", "accepted unchecked: " + last_flag);
        } else if (place.checked && std::exchange(flagging, false)) {
            log::info("intake", "the catalog is fresh again: operations are checked against it");
        }
    }
    for (const auto& operation : batch) {
        if (DeliveryWorker* worker = worker_for(operation.upstream)) worker->notify_enqueued();
    }
    return answers;
}

nlohmann::json Agent::Parts::kinds() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& kind : intake::operation_kinds()) {
        list.push_back({{"kind", kind.name},
                        {"upstream", kind.upstream},
                        {"configured", config.upstream(kind.upstream) != nullptr},
                        {"description", kind.description}});
    }
    return {{"ok", true}, {"kinds", list}};
}

nlohmann::json Agent::Parts::handle_one(const nlohmann::json& request) {
    const std::string command = request.value("cmd", "");
    if (command == "metrics") {
        nlohmann::json status = handle_one({{"cmd", "status"}});
        if (!status.value("ok", false)) return status;
        return {{"ok", true}, {"text", prometheus_metrics(status)}};
    }
    if (command == "status") {
        auto counts = outbox->counts();
        if (!counts) return failure(counts.error().message);
        auto parked = outbox->parked_lanes();
        if (!parked) return failure(parked.error().message);
        StatusInputs inputs{config.device_id, config.board, link->is_up(), *counts, {}, outbox->quarantine()};
        for (const auto& upstream : upstreams) {
            auto next_due = outbox->next_due(upstream.name);
            if (!next_due) return failure(next_due.error().message);
            inputs.upstreams[upstream.name] = UpstreamQueue{upstream.worker->status(), *next_due};
        }
        nlohmann::json answer = status_report(inputs);
        answer["clock"] = {{"wall", format_rfc3339_utc(device_now())},
                           {"plausible", check_clock()},
                           {"build_time", format_rfc3339_utc(build_time_ms())}};
        answer["catalog"] = catalog_status_section(catalog_targets());
        answer["parked_lanes"] = nlohmann::json::array();
        for (const auto& lane : *parked) {
            answer["parked_lanes"].push_back(
                {{"lane", lane.lane}, {"dead_operation", lane.dead_operation}, {"reason", lane.reason}});
        }
        answer["client_certificate"] = certificate_watch->status();
        if (pick_station) answer["pick_session"] = pick_station->status();
        answer["ok"] = true;
        return answer;
    }
    if (command == "kinds") return kinds();
    if (command == "sim.scan" || command.rfind("pick.", 0) == 0) {
        if (!pick_station) return failure(command + ": this board has no scanner (hal.scanner), so no pick session");
        return pick_station->handle(command, request);
    }
    if (command == "sim.clock") {
        if (sim_link == nullptr) return failure("sim.clock is only available on the sim board");
        const auto unix_ms = request.find("unix_ms");
        if (unix_ms == request.end() || !unix_ms->is_number_integer()) {
            return failure("sim.clock needs \"unix_ms\": the device's wall clock, in Unix milliseconds");
        }
        sim_clock_offset_ms = unix_ms->get<std::int64_t>() - wall_clock_now_ms();
        return {{"ok", true}, {"wall", format_rfc3339_utc(device_now())}};
    }
    if (auto answer = handle_catalog_command(command, request, catalog_targets())) return std::move(*answer);
    if (command == "sim.link") {
        if (sim_link == nullptr) return failure("sim.link is only available on the sim board");
        const auto up = request.find("up");
        if (up == request.end() || !up->is_boolean()) return failure("sim.link needs \"up\": true or false");
        sim_link->set_up(up->get<bool>());
        return {{"ok", true}, {"link", sim_link->is_up() ? "up" : "down"}};
    }
    if (command == "salvage") {
        const auto path = request.find("path");
        if (path == request.end() || !path->is_string() || path->get_ref<const std::string&>().empty()) {
            return failure("salvage needs \"path\": the quarantined outbox file");
        }
        // Damaged bytes can hide inside a readable row: each salvaged operation passes intake's
        // validation again before it is queued.
        const intake::IntakeContext context = intake_context();
        auto report = outbox->salvage(path->get<std::string>(), [&context](const outbox::NewOperation& operation) {
            const intake::OperationKind* kind = intake::find_operation_kind(operation.kind);
            if (kind == nullptr || kind->upstream != operation.upstream) return false;
            const auto payload = nlohmann::json::parse(operation.payload, nullptr, false);
            return !payload.is_discarded() && kind->prepare(payload, operation.idempotency_key, context).has_value();
        });
        if (!report) return failure(report.error().message);
        log::info("outbox", "salvaged " + std::to_string(report->recovered) + " operation(s) from " +
                                path->get<std::string>() + " (" + std::to_string(report->already_known) +
                                " already known, " + std::to_string(report->unreadable) + " unreadable, " +
                                std::to_string(report->rejected) + " damaged)");
        notify_all();
        return {{"ok", true},
                {"recovered", report->recovered},
                {"already_known", report->already_known},
                {"delivered_skipped", report->delivered_skipped},
                {"unreadable", report->unreadable},
                {"rejected", report->rejected}};
    }
    if (command.rfind("dead.", 0) == 0) return handle_dead_letters(command, request);
    return failure("unknown command '" + command +
                   "' (known: enqueue, status, metrics, kinds, salvage, dead.list, dead.show, dead.retry, dead.drop, "
                   "catalog.status, catalog.material, catalog.order, catalog.orders, catalog.pull, sim.link, sim.clock, "
                   "sim.scan, pick.confirm, pick.cancel)");
}

nlohmann::json operation_json(const outbox::Operation& operation, bool with_payload) {
    nlohmann::json out = {{"id", operation.id},
                          {"idempotency_key", operation.idempotency_key},
                          {"kind", operation.kind},
                          {"upstream", operation.upstream},
                          {"lane", operation.lane},
                          {"state", outbox::to_string(operation.state)},
                          {"attempts", operation.attempts},
                          {"created_at", format_rfc3339_utc(operation.created_at)},
                          {"last_error", operation.last_error},
                          {"clock_unreliable", operation.clock_unreliable}};
    if (with_payload) out["payload"] = nlohmann::json::parse(operation.payload, nullptr, false);
    return out;
}

nlohmann::json Agent::Parts::handle_dead_letters(const std::string& command, const nlohmann::json& request) {
    if (command == "dead.list") {
        auto dead = outbox->list_dead(request.value("limit", 100));
        if (!dead) return failure(dead.error().message);
        nlohmann::json list = nlohmann::json::array();
        for (const auto& operation : *dead) list.push_back(operation_json(operation, false));
        return {{"ok", true}, {"dead", list}};
    }
    const auto id = request.find("id");
    if (id == request.end() || !id->is_number_integer()) return failure(command + " needs \"id\": an operation id");
    const auto operation_id = id->get<outbox::OperationId>();
    if (command == "dead.show") {
        auto found = outbox->find(operation_id);
        if (!found) return failure(found.error().message);
        if (!found->has_value() || (*found)->state != outbox::State::Dead) {
            return failure("operation " + std::to_string(operation_id) + " is not a dead letter");
        }
        return {{"ok", true}, {"operation", operation_json(**found, true)}};
    }
    const std::string reason = request.value("reason", "");
    if (command == "dead.retry") {
        auto retried = outbox->retry_dead(operation_id, reason.empty() ? "retried by operator" : reason);
        if (!retried) return failure(retried.error().message);
        log::info("outbox", "dead letter " + std::to_string(operation_id) + " queued again by an operator");
        notify_all();
        return {{"ok", true}};
    }
    if (command == "dead.drop") {
        auto dropped = outbox->drop_dead(operation_id, reason);
        if (!dropped) return failure(dropped.error().message);
        log::warning("outbox", "dead letter " + std::to_string(operation_id) + " dropped by an operator: " + reason);
        notify_all();  // its lane may have been parked
        return {{"ok", true}};
    }
    return failure("unknown command '" + command + "'");
}

Expected<std::vector<Agent::Parts::Upstream>> Agent::Parts::build_upstreams(const config::Config& with) {
    std::vector<Upstream> built;
    const connectors::ConnectorContext context{with.source_path, with.device_id, catalog.get()};
    const transport::TlsSettings tls{with.tls.ca_file, with.tls.cert_file, with.tls.key_file};
    for (const auto& upstream_config : with.upstreams) {
        auto connector = connectors::make_connector(upstream_config, context);
        if (!connector) return connector.error();
        const transport::Timeouts timeouts{upstream_config.connect_timeout, upstream_config.request_timeout};
        // A certificate or key that cannot be read fails here, before anything is replaced.
        if (auto probe = transport::HttpClient::create(tls, timeouts); !probe) return probe.error();
        DispatchSettings dispatch;
        dispatch.backoff_base = with.delivery.backoff_base;
        dispatch.backoff_cap = with.delivery.backoff_cap;
        dispatch.first_flush_jitter = with.delivery.first_flush_jitter;
        dispatch.breaker = {with.delivery.breaker_threshold, with.delivery.breaker_probe_interval};
        dispatch.concurrency = upstream_config.concurrency;
        Upstream upstream{upstream_config.name, std::move(*connector), nullptr, {}};
        upstream.worker = std::make_unique<DeliveryWorker>(
            upstream.name, *outbox, *upstream.connector,
            [tls, timeouts] { return transport::HttpClient::create(tls, timeouts); }, dispatch, link->is_up());
        upstream.worker->set_after_delivery([shared = pruner] { shared->maybe_prune(); });
        const PullSettings pull_settings{with.delivery.backoff_base, with.delivery.backoff_cap,
                                         with.delivery.first_flush_jitter};
        for (connectors::Puller* puller : upstream.connector->pullers()) {
            upstream.pullers.push_back(std::make_unique<PullWorker>(
                *puller, [tls, timeouts] { return transport::HttpClient::create(tls, timeouts); }, pull_settings,
                link->is_up()));
        }
        built.push_back(std::move(upstream));
    }
    return built;
}

Expected<void> Agent::Parts::start_workers() {
    for (auto& upstream : upstreams) {
        if (auto started = upstream.worker->start(); !started) {
            stop_workers();
            return started;
        }
        for (auto& puller : upstream.pullers) {
            if (auto started = puller->start(); !started) {
                stop_workers();
                return started;
            }
        }
    }
    return {};
}

void Agent::Parts::reload() {
    // On the control thread, between turns: no request is half-handled. Queued work lives in the
    // outbox and is untouched; in-flight requests finish (stop()) before their workers go.
    log::info("agent", "SIGHUP: reloading " + config.source_path);
    auto fresh = config::load_config(config.source_path);
    if (!fresh) {
        log::error("agent", "reload refused, the running configuration stays: " + fresh.error().describe());
        return;
    }
    if (auto key = config::require_private_file(fresh->tls.key_file, "the client private key"); !key) {
        log::error("agent", "reload refused, the running configuration stays: " + key.error().message);
        return;
    }
    for (const auto& [what, before, after] :
         {std::tuple<const char*, std::string, std::string>{"storage.outbox_path", config.outbox_path, fresh->outbox_path},
          {"control.socket_path", config.control_socket, fresh->control_socket},
          {"control.group", config.control_group, fresh->control_group},
          {"storage.catalog_path", config.catalog_path, fresh->catalog_path},
          {"board", config.board, fresh->board},
          {"device_id", config.device_id, fresh->device_id}}) {
        if (before != after) log::warning("agent", std::string(what) + " changes only at the next restart");
    }
    fresh->outbox_path = config.outbox_path;
    fresh->catalog_path = config.catalog_path;
    fresh->control_socket = config.control_socket;
    fresh->control_group = config.control_group;
    fresh->board = config.board;
    fresh->device_id = config.device_id;
    auto replacement = build_upstreams(*fresh);
    if (!replacement) {
        log::error("agent", "reload refused, the running configuration stays: " + replacement.error().describe());
        return;
    }
    stop_workers();
    end_sessions();  // the old connectors' server-side sessions (PMP) are not left behind
    {
        std::lock_guard lock(upstreams_mutex);
        upstreams = std::move(*replacement);  // the old workers (stopped) and connectors go here
    }
    config = *fresh;
    // A rotated certificate (or another tls.cert_file) is what a reload is often for.
    *certificate_watch = CertificateWatch(config.tls.cert_file, config.tls.client_cert_warn_days);
    (void)certificate_watch->check();
    log::Level level{};
    if (log::parse_level(config.log_level, level)) log::set_level(level);
    if (auto started = start_workers(); !started) {
        log::error("agent", "after reload, delivery could not start: " + started.error().describe());
        return;
    }
    log::info("agent", "reloaded: " + std::to_string(upstreams.size()) + " upstream(s), certificates read again");
}

Agent::Agent(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Agent::~Agent() = default;

Expected<std::unique_ptr<Agent>> Agent::create(const config::Config& config, hal::NetworkLink& link,
                                               hal::sim::SimNetworkLink* sim_link) {
    auto parts = std::make_unique<Parts>();
    parts->config = config;
    parts->link = &link;
    parts->sim_link = sim_link;
    parts->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (parts->wake_fd < 0) return make_error("agent", std::string("eventfd: ") + std::strerror(errno));

    outbox::Options outbox_options;
    outbox_options.sync = config.sync_full ? outbox::SyncLevel::Full : outbox::SyncLevel::Normal;
    outbox_options.limits = {config.max_operations, config.max_bytes};
    outbox_options.integrity = outbox::IntegrityCheck::Auto;  // start-up does not read the whole file
    auto outbox = outbox::Outbox::open(config.outbox_path, outbox_options);
    if (!outbox) return outbox.error();
    parts->outbox = std::move(*outbox);
    if (const auto& quarantine = parts->outbox->quarantine()) {
        log::error("outbox", "the outbox was damaged and has been moved aside to " + quarantine->moved_to + " (" +
                                 quarantine->reason + "); started with an empty outbox. Recover its operations "
                                 "with: outpostctl salvage " + quarantine->moved_to);
    }
    if (parts->outbox->recovered_at_open() > 0) {
        log::warning("outbox", std::to_string(parts->outbox->recovered_at_open()) +
                                   " operation(s) were in flight when the agent stopped; they will be sent "
                                   "again with their idempotency keys");
    }

    auto catalog = catalog::Catalog::open(config.catalog_path);
    if (!catalog) return catalog.error();
    parts->catalog = std::move(*catalog);
    if (const auto& reset = parts->catalog->reset_reason()) {
        log::warning("catalog", "the catalog " + config.catalog_path + " could not be used (" + *reset +
                                    "); started empty, the next pull fills it again");
    }

    parts->pruner = std::make_shared<Pruner>(*parts->outbox, config.retention);
    auto upstreams = parts->build_upstreams(config);
    if (!upstreams) return upstreams.error();
    parts->upstreams = std::move(*upstreams);

    // The client certificate is read at start (a device without a usable one never half-starts)
    // and again periodically, so its expiry is told in time, online or not.
    parts->certificate_watch = std::make_unique<CertificateWatch>(config.tls.cert_file, config.tls.client_cert_warn_days);
    if (auto readable = parts->certificate_watch->check(); !readable) return readable.error().with_context("tls.cert_file");

    ControlOptions control_options;
    control_options.group = config.control_group;
    auto control = ControlServer::listen(config.control_socket, parts->wake_fd, control_options);
    if (!control) return control.error();
    parts->control = std::move(*control);
    parts->control->every(config.tls.client_cert_check_interval,
                          [watch = parts->certificate_watch.get()] { (void)watch->check(); });

    Parts* observed = parts.get();
    link.set_observer([observed](bool up) {
        log::info("link", up ? "link up: delivery resumes" : "link down: delivery paused");
        std::lock_guard lock(observed->upstreams_mutex);
        for (auto& upstream : observed->upstreams) {
            upstream.worker->set_link_up(up);
            for (auto& puller : upstream.pullers) puller->set_link_up(up);
        }
    });
    return std::unique_ptr<Agent>(new Agent(std::move(parts)));
}

Expected<void> Agent::run() {
    Parts& parts = *parts_;
    if (auto started = parts.start_workers(); !started) return started;
    log::info("agent", "ready: device " + parts.config.device_id + ", board " + parts.config.board + ", link " +
                           (parts.link->is_up() ? "up" : "down") + ", control socket " + parts.config.control_socket);
    if (parts.watchdog != nullptr) parts.start_watchdog();
    if (parts.pick_station) parts.pick_station->start();
    while (!parts.stopping.load()) {
        if (parts.pick_station) parts.pick_station->drain();
        if (parts.reload_requested.exchange(false)) parts.reload();
        parts.kick_watchdog_if_due();
        auto turn = parts.control->poll_once([&parts](const std::vector<nlohmann::json>& requests) {
            return parts.handle(requests);
        });
        if (!turn) {
            parts.stop_workers();
            return turn;
        }
    }
    if (parts.pick_station) parts.pick_station->stop();
    parts.stop_workers();
    parts.stop_watchdog_ticker();
    parts.end_sessions();
    log::info("agent", "stopped");
    return {};
}

void Agent::stop() { parts_->stop_and_wake(); }

void Agent::request_reload() {
    parts_->reload_requested = true;
    parts_->wake();
}

void Agent::set_watchdog(hal::Watchdog& watchdog, std::chrono::milliseconds interval) {
    parts_->watchdog = &watchdog;
    parts_->watchdog_interval = interval;
}

Expected<void> Agent::attach_pick_station(hal::BarcodeScanner& scanner, hal::Indicator* indicator,
                                          hal::sim::SimScanner* sim_scanner, hal::sim::SimIndicator* sim_indicator) {
    Parts& parts = *parts_;
    picking::PickSessionOptions options{parts.config.device_id, parts.config.picking.confirm_code,
                                        parts.config.picking.cancel_code, parts.config.picking.utc_offset_minutes};
    // A confirmed pick is one "enqueue" request through handle(): the producers' own path, with
    // its validation, clock flag and group commit; it answers once the commit is durable.
    auto enqueue = [&parts](const nlohmann::json& payload, const std::string& key) -> Expected<std::int64_t> {
        const auto answers = parts.handle({nlohmann::json{
            {"cmd", "enqueue"}, {"kind", "picking-order"}, {"payload", payload}, {"idempotency_key", key}}});
        const nlohmann::json& answer = answers.front();
        if (!answer.value("ok", false)) return make_error("intake", answer.value("error", std::string("refused")));
        return answer["id"].get<std::int64_t>();
    };
    parts.pick_station = std::make_unique<PickStation>(
        PickStationParts{&scanner, indicator, sim_scanner, sim_indicator}, *parts.catalog, std::move(enqueue),
        [&parts] { return parts.device_now(); }, std::move(options), [&parts] { parts.wake(); });
    return {};
}

}  // namespace outpost::agent
