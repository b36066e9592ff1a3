#include "hal/sim/sim_clock.hpp"

namespace hal::sim {

std::chrono::system_clock::time_point SimClock::wall_now() const {
    std::lock_guard lock(mutex_);
    return wall_;
}

std::chrono::steady_clock::time_point SimClock::monotonic_now() const {
    std::lock_guard lock(mutex_);
    return monotonic_;
}

bool SimClock::wall_clock_trusted() const {
    std::lock_guard lock(mutex_);
    return trusted_;
}

void SimClock::advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    // The monotonic clock never goes back, so a negative step moves neither clock.
    if (by.count() < 0) return;
    wall_ += by;
    monotonic_ += by;
}

void SimClock::set_wall(std::chrono::system_clock::time_point wall) {
    std::lock_guard lock(mutex_);
    wall_ = wall;
}

void SimClock::set_trusted(bool trusted) {
    std::lock_guard lock(mutex_);
    trusted_ = trusted;
}

}  // namespace hal::sim
