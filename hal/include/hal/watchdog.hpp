#pragma once
// HAL: a watchdog that restarts the agent (systemd) or the device (/dev/watchdog) when the agent
// stops making progress.
//
// Contract:
// - enable(interval) arms the watchdog: if kick() is not called within `interval`, the device
//   or service is restarted. The caller kicks at least twice per interval (from the thread whose
//   progress matters: the event loop). Some hardware only knows whole seconds; the interval is
//   rounded up then.
// - kick() before enable() is allowed and harmless where the implementation allows it.
// - ready() tells the supervisor that start-up finished (systemd Type=notify); a no-op where
//   there is no supervisor.
// - All calls are short non-blocking system calls and may fail (socket gone, device busy):
//   the caller logs the Status; failing to kick is what the watchdog is there to notice.
// - Destroying the object does not disarm a hardware watchdog unless the implementation says so.

#include <chrono>

#include "hal/result.hpp"

namespace hal {

class Watchdog {
public:
    virtual ~Watchdog() = default;
    virtual Status enable(std::chrono::milliseconds interval) = 0;
    virtual Status kick() = 0;
    virtual Status ready() = 0;
};

}  // namespace hal
