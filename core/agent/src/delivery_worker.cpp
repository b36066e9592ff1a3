#include "outpost/agent/delivery_worker.hpp"

#include <algorithm>
#include <utility>

#include "outpost/common/log.hpp"

namespace outpost::agent {

DeliveryWorker::DeliveryWorker(std::string upstream, outbox::Outbox& outbox, Deliver deliver,
                               BackoffSettings backoff, bool link_up)
    : upstream_(std::move(upstream)),
      outbox_(outbox),
      deliver_(std::move(deliver)),
      backoff_(backoff),
      jitter_(std::random_device{}()),
      link_up_(link_up) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() { thread_ = std::thread([this] { run(); }); }

void DeliveryWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::notify_enqueued() {
    {
        std::lock_guard lock(mutex_);
        work_signalled_ = true;
    }
    wake_.notify_all();
}

void DeliveryWorker::set_link_up(bool up) {
    {
        std::lock_guard lock(mutex_);
        link_up_ = up;
        work_signalled_ = true;
    }
    wake_.notify_all();
}

UpstreamStatus DeliveryWorker::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

std::chrono::milliseconds DeliveryWorker::backoff_delay(int attempts, const connectors::DeliveryResult& result) {
    // Full jitter: a random delay in [0, min(cap, base * 2^attempts)], so a fleet that failed
    // together does not retry together.
    const int exponent = std::min(attempts, 20);
    const auto ceiling = std::min(backoff_.cap, std::chrono::milliseconds(backoff_.base.count() * (1LL << exponent)));
    std::uniform_int_distribution<long long> pick(0, ceiling.count());
    auto delay = std::chrono::milliseconds(pick(jitter_));
    if (result.retry_after) delay = std::max<std::chrono::milliseconds>(delay, *result.retry_after);
    return delay;
}

bool DeliveryWorker::settle(const outbox::Operation& operation, const connectors::DeliveryResult& result) {
    const UnixMillis now = wall_clock_now_ms();
    Expected<void> settled;
    std::string error;
    switch (result.outcome) {
        case connectors::Outcome::Delivered:
        case connectors::Outcome::AlreadyDelivered:
            settled = outbox_.mark_delivered(operation.id, now);
            break;
        case connectors::Outcome::Permanent:
            error = result.message;
            settled = outbox_.mark_dead(operation.id, result.message);
            log::error(upstream_, "operation " + std::to_string(operation.id) + " (" + operation.kind +
                                      ", key " + operation.idempotency_key + ") moved to dead letters: " +
                                      result.message);
            break;
        case connectors::Outcome::AuthFailed:
            // Wrong credentials will not fix themselves in seconds: wait the full cap so the
            // login endpoint is not hammered.
            error = result.message;
            settled = outbox_.reschedule(operation.id, now + backoff_.cap.count(), result.message);
            break;
        case connectors::Outcome::Transient: {
            error = result.message;
            const auto delay = backoff_delay(operation.attempts, result);
            settled = outbox_.reschedule(operation.id, now + delay.count(), result.message);
            log::warning(upstream_, "operation " + std::to_string(operation.id) + " will be retried in " +
                                        std::to_string(delay.count()) + " ms: " + result.message);
            break;
        }
    }
    if (!settled) {
        log::error(upstream_, "recording the outcome of operation " + std::to_string(operation.id) +
                                  " failed (will retry): " + settled.error().describe());
        return false;
    }

    std::lock_guard lock(mutex_);
    status_.last_attempt_at = now;
    if (result.outcome == connectors::Outcome::Delivered || result.outcome == connectors::Outcome::AlreadyDelivered) {
        status_.last_success_at = now;
        status_.auth = "ok";
        ++status_.delivered_total;
    } else {
        status_.last_error = error;
        if (result.outcome == connectors::Outcome::AuthFailed) status_.auth = "failed";
    }
    return true;
}

void DeliveryWorker::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (!link_up_ || !work_signalled_) {
            wake_.wait(lock, [this] { return stopping_ || (link_up_ && work_signalled_); });
            continue;
        }
        work_signalled_ = false;
        lock.unlock();

        const UnixMillis now = wall_clock_now_ms();
        std::optional<UnixMillis> wake_at;
        if (unsettled_) {
            if (settle(unsettled_->first, unsettled_->second)) {
                unsettled_.reset();
                lock.lock();
                work_signalled_ = true;
                continue;
            }
            lock.lock();
            wake_.wait_for(lock, backoff_.base, [this] { return stopping_; });
            work_signalled_ = true;
            continue;
        }
        auto claimed = outbox_.claim_next(upstream_, now);
        if (!claimed) {
            log::error(upstream_, claimed.error().describe());
            wake_at = now + backoff_.base.count();
        } else if (claimed->has_value()) {
            const outbox::Operation& operation = **claimed;
            const auto result = deliver_(operation);
            if (!settle(operation, result)) unsettled_.emplace(operation, result);
            if (after_delivery_) after_delivery_();
            lock.lock();
            work_signalled_ = true;  // there may be more: look again right away
            continue;
        } else if (auto due = outbox_.next_due(upstream_); due && due->has_value()) {
            wake_at = **due;
        }

        lock.lock();
        if (wake_at && !work_signalled_) {
            // Nothing due now; sleep until the earliest retry, or until woken by new work.
            const auto wait_for = std::chrono::milliseconds(std::max<UnixMillis>(*wake_at - wall_clock_now_ms(), 1));
            wake_.wait_for(lock, wait_for, [this] { return stopping_ || work_signalled_; });
            work_signalled_ = true;
        }
    }
}

}  // namespace outpost::agent
