#include "hal/sim/sim_watchdog.hpp"

#include <utility>

namespace hal::sim {

Status SimWatchdog::enable(std::chrono::milliseconds interval) {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return Status::failure(failure_);
    if (interval.count() <= 0) return Status::failure("sim watchdog: interval must be positive");
    interval_ = interval;
    return {};
}

Status SimWatchdog::kick() {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return Status::failure(failure_);
    ++kicks_;
    return {};
}

Status SimWatchdog::ready() {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return Status::failure(failure_);
    ready_ = true;
    return {};
}

void SimWatchdog::fail_with(std::string message) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(message);
}

std::size_t SimWatchdog::kicks() const {
    std::lock_guard lock(mutex_);
    return kicks_;
}

bool SimWatchdog::is_ready() const {
    std::lock_guard lock(mutex_);
    return ready_;
}

std::optional<std::chrono::milliseconds> SimWatchdog::interval() const {
    std::lock_guard lock(mutex_);
    return interval_;
}

}  // namespace hal::sim
