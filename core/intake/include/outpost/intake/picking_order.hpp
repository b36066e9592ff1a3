#pragma once
// Intake for DIN post-picking orders (upstream-contract.md, "POST /ssl/ifp/picking/order").
//
// Contract: prepare_picking_order() checks a producer's JSON against the contract's rules and
// either returns the operation to queue (lane = key_ssl, so partial picks of one order are
// delivered in the order they were made) or an Error naming the first offending field. Nothing
// is queued for invalid input: an error here is the producer's to fix, not the upstream's.

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "outpost/common/expected.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::intake {

inline constexpr const char* kPickingOrderKind = "picking-order";
inline constexpr const char* kDinUpstream = "din";

// `device_id` fills the body's device_id when the producer left it out.
Expected<outbox::NewOperation> prepare_picking_order(const nlohmann::json& order,
                                                     const std::string& idempotency_key,
                                                     const std::string& device_id);

// Format checks shared by the intake rules (exposed for tests).
bool is_calendar_date(const std::string& text);      // YYYY-MM-DD, a real date
bool is_rfc3339_with_offset(const std::string& text);  // 2026-11-23T10:15:00+07:00 or ...Z

}  // namespace outpost::intake
