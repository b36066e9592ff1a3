// The Sales Order and PMP Smart connectors' configuration (keys, secrets, the signing key's
// permissions) and PMP's answer classification ("status": "success" in the body).

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "outpost/connectors/pmp_connector.hpp"
#include "outpost/connectors/registry.hpp"
#include "outpost/connectors/sales_order_connector.hpp"
#include "simulator.hpp"  // pki_file
#include "temp_dir.hpp"

namespace outpost::connectors {
namespace {

using testing::TempDir;

config::UpstreamConfig upstream(const std::string& name, nlohmann::json options,
                                std::map<std::string, std::string> secrets) {
    config::UpstreamConfig table;
    table.name = name;
    table.base_url = "https://partner.example.com/sales-order";
    table.options = std::move(options);
    table.secrets = std::move(secrets);
    return table;
}

// The dev signing key copied into `dir` with `mode`.
std::string signing_key(const TempDir& dir, std::filesystem::perms mode, const std::string& source = "signing.key") {
    const std::string path = dir.file("copy-of-" + source);
    std::filesystem::copy_file(testing::pki_file(source), path, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::permissions(path, mode);
    return path;
}

config::UpstreamConfig sales_table(const std::string& key_file) {
    return upstream("sales-order", {{"client_id", "partner-client-001"}, {"signing_key_file", key_file}},
                    {{"client_secret", "s3cret"}});
}

constexpr auto kOwnerOnly = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;

TEST(SalesOrderConfig, ReadsKeysWithTheSeedsDefaultsAndBuildsTheConnector) {
    TempDir dir;
    const auto table = sales_table(signing_key(dir, kOwnerOnly));
    auto settings = sales_order_settings(table, "outpostd.toml", "hh-07");
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->client_id, "partner-client-001");
    EXPECT_EQ(settings->client_secret, "s3cret");
    EXPECT_EQ(settings->sales_order_path, "/api/v1/sales-orders");
    EXPECT_EQ(settings->token_pointer, "/token");
    EXPECT_EQ(settings->expiry_pointer, "/expired_at");
    auto connector = make_connector(table, {"outpostd.toml", "hh-07"});
    ASSERT_TRUE(connector) << connector.error().message;
}

TEST(SalesOrderConfig, ASigningKeyOthersCanReadIsRefusedLikeTheTlsKey) {
    TempDir dir;
    const std::string key = signing_key(dir, kOwnerOnly | std::filesystem::perms::group_read);
    auto connector = make_connector(sales_table(key), {"outpostd.toml", "hh-07"});
    ASSERT_FALSE(connector);
    const std::string& message = connector.error().message;
    EXPECT_NE(message.find("upstream.sales-order.signing_key_file"), std::string::npos) << message;
    EXPECT_NE(message.find("accessible to group or others"), std::string::npos) << message;
    EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
}

TEST(SalesOrderConfig, MissingOrUnusableSettingsAreNamed) {
    TempDir dir;
    const std::string good_key = signing_key(dir, kOwnerOnly);
    const auto error_of = [](const config::UpstreamConfig& table) {
        auto connector = make_connector(table, {"outpostd.toml", "hh-07"});
        return connector ? std::string("(built)") : connector.error().message;
    };
    auto no_id = sales_table(good_key);
    no_id.options.erase("client_id");
    EXPECT_NE(error_of(no_id).find("missing required key 'upstream.sales-order.client_id'"), std::string::npos)
        << error_of(no_id);
    auto no_secret = sales_table(good_key);
    no_secret.secrets.clear();
    EXPECT_NE(error_of(no_secret).find("upstream.sales-order.client_secret_file"), std::string::npos);
    auto no_key = sales_table(good_key);
    no_key.options.erase("signing_key_file");
    EXPECT_NE(error_of(no_key).find("upstream.sales-order.signing_key_file"), std::string::npos);
    auto typo = sales_table(good_key);
    typo.options["signing_key"] = good_key;
    EXPECT_NE(error_of(typo).find("unknown key 'upstream.sales-order.signing_key'"), std::string::npos);
    auto bad_path = sales_table(good_key);
    bad_path.options["sales_order_path"] = "api/v1/orders";
    EXPECT_NE(error_of(bad_path).find("must be a path starting with /"), std::string::npos);

    // Not an RSA key (the dev PKI's TLS key is ECDSA unless made with --rsa; write one that surely is not).
    std::ofstream(dir.file("not-a-key.pem")) << "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    std::filesystem::permissions(dir.file("not-a-key.pem"), kOwnerOnly);
    const std::string message = error_of(sales_table(dir.file("not-a-key.pem")));
    EXPECT_NE(message.find("signing_key_file"), std::string::npos) << message;
    EXPECT_NE(message.find("not a usable PEM private key"), std::string::npos) << message;
}

TEST(PmpConfig, DefaultsFollowTheSeedAndKeysAreChecked) {
    auto settings = pmp_settings(upstream("pmp", {{"email", "api@pmpsmart.com"}}, {{"password", "pw"}}),
                                 "outpostd.toml", "hh-07");
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->token_pointer, "/data/api_token");
    EXPECT_EQ(settings->expiry_pointer, "");
    EXPECT_EQ(settings->token_lifetime, std::chrono::hours(24));
    EXPECT_TRUE(settings->logout_on_shutdown);

    auto custom = pmp_settings(upstream("pmp",
                                        {{"email", "a@b"},
                                         {"token_pointer", "/token"},
                                         {"token_lifetime_s", 3600},
                                         {"logout_on_shutdown", false}},
                                        {{"password", "pw"}}),
                               "outpostd.toml", "hh-07");
    ASSERT_TRUE(custom) << custom.error().message;
    EXPECT_EQ(custom->token_pointer, "/token");
    EXPECT_EQ(custom->token_lifetime, std::chrono::seconds(3600));
    EXPECT_FALSE(custom->logout_on_shutdown);

    auto short_life = pmp_settings(upstream("pmp", {{"email", "a@b"}, {"token_lifetime_s", 5}}, {{"password", "pw"}}),
                                   "outpostd.toml", "hh-07");
    ASSERT_FALSE(short_life);
    EXPECT_NE(short_life.error().message.find("upstream.pmp.token_lifetime_s"), std::string::npos);
    auto no_password = pmp_settings(upstream("pmp", {{"email", "a@b"}}, {}), "outpostd.toml", "hh-07");
    ASSERT_FALSE(no_password);
    EXPECT_NE(no_password.error().message.find("upstream.pmp.password"), std::string::npos);
    auto client_secret = pmp_settings(upstream("pmp", {{"email", "a@b"}}, {{"password", "pw"}, {"client_secret", "x"}}),
                                      "outpostd.toml", "hh-07");
    ASSERT_FALSE(client_secret);
    EXPECT_NE(client_secret.error().message.find("not used by the pmp upstream"), std::string::npos);
}

TEST(Registry, KnowsTheSalesOrderAndPmpUpstreams) {
    const auto names = known_upstreams();
    EXPECT_NE(std::find(names.begin(), names.end(), "sales-order"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "pmp"), names.end());
}

transport::Response answer(long status, std::string body) { return {status, std::move(body), std::nullopt}; }

TEST(PmpClassification, SuccessIsTheBodysStatusNotJustTheHttpStatus) {
    const auto now = std::chrono::system_clock::now();
    EXPECT_EQ(classify_pmp_answer(answer(200, R"({"status": "success", "data": {}})"), now).outcome, Outcome::Delivered);
    EXPECT_EQ(classify_pmp_answer(answer(201, R"({"status": "Success"})"), now).outcome, Outcome::Delivered);

    const auto refused = classify_pmp_answer(answer(200, R"({"status": "failed", "message": "Kode order sudah ada"})"), now);
    EXPECT_EQ(refused.outcome, Outcome::Permanent);
    EXPECT_NE(refused.message.find("Kode order sudah ada"), std::string::npos) << refused.message;
    EXPECT_NE(refused.message.find("status \"failed\""), std::string::npos) << refused.message;

    // A 200 that is not the API talking: unknown whether applied, so retried with the same key.
    EXPECT_EQ(classify_pmp_answer(answer(200, "<html>proxy</html>"), now).outcome, Outcome::Transient);
    EXPECT_EQ(classify_pmp_answer(answer(200, R"({"message": "ok"})"), now).outcome, Outcome::Transient);
    EXPECT_EQ(classify_pmp_answer(answer(200, R"({"status": true})"), now).outcome, Outcome::Transient);

    EXPECT_EQ(classify_pmp_answer(answer(409, R"({"status": "success"})"), now).outcome, Outcome::AlreadyDelivered);
    EXPECT_EQ(classify_pmp_answer(answer(422, R"({"status": "error", "message": "validation failed"})"), now).outcome,
              Outcome::Permanent);
    EXPECT_EQ(classify_pmp_answer(answer(503, "{}"), now).outcome, Outcome::Transient);
}

}  // namespace
}  // namespace outpost::connectors
