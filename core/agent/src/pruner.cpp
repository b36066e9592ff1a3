#include "outpost/agent/pruner.hpp"

#include "outpost/common/log.hpp"

namespace outpost::agent {

void Pruner::maybe_prune() {
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return;  // another thread is pruning right now
    const auto now = std::chrono::steady_clock::now();
    if (now < next_run_) return;
    next_run_ = now + std::chrono::minutes(1);
    const UnixMillis cutoff =
        wall_clock_now_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(retention_).count();
    auto pruned = outbox_.prune_delivered(cutoff);
    if (!pruned) {
        log::warning("outbox", "pruning delivered operations failed: " + pruned.error().message);
    } else if (*pruned > 0) {
        log::debug("outbox", "pruned " + std::to_string(*pruned) + " delivered operation(s)");
    }
}

}  // namespace outpost::agent
