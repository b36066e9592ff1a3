#pragma once
// Builds the status document that `outpostctl status` prints (and --json shows verbatim).

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "outpost/agent/delivery_worker.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::agent {

struct UpstreamQueue {
    UpstreamStatus dispatcher;
    std::optional<UnixMillis> next_attempt_at;
};

struct StatusInputs {
    std::string device_id;
    std::string board;
    bool link_up = false;
    outbox::Counts counts;
    std::map<std::string, UpstreamQueue> upstreams;
    std::optional<outbox::Quarantine> quarantine;
    std::chrono::milliseconds stall_after{60000};
};

nlohmann::json status_report(const StatusInputs& inputs);

}  // namespace outpost::agent
