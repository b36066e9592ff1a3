#include "crash_tally.hpp"

#include <map>

namespace outpost::testing {

std::string CrashTally::summary() const {
    return "acknowledged=" + std::to_string(acknowledged) + " applied=" + std::to_string(applied) +
           " applied_twice=" + std::to_string(applied_twice) + " lost=" + std::to_string(lost);
}

CrashTally tally(const std::vector<ProducedOperation>& produced, const nlohmann::json& accepted) {
    CrashTally result;
    std::map<std::string, const ProducedOperation*> by_picking_no;
    for (const auto& operation : produced) {
        by_picking_no[operation.picking_no] = &operation;
        if (operation.acknowledged) ++result.acknowledged;
    }

    // Counted by picking_no, the operation's identity, so that one operation applied under two
    // different keys counts as applied twice just like one key applied twice.
    std::map<std::string, std::int64_t> times_applied;
    for (const auto& picking : accepted) {
        ++result.applied;
        const std::string picking_no = picking.value("picking_no", "");
        const std::string key = picking.value("idempotency_key", "");
        ++times_applied[picking_no];
        const auto known = by_picking_no.find(picking_no);
        if (known == by_picking_no.end()) {
            result.problems.push_back("accepted a picking nobody produced: " + picking.dump());
        } else if (known->second->idempotency_key != key) {
            result.problems.push_back("picking " + picking_no + " accepted under key " + key + ", produced with " +
                                      known->second->idempotency_key);
        }
    }
    for (const auto& [picking_no, times] : times_applied) {
        if (times > 1) ++result.applied_twice;
    }
    for (const auto& operation : produced) {
        if (operation.acknowledged && !times_applied.contains(operation.picking_no)) ++result.lost;
    }
    return result;
}

std::int64_t lane_order_violations(const nlohmann::json& accepted) {
    std::int64_t violations = 0;
    std::map<std::string, long> last_in_lane;
    for (const auto& picking : accepted) {
        const std::string key_ssl = picking.value("key_ssl", "");
        const std::string picking_no = picking.value("picking_no", "");
        const auto marker = picking_no.rfind("-P");
        if (marker == std::string::npos) continue;
        const long number = std::stol(picking_no.substr(marker + 2));
        const auto last = last_in_lane.find(key_ssl);
        if (last != last_in_lane.end() && number < last->second) ++violations;
        last_in_lane[key_ssl] = number;
    }
    return violations;
}

}  // namespace outpost::testing
