#include "outpost/agent/circuit_breaker.hpp"

namespace outpost::agent {

const char* to_string(CircuitBreaker::State state) {
    switch (state) {
        case CircuitBreaker::State::Closed: return "closed";
        case CircuitBreaker::State::Open: return "open";
        case CircuitBreaker::State::HalfOpen: return "half-open";
    }
    return "unknown";
}

bool CircuitBreaker::try_acquire(Clock::time_point now) {
    switch (state_) {
        case State::Closed: return true;
        case State::Open:
            if (now < open_until_) return false;
            state_ = State::HalfOpen;
            probe_in_flight_ = true;
            return true;
        case State::HalfOpen:
            if (probe_in_flight_) return false;
            probe_in_flight_ = true;
            return true;
    }
    return false;
}

CircuitBreaker::Clock::time_point CircuitBreaker::next_allowed(Clock::time_point now) const {
    if (state_ == State::Open && open_until_ > now) return open_until_;
    return now;
}

bool CircuitBreaker::record_success() {
    consecutive_failures_ = 0;
    probe_in_flight_ = false;
    const bool recovered = state_ != State::Closed;
    state_ = State::Closed;
    return recovered;
}

void CircuitBreaker::record_transient_failure(Clock::time_point now) {
    ++consecutive_failures_;
    if (state_ == State::HalfOpen || consecutive_failures_ >= settings_.threshold) open(now);
}

void CircuitBreaker::record_neutral() { probe_in_flight_ = false; }

void CircuitBreaker::open(Clock::time_point now) {
    // Jittered so a fleet whose upstream failed at one moment does not probe at one moment.
    const auto interval = settings_.probe_interval.count();
    std::uniform_int_distribution<long long> pick(interval / 2, interval);
    state_ = State::Open;
    probe_in_flight_ = false;
    open_until_ = now + std::chrono::milliseconds(pick(random_));
}

}  // namespace outpost::agent
