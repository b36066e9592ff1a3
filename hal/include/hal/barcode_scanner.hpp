#pragma once
// HAL: a barcode scanner (serial, USB keyboard wedge, or the sim's feed).
//
// Contract:
// - A scan is delivered as the raw string the scanner sent, without the line terminator: the
//   AIM symbology identifier first when the scanner is configured to send one ("]C1", "]d2",
//   "]E0", ...), FNC1 separators as GS (0x1D). The HAL does not interpret it; core/scan does.
// - start() opens the device and starts delivering; it fails (with a message naming the device)
//   when the device cannot be opened or configured. Calling start() twice is an error.
// - on_scan and on_error are called from a thread the scanner owns (the sim: from the thread
//   that calls feed()), one call at a time, never after stop() returned or the object is gone.
//   They must not block and must not call start() or stop() (stop() waits for that thread).
// - on_error reports that the scanner stopped delivering (device unplugged, read error); the
//   owner decides whether to start() again. A scan longer than the implementation's limit is
//   dropped and reported through on_error, and delivery goes on.
// - stop() is idempotent and blocks until the reader thread has finished.
// - Handlers are set before start(); setting them while started is not supported.

#include <functional>
#include <string>

#include "hal/result.hpp"

namespace hal {

class BarcodeScanner {
public:
    using ScanHandler = std::function<void(const std::string& raw)>;
    using ErrorHandler = std::function<void(const std::string& message)>;

    virtual ~BarcodeScanner() = default;
    virtual void set_handlers(ScanHandler on_scan, ErrorHandler on_error) = 0;
    virtual Status start() = 0;
    virtual void stop() = 0;
};

}  // namespace hal
