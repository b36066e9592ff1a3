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
// - A kind may also have a catalog check (catalog_checks.hpp): run by the agent after prepare()
//   succeeded, against the catalog in the context. It refuses what the catalog proves wrong
//   (unknown material, expired batch) and, when the catalog is stale or empty, applies the
//   context's policy: refuse, or accept with a flag. It is not part of prepare(), which stays a
//   pure function of the payload: salvage re-checks stored operations with prepare() only, since
//   they were accepted once and the catalog has moved on since.
// - Adding a kind means one entry in operation_kinds.cpp.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "outpost/common/clock.hpp"
#include "outpost/common/expected.hpp"
#include "outpost/intake/catalog_policy.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::catalog {
class Catalog;
}

namespace outpost::intake {

struct IntakeContext {
    std::string device_id;  // fills a body's device_id when the producer left it out
    UnixMillis now = 0;     // wall clock at intake (expiry checks)
    // The local catalog for catalog checks; null counts as an empty (stale) catalog.
    const catalog::Catalog* catalog = nullptr;
    CatalogPolicy catalog_policy{};
};

using Prepare = Expected<std::vector<outbox::NewOperation>> (*)(const nlohmann::json& payload,
                                                                  const std::string& idempotency_key,
                                                                  const IntakeContext& context);

// A refusal (Error naming the item and the reason) or a verdict, possibly with a flag.
using CheckCatalog = Expected<CatalogVerdict> (*)(const nlohmann::json& payload, const IntakeContext& context);

struct OperationKind {
    std::string_view name;         // e.g. "picking-order"
    std::string_view upstream;     // the [upstream.<name>] it is delivered to
    std::string_view description;  // one line, for `outpostctl kinds`
    Prepare prepare;
    CheckCatalog check_catalog = nullptr;  // null: nothing in this kind is in the catalog
};

std::span<const OperationKind> operation_kinds();
const OperationKind* find_operation_kind(std::string_view name);

// One operation as the only element (for kinds that never split).
Expected<std::vector<outbox::NewOperation>> single(Expected<outbox::NewOperation> operation);

}  // namespace outpost::intake
