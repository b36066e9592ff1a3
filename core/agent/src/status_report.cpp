#include "outpost/agent/status_report.hpp"

#include <algorithm>

#include "outpost/common/clock.hpp"
#include "outpost/transport/library_versions.hpp"

namespace outpost::agent {
namespace {

nlohmann::json optional_time(const std::optional<UnixMillis>& at) {
    return at ? nlohmann::json(format_rfc3339_utc(*at)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json status_report(const StatusInputs& inputs) {
    const UnixMillis now = wall_clock_now_ms();
    nlohmann::json outbox = {{"pending", inputs.counts.pending},
                             {"in_flight", inputs.counts.in_flight},
                             {"delivered", inputs.counts.delivered},
                             {"dead", inputs.counts.dead}};
    outbox["oldest_pending_age_s"] =
        inputs.counts.oldest_pending_created_at
            ? nlohmann::json((now - *inputs.counts.oldest_pending_created_at) / 1000)
            : nlohmann::json(nullptr);
    outbox["undelivered_bytes"] = inputs.counts.undelivered_bytes;
    outbox["enqueue_commits"] = inputs.counts.enqueue_commits;
    outbox["enqueued_operations"] = inputs.counts.enqueued_operations;
    outbox["max_operations"] = inputs.counts.limits.max_operations;
    outbox["max_bytes"] = inputs.counts.limits.max_bytes;
    // Back-pressure is on: producers are being refused until deliveries make room.
    outbox["full"] = inputs.counts.limit_reached;
    outbox["quarantine"] = inputs.quarantine
                               ? nlohmann::json{{"moved_to", inputs.quarantine->moved_to},
                                                {"reason", inputs.quarantine->reason}}
                               : nlohmann::json(nullptr);
    nlohmann::json upstreams = nlohmann::json::object();
    for (const auto& [name, queue_in] : inputs.upstreams) {
        UpstreamQueue queue = queue_in;
        const UpstreamStatus& status = queue.dispatcher;
        // The next attempt is the later of what the queue holds and what holds the upstream back.
        if (queue.next_attempt_at && status.paused_until) {
            queue.next_attempt_at = std::max(*queue.next_attempt_at, *status.paused_until);
        }
        // The jittered first flush after start or link up holds everything until its moment.
        const bool flush_pending = inputs.link_up && status.first_flush_at > now;
        if (queue.next_attempt_at && flush_pending) {
            queue.next_attempt_at = std::max(*queue.next_attempt_at, status.first_flush_at);
        }
        // Stalled: work is overdue by more than stall_after although nothing holds it back
        // (link up, circuit closed, login fine). Something is wrong in the agent itself.
        const UnixMillis last_activity = std::max(status.ready_since, status.last_attempt_at.value_or(0));
        const bool stalled = inputs.link_up && status.circuit == "closed" && status.auth != "failed" &&
                             queue.next_attempt_at && *queue.next_attempt_at <= now &&
                             now - last_activity > inputs.stall_after.count();
        upstreams[name] = {{"link", inputs.link_up ? "up" : "down"},
                           {"auth", status.auth},
                           {"circuit", status.circuit},
                           {"consecutive_failures", status.consecutive_failures},
                           {"next_attempt_at", optional_time(queue.next_attempt_at)},
                           {"next_attempt_in_ms", queue.next_attempt_at
                                                      ? nlohmann::json(std::max<UnixMillis>(0, *queue.next_attempt_at - now))
                                                      : nlohmann::json(nullptr)},
                           {"stalled", stalled},
                           {"first_flush_at", flush_pending ? optional_time(status.first_flush_at)
                                                            : nlohmann::json(nullptr)},
                           {"last_success_at", optional_time(status.last_success_at)},
                           {"last_attempt_at", optional_time(status.last_attempt_at)},
                           {"last_error", status.last_error},
                           {"delivered_since_start", status.delivered_total}};
    }
    const auto versions = transport::library_versions();
    return {{"device_id", inputs.device_id},
            {"board", inputs.board},
            {"link", inputs.link_up ? "up" : "down"},
            {"outbox", outbox},
            {"upstreams", upstreams},
            {"versions", {{"libcurl", versions.libcurl}, {"tls", versions.tls_backend}}}};
}

}  // namespace outpost::agent
