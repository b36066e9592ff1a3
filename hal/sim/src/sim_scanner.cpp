#include "hal/sim/sim_scanner.hpp"

#include <utility>

namespace hal::sim {

void SimScanner::set_handlers(ScanHandler on_scan, ErrorHandler on_error) {
    std::lock_guard lock(mutex_);
    on_scan_ = std::move(on_scan);
    on_error_ = std::move(on_error);
}

Status SimScanner::start() {
    std::lock_guard lock(mutex_);
    if (started_) return Status::failure("sim scanner: already started");
    if (!refuse_.empty()) return Status::failure(std::exchange(refuse_, {}));
    started_ = true;
    return {};
}

void SimScanner::stop() {
    std::lock_guard delivering(delivery_);
    std::lock_guard lock(mutex_);
    started_ = false;
}

bool SimScanner::feed(const std::string& raw) {
    std::lock_guard delivering(delivery_);
    ScanHandler handler;
    {
        std::lock_guard lock(mutex_);
        if (!started_) return false;
        handler = on_scan_;
    }
    if (!handler) return false;
    handler(raw);  // outside mutex_: the handler may ask started()
    return true;
}

bool SimScanner::fail(const std::string& message) {
    std::lock_guard delivering(delivery_);
    ErrorHandler handler;
    {
        std::lock_guard lock(mutex_);
        if (!started_) return false;
        started_ = false;
        handler = on_error_;
    }
    if (!handler) return false;
    handler(message);
    return true;
}

void SimScanner::refuse_start(std::string message) {
    std::lock_guard lock(mutex_);
    refuse_ = std::move(message);
}

bool SimScanner::started() const {
    std::lock_guard lock(mutex_);
    return started_;
}

}  // namespace hal::sim
