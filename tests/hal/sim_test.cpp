// The sim board's knobs do what tests and the demo rely on.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hal/sim/sim_clock.hpp"
#include "hal/sim/sim_indicator.hpp"
#include "hal/sim/sim_network_link.hpp"
#include "hal/sim/sim_power.hpp"
#include "hal/sim/sim_scanner.hpp"
#include "hal/sim/sim_storage.hpp"
#include "hal/sim/sim_watchdog.hpp"

namespace hal::sim {
namespace {

using namespace std::chrono_literals;

TEST(HalResult, HoldsAValueOrAMessageNeverNeither) {
    const Result<int> value = 7;
    EXPECT_TRUE(value.ok());
    EXPECT_EQ(*value, 7);
    EXPECT_TRUE(value.message().empty());
    const Result<int> failed = Status::failure("/dev/ttyACM0: open: No such file or directory");
    EXPECT_FALSE(failed.ok());
    EXPECT_EQ(failed.message(), "/dev/ttyACM0: open: No such file or directory");
    const Result<int> confused = Status{};  // an ok Status carries no value: still a failure
    EXPECT_FALSE(confused.ok());
    EXPECT_FALSE(confused.message().empty());
}

TEST(SimNetworkLink, ObserverSeesChangesOnly) {
    SimNetworkLink link(false);
    std::vector<bool> seen;
    link.set_observer([&](bool up) { seen.push_back(up); });
    link.set_up(true);
    link.set_up(true);
    link.set_up(false);
    EXPECT_EQ(seen, (std::vector<bool>{true, false}));
    EXPECT_FALSE(link.is_up());
}

TEST(SimScanner, DeliversFedScansOnlyWhileStarted) {
    SimScanner scanner;
    std::vector<std::string> scans;
    std::vector<std::string> errors;
    scanner.set_handlers([&](const std::string& raw) { scans.push_back(raw); },
                         [&](const std::string& message) { errors.push_back(message); });
    EXPECT_FALSE(scanner.feed("]C1before"));
    ASSERT_TRUE(scanner.start().ok());
    EXPECT_FALSE(scanner.start().ok()) << "a second start is an error";
    EXPECT_TRUE(scanner.feed("]d2" "0109501101530003\x1d" "10AB"));
    scanner.stop();
    EXPECT_FALSE(scanner.feed("]C1after"));
    EXPECT_EQ(scans, (std::vector<std::string>{"]d2" "0109501101530003\x1d" "10AB"}));
    EXPECT_TRUE(errors.empty());
}

TEST(SimScanner, FailureStopsDeliveryAndIsReported) {
    SimScanner scanner;
    std::vector<std::string> errors;
    scanner.set_handlers([](const std::string&) {}, [&](const std::string& message) { errors.push_back(message); });
    ASSERT_TRUE(scanner.start().ok());
    EXPECT_TRUE(scanner.fail("unplugged"));
    EXPECT_FALSE(scanner.started());
    EXPECT_FALSE(scanner.feed("x"));
    EXPECT_EQ(errors, (std::vector<std::string>{"unplugged"}));
}

TEST(SimScanner, RefusedStartCarriesTheMessageOnce) {
    SimScanner scanner;
    scanner.refuse_start("no such device");
    const Status refused = scanner.start();
    EXPECT_FALSE(refused.ok());
    EXPECT_EQ(refused.message(), "no such device");
    EXPECT_TRUE(scanner.start().ok());
}

TEST(SimClock, AdvanceMovesBothClocksSetWallOnlyTheWallClock) {
    const auto start = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    SimClock clock(start, false);
    const auto mono = clock.monotonic_now();
    EXPECT_FALSE(clock.wall_clock_trusted());
    clock.advance(1500ms);
    EXPECT_EQ(clock.wall_now() - start, 1500ms);
    EXPECT_EQ(clock.monotonic_now() - mono, 1500ms);
    clock.set_wall(start - std::chrono::hours(24));  // NTP steps the clock back
    clock.set_trusted(true);
    EXPECT_EQ(clock.wall_now(), start - std::chrono::hours(24));
    EXPECT_EQ(clock.monotonic_now() - mono, 1500ms) << "monotonic time never jumps";
    EXPECT_TRUE(clock.wall_clock_trusted());
    clock.advance(-5ms);
    EXPECT_EQ(clock.monotonic_now() - mono, 1500ms) << "monotonic time never goes back";
}

TEST(SimIndicator, RecordsLedStatesAndBeeps) {
    SimIndicator indicator;
    EXPECT_EQ(indicator.led(), LedState::off());
    ASSERT_TRUE(indicator.set_led(LedState::blink(100ms, 900ms)).ok());
    ASSERT_TRUE(indicator.beep(BeepPattern::error).ok());
    ASSERT_TRUE(indicator.set_led(LedState::on()).ok());
    EXPECT_EQ(indicator.led(), LedState::on());
    EXPECT_EQ(indicator.led_history(), (std::vector<LedState>{LedState::blink(100ms, 900ms), LedState::on()}));
    EXPECT_EQ(indicator.beeps(), (std::vector<BeepPattern>{BeepPattern::error}));
    indicator.fail_with("LED driver gone");
    const Status failed = indicator.beep(BeepPattern::ok);
    EXPECT_EQ(failed.message(), "LED driver gone");
    EXPECT_EQ(indicator.beeps().size(), 1u);
}

TEST(SimWatchdog, RecordsEnableKicksAndReady) {
    SimWatchdog watchdog;
    EXPECT_FALSE(watchdog.interval().has_value());
    EXPECT_FALSE(watchdog.enable(0ms).ok());
    ASSERT_TRUE(watchdog.enable(5000ms).ok());
    ASSERT_TRUE(watchdog.ready().ok());
    ASSERT_TRUE(watchdog.kick().ok());
    ASSERT_TRUE(watchdog.kick().ok());
    EXPECT_EQ(watchdog.interval(), 5000ms);
    EXPECT_TRUE(watchdog.is_ready());
    EXPECT_EQ(watchdog.kicks(), 2u);
    watchdog.fail_with("socket gone");
    EXPECT_FALSE(watchdog.kick().ok());
    EXPECT_EQ(watchdog.kicks(), 2u);
}

TEST(SimPower, DrainsTheBatteryAndFails) {
    SimPower power(PowerStatus{true, 30, true});
    ASSERT_TRUE(power.read().ok());
    EXPECT_EQ(*power.read(), (PowerStatus{true, 30, true}));
    power.drain(20);
    EXPECT_EQ(*power.read(), (PowerStatus{false, 10, false}));
    power.drain(20);
    EXPECT_EQ(power.read()->battery_percent, 0) << "never below empty";
    power.fail_with("fuel gauge not answering");
    EXPECT_EQ(power.read().message(), "fuel gauge not answering");
}

TEST(SimStorage, FreeSpaceIsWhatTheTestSets) {
    SimStorage storage(1'000'000);
    EXPECT_EQ(*storage.free_bytes("/var/lib/outpost"), 1'000'000u);
    storage.set_free_bytes(0);
    EXPECT_EQ(*storage.free_bytes("/var/lib/outpost"), 0u);
    storage.fail_with("I/O error");
    EXPECT_EQ(storage.free_bytes("/data").message(), "/data: I/O error");
}

}  // namespace
}  // namespace hal::sim
