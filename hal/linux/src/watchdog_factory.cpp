#include "hal/linux/watchdog_factory.hpp"

#include <cstdlib>

#include "hal/linux/dev_watchdog.hpp"
#include "hal/linux/sd_notify_watchdog.hpp"

namespace hal::linux {

std::unique_ptr<Watchdog> make_watchdog() {
    const char* notify_socket = std::getenv("NOTIFY_SOCKET");
    if (notify_socket != nullptr && *notify_socket != '\0') return std::make_unique<SdNotifyWatchdog>(notify_socket);
    return std::make_unique<DevWatchdog>();
}

}  // namespace hal::linux
