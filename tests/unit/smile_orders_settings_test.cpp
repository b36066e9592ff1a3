// The [upstream.smile-orders] table: the contract's login defaults, deployment overrides, and
// errors naming the key.

#include <gtest/gtest.h>

#include "outpost/connectors/registry.hpp"
#include "outpost/connectors/smile_orders_connector.hpp"

namespace outpost::connectors {
namespace {

config::UpstreamConfig table(nlohmann::json options, std::map<std::string, std::string> secrets = {}) {
    config::UpstreamConfig upstream;
    upstream.name = "smile-orders";
    upstream.base_url = "https://smile.example.com";
    upstream.options = std::move(options);
    upstream.secrets = std::move(secrets);
    return upstream;
}

TEST(SmileOrdersSettings, ContractDefaults) {
    auto settings = smile_orders_settings(table({{"username", "ops@example.com"}}, {{"password", "pw"}}), "f.toml", "hh-1");
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->base_url, "https://smile.example.com");
    EXPECT_EQ(settings->login_path, "/auth/login");
    EXPECT_EQ(settings->username_field, "email");
    EXPECT_EQ(settings->password_field, "password");
    EXPECT_EQ(settings->token_pointer, "/data/token");
    EXPECT_EQ(settings->expiry_pointer, "/data/expired_at");
    EXPECT_EQ(settings->device_id, "hh-1");
    EXPECT_EQ(settings->password, "pw");
}

TEST(SmileOrdersSettings, DeploymentOverrides) {
    auto settings = smile_orders_settings(table({{"username", "ops"},
                                                 {"login_path", "/api/auth/login"},
                                                 {"username_field", "username"},
                                                 {"password_field", "pass"},
                                                 {"token_pointer", "/access_token"},
                                                 {"expiry_pointer", "/expires"}},
                                                {{"password", "pw"}}),
                                          "f.toml", "hh-1");
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->login_path, "/api/auth/login");
    EXPECT_EQ(settings->username_field, "username");
    EXPECT_EQ(settings->password_field, "pass");
    EXPECT_EQ(settings->token_pointer, "/access_token");
    EXPECT_EQ(settings->expiry_pointer, "/expires");
}

TEST(SmileOrdersSettings, ProblemsNameTheKey) {
    struct Case {
        nlohmann::json options;
        std::map<std::string, std::string> secrets;
        const char* fragment;
    };
    const Case cases[] = {
        {{}, {{"password", "pw"}}, "missing required key 'upstream.smile-orders.username'"},
        {{{"username", "ops"}}, {}, "missing 'upstream.smile-orders.password'"},
        {{{"username", "ops"}, {"login_path", "auth/login"}}, {{"password", "pw"}},
         "'upstream.smile-orders.login_path' must be a path starting with '/'"},
        {{{"username", "ops"}, {"token_pointer", "data.token"}}, {{"password", "pw"}},
         "'upstream.smile-orders.token_pointer' must be a JSON pointer"},
        {{{"username", "ops"}, {"usrname_field", "email"}}, {{"password", "pw"}},
         "unknown key 'upstream.smile-orders.usrname_field'"},
        {{{"username", "ops"}}, {{"password", "pw"}, {"api_key", "secret-value"}},
         "'upstream.smile-orders.api_key' (or its _file form) is not used"},
    };
    for (const Case& test_case : cases) {
        auto settings = smile_orders_settings(table(test_case.options, test_case.secrets), "f.toml", "hh-1");
        ASSERT_FALSE(settings) << test_case.fragment;
        EXPECT_NE(settings.error().message.find(test_case.fragment), std::string::npos) << settings.error().message;
        EXPECT_NE(settings.error().message.find("f.toml"), std::string::npos) << settings.error().message;
        EXPECT_EQ(settings.error().message.find("secret-value"), std::string::npos) << "a secret leaked";
    }
}

TEST(SmileOrdersSettings, TheRegistryBuildsTheConnector) {
    auto connector = make_connector(table({{"username", "ops"}}, {{"password", "pw"}}), {"f.toml", "hh-1"});
    ASSERT_TRUE(connector) << connector.error().message;
    const auto names = known_upstreams();
    EXPECT_NE(std::find(names.begin(), names.end(), "smile-orders"), names.end());
}

}  // namespace
}  // namespace outpost::connectors
