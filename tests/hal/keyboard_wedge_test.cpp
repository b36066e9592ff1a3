// Key events back into the characters a keyboard-wedge scanner typed.

#include "hal/linux/keyboard_wedge.hpp"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

#include "key_events.hpp"

namespace hal::linux {
namespace {

using outpost::testing::KeyStroke;
using outpost::testing::keystrokes_for;

// Types `text` (and Enter when asked) into the wedge; returns the scan if one completed.
std::string type(KeyboardWedge& wedge, const std::string& text, bool enter = true) {
    std::string scan;
    auto apply = [&](std::uint16_t code, std::int32_t value) {
        if (wedge.key(code, value) == KeyboardWedge::Outcome::scan) scan = wedge.take();
    };
    for (const KeyStroke& stroke : keystrokes_for(text)) {
        if (stroke.modifier != 0) apply(stroke.modifier, 1);
        apply(stroke.code, 1);
        apply(stroke.code, 0);
        if (stroke.modifier != 0) apply(stroke.modifier, 0);
    }
    if (enter) {
        apply(KEY_ENTER, 1);
        apply(KEY_ENTER, 0);
    }
    return scan;
}

TEST(KeyboardWedge, TypesLettersDigitsAndShiftedPunctuation) {
    KeyboardWedge wedge;
    EXPECT_EQ(type(wedge, "]C1Ab9-_(X)"), "]C1Ab9-_(X)");
}

TEST(KeyboardWedge, CtrlRightBraceIsGroupSeparator) {
    KeyboardWedge wedge;
    EXPECT_EQ(type(wedge, "]d21012\x1d" "21X"), "]d21012\x1d" "21X");
}

TEST(KeyboardWedge, ConfiguredKeyIsGroupSeparator) {
    KeyboardWedge wedge(KEY_F8);
    std::string scan;
    for (auto code : {KEY_1, KEY_0, KEY_A, KEY_F8, KEY_2, KEY_1, KEY_ENTER}) {
        if (wedge.key(static_cast<std::uint16_t>(code), 1) == KeyboardWedge::Outcome::scan) scan = wedge.take();
        (void)wedge.key(static_cast<std::uint16_t>(code), 0);
    }
    EXPECT_EQ(scan, "10a\x1d" "21");
}

TEST(KeyboardWedge, AutorepeatAndUnknownKeysTypeNothing) {
    KeyboardWedge wedge;
    (void)wedge.key(KEY_7, 1);
    (void)wedge.key(KEY_7, 2);  // autorepeat
    (void)wedge.key(KEY_F1, 1);
    (void)wedge.key(KEY_7, 0);
    ASSERT_EQ(wedge.key(KEY_ENTER, 1), KeyboardWedge::Outcome::scan);
    EXPECT_EQ(wedge.take(), "7");
    EXPECT_EQ(wedge.key(KEY_KPENTER, 1), KeyboardWedge::Outcome::nothing) << "an empty line is no scan";
}

TEST(KeyboardWedge, OverlongScanIsReportedThenTheNextOneWorks) {
    KeyboardWedge wedge(0, 4);
    EXPECT_EQ(type(wedge, "123456", false), "");
    EXPECT_EQ(wedge.key(KEY_ENTER, 1), KeyboardWedge::Outcome::too_long);
    EXPECT_EQ(type(wedge, "12"), "12");
}

}  // namespace
}  // namespace hal::linux
