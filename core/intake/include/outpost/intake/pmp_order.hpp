#pragma once
// Intake for PMP Smart JSON orders (seed 001, upstream-contract.md "PMP Smart"):
//   pmp-order-insert  POST /api/v1/json/order         {"kode_order", "json_data", "status"}
//   pmp-order-update  POST /api/v1/json/order/update  the same body
//
// Contract:
// - The producer gives json_data as a JSON object; intake checks it and serialises it into the
//   string the API wants ("json_data": "{\"key\":\"value\"}"), so the stored payload is the
//   request body as sent. A string is accepted only when it holds a JSON object, and is kept as
//   it is (so a stored payload passes this check again, as salvage requires). kode_order and
//   status are non-empty strings. Other members are refused: the API documents exactly three.
// - Lane: one per kode_order ("pmp/<kode_order>"), shared by insert and update, so an update is
//   never sent before the insert of its order.
// - An insert blocks its lane when it fails for good (dead letter): the order's updates then
//   wait for an operator (`outpostctl dead retry|drop`) instead of being sent for an order the
//   upstream does not have. An update does not block: each update carries the order's whole
//   json_data and status, so a later update supersedes a refused one.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "outpost/common/expected.hpp"
#include "outpost/intake/operation_kinds.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::intake {

inline constexpr const char* kPmpInsertKind = "pmp-order-insert";
inline constexpr const char* kPmpUpdateKind = "pmp-order-update";
inline constexpr const char* kPmpUpstream = "pmp";

// Operation kinds' Prepare functions (operation_kinds.hpp): one operation, or the Error.
Expected<std::vector<outbox::NewOperation>> prepare_pmp_insert(const nlohmann::json& order,
                                                               const std::string& idempotency_key,
                                                               const IntakeContext& context);
Expected<std::vector<outbox::NewOperation>> prepare_pmp_update(const nlohmann::json& order,
                                                               const std::string& idempotency_key,
                                                               const IntakeContext& context);

}  // namespace outpost::intake
