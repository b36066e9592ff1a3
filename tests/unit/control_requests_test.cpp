// The agent's reading of its control socket (outpost/control/requests.hpp): which lines become
// requests, which get an error and which end the conversation.

#include "outpost/control/requests.hpp"

#include <gtest/gtest.h>

#include <string>

#include "outpost/control/client.hpp"

namespace outpost::control {
namespace {

TEST(ControlRequests, CompleteLinesBecomeRequestsInOrderAndTheRestWaits) {
    std::string input = "{\"cmd\":\"status\"}\n{\"cmd\":\"dead.list\",\"limit\":5}\n{\"cmd\":\"sta";
    const auto frames = take_requests(input);
    ASSERT_EQ(frames.size(), 2u);
    ASSERT_TRUE(frames[0].request);
    EXPECT_EQ(frames[0].request->at("cmd"), "status");
    ASSERT_TRUE(frames[1].request);
    EXPECT_EQ(frames[1].request->at("limit"), 5);
    EXPECT_EQ(input, "{\"cmd\":\"sta");
}

TEST(ControlRequests, AFieldOfTheWrongTypeIsAnsweredAndTheConversationGoesOn) {
    // Each of these used to reach the agent, whose value() calls throw on them (and so ended
    // the process) or convert them with undefined behaviour (tests/fuzz/regressions/control).
    for (const std::string line : {R"({"cmd":1})", R"({"kind":"x"})", R"({"cmd":"enqueue","kind":7})",
                                   R"({"cmd":"dead.list","limit":"ten"})", R"({"cmd":"dead.list","limit":1e300})",
                                   R"({"cmd":"dead.list","limit":0})", R"({"cmd":"dead.list","limit":4294967296})",
                                   R"({"cmd":"dead.drop","id":7,"reason":false})", R"({"cmd":"dead.show","id":"7"})",
                                   R"({"cmd":"sim.link","up":"yes"})", R"({"cmd":"salvage","path":[]})",
                                   R"({"cmd":"enqueue","idempotency_key":{}})"}) {
        std::string input = line + "\n{\"cmd\":\"status\"}\n";
        const auto frames = take_requests(input);
        ASSERT_EQ(frames.size(), 2u) << line;
        EXPECT_FALSE(frames[0].request) << line;
        EXPECT_FALSE(frames[0].close) << line;
        EXPECT_FALSE(frames[0].error.empty()) << line;
        EXPECT_TRUE(frames[1].request) << line;
    }
    std::string input = "{\"cmd\":\"dead.list\",\"limit\":\"ten\"}\n";
    EXPECT_EQ(take_requests(input).at(0).error, "malformed request: \"limit\" must be an integer from 1 to 2147483647");
}

TEST(ControlRequests, ALineThatIsNotAnObjectEndsTheConversation) {
    for (const std::string line : {"not json", "[1,2]", "\"cmd\"", "{\"cmd\":", "\xff\xfe{}"}) {
        std::string input = "{\"cmd\":\"status\"}\n" + line + "\n{\"cmd\":\"status\"}\n";
        const auto frames = take_requests(input);
        ASSERT_EQ(frames.size(), 2u) << line;
        EXPECT_TRUE(frames[0].request);
        EXPECT_TRUE(frames[1].close);
        EXPECT_EQ(frames[1].error, "malformed request: expected one JSON object per line");
        EXPECT_TRUE(input.empty());
    }
}

TEST(ControlRequests, DeepNestingIsRefusedBeforeItIsParsed) {
    // Copying or dumping a document recurses once per level: a megabyte of "[" in a payload
    // overflowed the agent's stack when it copied the payload.
    const std::string deep = std::string(500'000, '[') + std::string(500'000, ']');
    std::string input = R"({"cmd":"enqueue","kind":"picking-order","payload":)" + deep + "}\n";
    const auto frames = take_requests(input);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_TRUE(frames[0].close);
    EXPECT_NE(frames[0].error.find("nested deeper than"), std::string::npos);

    std::string shallow = R"({"cmd":"x","payload":)" + std::string(31, '[') + std::string(31, ']') + "}\n";
    EXPECT_TRUE(take_requests(shallow).at(0).request);
    // Brackets inside strings are text, not nesting.
    std::string quoted = R"({"cmd":"x","reason":")" + std::string(100, '[') + "\"}\n";
    EXPECT_TRUE(take_requests(quoted).at(0).request);
}

TEST(ControlRequests, BlankLinesAskNothing) {
    std::string input = "{\"cmd\":\"a\"}\n\n\r\n{\"cmd\":\"b\"}\n";
    const auto frames = take_requests(input);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[1].request->at("cmd"), "b");
}

TEST(ControlRequests, AFinishedLineLongerThanAFrameIsRefused) {
    std::string input = "{\"cmd\":\"" + std::string(kMaxFrameBytes, 'x') + "\"}\n{\"cmd\":\"status\"}\n";
    const auto frames = take_requests(input);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_TRUE(frames[0].close);
    EXPECT_NE(frames[0].error.find("larger than"), std::string::npos);
    EXPECT_TRUE(input.empty());
}

TEST(ControlRequests, TakesAtMostTheAskedNumberOfLines) {
    std::string input;
    for (int i = 0; i < 10; ++i) input += "{\"cmd\":\"n\",\"id\":" + std::to_string(i) + "}\n";
    const auto frames = take_requests(input, 4);
    ASSERT_EQ(frames.size(), 4u);
    EXPECT_EQ(frames[3].request->at("id"), 3);
    EXPECT_EQ(take_requests(input).size(), 6u);  // the rest waited, untouched
}

TEST(ControlRequests, AnUnfinishedLineAtTheLimitWaitsForItsEnd) {
    std::string input(kMaxFrameBytes, 'x');
    EXPECT_TRUE(take_requests(input).empty());
    EXPECT_EQ(input.size(), kMaxFrameBytes);
}

TEST(ControlRequests, AnUnfinishedLineLongerThanAFrameIsRefused) {
    std::string input(kMaxFrameBytes + 1, 'x');
    const auto frames = take_requests(input);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_TRUE(frames[0].close);
    EXPECT_TRUE(input.empty());
}

}  // namespace
}  // namespace outpost::control
