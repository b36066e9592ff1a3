#pragma once
// Intake for the Sales Order API (seed 003, upstream-contract.md "Sales Order API"):
// POST /api/v1/sales-orders with
//   {"customer_code", "site_code", "sales_name", "address", "purchase_order_no" (optional, may be
//    null), "products": [{"product_code", "quantity"}, ...]}
//
// Contract: prepare_sales_order() checks a producer's JSON against the seed's body and returns
// the operation to queue, or an Error naming the first offending field. Rules: the four
// required strings are non-empty; purchase_order_no, when present, is a string or null;
// products is a non-empty array of objects, each with a non-empty product_code and a quantity
// that is a positive integer (the seed's example is 10; 2.5 or "10" are refused here rather than
// by the upstream, days later). Other members are passed through unchanged. Lane: one per
// customer_code, so one customer's orders reach the upstream in the order they were taken.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "outpost/common/expected.hpp"
#include "outpost/intake/operation_kinds.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::intake {

inline constexpr const char* kSalesOrderKind = "sales-order";
inline constexpr const char* kSalesOrderUpstream = "sales-order";

// An operation kind's Prepare (operation_kinds.hpp): one operation, or the Error.
Expected<std::vector<outbox::NewOperation>> prepare_sales_order(const nlohmann::json& order,
                                                                const std::string& idempotency_key,
                                                                const IntakeContext& context);

}  // namespace outpost::intake
