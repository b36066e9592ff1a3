#pragma once
// Builds the status document that `outpostctl status` prints (and --json shows verbatim).

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "outpost/agent/delivery_worker.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::agent {

struct StatusInputs {
    std::string device_id;
    std::string board;
    bool link_up = false;
    outbox::Counts counts;
    std::map<std::string, UpstreamStatus> upstreams;
    std::optional<outbox::Quarantine> quarantine;
};

nlohmann::json status_report(const StatusInputs& inputs);

}  // namespace outpost::agent
