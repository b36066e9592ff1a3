// Pick-list lookups (issue 6, "catalog lookups"): SMILE orders seeded in the upstream simulator,
// pulled into the agent's catalog over mutual TLS, then read back through the control socket
// (catalog.order, catalog.orders) and through outpostctl (catalog order, catalog orders), with
// the refusals an operator meets: an unknown order names itself and how pick lists get here.

#include <gtest/gtest.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "pick_list_fixture.hpp"

namespace outpost::testing {
namespace {

class CatalogOrders : public ::testing::Test {
protected:
    void SetUp() override {
        seed_order(sim, 48211, "SSL-2026-000123", "allocated",
                   {{{"id", 1}, {"material_code", "BCG-20"}, {"qty", 2}, {"batch_code", "B2311A"}},
                    {{"id", 2}, {"material_code", "MAT-00001"}, {"qty", 1}}});
        seed_order(sim, 48212, "SSL-2026-000124", "allocated", {{{"id", 1}, {"material_code", "BCG-20"}, {"qty", 5}}});
        seed_order(sim, 48300, "SSL-2026-000200", "confirmed", {{{"id", 1}, {"material_code", "NOT-IN-WMS"}, {"qty", 3}}});
        // Not in a status the agent pulls: never in its catalog.
        seed_order(sim, 48400, "SSL-2026-000300", "pending", {{{"id", 1}, {"material_code", "BCG-20"}, {"qty", 1}}});
        agent = std::make_unique<AgentHarness>(sim, pick_list_agent(sim, /*link_up=*/true));
        ASSERT_TRUE(wait_for_pick_list_pulls(*agent)) << agent->status()["catalog"].dump(2) << "\n" << agent->log();
    }

    nlohmann::json call(const nlohmann::json& request) { return agent->call(request); }
    CtlRun ctl(const std::string& arguments) { return outpostctl(agent->socket_path(), dir, arguments); }

    Simulator sim{pick_list_simulator()};
    std::unique_ptr<AgentHarness> agent;
    TempDir dir;
};

TEST_F(CatalogOrders, AnOrderByKeySslHasItsItemsTheirMaterialsAndWhenItWasPulled) {
    const auto answer = call({{"cmd", "catalog.order"}, {"key_ssl", "SSL-2026-000123"}});
    ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
    const auto& order = answer["order"];
    EXPECT_EQ(order["order_id"], 48211);
    EXPECT_EQ(order["key_ssl"], "SSL-2026-000123");
    EXPECT_EQ(order["status"], "allocated");
    EXPECT_TRUE(order["updated_at"].is_string());
    ASSERT_TRUE(order["pulled_at"].is_string()) << order.dump();
    EXPECT_EQ(order["pulled_at"].get<std::string>().rfind("20", 0), 0u) << order.dump();
    EXPECT_GE(order["age_s"].get<int>(), 0);
    ASSERT_EQ(order["items"].size(), 2u) << order.dump();
    const auto& bcg = order["items"][0];
    EXPECT_EQ(bcg["id"], 1);
    EXPECT_EQ(bcg["material_code"], "BCG-20");
    EXPECT_EQ(bcg["qty"], 2);
    EXPECT_EQ(bcg["batch_code"], "B2311A");
    EXPECT_EQ(bcg["material"]["name"], "Vaksin BCG 20 dosis");
    EXPECT_EQ(bcg["material"]["gtin"], "08991234567895");
    EXPECT_EQ(order["items"][1]["material_code"], "MAT-00001");
    EXPECT_EQ(order["items"][1]["batch_code"], "") << "no batch named: the picker chooses";
    EXPECT_EQ(order["items"][1]["material"]["name"], "Material 1");
}

TEST_F(CatalogOrders, AnOrderByIdOrByWhatAnOperatorTypes) {
    const auto by_id = call({{"cmd", "catalog.order"}, {"order_id", 48212}});
    ASSERT_TRUE(by_id.value("ok", false)) << by_id.dump();
    EXPECT_EQ(by_id["order"]["key_ssl"], "SSL-2026-000124");
    EXPECT_EQ(by_id["order"]["items"][0]["qty"], 5);

    // "order" is resolved as the station reads an order label: the key_ssl, else the order id.
    EXPECT_EQ(call({{"cmd", "catalog.order"}, {"order", "48212"}})["order"]["key_ssl"], "SSL-2026-000124");
    const auto typed = call({{"cmd", "catalog.order"}, {"order", "SSL-2026-000200"}});
    ASSERT_TRUE(typed.value("ok", false)) << typed.dump();
    EXPECT_EQ(typed["order"]["status"], "confirmed");
    EXPECT_TRUE(typed["order"]["items"][0]["material"].is_null()) << "a material WMS does not list: " << typed.dump();
}

TEST_F(CatalogOrders, AnUnknownOrderIsRefusedNamingItAndHowPickListsArrive) {
    const auto unknown = call({{"cmd", "catalog.order"}, {"key_ssl", "SSL-NOPE"}});
    EXPECT_FALSE(unknown.value("ok", true));
    const std::string error = unknown.value("error", "");
    EXPECT_NE(error.find("no pick list for key_ssl 'SSL-NOPE' in the catalog"), std::string::npos) << error;
    EXPECT_NE(error.find("pick_list_statuses"), std::string::npos) << error;
    EXPECT_NE(error.find("outpostctl catalog pull"), std::string::npos) << error;

    // Upstream, but in a status this device does not pull.
    const auto pending = call({{"cmd", "catalog.order"}, {"order_id", 48400}});
    EXPECT_NE(pending.value("error", "").find("no pick list for order id 48400"), std::string::npos) << pending.dump();

    for (const auto& bad : {nlohmann::json{{"cmd", "catalog.order"}},
                            nlohmann::json{{"cmd", "catalog.order"}, {"key_ssl", "SSL-2026-000123"}, {"order_id", 48211}}}) {
        const auto answer = call(bad);
        EXPECT_NE(answer.value("error", "").find("exactly one of \"key_ssl\", \"order_id\" and \"order\""),
                  std::string::npos)
            << answer.dump();
    }
    EXPECT_NE(call({{"cmd", "catalog.order"}, {"order_id", "48211"}}).value("error", "").find("positive integer"),
              std::string::npos);
    EXPECT_NE(call({{"cmd", "catalog.order"}, {"key_ssl", 48211}}).value("error", "").find("non-empty string"),
              std::string::npos);
}

TEST_F(CatalogOrders, ListingsByOrderIdByStatusAndBounded) {
    const auto all = call({{"cmd", "catalog.orders"}});
    ASSERT_TRUE(all.value("ok", false)) << all.dump();
    EXPECT_EQ(all["total"], 3);
    EXPECT_EQ(all["truncated"], false);
    EXPECT_EQ(all["limit"], 50);
    ASSERT_EQ(all["orders"].size(), 3u);
    EXPECT_EQ(all["orders"][0]["order_id"], 48211);
    EXPECT_EQ(all["orders"][0]["items"], 2);
    EXPECT_EQ(all["orders"][0]["total_qty"], 3);
    EXPECT_EQ(all["orders"][1]["order_id"], 48212);
    EXPECT_EQ(all["orders"][2]["status"], "confirmed");
    EXPECT_FALSE(all.contains("last_pull_at")) << "per status only";

    const auto allocated = call({{"cmd", "catalog.orders"}, {"status", "allocated"}, {"limit", 1}});
    ASSERT_TRUE(allocated.value("ok", false)) << allocated.dump();
    EXPECT_EQ(allocated["total"], 2);
    EXPECT_EQ(allocated["truncated"], true);
    ASSERT_EQ(allocated["orders"].size(), 1u);
    EXPECT_EQ(allocated["orders"][0]["key_ssl"], "SSL-2026-000123");
    EXPECT_TRUE(allocated["last_pull_at"].is_string()) << allocated.dump();

    const auto shipped = call({{"cmd", "catalog.orders"}, {"status", "shipped"}});
    EXPECT_EQ(shipped["total"], 0);
    EXPECT_TRUE(shipped["last_pull_at"].is_null()) << "never pulled: " << shipped.dump();
    EXPECT_NE(shipped.value("hint", "").find("pick_list_statuses"), std::string::npos) << shipped.dump();

    EXPECT_NE(call({{"cmd", "catalog.orders"}, {"limit", 501}}).value("error", "").find("at most 500"), std::string::npos);
    // Below 1 is the control protocol's own refusal (the "limit" field's type rule).
    EXPECT_NE(call({{"cmd", "catalog.orders"}, {"limit", 0}}).value("error", "").find("\"limit\""), std::string::npos);
    EXPECT_NE(call({{"cmd", "catalog.orders"}, {"status", 7}}).value("error", "").find("\"status\" must be a string"),
              std::string::npos);
}

TEST_F(CatalogOrders, OutpostctlShowsAnOrderAndListsThem) {
    auto run = ctl("catalog order SSL-2026-000123");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("order     SSL-2026-000123 (id 48211), status allocated, updated "), std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("  BCG-20         qty 2      batch B2311A       Vaksin BCG 20 dosis (vial, GTIN "
                              "08991234567895, batch-managed)"),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("  MAT-00001      qty 1      any batch          Material 1 (box, GTIN "), std::string::npos)
        << run.output;

    run = ctl("catalog order 48300");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("NOT-IN-WMS     qty 3      any batch          not in the catalog's materials"),
              std::string::npos)
        << run.output;

    run = ctl("catalog order 48212 --json");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(nlohmann::json::parse(run.output)["key_ssl"], "SSL-2026-000124");

    run = ctl("catalog order SSL-NOPE");
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("no pick list for order 'SSL-NOPE' in the catalog"), std::string::npos) << run.output;
    EXPECT_NE(ctl("catalog order").exit_code, 0);

    run = ctl("catalog orders");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("ORDER      KEY_SSL                STATUS       LINES     QTY  PULLED"), std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("48211      SSL-2026-000123        allocated        2       3  "), std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("3 of 3 pick list(s)\n"), std::string::npos) << run.output;

    run = ctl("catalog orders --status allocated --limit 1");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("1 of 2 pick list(s) in status allocated (--limit N shows more)"), std::string::npos)
        << run.output;
    EXPECT_EQ(run.output.find("48212"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("status allocated last pulled: 20"), std::string::npos) << run.output;

    run = ctl("catalog orders --status shipped");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("no pick lists stored in status shipped; pick lists are pulled from SMILE"),
              std::string::npos)
        << run.output;

    run = ctl("catalog orders --json");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(nlohmann::json::parse(run.output)["total"], 3);
    EXPECT_NE(ctl("catalog orders --limit 0").exit_code, 0);
    EXPECT_NE(ctl("catalog orders --limit 501").exit_code, 0);
}

// A device that does not pull pick lists says so instead of suggesting a pull.
TEST(CatalogOrdersWithoutSmile, TheRefusalSaysNothingPullsPickLists) {
    TempDir dir;
    AgentProcess agent(dir, AgentSettings{});
    const auto unknown = agent.call({{"cmd", "catalog.order"}, {"order", "SSL-2026-000123"}});
    EXPECT_NE(unknown.value("error", "").find("nothing pulls pick lists on this device: set pick_list_statuses in "
                                               "[upstream.smile-orders]"),
              std::string::npos)
        << unknown.dump();
    const auto listing = agent.call({{"cmd", "catalog.orders"}});
    EXPECT_EQ(listing["total"], 0) << listing.dump();
    EXPECT_TRUE(listing["orders"].empty());
    const auto run = outpostctl(agent.socket_path(), dir, "catalog orders");
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("no pick lists stored; nothing pulls pick lists"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace outpost::testing
