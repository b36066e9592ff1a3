#include "outpost/agent/agent.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "hal/network_link.hpp"
#include "hal/sim/sim_network_link.hpp"
#include "outpost/agent/control_server.hpp"
#include "outpost/agent/delivery_worker.hpp"
#include "outpost/agent/pruner.hpp"
#include "outpost/agent/status_report.hpp"
#include "outpost/common/log.hpp"
#include "outpost/connectors/din_connector.hpp"
#include "outpost/intake/picking_order.hpp"
#include "outpost/outbox/outbox.hpp"
#include "outpost/transport/http_client.hpp"

namespace outpost::agent {

struct Agent::Parts {
    config::Config config;
    hal::NetworkLink* link = nullptr;
    hal::sim::SimNetworkLink* sim_link = nullptr;
    int wake_fd = -1;
    std::atomic<bool> stopping{false};
    std::unique_ptr<outbox::Outbox> outbox;
    std::unique_ptr<connectors::DinConnector> din;
    std::unique_ptr<DeliveryWorker> din_worker;
    std::unique_ptr<ControlServer> control;

    ~Parts() {
        if (link != nullptr) link->set_observer({});
        din_worker.reset();  // joins before the connector and outbox it uses go away
        if (wake_fd >= 0) ::close(wake_fd);
    }

    std::vector<nlohmann::json> handle(const std::vector<nlohmann::json>& requests);
    nlohmann::json handle_one(const nlohmann::json& request);
    nlohmann::json handle_dead_letters(const std::string& command, const nlohmann::json& request);
};

namespace {

nlohmann::json failure(const std::string& message) { return {{"ok", false}, {"error", message}}; }

}  // namespace

std::vector<nlohmann::json> Agent::Parts::handle(const std::vector<nlohmann::json>& requests) {
    std::vector<nlohmann::json> answers(requests.size());
    // Enqueues of one turn share one transaction (group commit); everything else is answered
    // on its own.
    std::vector<outbox::NewOperation> batch;
    std::vector<std::size_t> batch_positions;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const nlohmann::json& request = requests[i];
        if (request.value("cmd", "") != "enqueue") {
            answers[i] = handle_one(request);
            continue;
        }
        const std::string kind = request.value("kind", "");
        if (kind != intake::kPickingOrderKind) {
            answers[i] = failure("unknown operation kind '" + kind + "' (known: picking-order)");
            continue;
        }
        const auto key = request.find("idempotency_key");
        if (key != request.end() && (!key->is_string() || key->get_ref<const std::string&>().size() > 200)) {
            answers[i] = failure("idempotency_key must be a string of at most 200 characters");
            continue;
        }
        auto prepared = intake::prepare_picking_order(request.value("payload", nlohmann::json()),
                                                      key != request.end() ? key->get<std::string>() : "",
                                                      config.device_id);
        if (!prepared) {
            answers[i] = failure(prepared.error().message);
            continue;
        }
        batch.push_back(std::move(*prepared));
        batch_positions.push_back(i);
    }
    if (batch.empty()) return answers;

    auto stored = outbox->enqueue(batch);
    for (std::size_t j = 0; j < batch.size(); ++j) {
        const std::size_t i = batch_positions[j];
        if (!stored) {
            answers[i] = failure("not queued: " + stored.error().message);
            continue;
        }
        const auto& result = (*stored)[j];
        if (!result) {
            answers[i] = failure("not queued: " + result.error().message);
            continue;
        }
        answers[i] = {{"ok", true}, {"id", result->id}, {"idempotency_key", result->idempotency_key},
                      {"duplicate", result->duplicate}, {"coalesced", result->coalesced}};
    }
    if (stored) {
        log::debug("intake", "queued " + std::to_string(batch.size()) + " operation(s) in one commit");
        din_worker->notify_enqueued();
    } else {
        log::error("intake", stored.error().describe());
    }
    return answers;
}

nlohmann::json Agent::Parts::handle_one(const nlohmann::json& request) {
    const std::string command = request.value("cmd", "");
    if (command == "status") {
        auto counts = outbox->counts();
        if (!counts) return failure(counts.error().message);
        auto next_due = outbox->next_due("din");
        if (!next_due) return failure(next_due.error().message);
        auto parked = outbox->parked_lanes();
        if (!parked) return failure(parked.error().message);
        StatusInputs inputs{config.device_id, config.board, link->is_up(), *counts,
                            {{"din", UpstreamQueue{din_worker->status(), *next_due}}}, outbox->quarantine()};
        nlohmann::json answer = status_report(inputs);
        answer["parked_lanes"] = nlohmann::json::array();
        for (const auto& lane : *parked) {
            answer["parked_lanes"].push_back(
                {{"lane", lane.lane}, {"dead_operation", lane.dead_operation}, {"reason", lane.reason}});
        }
        answer["ok"] = true;
        return answer;
    }
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
        auto report = outbox->salvage(path->get<std::string>(), [](const outbox::NewOperation& operation) {
            if (operation.kind != intake::kPickingOrderKind) return false;
            const auto payload = nlohmann::json::parse(operation.payload, nullptr, false);
            return !payload.is_discarded() && intake::prepare_picking_order(payload, operation.idempotency_key, "")
                                                  .has_value();
        });
        if (!report) return failure(report.error().message);
        log::info("outbox", "salvaged " + std::to_string(report->recovered) + " operation(s) from " +
                                path->get<std::string>() + " (" + std::to_string(report->already_known) +
                                " already known, " + std::to_string(report->unreadable) + " unreadable, " +
                                std::to_string(report->rejected) + " damaged)");
        din_worker->notify_enqueued();
        return {{"ok", true},
                {"recovered", report->recovered},
                {"already_known", report->already_known},
                {"delivered_skipped", report->delivered_skipped},
                {"unreadable", report->unreadable},
                {"rejected", report->rejected}};
    }
    if (command.rfind("dead.", 0) == 0) return handle_dead_letters(command, request);
    return failure("unknown command '" + command +
                   "' (known: enqueue, status, salvage, dead.list, dead.show, dead.retry, dead.drop, sim.link)");
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
                          {"last_error", operation.last_error}};
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
        din_worker->notify_enqueued();
        return {{"ok", true}};
    }
    if (command == "dead.drop") {
        auto dropped = outbox->drop_dead(operation_id, reason);
        if (!dropped) return failure(dropped.error().message);
        log::warning("outbox", "dead letter " + std::to_string(operation_id) + " dropped by an operator: " + reason);
        din_worker->notify_enqueued();  // its lane may have been parked
        return {{"ok", true}};
    }
    return failure("unknown command '" + command + "'");
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

    parts->din = std::make_unique<connectors::DinConnector>(
        connectors::DinSettings{config.din.base_url, config.din.username, config.din.password, config.device_id});

    auto control = ControlServer::listen(config.control_socket, parts->wake_fd);
    if (!control) return control.error();
    parts->control = std::move(*control);

    const transport::TlsSettings tls{config.tls.ca_file, config.tls.cert_file, config.tls.key_file};
    const transport::Timeouts timeouts{config.din.connect_timeout, config.din.request_timeout};
    DispatchSettings dispatch;
    dispatch.backoff_base = config.delivery.backoff_base;
    dispatch.backoff_cap = config.delivery.backoff_cap;
    dispatch.first_flush_jitter = config.delivery.first_flush_jitter;
    dispatch.breaker = {config.delivery.breaker_threshold, config.delivery.breaker_probe_interval};
    dispatch.concurrency = config.din.concurrency;
    parts->din_worker = std::make_unique<DeliveryWorker>(
        "din", *parts->outbox, *parts->din, [tls, timeouts] { return transport::HttpClient::create(tls, timeouts); },
        dispatch, link.is_up());
    parts->din_worker->set_after_delivery(
        [pruner = std::make_shared<Pruner>(*parts->outbox, config.retention)] { pruner->maybe_prune(); });
    DeliveryWorker* worker = parts->din_worker.get();
    link.set_observer([worker](bool up) {
        log::info("link", up ? "link up: delivery resumes" : "link down: delivery paused");
        worker->set_link_up(up);
    });
    return std::unique_ptr<Agent>(new Agent(std::move(parts)));
}

Expected<void> Agent::run() {
    Parts& parts = *parts_;
    if (auto started = parts.din_worker->start(); !started) return started;
    log::info("agent", "ready: device " + parts.config.device_id + ", board " + parts.config.board + ", link " +
                           (parts.link->is_up() ? "up" : "down") + ", control socket " + parts.config.control_socket);
    while (!parts.stopping.load()) {
        auto turn = parts.control->poll_once([&parts](const std::vector<nlohmann::json>& requests) {
            return parts.handle(requests);
        });
        if (!turn) {
            parts.din_worker->stop();
            return turn;
        }
    }
    parts.din_worker->stop();
    log::info("agent", "stopped");
    return {};
}

void Agent::stop() {
    parts_->stopping = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(parts_->wake_fd, &one, sizeof one);
}

}  // namespace outpost::agent
