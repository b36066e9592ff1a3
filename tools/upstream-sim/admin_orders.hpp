// The orders area's admin controls (plain HTTP, like admin_api.hpp):
//   POST /admin/orders       seed or replace one order: {"id", "key_ssl", "status" (pending),
//                            "updated_at" (now), "items": [{"id", "material_code", "qty",
//                            "batch_code"?, ...}]} -> 201 {"order": ...} | 400 | 422
//   GET  /admin/orders/{id}  {"order": ..., "changes": [{"seq", "idempotency_key", "action",
//                            "from", "to", "updated_at", "in_order", "device_id", "body",
//                            "accepted_at"}, ...]} in arrival order | 404
// Register before register_admin_api(), whose catch-all answers unknown POST paths.
#pragma once

#include "order_store.hpp"

#include <httplib.h>

namespace upstream_sim {

void register_orders_admin(httplib::Server& server, OrderStore& orders);

}  // namespace upstream_sim
