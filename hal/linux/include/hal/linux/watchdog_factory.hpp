#pragma once
// Linux: the watchdog the environment offers. Under systemd with a notify socket
// ($NOTIFY_SOCKET), the service watchdog: systemd restarts only the agent and logs why.
// Otherwise the kernel's /dev/watchdog, which resets the device.

#include <memory>

#include "hal/watchdog.hpp"

namespace hal::linux {

std::unique_ptr<Watchdog> make_watchdog();

}  // namespace hal::linux
