#pragma once
// Linux: the indicator on LED-class devices (/sys/class/leds/<name>/). The status LED uses
// brightness for on/off and the "timer" trigger for blinking; the beeper (a buzzer wired as an
// LED, as gpio-leds or pwm boards expose it) plays its patterns with the "pattern" trigger.
// Either way the kernel times the pattern: calls only write a few attribute files.

#include <mutex>
#include <string>
#include <utility>

#include "hal/indicator.hpp"

namespace hal::linux {

struct SysfsIndicatorOptions {
    std::string leds_root = "/sys/class/leds";
    std::string led;     // LED-class name of the status LED, e.g. "status:green"
    std::string beeper;  // LED-class name of the buzzer; empty: the device has none
};

class SysfsIndicator final : public Indicator {
public:
    explicit SysfsIndicator(SysfsIndicatorOptions options) : options_(std::move(options)) {}

    Status set_led(const LedState& state) override;
    Status beep(BeepPattern pattern) override;

private:
    [[nodiscard]] std::string attribute(const std::string& device, const std::string& name) const;
    [[nodiscard]] std::string max_brightness(const std::string& device) const;

    SysfsIndicatorOptions options_;
    std::mutex mutex_;  // a trigger change and its attributes belong together
};

}  // namespace hal::linux
