#include "hal/sim/sim_power.hpp"

#include <algorithm>
#include <utility>

namespace hal::sim {

Result<PowerStatus> SimPower::read() const {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return Status::failure(failure_);
    return status_;
}

void SimPower::set(const PowerStatus& status) {
    std::lock_guard lock(mutex_);
    status_ = status;
}

void SimPower::drain(int percent) {
    std::lock_guard lock(mutex_);
    status_.on_external_power = false;
    status_.charging = false;
    status_.battery_percent = std::max(0, status_.battery_percent.value_or(100) - percent);
}

void SimPower::fail_with(std::string message) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(message);
}

}  // namespace hal::sim
