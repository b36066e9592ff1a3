#pragma once
// Linux: the kernel watchdog device (/dev/watchdog), which resets the whole device when kicks
// stop. enable() opens it (opening arms it) and sets the timeout in whole seconds, rounded up;
// kick() is WDIOC_KEEPALIVE. Destroying the object disarms it with the magic close ("V"), so a
// clean shutdown does not reboot the device; a crash leaves it armed, which is the point.
// (Drivers built with nowayout ignore the magic close.)

#include <mutex>
#include <string>
#include <utility>

#include "hal/watchdog.hpp"

namespace hal::linux {

class DevWatchdog final : public Watchdog {
public:
    explicit DevWatchdog(std::string device = "/dev/watchdog") : device_(std::move(device)) {}
    ~DevWatchdog() override;
    DevWatchdog(const DevWatchdog&) = delete;
    DevWatchdog& operator=(const DevWatchdog&) = delete;

    Status enable(std::chrono::milliseconds interval) override;
    Status kick() override;
    Status ready() override { return {}; }  // no supervisor to tell

private:
    std::string device_;
    std::mutex mutex_;
    int fd_ = -1;
};

}  // namespace hal::linux
