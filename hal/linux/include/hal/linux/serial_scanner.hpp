#pragma once
// Linux: a barcode scanner on a serial line (RS-232, or USB CDC-ACM as /dev/ttyACM0).
// The tty is put in raw mode (termios: no echo, no line editing, 8N1) at the configured baud
// rate; a scan ends at CR or LF. One reader thread per scanner blocks in poll() on the tty;
// handlers run on it (hal::BarcodeScanner's contract).

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "hal/barcode_scanner.hpp"

namespace hal::linux_impl {
class FdReader;
class ScanLines;
}  // namespace hal::linux_impl

namespace hal::linux {

struct SerialScannerOptions {
    std::string device;                 // "/dev/ttyACM0"
    int baud = 9600;                    // one of the standard rates 1200..230400
    std::size_t max_scan_length = 4096; // longer lines are dropped and reported
};

// Whether start() accepts `baud`: the standard rates 1200, 2400, ... 115200, 230400.
[[nodiscard]] bool is_supported_baud(int baud);

class SerialScanner final : public BarcodeScanner {
public:
    explicit SerialScanner(SerialScannerOptions options);
    ~SerialScanner() override;

    void set_handlers(ScanHandler on_scan, ErrorHandler on_error) override;
    Status start() override;
    void stop() override;

private:
    SerialScannerOptions options_;
    ScanHandler on_scan_;
    ErrorHandler on_error_;
    std::mutex mutex_;  // start/stop from different threads
    std::unique_ptr<linux_impl::ScanLines> lines_;
    std::unique_ptr<linux_impl::FdReader> reader_;
};

}  // namespace hal::linux
