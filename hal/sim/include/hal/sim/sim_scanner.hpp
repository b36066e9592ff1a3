#pragma once
// Sim board: a barcode scanner that tests and the demo feed by hand. Thread-safe. feed() and
// fail() call the handlers synchronously, in the caller's thread, only while started (a real
// scanner delivers nothing when stopped either); they return whether a handler was called.

#include <mutex>

#include "hal/barcode_scanner.hpp"

namespace hal::sim {

class SimScanner final : public BarcodeScanner {
public:
    void set_handlers(ScanHandler on_scan, ErrorHandler on_error) override;
    Status start() override;
    void stop() override;

    // Knobs.
    bool feed(const std::string& raw);            // one scan, exactly as a scanner would send it
    bool fail(const std::string& message);        // the scanner stops delivering, like an unplug
    void refuse_start(std::string message);       // the next start() fails with this message
    [[nodiscard]] bool started() const;

private:
    mutable std::mutex mutex_;
    // Held while a handler runs, so stop() returns only after delivery finished (the contract).
    std::mutex delivery_;
    ScanHandler on_scan_;
    ErrorHandler on_error_;
    bool started_ = false;
    std::string refuse_;
};

}  // namespace hal::sim
