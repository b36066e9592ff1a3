// SMILE order integration (SIHA/SITB) and Order API, as seeds 000 and 002 name them and
// upstream-contract.md describes them:
//   PUT  /orders/{id}/{confirms|pendings|allocates|ships|fulfilled|validate|cancel}
//        {"comment", "updated_at"} -> 200 | 409 replay (original answer) | 404 unknown order |
//        422 invalid body or out of order for the order's state (order_machine.hpp) | 401 | 400
//   POST /orders/{id}/order-item-stocks
//        {"items": [{"order_item_id", "stocks": [{"batch_code", "qty"}]}]} -> 201 | 409 | 404 | 422
//   GET  /v2/order/{key_ssl}/integration  one order with its items (pick list) -> 200 | 404
//   GET  /v2/orders?status=S&page=P&paginate=N  orders (in status S), paged -> 200 | 422
// Every request needs a token from POST /auth/login (smile_login.hpp); mutating ones an
// Idempotency-Key (a replay is answered 409 with the original answer and applied once; the key
// reused for another request is 422). Orders exist only once seeded (POST /admin/orders).
#pragma once

#include "api_hooks.hpp"
#include "order_store.hpp"
#include "stats.hpp"
#include "store.hpp"

#include <httplib.h>

namespace upstream_sim {

// Registers the endpoints behind gate's common rules (so outages and per-path fault steps apply
// to them too). Everything must outlive the server.
void register_orders_api(httplib::Server& server, const ApiGate& gate, Store& store,
                         OrderStore& orders, Stats& stats);

}  // namespace upstream_sim
