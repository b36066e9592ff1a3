// Connector-specific keys of an [upstream.<name>] table: typed reads, errors naming the key,
// unknown keys and unused secrets refused; and the DIN connector's keys read through it.

#include <gtest/gtest.h>

#include "outpost/config/upstream_options.hpp"
#include "outpost/connectors/din_connector.hpp"
#include "outpost/connectors/registry.hpp"

namespace outpost::config {
namespace {

UpstreamConfig table(nlohmann::json options, std::map<std::string, std::string> secrets = {}) {
    UpstreamConfig upstream;
    upstream.name = "din";
    upstream.base_url = "https://din.example.com";
    upstream.options = std::move(options);
    upstream.secrets = std::move(secrets);
    return upstream;
}

TEST(UpstreamOptions, ReadsTypedValuesAndDefaults) {
    const auto upstream = table({{"username", "dev"}, {"page_size", 200}, {"pull", true}, {"tags", {"a", "b"}}},
                                {{"password", "pw"}});
    UpstreamOptions options(upstream, "outpostd.toml");
    EXPECT_EQ(options.string("username", {}, {.required = true}), "dev");
    EXPECT_EQ(options.integer("page_size", 500, 1, 500), 200);
    EXPECT_TRUE(options.boolean("pull", false));
    EXPECT_EQ(options.strings("tags"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(options.json_pointer("token_pointer", "/data/token"), "/data/token");
    EXPECT_EQ(options.secret("password", true), "pw");
    EXPECT_TRUE(options.finish());
}

TEST(UpstreamOptions, UnknownKeyIsNamed) {
    const auto upstream = table({{"username", "dev"}, {"usernme", "typo"}}, {{"password", "pw"}});
    UpstreamOptions options(upstream, "outpostd.toml");
    (void)options.string("username");
    (void)options.secret("password", true);
    auto done = options.finish();
    ASSERT_FALSE(done);
    EXPECT_NE(done.error().message.find("unknown key 'upstream.din.usernme'"), std::string::npos)
        << done.error().message;
    EXPECT_NE(done.error().message.find("outpostd.toml"), std::string::npos);
}

TEST(UpstreamOptions, SecretTheConnectorDoesNotUseIsRefused) {
    const auto upstream = table({}, {{"api_key", "k-secret-value"}});
    UpstreamOptions options(upstream, "outpostd.toml");
    auto done = options.finish();
    ASSERT_FALSE(done);
    EXPECT_NE(done.error().message.find("upstream.din.api_key"), std::string::npos) << done.error().message;
    EXPECT_EQ(done.error().message.find("k-secret-value"), std::string::npos) << "the secret leaked";
}

TEST(UpstreamOptions, FirstProblemWins) {
    const auto upstream = table({{"page_size", 9000}, {"token_pointer", "data.token"}});
    UpstreamOptions options(upstream, "outpostd.toml");
    (void)options.integer("page_size", 500, 1, 500);
    (void)options.json_pointer("token_pointer", "/data/token");
    auto done = options.finish();
    ASSERT_FALSE(done);
    EXPECT_NE(done.error().message.find("'upstream.din.page_size' must be an integer from 1 to 500"),
              std::string::npos)
        << done.error().message;
}

TEST(UpstreamOptions, BadJsonPointerIsNamed) {
    const auto upstream = table({{"token_pointer", "data.token"}});
    UpstreamOptions options(upstream, "outpostd.toml");
    (void)options.json_pointer("token_pointer", "/data/token");
    auto done = options.finish();
    ASSERT_FALSE(done);
    EXPECT_NE(done.error().message.find("JSON pointer"), std::string::npos) << done.error().message;
}

TEST(DinSettings, ContractDefaultsAndDeploymentOverrides) {
    auto defaults = connectors::din_settings(table({{"username", "dev"}}, {{"password", "pw"}}), "f.toml", "hh-1");
    ASSERT_TRUE(defaults) << defaults.error().describe();
    EXPECT_EQ(defaults->username_field, "username");
    EXPECT_EQ(defaults->token_pointer, "/data/token");
    auto custom = connectors::din_settings(
        table({{"username", "dev"}, {"username_field", "user"}, {"token_pointer", "/access_token"}},
              {{"password", "pw"}}),
        "f.toml", "hh-1");
    ASSERT_TRUE(custom) << custom.error().describe();
    EXPECT_EQ(custom->username_field, "user");
    EXPECT_EQ(custom->token_pointer, "/access_token");
}

TEST(DinSettings, MissingPasswordIsNamed) {
    auto settings = connectors::din_settings(table({{"username", "dev"}}), "f.toml", "hh-1");
    ASSERT_FALSE(settings);
    EXPECT_NE(settings.error().message.find("upstream.din.password"), std::string::npos) << settings.error().message;
}

TEST(ConnectorRegistry, UnknownUpstreamListsTheKnownOnes) {
    UpstreamConfig upstream = table({});
    upstream.name = "toaster";
    auto connector = connectors::make_connector(upstream, {"f.toml", "hh-1"});
    ASSERT_FALSE(connector);
    EXPECT_NE(connector.error().message.find("unknown upstream '[upstream.toaster]'"), std::string::npos)
        << connector.error().message;
    EXPECT_NE(connector.error().message.find("din"), std::string::npos);
}

}  // namespace
}  // namespace outpost::config
