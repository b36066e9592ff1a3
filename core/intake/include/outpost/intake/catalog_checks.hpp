#pragma once
// Intake's checks against the local catalog (the master data pulled from WMS), for the kinds
// that name catalog records. Each returns an Error naming the item and what is wrong, or a
// verdict (catalog_policy.hpp) that may carry a flag.
//
// Contract:
// - What does not need the catalog is always checked: a batch whose expired_date is before the
//   day of intake (in the offset of the order's picked_at, i.e. the warehouse's own calendar,
//   whatever the device's time zone) is refused.
// - With a fresh catalog (its relevant type pulled within the policy's max_age): every item must
//   name a material (material_code or gtin), each named code and GTIN must be in the catalog,
//   and when both are given they must be the same material.
// - With a stale or empty catalog (or no catalog, or one that cannot be read): the policy
//   decides: refused with the reason, or accepted with a flag saying why it was not checked.
// - Intake only reads the catalog; a check is a few indexed lookups per item.

#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "outpost/catalog/master_data.hpp"
#include "outpost/common/expected.hpp"
#include "outpost/intake/operation_kinds.hpp"

namespace outpost::intake {

// A DIN picking order's items (the order already passed prepare_picking_order).
Expected<CatalogVerdict> check_picking_items(const nlohmann::json& order, const IntakeContext& context);

// A WMS disposal cancellation: its entity_id must be a known entity.
Expected<CatalogVerdict> check_disposal_entity(const nlohmann::json& cancellation, const IntakeContext& context);

// Why the catalog cannot be trusted for `type` now (never pulled, too old, unreadable), or
// nullopt when it is fresh.
std::optional<std::string> catalog_staleness(const IntakeContext& context, catalog::EntityType type);

}  // namespace outpost::intake
