#pragma once
// Prunes delivered operations past their retention, at most once a minute, a batch at a time.
// Runs on the delivery thread after deliveries: an idle or offline agent does no maintenance.
// Thread-safe: every delivery thread of every upstream calls it; one of them prunes, the others
// return at once.

#include <chrono>
#include <mutex>

#include "outpost/outbox/outbox.hpp"

namespace outpost::agent {

class Pruner {
public:
    Pruner(outbox::Outbox& outbox, std::chrono::hours retention) : outbox_(outbox), retention_(retention) {}
    void maybe_prune();

private:
    outbox::Outbox& outbox_;
    std::chrono::hours retention_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point next_run_{};  // guarded by mutex_
};

}  // namespace outpost::agent
