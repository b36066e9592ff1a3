#include "hal/sim/sim_network_link.hpp"

#include <utility>

namespace hal::sim {

bool SimNetworkLink::is_up() const {
    std::lock_guard lock(mutex_);
    return up_;
}

void SimNetworkLink::set_observer(Observer observer) {
    std::lock_guard lock(mutex_);
    observer_ = std::move(observer);
}

void SimNetworkLink::set_up(bool up) {
    Observer observer;
    {
        std::lock_guard lock(mutex_);
        if (up_ == up) return;
        up_ = up;
        observer = observer_;
    }
    if (observer) observer(up);  // outside the lock: the observer may call is_up()
}

}  // namespace hal::sim
