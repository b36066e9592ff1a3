// sd_notify against a Unix datagram socket the test creates, standing in for systemd.

#include "hal/linux/sd_notify_watchdog.hpp"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

#include "hal/linux/watchdog_factory.hpp"
#include "temp_dir.hpp"

namespace hal::linux {
namespace {

using namespace std::chrono_literals;
using outpost::testing::TempDir;

// A bound datagram socket; receive() waits at most two seconds (a deadline, not a pause).
class FakeSystemd {
public:
    explicit FakeSystemd(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, path.data(), path.size());
        if (path.front() == '@') address.sun_path[0] = '\0';
        const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
        bound_ = ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) == 0;
        timeval deadline{2, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof deadline);
    }
    ~FakeSystemd() { ::close(fd_); }
    FakeSystemd(const FakeSystemd&) = delete;
    FakeSystemd& operator=(const FakeSystemd&) = delete;

    [[nodiscard]] bool bound() const { return bound_; }
    std::string receive() {
        std::array<char, 512> buffer{};
        const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
        return n < 0 ? std::string("<nothing>") : std::string(buffer.data(), static_cast<std::size_t>(n));
    }

private:
    int fd_ = -1;
    bool bound_ = false;
};

TEST(SdNotifyWatchdog, SendsReadyWatchdogAndInterval) {
    TempDir dir;
    const std::string path = dir.file("notify");
    FakeSystemd systemd(path);
    ASSERT_TRUE(systemd.bound());
    SdNotifyWatchdog watchdog(path);
    ASSERT_TRUE(watchdog.ready().ok());
    EXPECT_EQ(systemd.receive(), "READY=1");
    ASSERT_TRUE(watchdog.enable(2500ms).ok());
    EXPECT_EQ(systemd.receive(), "WATCHDOG_USEC=2500000");
    ASSERT_TRUE(watchdog.kick().ok());
    EXPECT_EQ(systemd.receive(), "WATCHDOG=1");
    EXPECT_FALSE(watchdog.enable(0ms).ok());
}

TEST(SdNotifyWatchdog, AbstractNamespaceSocket) {
    const std::string name = "@outpost-test-notify-" + std::to_string(::getpid());
    FakeSystemd systemd(name);
    ASSERT_TRUE(systemd.bound());
    ASSERT_TRUE(SdNotifyWatchdog(name).kick().ok());
    EXPECT_EQ(systemd.receive(), "WATCHDOG=1");
}

TEST(SdNotifyWatchdog, FailsNamingTheSocketWhenNobodyListens) {
    TempDir dir;
    const Status status = SdNotifyWatchdog(dir.file("nobody")).kick();
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find(dir.file("nobody")), std::string::npos) << status.message();
    EXPECT_FALSE(SdNotifyWatchdog("").kick().ok());
}

TEST(WatchdogFactory, PicksSdNotifyWhenNotifySocketIsSet) {
    TempDir dir;
    const std::string path = dir.file("notify");
    FakeSystemd systemd(path);
    ASSERT_TRUE(systemd.bound());
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
    auto watchdog = make_watchdog();
    ::unsetenv("NOTIFY_SOCKET");
    ASSERT_TRUE(watchdog->kick().ok());
    EXPECT_EQ(systemd.receive(), "WATCHDOG=1");
}

}  // namespace
}  // namespace hal::linux
