// SmartSeller's body rules for the four stock endpoints, as the simulator reads seed 004, as pure
// functions. Field names in errors are Laravel's dotted paths ("stock.0.amount"), as in the
// seed's error examples. Integers are JSON integers (not 1.0, not "1") up to 2^31-1.
//   update-stock:  variation_id >= 1; stock a non-empty array of {amount >= 1, status ADD|SUB
//                  (any case; the seed's example sends "add"), warehouse_id >= 0};
//                  move_warehouse_stock a boolean when present; description a string.
//   sync-stock:    variation_id >= 1; amount >= 0; exceptional_vendor_id >= 1 when present.
//   stock-opname:  warehouse_id >= 0; description a string; stock_adjustment a non-empty array
//                  of {variation_id >= 1, warehouse_stock >= 0}, each variation once.
//   stock-transfer: origin_warehouse_id and destination_warehouse_id >= 0 and different;
//                  description a string; stock_adjustment 1..100 entries of {variation_id >= 1,
//                  transfer_stock >= 1}, each variation once.
// Members the seed does not name are ignored (stored with the request, never acted on).
#pragma once

#include "validation.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>

namespace upstream_sim {

inline constexpr std::size_t smartseller_max_transfer_variations = 100;

FieldErrors validate_update_stock(const nlohmann::json& body);
FieldErrors validate_sync_stock(const nlohmann::json& body);
FieldErrors validate_stock_opname(const nlohmann::json& body);
FieldErrors validate_stock_transfer(const nlohmann::json& body);

}  // namespace upstream_sim
