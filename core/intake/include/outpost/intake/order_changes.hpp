#pragma once
// Intake for the SMILE Order API (seed 002; upstream-contract.md, "SMILE order integration (SIHA/SITB)
// and Order API"): status changes and picked batches of one order.
//
// Contract:
// - prepare_order_status() checks {"order_id", "status", "comment", "updated_at"} and returns one
//   operation of kind "order-status" for PUT /orders/{order_id}/{status}. `status` is one of
//   kOrderStatusActions (the Order API's path segments, spelt as the seed spells them);
//   `updated_at` is RFC 3339 with an offset; `comment` is optional (a string).
// - prepare_order_item_stocks() checks {"order_id", "items": [{"order_item_id", "stocks":
//   [{"batch_code", "qty"}]}]} (positive integers, non-empty batch codes, no order item or batch
//   listed twice) and returns one operation of kind "order-item-stocks" for
//   POST /orders/{order_id}/order-item-stocks.
// - Both put the operation in the order's lane (order_lane()), so an order's status changes and
//   its picked batches go out in the order they were made, and both set blocks_lane: when one of
//   them is refused for good, the order's later changes wait (the lane is parked, status shows
//   it) until an operator retries or drops it, instead of overtaking it. Other orders go on.
// - The stored payload is the checked request with the order id in it; the connector takes the
//   URL's parts out of it and sends the rest as the body.
// - Unknown fields are refused (a misspelt "updatedAt" must not vanish). Errors name the field.
// - Transitions themselves (confirms before allocates before ships) are the upstream's to check:
//   intake sees one change at a time and the order's state lives upstream.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "outpost/common/expected.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::intake {

inline constexpr const char* kOrderStatusKind = "order-status";
inline constexpr const char* kOrderItemStocksKind = "order-item-stocks";
inline constexpr const char* kSmileOrdersUpstream = "smile-orders";

// PUT /orders/{id}/<action> (seed 002).
inline constexpr std::array<std::string_view, 7> kOrderStatusActions = {
    "confirms", "pendings", "allocates", "ships", "fulfilled", "validate", "cancel"};

// "smile-orders/<order_id>": every change of one order, in the order it was made.
std::string order_lane(std::int64_t order_id);

Expected<outbox::NewOperation> prepare_order_status(const nlohmann::json& change, const std::string& idempotency_key);
Expected<outbox::NewOperation> prepare_order_item_stocks(const nlohmann::json& stocks,
                                                         const std::string& idempotency_key);

}  // namespace outpost::intake
