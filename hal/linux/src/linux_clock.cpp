#include "hal/linux/linux_clock.hpp"

#include <sys/timex.h>

namespace hal::linux {

std::chrono::system_clock::time_point LinuxClock::wall_now() const { return std::chrono::system_clock::now(); }

std::chrono::steady_clock::time_point LinuxClock::monotonic_now() const { return std::chrono::steady_clock::now(); }

bool LinuxClock::wall_clock_trusted() const {
    if (wall_now() < options_.floor) return false;
    if (!options_.require_ntp_sync) return true;
    timex state{};  // modes 0: read only, no privilege needed
    const int clock_state = ::ntp_adjtime(&state);
    return clock_state != -1 && clock_state != TIME_ERROR && (state.status & STA_UNSYNC) == 0;
}

}  // namespace hal::linux
