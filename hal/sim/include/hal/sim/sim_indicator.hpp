#pragma once
// Sim board: an indicator that records what it was asked to show, for assertions. Thread-safe.

#include <mutex>
#include <string>
#include <vector>

#include "hal/indicator.hpp"

namespace hal::sim {

class SimIndicator final : public Indicator {
public:
    Status set_led(const LedState& state) override;
    Status beep(BeepPattern pattern) override;

    // Knobs and records.
    void fail_with(std::string message);  // every later call fails with it; empty: work again
    [[nodiscard]] LedState led() const;   // the current LED state
    [[nodiscard]] std::vector<LedState> led_history() const;
    [[nodiscard]] std::vector<BeepPattern> beeps() const;

private:
    mutable std::mutex mutex_;
    std::string failure_;
    std::vector<LedState> leds_;
    std::vector<BeepPattern> beeps_;
};

}  // namespace hal::sim
