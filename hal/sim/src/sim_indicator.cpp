#include "hal/sim/sim_indicator.hpp"

#include <utility>

namespace hal::sim {

Status SimIndicator::set_led(const LedState& state) {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return Status::failure(failure_);
    leds_.push_back(state);
    return {};
}

Status SimIndicator::beep(BeepPattern pattern) {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return Status::failure(failure_);
    beeps_.push_back(pattern);
    return {};
}

void SimIndicator::fail_with(std::string message) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(message);
}

LedState SimIndicator::led() const {
    std::lock_guard lock(mutex_);
    return leds_.empty() ? LedState::off() : leds_.back();
}

std::vector<LedState> SimIndicator::led_history() const {
    std::lock_guard lock(mutex_);
    return leds_;
}

std::vector<BeepPattern> SimIndicator::beeps() const {
    std::lock_guard lock(mutex_);
    return beeps_;
}

}  // namespace hal::sim
