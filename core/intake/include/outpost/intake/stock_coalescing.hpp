#pragma once
// Coalescing rules for SmartSeller stock operations (seed 004; design.md, "intake"), as pure
// functions over the request bodies. Only merges that keep the meaning are allowed:
// - sync-stock sets an absolute amount: of two unsent syncs of one variation, the later wins.
// - update-stock adds or subtracts per warehouse: two unsent deltas of one variation and one
//   warehouse (and the same move_warehouse_stock) are summed into one (ADD or SUB of the net
//   amount; status compared in any case, written in upper case as the seed's table has it).
// Anything these rules do not cover (several warehouses in one body, differing options) has no
// coalesce key, or fails to merge, and is sent as it is. So does a sum that nets to zero (the
// seed has no "amount": 0, and an upstream may refuse it) or leaves 32 bits. The outbox records
// every merge and only merges into operations it has never handed out (an attempt may have been
// applied upstream, and a retry must carry the body that attempt carried).

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "outpost/common/expected.hpp"

namespace outpost::intake {

inline constexpr std::size_t kMaxMergedDescription = 255;

// "sync-stock/<variation_id>/<exceptional_vendor_id or ->"; nullopt when the body lacks them.
std::optional<std::string> stock_sync_coalesce_key(const nlohmann::json& body);
// The later body replaces the earlier one.
Expected<std::string> merge_stock_sync(const std::string& older, const std::string& newer);

// "update-stock/<variation_id>/<warehouse_id>/<move_warehouse_stock>"; nullopt unless the body
// holds exactly one stock entry.
std::optional<std::string> stock_delta_coalesce_key(const nlohmann::json& body);
// Sums the signed amounts; the result is ADD or SUB of the net amount. Both descriptions are
// kept ("picked; returned") while they fit kMaxMergedDescription characters; past that the
// first is kept (the audit rows hold every original).
Expected<std::string> merge_stock_delta(const std::string& older, const std::string& newer);

}  // namespace outpost::intake
