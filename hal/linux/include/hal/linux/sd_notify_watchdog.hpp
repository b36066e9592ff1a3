#pragma once
// Linux: systemd's service watchdog through the sd_notify protocol, without libsystemd: one
// datagram per message ("READY=1", "WATCHDOG=1", "WATCHDOG_USEC=...") to the Unix socket named
// in $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace). The unit needs
// Type=notify and WatchdogSec=; systemd restarts the service when kicks stop.

#include <string>
#include <string_view>
#include <utility>

#include "hal/watchdog.hpp"

namespace hal::linux {

class SdNotifyWatchdog final : public Watchdog {
public:
    explicit SdNotifyWatchdog(std::string notify_socket) : socket_path_(std::move(notify_socket)) {}

    // Asks systemd to use this interval (WATCHDOG_USEC), overriding WatchdogSec= of the unit.
    Status enable(std::chrono::milliseconds interval) override;
    Status kick() override;   // WATCHDOG=1
    Status ready() override;  // READY=1

    Status notify(std::string_view message) const;

private:
    std::string socket_path_;
};

}  // namespace hal::linux
