// The SmartSeller connector's reading of answers (success only when the body says so, 401 as a
// refused key, 429 as a rate limit) and of its [upstream.smartseller] keys.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "outpost/config/config.hpp"
#include "outpost/connectors/registry.hpp"
#include "outpost/connectors/smartseller_connector.hpp"

namespace outpost::connectors {
namespace {

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

transport::Response answer(long status, const std::string& body, std::optional<std::string> retry_after = {}) {
    return transport::Response{status, body, std::move(retry_after)};
}

TEST(SmartSellerAnswers, SuccessIsWhatTheBodySays) {
    // The seed's own answers: "Success" (update, sync, opname) and "Sukses" (transfer).
    for (const char* verdict : {"Success", "success", "Sukses", "SUKSES"}) {
        const auto result =
            classify_smartseller_response(answer(200, nlohmann::json{{"response", verdict}, {"data", {}}}.dump()), kNow);
        EXPECT_EQ(result.outcome, Outcome::Delivered) << verdict;
    }
}

TEST(SmartSellerAnswers, FailedInA2xxBodyIsARefusalWithTheServersMessage) {
    const auto result = classify_smartseller_response(
        answer(200, R"({"response": "Failed", "message": {"stock.0.amount": ["Insufficient stock"]}, "data": null})"),
        kNow);
    EXPECT_EQ(result.outcome, Outcome::Permanent);
    EXPECT_NE(result.message.find("stock.0.amount: Insufficient stock"), std::string::npos) << result.message;
}

TEST(SmartSellerAnswers, A2xxWithoutAVerdictIsAnUnknownOutcomeRetried) {
    for (const char* body : {"<html>proxy</html>", "{}", R"({"response": 1})", R"({"response": "Maybe"})"}) {
        const auto result = classify_smartseller_response(answer(200, body), kNow);
        EXPECT_EQ(result.outcome, Outcome::Transient) << body;
        EXPECT_NE(result.message.find("outcome unknown"), std::string::npos) << result.message;
    }
}

TEST(SmartSellerAnswers, ValidationErrorsArePermanentWithEveryFieldNamed) {
    const auto result = classify_smartseller_response(
        answer(400, R"({"response": "Failed", "message": {"variation_id": ["The variation_id field is required."],
                        "stock.0.status": ["bad", "worse"]}, "data": null})"),
        kNow);
    EXPECT_EQ(result.outcome, Outcome::Permanent);
    EXPECT_NE(result.message.find("HTTP 400"), std::string::npos) << result.message;
    EXPECT_NE(result.message.find("stock.0.status: bad, worse"), std::string::npos) << result.message;
    EXPECT_NE(result.message.find("variation_id: The variation_id field is required."), std::string::npos)
        << result.message;
}

TEST(SmartSellerAnswers, RevokedKeyIsAuthFailedNotARetry) {
    const auto result = classify_smartseller_response(
        answer(401, R"({"response": "Failed", "message": "Unauthorized -- Your API key is wrong."})"), kNow);
    EXPECT_EQ(result.outcome, Outcome::AuthFailed);
    EXPECT_NE(result.message.find("Your API key is wrong"), std::string::npos) << result.message;
}

TEST(SmartSellerAnswers, TooManyRequestsIsARateLimitWithItsRetryAfter) {
    const auto result = classify_smartseller_response(
        answer(429, R"({"response": "Failed", "message": "Too Many Requests"})", std::string("7")), kNow);
    EXPECT_EQ(result.outcome, Outcome::Transient);
    EXPECT_TRUE(result.rate_limited);
    ASSERT_TRUE(result.retry_after);
    EXPECT_EQ(result.retry_after->count(), 7);
    const auto outage = classify_smartseller_response(answer(503, "{}", std::string("1")), kNow);
    EXPECT_EQ(outage.outcome, Outcome::Transient);
    EXPECT_FALSE(outage.rate_limited);
}

TEST(SmartSellerAnswers, ReplayOfAKnownKeyIsAlreadyDelivered) {
    EXPECT_EQ(classify_smartseller_response(answer(409, R"({"response": "Success"})"), kNow).outcome,
              Outcome::AlreadyDelivered);
}

config::UpstreamConfig table(nlohmann::json options, std::map<std::string, std::string> secrets) {
    config::UpstreamConfig upstream;
    upstream.name = "smartseller";
    upstream.base_url = "https://api.smartseller.example";
    upstream.options = std::move(options);
    upstream.secrets = std::move(secrets);
    return upstream;
}

TEST(SmartSellerSettings, KeyIsRequiredAndOptionsHaveTheSeedsDefaults) {
    auto settings = smartseller_settings(table(nlohmann::json::object(), {{"api_key", "k-123"}}), "o.toml", "hh-07");
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->api_prefix, "/api/open");
    EXPECT_EQ(settings->accept_language, "en");
    EXPECT_EQ(settings->api_key, "k-123");

    auto missing = smartseller_settings(table(nlohmann::json::object(), {}), "o.toml", "hh-07");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("upstream.smartseller.api_key"), std::string::npos)
        << missing.error().message;
}

TEST(SmartSellerSettings, BadOrUnknownKeysAreNamed) {
    struct Case {
        nlohmann::json options;
        const char* fragment;
    };
    for (const Case& c : {Case{{{"api_prefix", "api/open"}}, "upstream.smartseller.api_prefix"},
                          Case{{{"accept_language", "fr"}}, "upstream.smartseller.accept_language"},
                          Case{{{"username", "x"}}, "unknown key 'upstream.smartseller.username'"}}) {
        auto settings = smartseller_settings(table(c.options, {{"api_key", "k"}}), "o.toml", "hh-07");
        ASSERT_FALSE(settings) << c.options.dump();
        EXPECT_NE(settings.error().message.find(c.fragment), std::string::npos) << settings.error().message;
    }
    auto with_password = smartseller_settings(table(nlohmann::json::object(), {{"api_key", "k"}, {"password", "p"}}),
                                              "o.toml", "hh-07");
    ASSERT_FALSE(with_password);
    EXPECT_NE(with_password.error().message.find("upstream.smartseller.password"), std::string::npos);
    auto spaced = smartseller_settings(table(nlohmann::json::object(), {{"api_key", "Bearer k"}}), "o.toml", "hh-07");
    ASSERT_FALSE(spaced);
    EXPECT_EQ(spaced.error().message.find("Bearer k"), std::string::npos) << "the key was echoed";
}

TEST(SmartSellerSettings, TheRegistryServesTheSmartSellerTable) {
    auto connector = make_connector(table(nlohmann::json::object(), {{"api_key", "k"}}), {"o.toml", "hh-07"});
    ASSERT_TRUE(connector) << connector.error().message;
}

}  // namespace
}  // namespace outpost::connectors
