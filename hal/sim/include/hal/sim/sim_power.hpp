#pragma once
// Sim board: a power supply set by hand (a handheld on battery by default). Thread-safe.

#include <mutex>
#include <string>

#include "hal/power.hpp"

namespace hal::sim {

class SimPower final : public Power {
public:
    explicit SimPower(PowerStatus initial = PowerStatus{false, 100, false}) : status_(initial) {}

    [[nodiscard]] Result<PowerStatus> read() const override;

    // Knobs.
    void set(const PowerStatus& status);
    void drain(int percent);  // battery level down by `percent`, not below 0; off external power
    void fail_with(std::string message);  // read() fails with it; empty: works again

private:
    mutable std::mutex mutex_;
    PowerStatus status_;
    std::string failure_;
};

}  // namespace hal::sim
