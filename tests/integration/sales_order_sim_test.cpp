// The simulator's Sales Order API on its own, driven request by request over mutual TLS: each
// authentication layer refuses what it should (a client id that is not the token's, a stale
// timestamp, a signature the registered key does not verify), tokens refresh, and keys dedupe.
// The requests are signed with the agent's signer (Mbed TLS) and checked by the simulator's
// OpenSSL code: the two implementations have to agree.

#include <gtest/gtest.h>

#include <chrono>

#include "outpost/auth/rsa_signer.hpp"
#include "outpost/transport/http_client.hpp"
#include "simulator.hpp"

namespace outpost::testing {
namespace {

constexpr const char* kClientId = "partner-client-001";
constexpr const char* kSecret = "so-client-s3cret-for-tests";

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class SalesOrderSim : public ::testing::Test {
protected:
    SalesOrderSim() : sim_(options()) {
        auto http = transport::HttpClient::create({pki_file("ca.pem"), pki_file("client.pem"), pki_file("client.key")},
                                                  {});
        if (!http) throw std::runtime_error(http.error().message);
        http_ = std::move(*http);
        auto signer = auth::RsaSigner::load_file(pki_file("signing.key"));
        if (!signer) throw std::runtime_error(signer.error().message);
        signer_.emplace(std::move(*signer));
    }

    static SimulatorOptions options() {
        SimulatorOptions options;
        options.extra_args = {"--sales-client-id", kClientId,  "--sales-client-secret", kSecret,
                              "--sales-public-key", pki_file("signing.pub"), "--sales-max-skew", "300"};
        return options;
    }

    transport::Response post(const std::string& path, const nlohmann::json& body,
                             std::vector<std::pair<std::string, std::string>> headers = {}) {
        transport::Request request;
        request.url = sim_.base_url() + "/sales-order" + path;
        request.headers = {{"Content-Type", "application/json"}, {"X-Device-Id", "sim-test"}};
        request.headers.insert(request.headers.end(), headers.begin(), headers.end());
        request.body = body.dump();
        auto response = http_->perform(request);
        if (!response) throw std::runtime_error(response.error().message);
        return *response;
    }

    std::string log_in() {
        const auto response = post("/api/v1/auth/login", {{"client_id", kClientId}, {"client_secret", kSecret}});
        EXPECT_EQ(response.status, 200) << response.body;
        const auto body = nlohmann::json::parse(response.body);
        EXPECT_GT(body["expired_at"].get<std::int64_t>(), unix_now());
        return body["token"].get<std::string>();
    }

    struct Signed {
        std::string client_id = kClientId;
        std::int64_t timestamp = unix_now();
        std::string signed_text;  // what is signed; empty: client_id|timestamp as sent
        const auth::RsaSigner* signer = nullptr;  // null: the registered key's

        static Signed with_client(std::string id) {
            Signed how;
            how.client_id = std::move(id);
            return how;
        }
        static Signed at(std::int64_t when, std::string text = {}) {
            Signed how;
            how.timestamp = when;
            how.signed_text = std::move(text);
            return how;
        }
        static Signed by(const auth::RsaSigner& key) {
            Signed how;
            how.signer = &key;
            return how;
        }
    };

    transport::Response create(const std::string& token, const std::string& key, const nlohmann::json& order,
                               const Signed& how) {
        const std::string timestamp = std::to_string(how.timestamp);
        const std::string text = how.signed_text.empty() ? how.client_id + "|" + timestamp : how.signed_text;
        auto signature = (how.signer != nullptr ? *how.signer : *signer_).sign_base64(text);
        EXPECT_TRUE(signature);
        return post("/api/v1/sales-orders", order,
                    {{"Authorization", "Bearer " + token},
                     {"X-CLIENT-ID", how.client_id},
                     {"X-TIMESTAMP", timestamp},
                     {"X-SIGNATURE", *signature},
                     {"Idempotency-Key", key}});
    }

    static nlohmann::json order(int quantity = 10) {
        return {{"customer_code", "CUST-001"}, {"site_code", "SITE-001"}, {"sales_name", "John Doe"},
                {"address", "Jl. Sudirman No. 1"}, {"purchase_order_no", nullptr},
                {"products", {{{"product_code", "PROD-001"}, {"quantity", quantity}}}}};
    }

    static std::string message(const transport::Response& response) {
        return nlohmann::json::parse(response.body).value("message", "");
    }

    Simulator sim_;
    std::unique_ptr<transport::HttpClient> http_;
    std::optional<auth::RsaSigner> signer_;
};

TEST_F(SalesOrderSim, ASignedOrderIsCreatedOnceAndAReplayAnswersTheOriginal) {
    const std::string token = log_in();
    const auto created = create(token, "key-1", order(), {});
    ASSERT_EQ(created.status, 201) << created.body;
    const auto resource = nlohmann::json::parse(created.body);
    EXPECT_EQ(resource["message"], "Sales order created successfully");
    EXPECT_EQ(resource["data"]["status"], "DRAFT");
    const std::string code = resource["data"]["code"];
    EXPECT_EQ(code.rfind("SO-", 0), 0u);

    const auto replay = create(token, "key-1", order(), {});  // a new timestamp, a new signature
    EXPECT_EQ(replay.status, 409) << replay.body;
    EXPECT_EQ(nlohmann::json::parse(replay.body)["data"]["code"], code);
    const auto reused = create(token, "key-1", order(11), {});
    EXPECT_EQ(reused.status, 422) << reused.body;
    EXPECT_EQ(sim_.admin_get("/admin/sales-orders")["orders"].size(), 1u);

    const auto invalid = create(token, "key-2", order(0), {});
    EXPECT_EQ(invalid.status, 422);
    EXPECT_TRUE(nlohmann::json::parse(invalid.body)["errors"].contains("products.0.quantity")) << invalid.body;
}

TEST_F(SalesOrderSim, EachAuthenticationLayerRefusesWhatItShould) {
    const std::string token = log_in();
    auto refused = create(token, "k-client", order(), Signed::with_client("partner-client-002"));
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(message(refused), "X-CLIENT-ID does not match the token's client_id");

    refused = create(token, "k-stale", order(), Signed::at(unix_now() - 1000));
    EXPECT_EQ(refused.status, 401);
    EXPECT_NE(message(refused).find("X-TIMESTAMP is -100"), std::string::npos) << refused.body;

    // Signed for one timestamp, sent with another (within the skew).
    const std::int64_t now = unix_now();
    refused = create(token, "k-moved", order(),
                     Signed::at(now, std::string(kClientId) + "|" + std::to_string(now - 5)));
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(message(refused), "X-SIGNATURE does not verify with the registered public key");

    auto stranger = auth::RsaSigner::load_file(pki_file("other-signing.key"));
    ASSERT_TRUE(stranger);
    refused = create(token, "k-stranger", order(), Signed::by(*stranger));
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(message(refused), "X-SIGNATURE does not verify with the registered public key");

    refused = create("not-a-token", "k-token", order(), {});
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(message(refused), "invalid or expired token");

    const auto counters = sim_.admin_get("/admin/sales-orders")["counters"];
    EXPECT_EQ(counters["client_mismatches"], 1);
    EXPECT_EQ(counters["stale_timestamps"], 1);
    EXPECT_EQ(counters["bad_signatures"], 2);
    EXPECT_EQ(counters["token_refusals"], 1);
    EXPECT_EQ(counters["accepted"], 0);
    EXPECT_EQ(create(token, "k-good", order(), {}).status, 201) << "the token stopped working";
}

TEST_F(SalesOrderSim, RefreshGivesAWorkingTokenAndRevocationEndsBoth) {
    const std::string first = log_in();
    auto refreshed = post("/api/v1/auth/refresh", {{"token", first}});
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    const std::string second = nlohmann::json::parse(refreshed.body)["token"];
    EXPECT_NE(second, first);
    EXPECT_EQ(create(second, "k-1", order(), {}).status, 201);

    EXPECT_EQ(post("/api/v1/auth/refresh", {{"token", first + "x"}}).status, 401);
    EXPECT_EQ(post("/api/v1/auth/login", {{"client_id", kClientId}, {"client_secret", "wrong"}}).status, 401);

    sim_.admin_post("/admin/sales-order/revoke-tokens");
    EXPECT_EQ(create(second, "k-2", order(), {}).status, 401);
    EXPECT_EQ(post("/api/v1/auth/refresh", {{"token", second}}).status, 401);
    const auto counters = sim_.admin_get("/admin/sales-orders")["counters"];
    EXPECT_EQ(counters["refreshes"], 1);
    EXPECT_EQ(counters["refresh_failures"], 2);
}

}  // namespace
}  // namespace outpost::testing
