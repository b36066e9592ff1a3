#pragma once
// Records what a scanner's handlers received; read from the test thread while the scanner's
// reader thread writes it.

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "hal/barcode_scanner.hpp"

namespace hal::testing {

struct ScanRecorder {
    std::mutex mutex;
    std::vector<std::string> scans;
    std::vector<std::string> errors;

    void attach(BarcodeScanner& scanner) {
        scanner.set_handlers(
            [this](const std::string& raw) { std::lock_guard lock(mutex); scans.push_back(raw); },
            [this](const std::string& message) { std::lock_guard lock(mutex); errors.push_back(message); });
    }
    std::size_t scan_count() { std::lock_guard lock(mutex); return scans.size(); }
    std::size_t error_count() { std::lock_guard lock(mutex); return errors.size(); }
};

}  // namespace hal::testing
