// Reading upstream answers (outpost/connectors/answers.hpp): login tokens and their expiry,
// operators' messages, whatever the server sent.

#include "outpost/connectors/answers.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

namespace outpost::connectors {
namespace {

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1795392000));  // 2026-11-23

TEST(LoginAnswer, TokenAndExpiryAtTheConfiguredPointers) {
    auto token = read_login_answer(R"({"status":"success","data":{"token":"t-1","expired_at":1795395600}})", {}, kNow);
    ASSERT_TRUE(token) << token.error().message;
    EXPECT_EQ(token->value, "t-1");
    EXPECT_EQ(token->expires_at, kNow + std::chrono::hours(1));

    auto listed = read_login_answer(R"({"data":[{"token":"t-2"}]})", {"/data/0/token", "/data/0/expired_at"}, kNow);
    ASSERT_TRUE(listed) << listed.error().message;
    EXPECT_EQ(listed->value, "t-2");
    EXPECT_EQ(listed->expires_at, kNow + std::chrono::seconds(600));

    auto escaped = read_login_answer(R"({"a/b":{"~c":"t-3"}})", {"/a~1b/~0c", "/x"}, kNow);
    ASSERT_TRUE(escaped) << escaped.error().message;
    EXPECT_EQ(escaped->value, "t-3");
}

TEST(LoginAnswer, MissingOrMistypedTokenIsAnErrorNeverAnException) {
    for (const char* body : {"", "not json", "[]", "{}", R"({"data":1})", R"({"data":[]})", R"({"data":{"token":""}})",
                             R"({"data":{"token":5}})", R"({"data":"token"})"}) {
        auto token = read_login_answer(body, {}, kNow);
        EXPECT_FALSE(token) << body;
    }
    // Array indexes nlohmann's json_pointer throws on (too large, leading zero, not a number).
    for (const char* pointer : {"/data/18446744073709551616", "/data/01", "/data/-", "/data/x", "/data/~2", "data"}) {
        EXPECT_FALSE(read_login_answer(R"({"data":["t"]})", {pointer, "/x"}, kNow)) << pointer;
    }
}

TEST(LoginAnswer, AnExpiryTooFarOffFallsBackToTheDefaultLifetime) {
    // Converting this many seconds to the clock's nanoseconds overflowed (undefined behaviour;
    // tests/fuzz/regressions/upstream_answers/expired-at-overflows-time-point).
    for (const char* expiry : {"99999999999999", "-99999999999999", "18446744073709551615", "1.5e9", "\"1795395600\""}) {
        const std::string body = std::string(R"({"data":{"token":"t","expired_at":)") + expiry + "}}";
        auto token = read_login_answer(body, {}, kNow);
        ASSERT_TRUE(token) << expiry;
        EXPECT_EQ(token->expires_at, kNow + std::chrono::seconds(600)) << expiry;
    }
    // One already past is kept: the session renews the token before using it.
    auto past = read_login_answer(R"({"data":{"token":"t","expired_at":1795391000}})", {}, kNow);
    ASSERT_TRUE(past);
    EXPECT_EQ(past->expires_at, kNow - std::chrono::seconds(1000));
}

TEST(ServerMessage, MessageAndErrorsOrAnExcerptFitForStatusJson) {
    EXPECT_EQ(server_message(R"({"message":"The given data was invalid.","errors":{"qty":["min 1"]}})"),
              R"(The given data was invalid. {"qty":["min 1"]})");
    EXPECT_EQ(server_message("<h1>502 Bad Gateway</h1>\r\n"), "<h1>502 Bad Gateway</h1>  ");
    // Not UTF-8: the status JSON could not hold it (dump() threw in the agent's main loop;
    // tests/fuzz/regressions/upstream_answers/body-not-utf8).
    const std::string latin1 = server_message("Fehler: ung\xfcltig \xff\xfe");
    EXPECT_EQ(latin1, "Fehler: ung?ltig ??");
    EXPECT_NO_THROW((void)nlohmann::json(latin1).dump());
    // Escape sequences and line breaks would rewrite an operator's terminal or forge log lines.
    EXPECT_EQ(server_message("a\x1b[2Jb\nc"), "a [2Jb c");
    // Long bodies and long messages are cut, never inside a character.
    EXPECT_EQ(server_message(std::string(5000, 'x')).size(), kMaxMessageBytes);
    const std::string cut = server_message(std::string(kMaxMessageBytes - 1, 'x') + "\xc3\xa4");
    EXPECT_EQ(cut, std::string(kMaxMessageBytes - 1, 'x') + "?");
    const std::string errors = R"({"message":"m","errors":{"e":")" + std::string(1000, 'y') + "\"}}";
    EXPECT_EQ(server_message(errors).size(), kMaxMessageBytes);
    // A deeply nested "errors" is read as text, not dumped (recursion per level).
    const std::string deep = R"({"message":"m","errors":{"e":)" + std::string(100'000, '[') + "}}";
    EXPECT_EQ(server_message(deep).substr(0, 12), R"({"message":")");
}

}  // namespace
}  // namespace outpost::connectors
