#include "status_text.hpp"

namespace outpost::ctl {
namespace {

std::string text_of(const nlohmann::json& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
    return value.dump();
}

}  // namespace

std::string status_text(const nlohmann::json& status) {
    std::string out;
    out += "device    " + text_of(status.value("device_id", nlohmann::json())) + " (board " +
           text_of(status.value("board", nlohmann::json())) + ")\n";
    out += "link      " + text_of(status.value("link", nlohmann::json())) + "\n";
    const auto outbox = status.value("outbox", nlohmann::json::object());
    out += "outbox    pending " + text_of(outbox.value("pending", nlohmann::json())) + ", in flight " +
           text_of(outbox.value("in_flight", nlohmann::json())) + ", delivered " +
           text_of(outbox.value("delivered", nlohmann::json())) + ", dead " +
           text_of(outbox.value("dead", nlohmann::json())) + ", oldest pending " +
           text_of(outbox.value("oldest_pending_age_s", nlohmann::json())) + " s\n";
    const auto upstreams = status.value("upstreams", nlohmann::json::object());
    if (outbox.value("full", false)) {
        out += "WARNING   the outbox is full: new operations are refused until deliveries make room\n";
    }
    if (outbox.value("integrity", "") == "checking") {
        out += "NOTE      the outbox is being checked after start; delivery begins when the check passes\n";
    }
    if (const auto quarantine = outbox.value("quarantine", nlohmann::json()); quarantine.is_object()) {
        out += "WARNING   the outbox was damaged and moved aside to " + text_of(quarantine.value("moved_to", nlohmann::json())) +
               "; recover it with: outpostctl salvage FILE\n";
    }
    if (const auto certificate = status.value("client_certificate", nlohmann::json()); certificate.is_object()) {
        if (const auto warning = certificate.value("warning", nlohmann::json()); warning.is_string()) {
            out += "WARNING   " + warning.get<std::string>() + "\n";
        } else {
            out += "client    certificate valid until " + text_of(certificate.value("not_after", nlohmann::json())) +
                   " (" + text_of(certificate.value("days_left", nlohmann::json())) + " days left)\n";
        }
    }
    for (const auto& [name, upstream] : upstreams.items()) {
        out += "upstream  " + name + ": auth " + text_of(upstream.value("auth", nlohmann::json())) + ", circuit " +
               text_of(upstream.value("circuit", nlohmann::json())) + ", next attempt " +
               text_of(upstream.value("next_attempt_at", nlohmann::json())) +
               (upstream.value("stalled", false) ? ", STALLED" : "") +
               (upstream.value("rate_limited_until", nlohmann::json()).is_string()
                    ? ", rate limited until " + text_of(upstream["rate_limited_until"])
                    : std::string()) +
               ", last success " + text_of(upstream.value("last_success_at", nlohmann::json())) +
               ", last error " + text_of(upstream.value("last_error", nlohmann::json())) + "\n";
    }
    // A lane held behind a dead operation of a lane-blocking kind (an order's status chain): its
    // later operations wait for an operator.
    for (const auto& lane : status.value("parked_lanes", nlohmann::json::array())) {
        const std::string id = text_of(lane.value("dead_operation", nlohmann::json()));
        out += "PARKED    lane " + text_of(lane.value("lane", nlohmann::json())) + " waits behind dead operation " + id +
               ": " + text_of(lane.value("reason", nlohmann::json())) + " (outpostctl dead retry " + id +
               ", or dead drop " + id + " --reason TEXT)\n";
    }
    const auto catalog = status.value("catalog", nlohmann::json::object());
    const auto pulls = catalog.value("pulls", nlohmann::json::object());
    for (const auto& [name, pull] : pulls.items()) {
        out += "pull      " + name + ": last success " + text_of(pull.value("last_success_at", nlohmann::json())) +
               ", next " + text_of(pull.value("next_pull_at", nlohmann::json())) + ", last error " +
               text_of(pull.value("last_error", nlohmann::json())) + "\n";
    }
    if (catalog.value("flagged_since_start", 0) > 0) {
        out += "catalog   " + text_of(catalog.value("flagged_since_start", nlohmann::json())) +
               " operation(s) accepted unchecked (stale catalog) since start; see outpostctl catalog status\n";
    }
    if (const auto pick = status.value("pick_session", nlohmann::json()); pick.is_object()) {
        const bool picking = pick.value("state", "") == "picking";
        out += "pick      " + text_of(pick.value("state", nlohmann::json())) +
               (picking ? " order " + text_of(pick.value("order", nlohmann::json())) + ", lines picked " +
                              text_of(pick.value("lines_picked", nlohmann::json())) + ", remaining " +
                              text_of(pick.value("lines_remaining", nlohmann::json()))
                        : std::string()) +
               ", last: " + text_of(pick.value("last_message", nlohmann::json())) +
               (pick.value("scanner_error", "").empty() ? std::string()
                                                        : ", SCANNER: " + text_of(pick["scanner_error"])) +
               "\n";
    }
    return out;
}

}  // namespace outpost::ctl
