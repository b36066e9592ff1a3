// The circuit breaker, driven with a fake monotonic time.

#include <gtest/gtest.h>

#include "outpost/agent/circuit_breaker.hpp"

namespace outpost::agent {
namespace {

using namespace std::chrono_literals;
using State = CircuitBreaker::State;

TEST(CircuitBreaker, OpensAfterThresholdConsecutiveTransientFailures) {
    CircuitBreaker breaker({3, 1000ms}, 1);
    const auto t0 = CircuitBreaker::Clock::time_point{} + 1h;
    for (int i = 0; i < 2; ++i) {
        ASSERT_TRUE(breaker.try_acquire(t0));
        breaker.record_transient_failure(t0);
        EXPECT_EQ(breaker.state(), State::Closed);
    }
    breaker.record_success();  // a success in between resets the count
    for (int i = 0; i < 3; ++i) breaker.record_transient_failure(t0);
    EXPECT_EQ(breaker.state(), State::Open);
    EXPECT_FALSE(breaker.try_acquire(t0));
    // Open for 50..100 % of the probe interval.
    EXPECT_GE(breaker.open_until(), t0 + 500ms);
    EXPECT_LE(breaker.open_until(), t0 + 1000ms);
}

TEST(CircuitBreaker, HalfOpenLetsExactlyOneProbeThrough) {
    CircuitBreaker breaker({1, 1000ms}, 2);
    const auto t0 = CircuitBreaker::Clock::time_point{} + 1h;
    breaker.record_transient_failure(t0);
    const auto later = t0 + 1001ms;
    EXPECT_TRUE(breaker.try_acquire(later));
    EXPECT_EQ(breaker.state(), State::HalfOpen);
    EXPECT_FALSE(breaker.try_acquire(later)) << "a second request went out while probing";
    EXPECT_TRUE(breaker.record_success()) << "a successful probe must report the recovery";
    EXPECT_EQ(breaker.state(), State::Closed);
    EXPECT_TRUE(breaker.try_acquire(later));
}

TEST(CircuitBreaker, FailedProbeOpensAgain) {
    CircuitBreaker breaker({1, 1000ms}, 3);
    const auto t0 = CircuitBreaker::Clock::time_point{} + 1h;
    breaker.record_transient_failure(t0);
    const auto later = t0 + 1001ms;
    ASSERT_TRUE(breaker.try_acquire(later));
    breaker.record_transient_failure(later);
    EXPECT_EQ(breaker.state(), State::Open);
    EXPECT_FALSE(breaker.try_acquire(later + 1ms));
    EXPECT_GE(breaker.next_allowed(later), later + 500ms);
}

TEST(CircuitBreaker, NeutralOutcomeReleasesTheProbe) {
    CircuitBreaker breaker({1, 1000ms}, 4);
    const auto t0 = CircuitBreaker::Clock::time_point{} + 1h;
    breaker.record_transient_failure(t0);
    ASSERT_TRUE(breaker.try_acquire(t0 + 2s));
    breaker.record_neutral();
    EXPECT_EQ(breaker.state(), State::HalfOpen);
    EXPECT_TRUE(breaker.try_acquire(t0 + 2s));
}

}  // namespace
}  // namespace outpost::agent
