#include "hal/linux/serial_scanner.hpp"

#include <fcntl.h>
#include <termios.h>

#include <array>
#include <cerrno>
#include <utility>

#include "fd_reader.hpp"
#include "scan_lines.hpp"
#include "sysfs_files.hpp"

namespace hal::linux {

using linux_impl::system_error;
using linux_impl::UniqueFd;

namespace {

bool baud_constant(int baud, speed_t& speed) {
    struct Rate {
        int baud;
        speed_t speed;
    };
    constexpr std::array kRates{Rate{1200, B1200},   Rate{2400, B2400},   Rate{4800, B4800},
                                Rate{9600, B9600},   Rate{19200, B19200}, Rate{38400, B38400},
                                Rate{57600, B57600}, Rate{115200, B115200}, Rate{230400, B230400}};
    for (const auto& rate : kRates) {
        if (rate.baud == baud) {
            speed = rate.speed;
            return true;
        }
    }
    return false;
}

Status make_raw(int fd, const std::string& device, speed_t speed) {
    termios tty{};
    if (::tcgetattr(fd, &tty) != 0) return Status::failure(system_error(device, "tcgetattr", errno));
    ::cfmakeraw(&tty);                 // 8 data bits, no parity, no echo, no CR/LF translation
    tty.c_cflag |= CLOCAL | CREAD;     // ignore modem lines: scanners do not drive DCD
    tty.c_cflag &= ~static_cast<tcflag_t>(CSTOPB);
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    if (::cfsetispeed(&tty, speed) != 0 || ::cfsetospeed(&tty, speed) != 0) {
        return Status::failure(system_error(device, "cfsetspeed", errno));
    }
    if (::tcsetattr(fd, TCSANOW, &tty) != 0) return Status::failure(system_error(device, "tcsetattr", errno));
    // Whatever arrived before we were listening belongs to nobody.
    ::tcflush(fd, TCIFLUSH);
    return {};
}

}  // namespace

bool is_supported_baud(int baud) {
    speed_t speed{};
    return baud_constant(baud, speed);
}

SerialScanner::SerialScanner(SerialScannerOptions options) : options_(std::move(options)) {}

SerialScanner::~SerialScanner() { stop(); }

void SerialScanner::set_handlers(ScanHandler on_scan, ErrorHandler on_error) {
    std::lock_guard lock(mutex_);
    on_scan_ = std::move(on_scan);
    on_error_ = std::move(on_error);
}

Status SerialScanner::start() {
    std::lock_guard lock(mutex_);
    const std::string& device = options_.device;
    if (reader_ && reader_->running()) return Status::failure(device + ": scanner already started");
    if (reader_) reader_->stop();  // the thread of a previous run that ended with on_error
    speed_t speed{};
    if (!baud_constant(options_.baud, speed)) {
        return Status::failure(device + ": unsupported baud rate " + std::to_string(options_.baud));
    }
    UniqueFd fd(::open(device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) return Status::failure(system_error(device, "open", errno));
    if (Status raw = make_raw(fd.get(), device, speed); !raw) return raw;

    auto on_scan = on_scan_;
    auto on_error = on_error_;
    lines_ = std::make_unique<linux_impl::ScanLines>(
        options_.max_scan_length, [on_scan](const std::string& scan) { if (on_scan) on_scan(scan); },
        [on_error, device](std::size_t limit) {
            if (on_error) on_error(device + ": scan longer than " + std::to_string(limit) + " bytes dropped");
        });
    reader_ = std::make_unique<linux_impl::FdReader>();
    auto* lines = lines_.get();
    return reader_->start(
        std::move(fd), device, [lines](std::string_view bytes) { lines->feed(bytes); },
        [on_error](const std::string& message) { if (on_error) on_error(message); });
}

void SerialScanner::stop() {
    std::lock_guard lock(mutex_);
    if (reader_) reader_->stop();
    reader_.reset();
    lines_.reset();
}

}  // namespace hal::linux
