// The simulator's reading of a SMILE order's life (seed 002 names the actions, not the states;
// this is the simulator's own, documented in README.md), as pure functions:
//
//   draft --validate--> pending --confirms--> confirmed --allocates--> allocated --ships--> shipped
//                          ^                     |                         |                   |
//                          +------pendings-------+---------pendings--------+              --fulfilled-->
//                                                                                              v
//   cancel: draft, pending, confirmed or allocated --> cancelled                           fulfilled
//
// Picked batches (POST /orders/{id}/order-item-stocks) are taken while an order is confirmed or
// allocated. Anything else is out of order: the API answers 422 and changes nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace upstream_sim {

// The status `action` (confirms, pendings, allocates, ships, fulfilled, validate, cancel) leads to
// from `from`; nullopt when the action does not apply there (or is unknown).
std::optional<std::string> next_order_status(std::string_view action, std::string_view from);

// "pending or confirmed": the states `action` applies to, for error messages.
std::string order_action_sources(std::string_view action);

bool is_order_action(std::string_view action);
bool is_order_status(std::string_view status);  // draft, pending, confirmed, ..., cancelled

bool order_takes_item_stocks(std::string_view status);

}  // namespace upstream_sim
