// The evdev scanner reading struct input_event records: from a FIFO (always possible), and from
// a real virtual keyboard made with uinput when the machine has /dev/uinput.

#include "hal/linux/evdev_scanner.hpp"

#include <fcntl.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "key_events.hpp"
#include "scan_recorder.hpp"
#include "temp_dir.hpp"
#include "wait_for.hpp"

namespace hal::linux {
namespace {

using outpost::testing::keystrokes_for;
using outpost::testing::TempDir;
using outpost::testing::wait_until;

// The events a keyboard sends to type `text` and press Enter, with SYN reports in between.
std::vector<input_event> events_for(const std::string& text) {
    std::vector<input_event> events;
    auto key = [&](std::uint16_t code, std::int32_t value) {
        input_event event{};
        event.type = EV_KEY;
        event.code = code;
        event.value = value;
        events.push_back(event);
        input_event sync{};
        sync.type = EV_SYN;
        sync.code = SYN_REPORT;
        events.push_back(sync);
    };
    for (const auto& stroke : keystrokes_for(text)) {
        if (stroke.modifier != 0) key(stroke.modifier, 1);
        key(stroke.code, 1);
        key(stroke.code, 0);
        if (stroke.modifier != 0) key(stroke.modifier, 0);
    }
    key(KEY_ENTER, 1);
    key(KEY_ENTER, 0);
    return events;
}

TEST(EvdevScanner, DecodesEventsFromTheDevice) {
    TempDir dir;
    const std::string fifo = dir.file("event0");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // The test's end is opened read-write first: it never blocks, and the FIFO never reports
    // hang-up while the test holds it.
    const int writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(writer, 0);

    EvdevScanner scanner({.device = fifo, .gs_key = 0, .grab = false, .max_scan_length = 4096});
    testing::ScanRecorder received;
    received.attach(scanner);
    ASSERT_TRUE(scanner.start().ok());

    const std::string gs1 = "]d2" "0109501101530003" "10LOT" "\x1d" "17260200";
    auto events = events_for(gs1);
    const auto second = events_for("]C0Ab");
    events.insert(events.end(), second.begin(), second.end());
    // Written in two pieces cut through the middle of a record, as a short read would deliver it.
    const auto* bytes = reinterpret_cast<const char*>(events.data());
    const std::size_t total = events.size() * sizeof(input_event);
    const std::size_t cut = sizeof(input_event) * 7 + 5;
    ASSERT_EQ(::write(writer, bytes, cut), static_cast<ssize_t>(cut));
    ASSERT_EQ(::write(writer, bytes + cut, total - cut), static_cast<ssize_t>(total - cut));

    ASSERT_TRUE(wait_until([&] { return received.scan_count() >= 2; }));
    scanner.stop();
    ::close(writer);
    EXPECT_EQ(received.scans, (std::vector<std::string>{gs1, "]C0Ab"}));
    EXPECT_TRUE(received.errors.empty());
}

TEST(EvdevScanner, ReportsTheDeviceClosingAndStartsAgain) {
    TempDir dir;
    const std::string fifo = dir.file("event0");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    int writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(writer, 0);
    EvdevScanner scanner({.device = fifo, .grab = false});
    testing::ScanRecorder received;
    received.attach(scanner);
    ASSERT_TRUE(scanner.start().ok());
    ::close(writer);  // the last writer goes: the reader sees the end, like an unplugged scanner
    ASSERT_TRUE(wait_until([&] { std::lock_guard lock(received.mutex); return !received.errors.empty(); }));
    {
        std::lock_guard lock(received.mutex);
        EXPECT_NE(received.errors[0].find(fifo + ": device closed"), std::string::npos) << received.errors[0];
    }

    writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(writer, 0);
    const Status restarted = scanner.start();
    ASSERT_TRUE(restarted.ok()) << restarted.message();
    const auto events = events_for("]C0Again");
    const auto size = static_cast<ssize_t>(events.size() * sizeof(input_event));
    ASSERT_EQ(::write(writer, events.data(), static_cast<std::size_t>(size)), size);
    ASSERT_TRUE(wait_until([&] { return received.scan_count() >= 1; }));
    scanner.stop();
    ::close(writer);
    EXPECT_EQ(received.scans, (std::vector<std::string>{"]C0Again"}));
}

TEST(EvdevScanner, StartFailsWithTheDeviceAndReason) {
    EvdevScanner scanner({.device = "/dev/input/outpost-no-such-event"});
    const Status status = scanner.start();
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("/dev/input/outpost-no-such-event: open"), std::string::npos) << status.message();
}

TEST(EvdevScanner, GrabFailsOnSomethingThatIsNotAnInputDevice) {
    TempDir dir;
    const std::string fifo = dir.file("not-evdev");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const int writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
    EvdevScanner scanner({.device = fifo, .grab = true});
    const Status status = scanner.start();
    ::close(writer);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("EVIOCGRAB"), std::string::npos) << status.message();
}

// A virtual keyboard through uinput: the real kernel path, from key events to /dev/input/eventN.
class VirtualKeyboard {
public:
    VirtualKeyboard() {
        fd_ = ::open("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0) return;
        ::ioctl(fd_, UI_SET_EVBIT, EV_KEY);
        for (int code = KEY_ESC; code <= KEY_KPDOT; ++code) ::ioctl(fd_, UI_SET_KEYBIT, code);
        uinput_setup setup{};
        setup.id.bustype = BUS_VIRTUAL;
        std::strncpy(setup.name, "outpost test scanner", UINPUT_MAX_NAME_SIZE - 1);
        if (::ioctl(fd_, UI_DEV_SETUP, &setup) != 0 || ::ioctl(fd_, UI_DEV_CREATE) != 0) return;
        std::array<char, 64> sysname{};
        if (::ioctl(fd_, UI_GET_SYSNAME(sysname.size()), sysname.data()) < 0) return;
        const std::filesystem::path sys = std::filesystem::path("/sys/devices/virtual/input") / sysname.data();
        std::error_code error;
        for (const auto& entry : std::filesystem::directory_iterator(sys, error)) {
            const std::string name = entry.path().filename().string();
            if (name.rfind("event", 0) == 0) node_ = "/dev/input/" + name;
        }
    }
    ~VirtualKeyboard() {
        if (fd_ < 0) return;
        ::ioctl(fd_, UI_DEV_DESTROY);
        ::close(fd_);
    }
    VirtualKeyboard(const VirtualKeyboard&) = delete;
    VirtualKeyboard& operator=(const VirtualKeyboard&) = delete;

    [[nodiscard]] const std::string& node() const { return node_; }
    bool type(const std::string& text) {
        auto events = events_for(text);
        const auto size = static_cast<ssize_t>(events.size() * sizeof(input_event));
        return ::write(fd_, events.data(), static_cast<std::size_t>(size)) == size;
    }

private:
    int fd_ = -1;
    std::string node_;
};

TEST(EvdevScanner, ReadsAVirtualKeyboardThroughUinput) {
    if (::access("/dev/uinput", W_OK) != 0) GTEST_SKIP() << "/dev/uinput missing or not writable on this machine";
    VirtualKeyboard keyboard;
    if (keyboard.node().empty()) GTEST_SKIP() << "uinput did not create an event node (no udev/devtmpfs?)";
    ASSERT_TRUE(wait_until([&] { return ::access(keyboard.node().c_str(), R_OK) == 0; }));
    EvdevScanner scanner({.device = keyboard.node()});
    testing::ScanRecorder received;
    received.attach(scanner);
    ASSERT_TRUE(scanner.start().ok());
    ASSERT_TRUE(keyboard.type("]C1" "10AB\x1d" "21X9"));
    ASSERT_TRUE(wait_until([&] { return received.scan_count() >= 1; }));
    scanner.stop();
    EXPECT_EQ(received.scans, (std::vector<std::string>{"]C1" "10AB\x1d" "21X9"}));
}

}  // namespace
}  // namespace hal::linux
