// The Linux link against a fake /sys/class/net tree, and against the machine's loopback.

#include "hal/linux/linux_network_link.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "fake_sysfs.hpp"
#include "temp_dir.hpp"

namespace hal::linux {
namespace {

using outpost::testing::TempDir;
using outpost::testing::write_file;

class FakeNet : public ::testing::Test {
protected:
    void set(const std::string& operstate, const std::string& carrier) {
        write_file(dir_.path() / "wlan0" / "operstate", operstate + "\n");
        write_file(dir_.path() / "wlan0" / "carrier", carrier + "\n");
    }
    LinuxNetworkLinkOptions options() const { return {"wlan0", dir_.path().string(), false}; }
    TempDir dir_;
};

TEST_F(FakeNet, UpNeedsOperstateUpAndCarrier) {
    set("up", "1");
    EXPECT_TRUE(LinuxNetworkLink(options()).is_up());
    set("up", "0");
    EXPECT_FALSE(LinuxNetworkLink(options()).is_up());
    set("dormant", "1");  // Wi-Fi associated, not yet authenticated
    EXPECT_FALSE(LinuxNetworkLink(options()).is_up());
    set("lowerlayerdown", "0");
    EXPECT_FALSE(LinuxNetworkLink(options()).is_up());
}

TEST_F(FakeNet, UnknownOperstateTrustsTheCarrier) {
    set("unknown", "1");
    EXPECT_TRUE(LinuxNetworkLink(options()).is_up());
    set("unknown", "0");
    EXPECT_FALSE(LinuxNetworkLink(options()).is_up());
}

TEST_F(FakeNet, MissingInterfaceIsDown) {
    EXPECT_FALSE(LinuxNetworkLink(options()).is_up());
}

TEST_F(FakeNet, RefreshCallsTheObserverOnChangesOnly) {
    set("down", "0");
    LinuxNetworkLink link(options());
    std::vector<bool> seen;
    link.set_observer([&](bool up) { seen.push_back(up); });
    EXPECT_FALSE(link.refresh());
    set("up", "1");
    EXPECT_TRUE(link.refresh());
    EXPECT_TRUE(link.refresh());
    EXPECT_TRUE(link.is_up());
    set("down", "0");
    EXPECT_FALSE(link.refresh());
    EXPECT_EQ(seen, (std::vector<bool>{true, false}));
}

TEST(LinuxNetworkLink, LoopbackIsUpWithItsAddress) {
    LinuxNetworkLink link({"lo", "/sys/class/net", true});
    if (!std::filesystem::exists("/sys/class/net/lo")) GTEST_SKIP() << "no /sys/class/net/lo here";
    EXPECT_TRUE(link.is_up()) << "lo reports operstate unknown, carrier 1 and holds 127.0.0.1";
}

TEST(LinuxNetworkLink, AnInterfaceWithoutAddressIsDownWhenAnAddressIsRequired) {
    TempDir dir;
    // A fake interface the kernel does not know: sysfs says up, getifaddrs finds no address.
    write_file(dir.path() / "outpost-fake0" / "operstate", "up\n");
    write_file(dir.path() / "outpost-fake0" / "carrier", "1\n");
    EXPECT_FALSE(LinuxNetworkLink({"outpost-fake0", dir.path().string(), true}).is_up());
    EXPECT_TRUE(LinuxNetworkLink({"outpost-fake0", dir.path().string(), false}).is_up());
}

TEST(LinuxNetworkLink, WatchesRtnetlinkAndStopsCleanly) {
    TempDir dir;
    write_file(dir.path() / "wlan0" / "operstate", "up\n");
    write_file(dir.path() / "wlan0" / "carrier", "1\n");
    LinuxNetworkLink link({"wlan0", dir.path().string(), false});
    const Status started = link.start();
    ASSERT_TRUE(started.ok()) << started.message();
    EXPECT_FALSE(link.start().ok()) << "one watcher per link";
    EXPECT_TRUE(link.is_up());
    link.stop();
    link.stop();
}

}  // namespace
}  // namespace hal::linux
