// The Linux clock's trust rule.

#include "hal/linux/linux_clock.hpp"

#include <gtest/gtest.h>

namespace hal::linux {
namespace {

using namespace std::chrono_literals;

TEST(LinuxClock, WallClockBeforeTheFloorIsNeverTrusted) {
    LinuxClockOptions options;
    options.floor = std::chrono::system_clock::now() + std::chrono::hours(24 * 365);
    options.require_ntp_sync = false;
    EXPECT_FALSE(LinuxClock(options).wall_clock_trusted());
}

TEST(LinuxClock, PastTheFloorWithoutNtpRequirementIsTrusted) {
    LinuxClockOptions options;
    options.require_ntp_sync = false;
    EXPECT_TRUE(LinuxClock(options).wall_clock_trusted());
}

TEST(LinuxClock, ReadsTheSystemClocks) {
    const LinuxClock clock;
    const auto before = std::chrono::system_clock::now();
    const auto wall = clock.wall_now();
    EXPECT_LE(before, wall);
    EXPECT_LT(wall - before, 5s);
    const auto first = clock.monotonic_now();
    EXPECT_LE(first, clock.monotonic_now());
}

}  // namespace
}  // namespace hal::linux
