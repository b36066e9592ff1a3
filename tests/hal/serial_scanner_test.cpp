// The serial scanner on a pseudo-terminal: the test writes to the master side as a scanner
// would, the SerialScanner reads the slave side as it reads /dev/ttyACM0.

#include "hal/linux/serial_scanner.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "pty.hpp"
#include "scan_recorder.hpp"
#include "wait_for.hpp"

namespace hal::linux {
namespace {

using outpost::testing::Pty;
using outpost::testing::wait_until;

TEST(SerialScanner, DeliversScansTerminatedByCrLfOrCrlf) {
    Pty pty;
    ASSERT_FALSE(pty.slave().empty()) << "no pseudo-terminal available";
    SerialScanner scanner({pty.slave(), 115200});
    testing::ScanRecorder received;
    received.attach(scanner);
    ASSERT_TRUE(scanner.start().ok());

    const std::string gs1 = "]C1" "0109501101530003" "17251231" "10AB1\x1d" "21S9";
    ASSERT_TRUE(pty.write(gs1 + "\r\n"));
    ASSERT_TRUE(pty.write("]E04006381333931\r"));
    ASSERT_TRUE(pty.write("]C0PAL"));  // one scan split over two writes
    ASSERT_TRUE(pty.write("LET\n"));
    ASSERT_TRUE(wait_until([&] { return received.scan_count() >= 3; }));
    scanner.stop();
    EXPECT_EQ(received.scans, (std::vector<std::string>{gs1, "]E04006381333931", "]C0PALLET"}));
    EXPECT_TRUE(received.errors.empty());
}

TEST(SerialScanner, DropsAnOverlongScanReportsItAndGoesOn) {
    Pty pty;
    ASSERT_FALSE(pty.slave().empty());
    SerialScanner scanner({pty.slave(), 9600, 16});
    testing::ScanRecorder received;
    received.attach(scanner);
    ASSERT_TRUE(scanner.start().ok());
    ASSERT_TRUE(pty.write(std::string(40, '7') + "\r\n]C0OK\r\n"));
    ASSERT_TRUE(wait_until([&] { return received.scan_count() >= 1; }));
    scanner.stop();
    EXPECT_EQ(received.scans, (std::vector<std::string>{"]C0OK"}));
    ASSERT_EQ(received.errors.size(), 1u);
    EXPECT_NE(received.errors[0].find("longer than 16"), std::string::npos) << received.errors[0];
}

TEST(SerialScanner, ReportsTheDeviceGoingAway) {
    Pty pty;
    ASSERT_FALSE(pty.slave().empty());
    SerialScanner scanner({pty.slave(), 9600});
    testing::ScanRecorder received;
    received.attach(scanner);
    ASSERT_TRUE(scanner.start().ok());
    pty.close_master();  // like unplugging a USB scanner
    ASSERT_TRUE(wait_until([&] { return received.error_count() >= 1; }));
    std::lock_guard lock(received.mutex);
    EXPECT_NE(received.errors[0].find(pty.slave()), std::string::npos) << received.errors[0];
}

TEST(SerialScanner, StartFailsWithTheDeviceAndReason) {
    SerialScanner missing({"/dev/outpost-no-such-tty", 9600});
    const Status status = missing.start();
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("/dev/outpost-no-such-tty: open"), std::string::npos) << status.message();

    Pty pty;
    SerialScanner odd_rate({pty.slave(), 12345});
    const Status rate = odd_rate.start();
    ASSERT_FALSE(rate.ok());
    EXPECT_NE(rate.message().find("unsupported baud rate 12345"), std::string::npos) << rate.message();
    EXPECT_FALSE(is_supported_baud(12345));
    EXPECT_TRUE(is_supported_baud(115200)) << "what outpostd's board check asks before start()";
}

TEST(SerialScanner, StopIsIdempotentAndStartTwiceIsAnError) {
    Pty pty;
    ASSERT_FALSE(pty.slave().empty());
    SerialScanner scanner({pty.slave(), 9600});
    ASSERT_TRUE(scanner.start().ok());
    EXPECT_FALSE(scanner.start().ok());
    scanner.stop();
    scanner.stop();
    EXPECT_TRUE(scanner.start().ok()) << "a stopped scanner can be started again";
}

}  // namespace
}  // namespace hal::linux
