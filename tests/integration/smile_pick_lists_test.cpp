// Pick lists pulled from the simulator over mutual TLS into a real catalog file: paged listings
// per status, a list that moved on upstream refreshed (or removed) through the integration read,
// a failed pull that records nothing, and a token that expired between pulls.

#include <gtest/gtest.h>

#include <atomic>

#include "outpost/catalog/catalog.hpp"
#include "outpost/connectors/smile_pick_lists.hpp"
#include "outpost/connectors/token_session.hpp"
#include "simulator.hpp"
#include "temp_dir.hpp"

namespace outpost::testing {
namespace {

using connectors::Outcome;

constexpr const char* kOrdersUser = "orders@test.example";
constexpr const char* kOrdersPassword = "orders-test-password";

void seed_order(Simulator& sim, std::int64_t id, const std::string& status) {
    sim.admin_post("/admin/orders", {{"id", id},
                                     {"key_ssl", "SSL-2026-" + std::to_string(id)},
                                     {"status", status},
                                     {"items",
                                      {{{"id", 1}, {"material_code", "BCG-20"}, {"qty", 20}, {"batch_code", "B2311A"}},
                                       {{"id", 2}, {"material_code", "DPT-10"}, {"qty", 10}}}}});
}

class PickListPullTest : public ::testing::Test {
protected:
    PickListPullTest()
        : sim([] {
              SimulatorOptions options;
              options.extra_args = {"--orders-user", kOrdersUser, "--orders-password", kOrdersPassword};
              return options;
          }()),
          session([this](transport::HttpClient& client) {
              connectors::JsonLogin login;
              login.label = "SMILE login";
              login.url = sim.base_url() + "/auth/login";
              login.headers = {{"X-Device-Id", "test-device"}};
              login.body = nlohmann::json{{"email", kOrdersUser}, {"password", kOrdersPassword}}.dump();
              return connectors::perform_json_login(client, login);
          }) {}

    void SetUp() override {
        auto opened = catalog::Catalog::open(dir.file("catalog.db"));
        ASSERT_TRUE(opened) << opened.error().describe();
        catalog = std::move(*opened);
        auto client = transport::HttpClient::create({pki_file("ca.pem"), pki_file("client.pem"), pki_file("client.key")}, {});
        ASSERT_TRUE(client) << client.error().describe();
        http = std::move(*client);
        connectors::PickListPullSettings settings;
        settings.base_url = sim.base_url();
        settings.device_id = "test-device";
        settings.statuses = {"confirmed", "allocated"};
        settings.page_size = 2;  // several pages from a handful of orders
        pull = std::make_unique<connectors::PickListPull>(settings, session, *catalog);
    }

    connectors::DeliveryResult pull_once() { return pull->pull(*http, stop); }

    Simulator sim;
    TempDir dir;
    connectors::TokenSession session;
    std::unique_ptr<catalog::Catalog> catalog;
    std::unique_ptr<transport::HttpClient> http;
    std::unique_ptr<connectors::PickListPull> pull;
    std::atomic<bool> stop{false};
};

TEST_F(PickListPullTest, OrdersOfTheConfiguredStatusesArePulledPageByPage) {
    for (std::int64_t id : {1, 2, 3}) seed_order(sim, id, "allocated");
    seed_order(sim, 4, "confirmed");
    seed_order(sim, 5, "shipped");  // nothing left to pick
    const auto result = pull_once();
    ASSERT_EQ(result.outcome, Outcome::Delivered) << result.message << sim.log();
    EXPECT_NE(result.message.find("4 pick list(s) (confirmed, allocated)"), std::string::npos) << result.message;

    auto allocated = catalog->pick_lists("allocated");
    ASSERT_TRUE(allocated);
    EXPECT_EQ(allocated->size(), 3u);
    EXPECT_EQ(catalog->pick_lists("confirmed")->size(), 1u);
    EXPECT_FALSE(catalog->pick_list("SSL-2026-5")->has_value()) << "a shipped order was pulled for picking";

    auto list = catalog->pick_list("SSL-2026-2");
    ASSERT_TRUE(list && list->has_value());
    ASSERT_EQ((*list)->items.size(), 2u);
    EXPECT_EQ((*list)->items[0].id, 1);
    EXPECT_EQ((*list)->items[0].material_code, "BCG-20");
    EXPECT_EQ((*list)->items[0].qty, 20);
    EXPECT_EQ((*list)->items[0].batch_code, "B2311A");
    EXPECT_EQ((*list)->items[1].batch_code, "");

    const auto by_path = sim.stats()["by_path"];
    EXPECT_EQ(by_path.value("/v2/orders", 0), 3) << "allocated takes two pages of 2, confirmed one: " << by_path.dump();
    EXPECT_EQ(sim.stats()["logins"], 1);
    for (const char* feed : {"pick-lists/allocated", "pick-lists/confirmed"}) {
        auto state = catalog->pull_state(feed);
        ASSERT_TRUE(state);
        EXPECT_TRUE(state->last_success_at.has_value()) << feed;
    }
}

TEST_F(PickListPullTest, AListThatMovedOnUpstreamIsRefreshedOrRemoved) {
    seed_order(sim, 1, "allocated");
    seed_order(sim, 2, "allocated");
    ASSERT_EQ(pull_once().outcome, Outcome::Delivered);
    seed_order(sim, 1, "shipped");  // picked and shipped from another device
    // Order 2 left the listing and vanished upstream (the simulator cannot delete an order: its
    // integration read is made to answer 404).
    seed_order(sim, 2, "cancelled");
    sim.admin_post("/admin/faults", {{"path", "/v2/order/SSL-2026-2/integration"}, {"statuses", {404}}});
    sim.admin_post("/admin/faults", {{"path", "/v2/orders"}, {"steps", {{{"status", 500}}}}});
    // First the listing fails: nothing is recorded, nothing stored changes.
    const auto state_before = catalog->pull_state("pick-lists/confirmed");
    ASSERT_TRUE(state_before);
    const auto failed = pull_once();
    EXPECT_EQ(failed.outcome, Outcome::Transient) << failed.message;
    EXPECT_EQ(catalog->pull_state("pick-lists/confirmed")->last_success_at, state_before->last_success_at);
    EXPECT_EQ((*catalog->pick_list_by_order(1))->status, "allocated");

    const auto result = pull_once();
    ASSERT_EQ(result.outcome, Outcome::Delivered) << result.message;
    EXPECT_NE(result.message.find("1 refreshed, 1 removed"), std::string::npos) << result.message;
    auto one = catalog->pick_list_by_order(1);
    ASSERT_TRUE(one && one->has_value());
    EXPECT_EQ((*one)->status, "shipped") << "a stale list is still offered as allocated";
    EXPECT_FALSE(catalog->pick_list_by_order(2)->has_value());
    EXPECT_TRUE(catalog->pick_lists("allocated")->empty());
}

TEST_F(PickListPullTest, ATokenThatExpiredBetweenPullsIsRenewed) {
    seed_order(sim, 1, "allocated");
    ASSERT_EQ(pull_once().outcome, Outcome::Delivered);
    sim.admin_post("/admin/expire-tokens");
    seed_order(sim, 2, "allocated");
    const auto result = pull_once();
    ASSERT_EQ(result.outcome, Outcome::Delivered) << result.message;
    EXPECT_EQ(catalog->pick_lists("allocated")->size(), 2u);
    EXPECT_EQ(sim.stats()["logins"], 2);
}

TEST_F(PickListPullTest, AStopRequestEndsThePullBeforeItsNextRequest) {
    seed_order(sim, 1, "allocated");
    stop = true;
    const auto result = pull_once();
    EXPECT_EQ(result.outcome, Outcome::Transient);
    EXPECT_EQ(sim.stats()["requests"], 0);
    EXPECT_FALSE(catalog->pull_state("pick-lists/confirmed")->last_success_at.has_value());
}

}  // namespace
}  // namespace outpost::testing
