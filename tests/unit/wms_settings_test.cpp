// The WMS connector's [upstream.wms] keys (defaults, ranges, entity types) and the query
// encoding of its master-data pulls. The pulls themselves are tested against the simulator
// (tests/integration/wms_test.cpp).

#include <gtest/gtest.h>

#include "outpost/catalog/catalog.hpp"
#include "outpost/connectors/registry.hpp"
#include "outpost/connectors/smile_orders_connector.hpp"
#include "outpost/connectors/wms_connector.hpp"
#include "outpost/connectors/wms_master_data.hpp"
#include "temp_dir.hpp"

namespace outpost::connectors {
namespace {

config::UpstreamConfig wms_table(nlohmann::json options) {
    config::UpstreamConfig upstream;
    upstream.name = "wms";
    upstream.base_url = "https://wms.example.com";
    upstream.options = std::move(options);
    upstream.secrets = {{"password", "pw"}};
    return upstream;
}

TEST(WmsSettings, ContractDefaults) {
    auto settings = wms_settings(wms_table({{"username", "dev@example.com"}}), "outpostd.toml", "hh-07");
    ASSERT_TRUE(settings) << settings.error().describe();
    EXPECT_EQ(settings->username_field, "email");
    EXPECT_EQ(settings->password_field, "password");
    EXPECT_EQ(settings->token_pointer, "/data/token");
    EXPECT_EQ(settings->expiry_pointer, "/data/expired_at");
    EXPECT_EQ(settings->pull_interval.count(), 900);
    EXPECT_EQ(settings->page_size, 500);
    EXPECT_EQ(settings->pull_types.size(), 6u);
    EXPECT_EQ(settings->device_id, "hh-07");
}

TEST(WmsSettings, DeploymentSpecificLoginAndPulls) {
    auto settings = wms_settings(wms_table({{"username", "dev"},
                                            {"username_field", "login"},
                                            {"token_pointer", "/token"},
                                            {"pull_interval_s", 60},
                                            {"page_size", 100},
                                            {"pull_types", {"materials", "provinces"}}}),
                                 "outpostd.toml", "hh-07");
    ASSERT_TRUE(settings) << settings.error().describe();
    EXPECT_EQ(settings->username_field, "login");
    EXPECT_EQ(settings->token_pointer, "/token");
    EXPECT_EQ(settings->pull_interval.count(), 60);
    EXPECT_EQ(settings->page_size, 100);
    // Pulled parents first, whatever the order in the file.
    EXPECT_EQ(settings->pull_types,
              (std::vector<catalog::EntityType>{catalog::EntityType::Provinces, catalog::EntityType::Materials}));
    auto none = wms_settings(wms_table({{"username", "dev"}, {"pull_types", nlohmann::json::array()}}), "f", "d");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->pull_types.empty());
}

TEST(WmsSettings, BadKeysAreNamed) {
    struct Case {
        nlohmann::json options;
        const char* fragment;
    };
    for (const auto& [options, fragment] : std::vector<Case>{
             {{{"username", "dev"}, {"page_size", 501}}, "'upstream.wms.page_size'"},
             {{{"username", "dev"}, {"pull_interval_s", 0}}, "'upstream.wms.pull_interval_s'"},
             {{{"username", "dev"}, {"pull_types", {"materials", "vaccines"}}}, "'vaccines'"},
             {{{"username", "dev"}, {"token_pointer", "data.token"}}, "'upstream.wms.token_pointer'"},
             {{{"username", "dev"}, {"paginate", 100}}, "unknown key 'upstream.wms.paginate'"},
             {nlohmann::json::object(), "'upstream.wms.username'"}}) {
        auto settings = wms_settings(wms_table(options), "outpostd.toml", "hh-07");
        ASSERT_FALSE(settings) << options.dump();
        EXPECT_NE(settings.error().message.find(fragment), std::string::npos) << settings.error().message;
        EXPECT_EQ(settings.error().message.find("pw"), std::string::npos) << "the password leaked";
    }
}

TEST(WmsSettings, TheRegistryBuildsItOnlyWithACatalog) {
    const auto upstream = wms_table({{"username", "dev"}});
    auto without = make_connector(upstream, ConnectorContext{"outpostd.toml", "hh-07", nullptr});
    ASSERT_FALSE(without);
    EXPECT_NE(without.error().message.find("catalog"), std::string::npos) << without.error().message;

    outpost::testing::TempDir dir;
    auto catalog = catalog::Catalog::open(dir.file("catalog.db"));
    ASSERT_TRUE(catalog);
    auto with = make_connector(upstream, ConnectorContext{"outpostd.toml", "hh-07", catalog->get()});
    ASSERT_TRUE(with) << with.error().describe();
    ASSERT_EQ((*with)->pullers().size(), 1u);
    EXPECT_EQ((*with)->pullers()[0]->name(), "wms/master-data");
    EXPECT_EQ((*with)->pullers()[0]->interval().count(), 900);
}

TEST(SmileOrdersPickLists, TheConnectorOffersItsPullOnlyWithStatusesAndACatalog) {
    config::UpstreamConfig upstream;
    upstream.name = "smile-orders";
    upstream.base_url = "https://smile.example.com";
    upstream.secrets = {{"password", "pw"}};
    upstream.options = {{"username", "ops@example.com"}};
    outpost::testing::TempDir dir;
    auto catalog = catalog::Catalog::open(dir.file("catalog.db"));
    ASSERT_TRUE(catalog);
    auto without_statuses = make_connector(upstream, ConnectorContext{"f.toml", "hh-1", catalog->get()});
    ASSERT_TRUE(without_statuses) << without_statuses.error().describe();
    EXPECT_TRUE((*without_statuses)->pullers().empty());

    upstream.options["pick_list_statuses"] = {"allocated", "confirmed"};
    upstream.options["pick_list_interval_s"] = 120;
    auto with = make_connector(upstream, ConnectorContext{"f.toml", "hh-1", catalog->get()});
    ASSERT_TRUE(with) << with.error().describe();
    ASSERT_EQ((*with)->pullers().size(), 1u);
    EXPECT_EQ((*with)->pullers()[0]->name(), "smile-orders/pick-lists");
    EXPECT_EQ((*with)->pullers()[0]->interval().count(), 120);
    auto no_catalog = make_connector(upstream, ConnectorContext{"f.toml", "hh-1", nullptr});
    ASSERT_TRUE(no_catalog);
    EXPECT_TRUE((*no_catalog)->pullers().empty());

    upstream.options["pick_list_page_size"] = 501;
    auto bad = make_connector(upstream, ConnectorContext{"f.toml", "hh-1", catalog->get()});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("'upstream.smile-orders.pick_list_page_size'"), std::string::npos)
        << bad.error().message;
}

TEST(PercentEncode, KeepsUnreservedAndEncodesTheRest) {
    EXPECT_EQ(percent_encode("2026-11-23T10:15:00+07:00"), "2026-11-23T10%3A15%3A00%2B07%3A00");
    EXPECT_EQ(percent_encode("a b&c=d~_."), "a%20b%26c%3Dd~_.");
    EXPECT_EQ(percent_encode(""), "");
}

}  // namespace
}  // namespace outpost::connectors
