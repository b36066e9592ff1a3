#pragma once
// A circuit breaker per upstream: after `threshold` consecutive transient failures it opens and
// nothing is sent; after a jittered probe interval it lets exactly one request through
// (half-open); that probe's success closes it, its failure opens it again.
//
// Pure logic over a monotonic time the caller passes in, so tests drive it without waiting.
// Not thread-safe: the owner serialises calls (DeliveryWorker holds its mutex).

#include <chrono>
#include <random>

namespace outpost::agent {

struct BreakerSettings {
    int threshold = 5;                             // consecutive transient failures that open it
    std::chrono::milliseconds probe_interval{5000};  // open for 50..100 % of this, then one probe
};

class CircuitBreaker {
public:
    using Clock = std::chrono::steady_clock;
    enum class State { Closed, Open, HalfOpen };

    CircuitBreaker(BreakerSettings settings, unsigned seed) : settings_(settings), random_(seed) {}

    // May a request start now? In half-open, only the one probe may (and this call takes it).
    bool try_acquire(Clock::time_point now);
    // When a request could next be allowed (for sleeping); now when closed.
    [[nodiscard]] Clock::time_point next_allowed(Clock::time_point now) const;

    // Outcomes of requests that try_acquire() allowed. Returns true when this closed the
    // breaker after a successful probe (the caller makes waiting work due again).
    bool record_success();
    void record_transient_failure(Clock::time_point now);
    // An answer that says nothing about the upstream's health (e.g. refused login): releases a
    // half-open probe without changing state.
    void record_neutral();

    [[nodiscard]] State state() const { return state_; }
    [[nodiscard]] int consecutive_failures() const { return consecutive_failures_; }
    [[nodiscard]] Clock::time_point open_until() const { return open_until_; }

private:
    void open(Clock::time_point now);

    BreakerSettings settings_;
    std::minstd_rand random_;
    State state_ = State::Closed;
    int consecutive_failures_ = 0;
    bool probe_in_flight_ = false;
    Clock::time_point open_until_{};
};

const char* to_string(CircuitBreaker::State state);

}  // namespace outpost::agent
