// The power supply against a fake /sys/class/power_supply tree.

#include "hal/linux/sysfs_power.hpp"

#include <gtest/gtest.h>

#include "fake_sysfs.hpp"
#include "temp_dir.hpp"

namespace hal::linux {
namespace {

using outpost::testing::TempDir;
using outpost::testing::write_file;

class FakePower : public ::testing::Test {
protected:
    void charger(const std::string& name, const std::string& type, const std::string& online) {
        write_file(dir_.path() / name / "type", type + "\n");
        write_file(dir_.path() / name / "online", online + "\n");
    }
    void battery(const std::string& capacity, const std::string& status) {
        write_file(dir_.path() / "BAT0" / "type", "Battery\n");
        write_file(dir_.path() / "BAT0" / "capacity", capacity + "\n");
        write_file(dir_.path() / "BAT0" / "status", status + "\n");
    }
    PowerStatus read() {
        const auto status = SysfsPower(dir_.path().string()).read();
        EXPECT_TRUE(status.ok()) << status.message();
        return status.ok() ? *status : PowerStatus{};
    }
    TempDir dir_;
};

TEST_F(FakePower, OnBattery) {
    charger("AC", "Mains", "0");
    battery("57", "Discharging");
    EXPECT_EQ(read(), (PowerStatus{false, 57, false}));
}

TEST_F(FakePower, ChargingOnMains) {
    charger("AC", "Mains", "1");
    battery("80", "Charging");
    EXPECT_EQ(read(), (PowerStatus{true, 80, true}));
}

TEST_F(FakePower, UsbChargerOnlineBatteryFull) {
    charger("usb", "USB", "1");
    battery("100", "Full");
    EXPECT_EQ(read(), (PowerStatus{true, 100, false}));
}

TEST_F(FakePower, BatteryOnlyBoardThatSaysCharging) {
    battery("12", "Charging");
    EXPECT_EQ(read(), (PowerStatus{true, 12, true}));
}

TEST_F(FakePower, NoSuppliesMeansMains) {
    EXPECT_EQ(read(), (PowerStatus{true, std::nullopt, false}));
}

TEST_F(FakePower, UnreadableCapacityIsLeftOut) {
    battery("n/a", "Discharging");
    EXPECT_EQ(read(), (PowerStatus{false, std::nullopt, false}));
}

TEST(SysfsPower, MissingRootFailsNamingIt) {
    const auto status = SysfsPower("/nonexistent/outpost/power_supply").read();
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("/nonexistent/outpost/power_supply"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace hal::linux
