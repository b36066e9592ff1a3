#pragma once
// Every kind of operation a producer can queue, and how each is checked and shaped for the outbox.
//
// Contract:
// - find_operation_kind() returns the kind registered under a name, or nullptr.
// - A kind's prepare() checks a producer's JSON payload and returns the operations to queue (most
//   kinds: one; a kind whose upstream takes at most N items per request returns several, each
//   with an idempotency key derived from the producer's, in one lane so they go in order), or an
//   Error naming the first offending field. It is a pure function of its inputs: nothing is
//   queued for invalid input, and the same payload and key always give the same operations
//   (salvage re-checks stored operations through it).
// - Adding a kind means one entry in operation_kinds.cpp.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "outpost/common/clock.hpp"
#include "outpost/common/expected.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::intake {

struct IntakeContext {
    std::string device_id;  // fills a body's device_id when the producer left it out
    UnixMillis now = 0;     // wall clock at intake (expiry checks)
};

using Prepare = Expected<std::vector<outbox::NewOperation>> (*)(const nlohmann::json& payload,
                                                                  const std::string& idempotency_key,
                                                                  const IntakeContext& context);

struct OperationKind {
    std::string_view name;         // e.g. "picking-order"
    std::string_view upstream;     // the [upstream.<name>] it is delivered to
    std::string_view description;  // one line, for `outpostctl kinds`
    Prepare prepare;
};

std::span<const OperationKind> operation_kinds();
const OperationKind* find_operation_kind(std::string_view name);

// One operation as the only element (for kinds that never split).
Expected<std::vector<outbox::NewOperation>> single(Expected<outbox::NewOperation> operation);

}  // namespace outpost::intake
