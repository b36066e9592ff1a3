#pragma once
// HAL: what the operator sees and hears: one status LED and a beeper.
//
// Contract:
// - Every call returns quickly and never blocks on the pattern: blinking and beep patterns run
//   in the kernel (LED triggers) or in the implementation, not in the caller's thread.
// - set_led() replaces whatever the LED was doing; beep() starts a pattern, replacing one that
//   may still be playing. Both may be called from any thread (implementations serialise).
// - Failures (no such LED, permission) come back as a Status; the agent keeps working without
//   an indicator, so callers log them and go on.

#include <chrono>

#include "hal/result.hpp"

namespace hal {

struct LedState {
    enum class Mode { off, on, blink };
    Mode mode = Mode::off;
    std::chrono::milliseconds on_time{0};   // blink only
    std::chrono::milliseconds off_time{0};  // blink only

    static LedState off() { return {}; }
    static LedState on() { return {Mode::on, {}, {}}; }
    static LedState blink(std::chrono::milliseconds on, std::chrono::milliseconds off) {
        return {Mode::blink, on, off};
    }
    friend bool operator==(const LedState&, const LedState&) = default;
};

enum class BeepPattern {
    ok,     // one short beep: scan accepted
    error,  // three longer beeps: scan refused, operator must look
};

class Indicator {
public:
    virtual ~Indicator() = default;
    virtual Status set_led(const LedState& state) = 0;
    virtual Status beep(BeepPattern pattern) = 0;
};

}  // namespace hal
