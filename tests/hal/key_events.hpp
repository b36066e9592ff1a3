#pragma once
// The key strokes a US-layout keyboard-wedge scanner sends to type a text (the inverse of
// hal::linux::KeyboardWedge, written independently so one cannot hide the other's mistake).
// GS is typed as Ctrl+]. Covers the characters the tests type.

#include <linux/input-event-codes.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace outpost::testing {

struct KeyStroke {
    std::uint16_t modifier;  // 0, KEY_LEFTSHIFT or KEY_LEFTCTRL
    std::uint16_t code;
};

inline std::vector<KeyStroke> keystrokes_for(std::string_view text) {
    constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyz";
    constexpr std::uint16_t kLetterCodes[] = {KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I,
                                              KEY_J, KEY_K, KEY_L, KEY_M, KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R,
                                              KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z};
    constexpr std::uint16_t kDigitCodes[] = {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9};
    std::vector<KeyStroke> strokes;
    for (const char c : text) {
        if (c >= 'a' && c <= 'z') {
            strokes.push_back({0, kLetterCodes[kLetters.find(c)]});
        } else if (c >= 'A' && c <= 'Z') {
            strokes.push_back({KEY_LEFTSHIFT, kLetterCodes[kLetters.find(static_cast<char>(c - 'A' + 'a'))]});
        } else if (c >= '0' && c <= '9') {
            strokes.push_back({0, kDigitCodes[c - '0']});
        } else if (c == ']') {
            strokes.push_back({0, KEY_RIGHTBRACE});
        } else if (c == '\x1d') {
            strokes.push_back({KEY_LEFTCTRL, KEY_RIGHTBRACE});
        } else if (c == '-') {
            strokes.push_back({0, KEY_MINUS});
        } else if (c == '_') {
            strokes.push_back({KEY_LEFTSHIFT, KEY_MINUS});
        } else if (c == '(') {
            strokes.push_back({KEY_LEFTSHIFT, KEY_9});
        } else if (c == ')') {
            strokes.push_back({KEY_LEFTSHIFT, KEY_0});
        } else {
            throw std::invalid_argument(std::string("keystrokes_for: no stroke for '") + c + "'");
        }
    }
    return strokes;
}

}  // namespace outpost::testing
