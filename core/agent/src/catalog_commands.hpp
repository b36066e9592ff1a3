#pragma once
// The catalog's control commands (private to the agent), answered on the control thread:
//   catalog.status                 records, last pull and age per entity type, the policy,
//                                  the pullers' state, operations flagged since start
//   catalog.material {"code": C} | {"gtin": G}   one material, or a refusal naming what was asked
//   catalog.pull                   every puller pulls now (or as soon as the link is up)
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
