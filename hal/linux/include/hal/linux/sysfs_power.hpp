#pragma once
// Linux: the power supply from /sys/class/power_supply/*/: each supply's "type" (Battery,
// Mains, USB, ...), "online" for chargers, "capacity" and "status" for batteries. External
// power: a non-battery supply is online, or the battery says it is charging or full (boards
// that expose only the battery), or there is no battery at all (a station on mains).

#include <string>
#include <utility>

#include "hal/power.hpp"

namespace hal::linux {

class SysfsPower final : public Power {
public:
    explicit SysfsPower(std::string root = "/sys/class/power_supply") : root_(std::move(root)) {}
    [[nodiscard]] Result<PowerStatus> read() const override;

private:
    std::string root_;
};

}  // namespace hal::linux
