#pragma once
// HAL: time. Two clocks because they answer different questions: the wall clock says what time
// it is for people and upstreams (and may jump: NTP, an operator, a dead RTC battery at boot);
// the monotonic clock measures intervals (timeouts, backoff) and never goes back.
//
// Contract:
// - All calls are cheap, never block, never fail, and may be called from any thread.
// - wall_clock_trusted() says whether the wall clock is known good (synchronised by NTP or a
//   trusted RTC). While it is false, timestamps should be treated as provisional: a handheld
//   without an RTC boots in 1970 until the network gives it the time.

#include <chrono>

namespace hal {

class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual std::chrono::system_clock::time_point wall_now() const = 0;
    [[nodiscard]] virtual std::chrono::steady_clock::time_point monotonic_now() const = 0;
    [[nodiscard]] virtual bool wall_clock_trusted() const = 0;
};

}  // namespace hal
