// SmartSeller under pressure: a 429 holds the whole upstream until Retry-After and never opens
// the circuit; a revoked API key (401) shows "auth: failed" and is not hammered. (A static key
// has no expiry, so there is no token to renew in the middle of a drain.)

#include <gtest/gtest.h>

#include <chrono>

#include "smartseller_fixture.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUpdatePath = "/api/open/product/update-stock";

long long wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TEST(SmartSellerFaults, RateLimitHoldsTheWholeUpstreamUntilRetryAfter) {
    // One delivery thread, so "nothing is sent during the hold" is exact.
    SmartSellerFixture f({.concurrency = 1});
    for (int variation = 4001; variation <= 4003; ++variation) {
        ASSERT_TRUE(f.enqueue("stock-update", stock_delta(variation, 1, "ADD", 1)).value("ok", false));
    }
    f.sim().admin_post("/admin/faults", {{"path", kUpdatePath}, {"steps", {{{"status", 429}, {"retry_after", "2"}}}}});
    const long long online_at = wall_ms();
    f.set_link(true);
    // The 429 reaches the status a moment before the outbox records the retry, and with it the
    // next attempt (until then every operation is in flight): wait for both.
    ASSERT_TRUE(wait_until([&] {
        const auto upstream = f.upstream();
        return upstream["last_error"].get<std::string>().find("429") != std::string::npos &&
               !upstream["next_attempt_in_ms"].is_null();
    })) << f.diagnostics();
    const auto held = f.upstream();
    EXPECT_EQ(held["circuit"], "closed") << held.dump();
    EXPECT_EQ(held["consecutive_failures"], 0) << "a rate limit was counted as an outage";
    EXPECT_FALSE(held["rate_limited_until"].is_null()) << held.dump();
    EXPECT_GT(held["next_attempt_in_ms"].get<int>(), 1000) << held.dump();

    ASSERT_TRUE(wait_until([&] { return f.delivered() == 3; })) << f.diagnostics();
    // The other lanes waited too: the 429 was for this client, not for one operation.
    for (const auto& request : f.requests()) {
        EXPECT_GE(request["applied_at_ms"].get<long long>(), online_at + 1900) << "sent before Retry-After: " << request;
    }
    EXPECT_EQ(f.requests_to(kUpdatePath), 4) << "one 429 and three deliveries";
    EXPECT_TRUE(wait_until([&] { return f.upstream()["rate_limited_until"].is_null(); })) << "not cleared by a success";
}

TEST(SmartSellerFaults, RepeatedRateLimitsWithoutRetryAfterBackOffAndNeverOpenTheCircuit) {
    SmartSellerFixture f;
    ASSERT_TRUE(f.enqueue("stock-update", stock_delta(4101, 1, "ADD", 1)).value("ok", false));
    // More 429s in a row than the breaker threshold (5 in the tests' config), without Retry-After.
    f.sim().admin_post("/admin/faults", {{"path", kUpdatePath}, {"steps", {{{"status", 429}, {"repeat", 6}}}}});
    f.set_link(true);
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 1; }, 30s)) << f.diagnostics();
    EXPECT_EQ(f.requests_to(kUpdatePath), 7);
    EXPECT_EQ(f.upstream()["circuit"], "closed");
    const std::string log = f.agent().log();
    EXPECT_EQ(log.find("circuit open"), std::string::npos) << log;
    EXPECT_NE(log.find("rate limited"), std::string::npos) << log;
    EXPECT_EQ(f.stock(4101, 1), 1);
}

TEST(SmartSellerFaults, RevokedKeyShowsAuthFailedAndIsNotHammered) {
    SmartSellerFixture f({.link_up = true});
    ASSERT_TRUE(f.enqueue("stock-update", stock_delta(4201, 1, "ADD", 1)).value("ok", false));
    // The outbox records the delivery a moment before the dispatcher records the outcome.
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 1 && f.upstream()["auth"] == "ok"; })) << f.diagnostics();

    f.sim().admin_post("/admin/smartseller/api-key", {{"api_key", "rotated-key-the-agent-does-not-have"}});
    for (int variation = 4202; variation <= 4205; ++variation) {
        ASSERT_TRUE(f.enqueue("stock-update", stock_delta(variation, 1, "ADD", 1)).value("ok", false));
    }
    ASSERT_TRUE(wait_until([&] { return f.upstream()["auth"] == "failed"; })) << f.diagnostics();
    const auto failed_at = std::chrono::steady_clock::now();
    const auto status = f.status();
    EXPECT_EQ(status["outbox"]["dead"], 0) << "a refused key is not the operations' fault";
    EXPECT_EQ(status["outbox"]["pending"].get<int>() + status["outbox"]["in_flight"].get<int>(), 4);
    const std::string error = status["upstreams"]["smartseller"]["last_error"];
    EXPECT_NE(error.find("401"), std::string::npos) << error;
    EXPECT_NE(error.find("api_key"), std::string::npos) << "the operator is not told what to fix: " << error;
    EXPECT_LE(f.sim().stats()["unauthorized"].get<int>(), 2) << "more 401s than delivery threads";

    // The next try comes only after the hold (the backoff cap, 1 s in the tests' config).
    ASSERT_TRUE(wait_until([&] { return f.sim().stats()["unauthorized"].get<int>() > 2; })) << f.diagnostics();
    EXPECT_GE(std::chrono::steady_clock::now() - failed_at, 500ms) << "the refused key was retried at once";

    f.sim().admin_post("/admin/smartseller/api-key", {{"api_key", kSmartSellerKey}});
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 5 && f.upstream()["auth"] == "ok"; })) << f.diagnostics();
    EXPECT_EQ(f.agent().log().find(kSmartSellerKey), std::string::npos) << "the API key was logged";
}

}  // namespace
}  // namespace outpost::testing
