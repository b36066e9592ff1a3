// Admin controls for the SmartSeller endpoints (plain HTTP, the admin listener):
//   GET  /admin/smartseller/stock[?variation_id=V]  {"stock": [{"variation_id", "warehouse_id", "stock"}]}
//   POST /admin/smartseller/stock      {"stock": [{"variation_id", "warehouse_id", "stock"}]}: set levels
//   GET  /admin/smartseller/requests   {"requests": [{"seq", "endpoint", "idempotency_key",
//                                       "device_id", "body", "applied_at_ms"}]} in arrival order
//   POST /admin/smartseller/api-key    {"api_key": "..."}: the key accepted from now on (the old
//                                       one is revoked: requests carrying it get 401)
// Register before register_admin_api(), whose catch-all would answer these POSTs with 404.
#pragma once

#include "smartseller_api.hpp"
#include "smartseller_store.hpp"

#include <httplib.h>

namespace upstream_sim {

void register_smartseller_admin(httplib::Server& server, SmartSellerStore& store, SmartSellerKey& key);

}  // namespace upstream_sim
