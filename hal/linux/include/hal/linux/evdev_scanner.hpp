#pragma once
// Linux: a keyboard-wedge barcode scanner read from its evdev node (/dev/input/by-id/...-kbd),
// taken exclusively (EVIOCGRAB) so its keystrokes do not also land on the console. Key events
// are turned back into characters by KeyboardWedge. One reader thread per scanner blocks in
// poll(); handlers run on it (hal::BarcodeScanner's contract).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "hal/barcode_scanner.hpp"

namespace hal::linux_impl {
class FdReader;
}

namespace hal::linux {

class KeyboardWedge;

struct EvdevScannerOptions {
    std::string device;                  // "/dev/input/by-id/usb-Scanner-event-kbd"
    std::uint16_t gs_key = 0;            // key code the scanner types for FNC1/GS; 0: Ctrl+] only
    bool grab = true;                    // EVIOCGRAB; off only for tests reading a pipe
    std::size_t max_scan_length = 4096;
};

class EvdevScanner final : public BarcodeScanner {
public:
    explicit EvdevScanner(EvdevScannerOptions options);
    ~EvdevScanner() override;

    void set_handlers(ScanHandler on_scan, ErrorHandler on_error) override;
    Status start() override;
    void stop() override;

private:
    void on_bytes(std::string_view bytes);

    EvdevScannerOptions options_;
    ScanHandler on_scan_;
    ErrorHandler on_error_;
    std::mutex mutex_;
    std::unique_ptr<KeyboardWedge> wedge_;
    std::string pending_;  // a partial struct input_event (only a pipe ever splits one)
    std::unique_ptr<linux_impl::FdReader> reader_;
};

}  // namespace hal::linux
