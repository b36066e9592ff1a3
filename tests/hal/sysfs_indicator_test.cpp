// The sysfs indicator against a fake /sys/class/leds tree.

#include "hal/linux/sysfs_indicator.hpp"

#include <gtest/gtest.h>

#include "fake_sysfs.hpp"
#include "temp_dir.hpp"

namespace hal::linux {
namespace {

using namespace std::chrono_literals;
using outpost::testing::read_file;
using outpost::testing::TempDir;
using outpost::testing::write_file;

class FakeLeds : public ::testing::Test {
protected:
    FakeLeds() {
        for (const char* name : {"trigger", "brightness", "delay_on", "delay_off"}) write_file(led(name), "");
        write_file(led("max_brightness"), "255\n");
        for (const char* name : {"trigger", "repeat", "pattern"}) write_file(beeper(name), "");
        write_file(beeper("max_brightness"), "1\n");
    }
    std::filesystem::path led(const std::string& name) const { return dir_.path() / "status:green" / name; }
    std::filesystem::path beeper(const std::string& name) const { return dir_.path() / "beeper" / name; }
    SysfsIndicator indicator() const { return SysfsIndicator({dir_.path().string(), "status:green", "beeper"}); }
    TempDir dir_;
};

TEST_F(FakeLeds, OnUsesMaxBrightnessOffUsesZero) {
    auto lights = indicator();
    ASSERT_TRUE(lights.set_led(LedState::on()).ok());
    EXPECT_EQ(read_file(led("trigger")), "none");
    EXPECT_EQ(read_file(led("brightness")), "255");
    ASSERT_TRUE(lights.set_led(LedState::off()).ok());
    EXPECT_EQ(read_file(led("brightness")), "0");
}

TEST_F(FakeLeds, BlinkUsesTheTimerTrigger) {
    auto lights = indicator();
    ASSERT_TRUE(lights.set_led(LedState::blink(100ms, 900ms)).ok());
    EXPECT_EQ(read_file(led("trigger")), "timer");
    EXPECT_EQ(read_file(led("delay_on")), "100");
    EXPECT_EQ(read_file(led("delay_off")), "900");
}

TEST_F(FakeLeds, BeepsUseThePatternTrigger) {
    auto lights = indicator();
    ASSERT_TRUE(lights.beep(BeepPattern::ok).ok());
    EXPECT_EQ(read_file(beeper("trigger")), "pattern");
    EXPECT_EQ(read_file(beeper("repeat")), "1");
    EXPECT_EQ(read_file(beeper("pattern")), "1 80 1 0 0 20 0 0");
    ASSERT_TRUE(lights.beep(BeepPattern::error).ok());
    EXPECT_EQ(read_file(beeper("repeat")), "3");
    EXPECT_EQ(read_file(beeper("pattern")), "1 250 1 0 0 150 0 0");
}

TEST_F(FakeLeds, NoBeeperConfiguredIsNotAnError) {
    SysfsIndicator lights({dir_.path().string(), "status:green", ""});
    EXPECT_TRUE(lights.beep(BeepPattern::error).ok());
}

TEST_F(FakeLeds, MissingLedFailsNamingTheFile) {
    SysfsIndicator lights({dir_.path().string(), "status:red", ""});
    const Status status = lights.set_led(LedState::on());
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("status:red/trigger: open"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace hal::linux
