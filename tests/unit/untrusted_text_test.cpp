// Checks and clean-ups for text from outside (outpost/common/untrusted_text.hpp).

#include "outpost/common/untrusted_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace outpost {
namespace {

TEST(JsonNesting, CountsBracketsOutsideStrings) {
    EXPECT_TRUE(json_nesting_within("", 0));
    EXPECT_TRUE(json_nesting_within("1", 0));
    EXPECT_FALSE(json_nesting_within("[]", 0));
    EXPECT_TRUE(json_nesting_within(R"({"a":[{"b":[]}]})", 4));
    EXPECT_FALSE(json_nesting_within(R"({"a":[{"b":[]}]})", 3));
    EXPECT_TRUE(json_nesting_within(R"({"a":"[[[[[[[[","b":"\"[[[["})", 1));
    EXPECT_TRUE(json_nesting_within("[]]]]][]", 1));  // unbalanced: the parser refuses it later
    EXPECT_FALSE(json_nesting_within(std::string(1'000'000, '['), 64));
}

TEST(Utf8, WellFormedOnly) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("ascii \xc3\xa4 \xe2\x82\xac \xf0\x9f\x93\xa6"));
    EXPECT_FALSE(is_valid_utf8("p\xe4ss"));       // Latin-1
    EXPECT_FALSE(is_valid_utf8("\xc3"));           // cut short
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));   // a surrogate
}

TEST(PrintableExcerpt, KeepsValidUtf8AndReplacesTheRest) {
    EXPECT_EQ(printable_excerpt("gr\xc3\xbc\xc3\x9f dich \xe2\x82\xac \xf0\x9f\x93\xa6", 100),
              "gr\xc3\xbc\xc3\x9f dich \xe2\x82\xac \xf0\x9f\x93\xa6");
    EXPECT_EQ(printable_excerpt("\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \x80", 100), "?? ??? ???? ?");  // overlong, surrogate, > U+10FFFF
    EXPECT_EQ(printable_excerpt("tab\there\r\nbell\x07 del\x7f c1\xc2\x9b", 100), "tab here  bell  del  c1 ");
    EXPECT_EQ(printable_excerpt("abc\xe2\x82\xac", 5), "abc??");  // the cut character
    EXPECT_EQ(printable_excerpt("abcdef", 3), "abc");
}

}  // namespace
}  // namespace outpost
