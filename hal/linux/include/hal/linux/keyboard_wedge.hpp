#pragma once
// Turns the key events of a keyboard-wedge scanner (a USB scanner that types) back into the
// characters it typed, assuming the US layout scanners default to. Enter ends a scan. Shift is
// tracked; Ctrl+] (ASCII's own way to type GS) and an optional configured key produce GS
// (0x1D), since scanners type FNC1 either way depending on their setup. Keys it cannot map are
// ignored. Pure state machine: no I/O, one per scanner, not thread-safe.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace hal::linux {

class KeyboardWedge {
public:
    // gs_key: a Linux key code (linux/input-event-codes.h) that types GS; 0 for none.
    explicit KeyboardWedge(std::uint16_t gs_key = 0, std::size_t max_scan_length = 4096)
        : gs_key_(gs_key), limit_(max_scan_length) {}

    enum class Outcome { nothing, scan, too_long };
    // One EV_KEY event (value 1 press, 0 release, 2 autorepeat). On Outcome::scan, take() it.
    Outcome key(std::uint16_t code, std::int32_t value);
    std::string take() { return std::exchange(line_, {}); }

private:
    std::uint16_t gs_key_;
    std::size_t limit_;
    std::string line_;
    bool left_shift_ = false, right_shift_ = false, left_ctrl_ = false, right_ctrl_ = false;
    bool overflowed_ = false;
};

}  // namespace hal::linux
