#include "hal/linux/sysfs_indicator.hpp"

#include "sysfs_files.hpp"

namespace hal::linux {

using linux_impl::read_attribute;
using linux_impl::write_attribute;

std::string SysfsIndicator::attribute(const std::string& device, const std::string& name) const {
    return options_.leds_root + "/" + device + "/" + name;
}

std::string SysfsIndicator::max_brightness(const std::string& device) const {
    const auto max = read_attribute(attribute(device, "max_brightness"));
    return max && !max->empty() ? *max : "1";
}

Status SysfsIndicator::set_led(const LedState& state) {
    std::lock_guard lock(mutex_);
    const std::string& led = options_.led;
    switch (state.mode) {
        case LedState::Mode::off:
            if (Status s = write_attribute(attribute(led, "trigger"), "none"); !s) return s;
            return write_attribute(attribute(led, "brightness"), "0");
        case LedState::Mode::on:
            if (Status s = write_attribute(attribute(led, "trigger"), "none"); !s) return s;
            return write_attribute(attribute(led, "brightness"), max_brightness(led));
        case LedState::Mode::blink:
            // Writing the trigger makes the kernel create delay_on/delay_off; set them after it.
            if (Status s = write_attribute(attribute(led, "trigger"), "timer"); !s) return s;
            if (Status s = write_attribute(attribute(led, "delay_on"), std::to_string(state.on_time.count())); !s) {
                return s;
            }
            return write_attribute(attribute(led, "delay_off"), std::to_string(state.off_time.count()));
    }
    return Status::failure(led + ": unknown LED mode");
}

Status SysfsIndicator::beep(BeepPattern pattern) {
    std::lock_guard lock(mutex_);
    const std::string& beeper = options_.beeper;
    if (beeper.empty()) return {};  // nothing to beep with is not an error: the LED still shows
    // ledtrig-pattern: "brightness duration_ms" pairs, played `repeat` times. The trigger fades
    // linearly from one pair's brightness to the next over the first one's duration, so a hard
    // on/off is written as on-for-T, on-for-0, off-for-T, off-for-0 (the kernel's own example).
    const std::string on = max_brightness(beeper);
    const bool ok = pattern == BeepPattern::ok;
    const auto beep_then_pause = [&on](const char* beep_ms, const char* pause_ms) {
        return on + " " + beep_ms + " " + on + " 0 0 " + pause_ms + " 0 0";
    };
    const std::string steps = ok ? beep_then_pause("80", "20") : beep_then_pause("250", "150");
    const std::string repeat = ok ? "1" : "3";
    if (Status s = write_attribute(attribute(beeper, "trigger"), "pattern"); !s) return s;
    if (Status s = write_attribute(attribute(beeper, "repeat"), repeat); !s) return s;
    return write_attribute(attribute(beeper, "pattern"), steps);  // writing the pattern starts it
}

}  // namespace hal::linux
