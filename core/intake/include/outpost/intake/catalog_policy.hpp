#pragma once
// How far intake trusts the local catalog, and what a catalog check concluded (used by
// operation_kinds.hpp and catalog_checks.hpp).
//
// Why accept-and-flag is the default: the catalog is filled from WMS while the device is online.
// A handheld that has been offline for a weekend still has to let operators pick; refusing every
// order because the master data is two days old would stop the warehouse over data that rarely
// changes (materials). So a stale (or never filled) catalog only stops what it can still prove
// wrong (expired batches, bad quantities); everything else is accepted and flagged: the
// producer's answer says so, the agent logs it with the operation's id and key, and status counts
// it. Sites that would rather stop than send unchecked data set [catalog] stale_policy = "reject".

#include <chrono>
#include <string>

namespace outpost::intake {

struct CatalogPolicy {
    std::chrono::milliseconds max_age{std::chrono::hours(24)};  // older than this: stale
    bool reject_when_stale = false;
};

// The outcome of a catalog check that let an operation through.
struct CatalogVerdict {
    // Empty: checked against a fresh catalog. Otherwise why it was accepted without that check
    // (the catalog is stale or empty), for the producer's answer, the log and status.
    std::string flag;
};

}  // namespace outpost::intake
