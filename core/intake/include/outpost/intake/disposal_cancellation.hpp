#pragma once
// Intake for WMS disposal cancellations (upstream-contract.md, "POST /wms/disposal/cancellation").
//
// Contract: prepare_disposal_cancellation() checks a producer's JSON against the contract and
// returns the operation to queue, or an Error naming the first offending field:
// disposal_instruction_no, reason and cancelled_by non-empty strings, entity_id a positive
// integer, cancelled_at RFC 3339 with an offset. The body is sent as given. The lane is the
// instruction's number, so two cancellations of one instruction never race each other.

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "outpost/common/expected.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::intake {

inline constexpr const char* kDisposalCancellationKind = "disposal-cancellation";
inline constexpr const char* kWmsUpstream = "wms";

Expected<outbox::NewOperation> prepare_disposal_cancellation(const nlohmann::json& cancellation,
                                                             const std::string& idempotency_key);

}  // namespace outpost::intake
