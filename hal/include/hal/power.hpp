#pragma once
// HAL: the power supply: battery level and charging on a handheld, mains on a station.
//
// Contract:
// - read() reads the current state; it does a few small file reads (no blocking device I/O)
//   and may be called from any thread. It fails only when the state cannot be read at all.
// - battery_percent is empty when the device has no battery (a picking station on mains).
// - on_external_power is true on mains/USB/dock power, and also when no supply reports at all
//   (a device without power-supply drivers runs from the wall).

#include <optional>

#include "hal/result.hpp"

namespace hal {

struct PowerStatus {
    bool on_external_power = true;
    std::optional<int> battery_percent;  // 0..100
    bool charging = false;
    friend bool operator==(const PowerStatus&, const PowerStatus&) = default;
};

class Power {
public:
    virtual ~Power() = default;
    [[nodiscard]] virtual Result<PowerStatus> read() const = 0;
};

}  // namespace hal
