#pragma once
// The catalog's control commands (private to the agent), answered on the control thread:
//   catalog.status                 records, last pull and age per entity type, the policy,
//                                  the pullers' state, operations flagged since start
//   catalog.material {"code": C} | {"gtin": G}   one material, or a refusal naming what was asked
//   catalog.pull                   every puller pulls now (or as soon as the link is up)
//   catalog.order {"key_ssl": K} | {"order_id": N} | {"order": K or N}
//                                  one stored pick list with its items (each with its material
//                                  when the catalog knows it) and when it was pulled; "order" is
//                                  what an operator types or scans, resolved as the station's
//                                  order scan does (key_ssl first, then the order id when all
//                                  digits). An unknown order is refused naming it and how pick
//                                  lists get here.
//   catalog.orders {"status": S, "limit": N}   summaries of stored pick lists by order id, in
//                                  status S (all when absent or ""), at most N (default
//                                  kDefaultOrdersLimit, at most kMaxOrdersLimit: the answer is one
//                                  control frame), with the total that matched
// and the small catalog section of the status document (no database query: status is polled).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "outpost/agent/pull_worker.hpp"
#include "outpost/catalog/catalog.hpp"
#include "outpost/config/config.hpp"

namespace outpost::agent {

inline constexpr std::int64_t kDefaultOrdersLimit = 50;
inline constexpr std::int64_t kMaxOrdersLimit = 500;

struct CatalogCommandTargets {
    catalog::Catalog& catalog;
    std::vector<PullWorker*> pullers;  // of every upstream
    const config::CatalogConfig& policy;
    bool link_up;
    std::int64_t flagged_since_start;  // operations accepted with a catalog flag
    const std::string& last_flag;
};

// The answer, or nullopt when `command` is not a catalog command.
std::optional<nlohmann::json> handle_catalog_command(const std::string& command, const nlohmann::json& request,
                                                     const CatalogCommandTargets& targets);

nlohmann::json catalog_status_section(const CatalogCommandTargets& targets);

}  // namespace outpost::agent
