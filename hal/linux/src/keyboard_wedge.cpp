#include "hal/linux/keyboard_wedge.hpp"

#include <linux/input-event-codes.h>

#include <array>

namespace hal::linux {

namespace {

struct Key {
    std::uint16_t code;
    char plain;
    char shifted;
};

// The US layout, the keys a barcode can type.
constexpr std::array kKeys{
    Key{KEY_1, '1', '!'}, Key{KEY_2, '2', '@'}, Key{KEY_3, '3', '#'}, Key{KEY_4, '4', '$'},
    Key{KEY_5, '5', '%'}, Key{KEY_6, '6', '^'}, Key{KEY_7, '7', '&'}, Key{KEY_8, '8', '*'},
    Key{KEY_9, '9', '('}, Key{KEY_0, '0', ')'}, Key{KEY_MINUS, '-', '_'}, Key{KEY_EQUAL, '=', '+'},
    Key{KEY_Q, 'q', 'Q'}, Key{KEY_W, 'w', 'W'}, Key{KEY_E, 'e', 'E'}, Key{KEY_R, 'r', 'R'},
    Key{KEY_T, 't', 'T'}, Key{KEY_Y, 'y', 'Y'}, Key{KEY_U, 'u', 'U'}, Key{KEY_I, 'i', 'I'},
    Key{KEY_O, 'o', 'O'}, Key{KEY_P, 'p', 'P'}, Key{KEY_LEFTBRACE, '[', '{'}, Key{KEY_RIGHTBRACE, ']', '}'},
    Key{KEY_A, 'a', 'A'}, Key{KEY_S, 's', 'S'}, Key{KEY_D, 'd', 'D'}, Key{KEY_F, 'f', 'F'},
    Key{KEY_G, 'g', 'G'}, Key{KEY_H, 'h', 'H'}, Key{KEY_J, 'j', 'J'}, Key{KEY_K, 'k', 'K'},
    Key{KEY_L, 'l', 'L'}, Key{KEY_SEMICOLON, ';', ':'}, Key{KEY_APOSTROPHE, '\'', '"'},
    Key{KEY_GRAVE, '`', '~'}, Key{KEY_BACKSLASH, '\\', '|'}, Key{KEY_Z, 'z', 'Z'}, Key{KEY_X, 'x', 'X'},
    Key{KEY_C, 'c', 'C'}, Key{KEY_V, 'v', 'V'}, Key{KEY_B, 'b', 'B'}, Key{KEY_N, 'n', 'N'},
    Key{KEY_M, 'm', 'M'}, Key{KEY_COMMA, ',', '<'}, Key{KEY_DOT, '.', '>'}, Key{KEY_SLASH, '/', '?'},
    Key{KEY_SPACE, ' ', ' '}, Key{KEY_KP0, '0', '0'}, Key{KEY_KP1, '1', '1'}, Key{KEY_KP2, '2', '2'},
    Key{KEY_KP3, '3', '3'}, Key{KEY_KP4, '4', '4'}, Key{KEY_KP5, '5', '5'}, Key{KEY_KP6, '6', '6'},
    Key{KEY_KP7, '7', '7'}, Key{KEY_KP8, '8', '8'}, Key{KEY_KP9, '9', '9'}, Key{KEY_KPMINUS, '-', '-'},
    Key{KEY_KPPLUS, '+', '+'}, Key{KEY_KPDOT, '.', '.'}, Key{KEY_KPSLASH, '/', '/'},
    Key{KEY_KPASTERISK, '*', '*'},
};

constexpr char kGroupSeparator = '\x1d';

}  // namespace

KeyboardWedge::Outcome KeyboardWedge::key(std::uint16_t code, std::int32_t value) {
    const bool pressed = value != 0;  // press or autorepeat
    switch (code) {
        case KEY_LEFTSHIFT: left_shift_ = pressed; return Outcome::nothing;
        case KEY_RIGHTSHIFT: right_shift_ = pressed; return Outcome::nothing;
        case KEY_LEFTCTRL: left_ctrl_ = pressed; return Outcome::nothing;
        case KEY_RIGHTCTRL: right_ctrl_ = pressed; return Outcome::nothing;
        default: break;
    }
    if (value != 1) return Outcome::nothing;  // characters are typed on press only
    if (code == KEY_ENTER || code == KEY_KPENTER) {
        const bool overflowed = std::exchange(overflowed_, false);
        if (overflowed) return Outcome::too_long;
        return line_.empty() ? Outcome::nothing : Outcome::scan;
    }
    std::optional<char> typed;
    if ((gs_key_ != 0 && code == gs_key_) || ((left_ctrl_ || right_ctrl_) && code == KEY_RIGHTBRACE)) {
        typed = kGroupSeparator;
    } else {
        for (const auto& k : kKeys) {
            if (k.code == code) typed = (left_shift_ || right_shift_) ? k.shifted : k.plain;
        }
    }
    if (!typed || overflowed_) return Outcome::nothing;
    if (line_.size() == limit_) {
        overflowed_ = true;
        line_.clear();
        return Outcome::nothing;
    }
    line_.push_back(*typed);
    return Outcome::nothing;
}

}  // namespace hal::linux
