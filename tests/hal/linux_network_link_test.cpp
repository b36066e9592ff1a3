// The Linux link against a fake /sys/class/net tree, and against the machine's loopback.

#include "hal/linux/linux_network_link.hpp"

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

#include "fake_sysfs.hpp"
#include "temp_dir.hpp"
#include "wait_for.hpp"

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

// Brings the loopback interface of the current network namespace up (what `ip link set lo up`
// does). Generates an RTM_NEWLINK message on every rtnetlink socket of the namespace.
bool bring_loopback_up() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    bool ok = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    ok = ok && ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
    ::close(fd);
    return ok;
}

// The whole path from a kernel link event to the observer, without touching the machine's own
// interfaces: a child process gets a network namespace of its own (its loopback starts down),
// watches it through rtnetlink, and brings its loopback up. sysfs is a fake tree the child
// updates before the event, so the observer firing shows that the event, not a timer, made
// the link re-read it.
TEST(LinuxNetworkLink, KernelLinkEventReachesTheObserver) {
    TempDir dir;
    write_file(dir.path() / "lo" / "operstate", "down\n");
    write_file(dir.path() / "lo" / "carrier", "0\n");
    constexpr int kNoNamespace = 77;
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (::unshare(CLONE_NEWNET) != 0) ::_exit(kNoNamespace);
        LinuxNetworkLink link({"lo", dir.path().string(), false});
        std::atomic<bool> told_up{false};
        link.set_observer([&](bool up) { told_up = up; });
        if (!link.start().ok()) ::_exit(2);
        write_file(dir.path() / "lo" / "operstate", "unknown\n");
        write_file(dir.path() / "lo" / "carrier", "1\n");
        if (!bring_loopback_up()) ::_exit(3);
        const bool seen = outpost::testing::wait_until([&] { return told_up.load(); }, std::chrono::seconds(10));
        link.stop();
        ::_exit(seen ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    if (WEXITSTATUS(status) == kNoNamespace) GTEST_SKIP() << "cannot create a network namespace here";
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no observer call after the event; 2: start failed; 3: lo not raised";
}

}  // namespace
}  // namespace hal::linux
