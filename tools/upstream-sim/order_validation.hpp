// The Order API's field rules (seed 002, upstream-contract.md), as pure functions like
// validation.hpp's.
#pragma once

#include "validation.hpp"

#include <nlohmann/json.hpp>

namespace upstream_sim {

// PUT /orders/{id}/{action} body: "updated_at" required, RFC 3339 with an offset; "comment", when
// present and not null, a string. Other members are stored as sent.
FieldErrors validate_order_status_body(const nlohmann::json& body);

// POST /orders/{id}/order-item-stocks body: "items" a non-empty array of objects, each with a
// positive integer "order_item_id" and "stocks" a non-empty array of {"batch_code": non-empty
// string, "qty": positive integer}.
FieldErrors validate_order_item_stocks(const nlohmann::json& body);

// POST /admin/orders body (seeding): "id" a positive integer, "key_ssl" a non-empty string,
// "status" a known state (order_machine.hpp; default pending), "updated_at" RFC 3339 (default
// now), "items" an array of objects with a positive integer "id", a non-empty "material_code"
// and a positive integer "qty" ("batch_code" optional). Fills in the defaults.
FieldErrors validate_seeded_order(nlohmann::json& order, const std::string& now_rfc3339);

}  // namespace upstream_sim
