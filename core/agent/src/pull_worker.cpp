#include "outpost/agent/pull_worker.hpp"

#include <algorithm>
#include <utility>

#include "outpost/common/log.hpp"

namespace outpost::agent {

PullWorker::PullWorker(connectors::Puller& puller, HttpFactory make_http, PullSettings settings, bool link_up)
    : puller_(puller),
      make_http_(std::move(make_http)),
      settings_(settings),
      random_(std::random_device{}()),
      link_up_(link_up) {
    status_.name = puller_.name();
}

PullWorker::~PullWorker() { stop(); }

Expected<void> PullWorker::start() {
    auto http = make_http_();
    if (!http) return http.error();
    http_ = std::move(*http);
    {
        // A device that boots with the link up is one whose link just came back.
        std::lock_guard lock(mutex_);
        next_at_ = Clock::now() + jitter_locked(settings_.first_pull_jitter);
    }
    thread_ = std::thread([this] { run(); });
    return {};
}

void PullWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        stop_flag_ = true;
        ++generation_;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PullWorker::set_link_up(bool up) {
    {
        std::lock_guard lock(mutex_);
        if (up && !link_up_) {
            // Soon after the link comes back, unless a pull succeeded within the interval.
            next_at_ = std::max(next_at_, Clock::now() + jitter_locked(settings_.first_pull_jitter));
        }
        link_up_ = up;
        ++generation_;
    }
    wake_.notify_all();
}

void PullWorker::pull_now() {
    {
        std::lock_guard lock(mutex_);
        next_at_ = Clock::now();
        ++generation_;
    }
    wake_.notify_all();
}

PullStatus PullWorker::status() const {
    std::lock_guard lock(mutex_);
    PullStatus status = status_;
    if (link_up_ && !status.pulling) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_at_ - Clock::now());
        status.next_pull_at = wall_clock_now_ms() + std::max<std::int64_t>(0, wait.count());
    }
    return status;
}

std::chrono::milliseconds PullWorker::jitter_locked(std::chrono::milliseconds ceiling) {
    return std::chrono::milliseconds(std::uniform_int_distribution<long long>(0, ceiling.count())(random_));
}

void PullWorker::record_locked(const connectors::DeliveryResult& result, UnixMillis started_at) {
    const auto now = Clock::now();
    status_.last_attempt_at = started_at;
    switch (result.outcome) {
        case connectors::Outcome::Delivered:
        case connectors::Outcome::AlreadyDelivered:
            status_.consecutive_failures = 0;
            status_.last_success_at = wall_clock_now_ms();
            status_.last_result = result.message;
            status_.last_error.clear();
            ++status_.pulls_completed;
            next_at_ = now + puller_.interval();
            log::info(status_.name, result.message);
            return;
        case connectors::Outcome::Transient: {
            // Full jitter over an exponential ceiling, so a fleet that failed together does not
            // retry together; Retry-After is the earliest.
            const int exponent = std::min(status_.consecutive_failures, 20);
            const auto ceiling = std::min(
                settings_.backoff_cap, std::chrono::milliseconds(settings_.backoff_base.count() * (1LL << exponent)));
            auto delay = jitter_locked(ceiling);
            if (result.retry_after) delay = std::max<std::chrono::milliseconds>(delay, *result.retry_after);
            next_at_ = now + delay;
            log::warning(status_.name, "pull failed, retried in " + std::to_string(delay.count()) +
                                           " ms: " + result.message);
            break;
        }
        case connectors::Outcome::AuthFailed:
            next_at_ = now + settings_.backoff_cap;
            log::warning(status_.name, "pull failed, login refused; retried in " +
                                           std::to_string(settings_.backoff_cap.count()) + " ms: " + result.message);
            break;
        case connectors::Outcome::Permanent:
            // A retry will not fix it soon; keep the regular rhythm so it heals when the upstream does.
            next_at_ = now + puller_.interval();
            log::error(status_.name, "pull refused by the upstream: " + result.message);
            break;
    }
    ++status_.consecutive_failures;
    status_.last_error = result.message;
}

void PullWorker::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        const auto seen = generation_;
        auto woken = [&] { return stopping_ || generation_ != seen; };
        if (!link_up_) {
            wake_.wait(lock, woken);  // no timeout: offline, nothing to do until the link changes
            continue;
        }
        if (Clock::now() < next_at_) {
            wake_.wait_until(lock, next_at_, woken);
            continue;
        }
        status_.pulling = true;
        lock.unlock();
        const UnixMillis started_at = wall_clock_now_ms();
        const connectors::DeliveryResult result = puller_.pull(*http_, stop_flag_);
        lock.lock();
        status_.pulling = false;
        if (stopping_) break;  // an interrupted pull is neither a success nor a failure
        record_locked(result, started_at);
    }
}

}  // namespace outpost::agent
