#pragma once
// Intake for SmartSeller stock operations (seed 004: "Update Stock", "Sync Stock", "Create Stock
// Opname", "Create Stock Transfer"; upstream-contract.md, "SmartSeller").
//
// Contract:
// - Each prepare_*() checks a producer's JSON against the seed's body for its endpoint and returns
//   the operations to queue, or an Error naming the kind and the first offending field
//   ("invalid stock-update: stock[1].status must be ADD or SUB (got \"MUL\")"). Nothing is queued
//   for invalid input. Unknown fields are refused too: a misspelt optional field (say
//   "move_warehouse_stok") would otherwise be dropped by the upstream without a word.
// - Bodies are queued as the seed shows them. The one rewrite: stock[].status in upper case (the
//   seed's table says ADD or SUB, its example sends "add"), so coalescing compares like with like.
// - Pure functions of (payload, key), except that a split transfer queued without a producer key
//   gets a random base key (salvage always passes the stored key, so it re-checks the same way).
//
// Lanes (what must stay in order; lanes are independent of each other):
// - stock-update and stock-sync: "smartseller/variation/<variation_id>". An absolute sync and a
//   delta of one variation do not commute (sync 20 then ADD 5 is 25, the other way round 20), so
//   every change of one variation goes out in the order it was made. Variations do not affect
//   each other, so they are delivered in parallel, and coalescing (below) can merge the deltas of
//   one variation even when the operator scanned other variations in between.
// - stock-opname and stock-transfer: one lane, "smartseller/warehouses". Each touches many
//   variations (a transfer two warehouses), and counts and transfers of the same warehouse do not
//   commute, so these warehouse-level documents keep their order among themselves.
// - Not ordered: a variation's update/sync against an opname or transfer that lists it. A lane is
//   one string, and putting everything in one lane would serialise the whole shop and stop
//   coalescing across interleaved variations. docs/smartseller.md says what that means for an
//   operator (finish a stock count's queue before scanning deltas of the counted warehouse).
//
// Coalescing (stock_coalescing.hpp, applied by the outbox to unsent operations only):
// - stock-sync: key "sync-stock/<variation>/<exceptional_vendor_id or ->", the later amount wins.
// - stock-update with exactly one stock entry: key
//   "update-stock/<variation>/<warehouse>/<move|keep>", the signed amounts are summed.
// - stock-opname and stock-transfer are documents upstream: never merged.
//
// Splitting: stock-transfer takes at most kMaxTransferVariations variations per request (seed:
// "Maximum variation in one time making stock transfer is 100"). A larger transfer becomes
// ceil(n / 100) operations in the warehouses lane, queued in one transaction, with keys
// "<key>.part-<i>" and " (part i of n)" appended to the description; a transfer that fits keeps
// the producer's key and body unchanged.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "outpost/common/expected.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::intake {

inline constexpr const char* kSmartSellerUpstream = "smartseller";
inline constexpr const char* kStockUpdateKind = "stock-update";
inline constexpr const char* kStockSyncKind = "stock-sync";
inline constexpr const char* kStockOpnameKind = "stock-opname";
inline constexpr const char* kStockTransferKind = "stock-transfer";

inline constexpr std::size_t kMaxTransferVariations = 100;     // per request (the seed's limit)
inline constexpr std::size_t kMaxTransferTotal = 10'000;       // per enqueue: at most 100 parts
inline constexpr std::int64_t kMaxSmartSellerInteger = 2147483647;  // ids and amounts (32-bit)

inline constexpr const char* kWarehouseLane = "smartseller/warehouses";
std::string variation_lane(std::int64_t variation_id);

Expected<std::vector<outbox::NewOperation>> prepare_stock_update(const nlohmann::json& body, const std::string& key);
Expected<std::vector<outbox::NewOperation>> prepare_stock_sync(const nlohmann::json& body, const std::string& key);
Expected<std::vector<outbox::NewOperation>> prepare_stock_opname(const nlohmann::json& body, const std::string& key);
Expected<std::vector<outbox::NewOperation>> prepare_stock_transfer(const nlohmann::json& body, const std::string& key);

}  // namespace outpost::intake
