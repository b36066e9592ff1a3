// Status classes and Retry-After parsing (upstream-contract.md, "Status classes").

#include <gtest/gtest.h>

#include "outpost/connectors/delivery.hpp"

namespace outpost::connectors {
namespace {

TEST(ClassifyStatus, FollowsTheContract) {
    EXPECT_EQ(classify_status(200), Outcome::Delivered);
    EXPECT_EQ(classify_status(201), Outcome::Delivered);
    EXPECT_EQ(classify_status(409), Outcome::AlreadyDelivered);
    for (long transient : {408L, 425L, 429L, 500L, 502L, 503L, 504L}) {
        EXPECT_EQ(classify_status(transient), Outcome::Transient) << transient;
    }
    for (long permanent : {400L, 403L, 404L, 410L, 422L}) {
        EXPECT_EQ(classify_status(permanent), Outcome::Permanent) << permanent;
    }
}

TEST(RetryAfter, SecondsAndHttpDate) {
    const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
    EXPECT_EQ(parse_retry_after("120", now), std::chrono::seconds(120));
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now), std::chrono::seconds(60));
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT", now), std::chrono::seconds(0));
    EXPECT_FALSE(parse_retry_after("soon", now));
    EXPECT_FALSE(parse_retry_after("", now));
    EXPECT_FALSE(parse_retry_after("-5", now));
}

TEST(RetryAfter, ADateCenturiesAheadIsIgnoredNotOverflowed) {
    // A time_point counts nanoseconds: converting this date used to overflow (undefined
    // behaviour; tests/fuzz/regressions/upstream_answers/retry-after-date-year-3121).
    const auto now = std::chrono::system_clock::from_time_t(784111777);
    EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 3121 08:49:37 GMT", now));
    EXPECT_FALSE(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now));
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 09:49:37 GMT", now), std::chrono::hours(1));
}

}  // namespace
}  // namespace outpost::connectors
