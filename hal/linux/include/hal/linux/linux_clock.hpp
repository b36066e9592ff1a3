#pragma once
// Linux: CLOCK_REALTIME and CLOCK_MONOTONIC (through std::chrono). The wall clock is trusted
// when it is past a floor (a board without RTC boots in 1970, one with a flat RTC battery in
// its build year) and, unless switched off, the kernel says it is NTP-synchronised
// (adjtimex: not TIME_ERROR, STA_UNSYNC clear), as chrony, ntpd and systemd-timesyncd set it.

#include <chrono>

#include "hal/clock.hpp"

namespace hal::linux {

struct LinuxClockOptions {
    // Before this, the wall clock is wrong whatever anyone says: 2025-01-01T00:00:00Z.
    std::chrono::system_clock::time_point floor{std::chrono::seconds(1735689600)};
    // false on boards with a trusted battery-backed RTC and no NTP.
    bool require_ntp_sync = true;
};

class LinuxClock final : public Clock {
public:
    explicit LinuxClock(LinuxClockOptions options = {}) : options_(options) {}

    [[nodiscard]] std::chrono::system_clock::time_point wall_now() const override;
    [[nodiscard]] std::chrono::steady_clock::time_point monotonic_now() const override;
    [[nodiscard]] bool wall_clock_trusted() const override;

private:
    LinuxClockOptions options_;
};

}  // namespace hal::linux
