#pragma once
// The crash test's verdict: what the producers were told, compared with what the upstream
// simulator applied (its /admin/accepted list).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "producer.hpp"

namespace outpost::testing {

struct CrashTally {
    std::int64_t acknowledged = 0;   // operations a producer got "ok": true for
    std::int64_t applied = 0;        // pickings the upstream accepted (acknowledged or not)
    std::int64_t applied_twice = 0;  // operations (picking_no) accepted more than once, under any key(s)
    std::int64_t lost = 0;           // acknowledged operations the upstream never accepted
    // Accepted pickings nobody produced, or accepted under a key that belongs to another
    // operation: each would be a bug of its own, spelled out.
    std::vector<std::string> problems;

    [[nodiscard]] std::string summary() const;  // the one line the test prints
};

// `accepted`: the "pickings" array of the simulator's /admin/accepted.
CrashTally tally(const std::vector<ProducedOperation>& produced, const nlohmann::json& accepted);

// Pickings that reached the upstream before an earlier picking of the same order (key_ssl), in
// the upstream's arrival order. Picking numbers are the "-P<n>" suffix of picking_no.
std::int64_t lane_order_violations(const nlohmann::json& accepted);

}  // namespace outpost::testing
