// The Sales Order API end to end: outpostd (Mbed TLS signatures, mutual TLS) against the
// simulator (OpenSSL verification of every X-SIGNATURE against the registered public key).

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "agent_process.hpp"
#include "simulator.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kClientId = "partner-client-001";
constexpr const char* kSecret = "so-client-s3cret-for-tests";
constexpr const char* kOrders = "/sales-order/api/v1/sales-orders";

SimulatorOptions sales_simulator(int token_ttl_seconds = 3600, const std::vector<std::string>& more = {}) {
    SimulatorOptions options;
    options.token_ttl_seconds = token_ttl_seconds;
    options.extra_args = {"--sales-client-id", kClientId, "--sales-client-secret", kSecret,
                          "--sales-public-key", pki_file("signing.pub")};
    options.extra_args.insert(options.extra_args.end(), more.begin(), more.end());
    return options;
}

// `key`: a file of the test PKI; other-signing.key is a key no upstream registered.
AgentSettings agent_settings(Simulator& sim, bool link_up, const std::string& client_id = kClientId,
                             const std::string& key = "signing.key") {
    AgentSettings settings;
    settings.upstream_base_url = sim.base_url();
    settings.din_user = sim.options().din_user;
    settings.din_password = sim.options().din_password;
    settings.link_up = link_up;
    settings.extra_config = "[upstream.sales-order]\nbase_url = \"" + sim.base_url() + "/sales-order\"\n" +
                            "client_id = \"" + client_id + "\"\nclient_secret = \"" + kSecret + "\"\n" +
                            "signing_key_file = \"" + pki_file(key) + "\"\n";
    return settings;
}

nlohmann::json sales_order(const std::string& customer, int number) {
    return {{"customer_code", customer},
            {"site_code", "SITE-001"},
            {"sales_name", "John Doe"},
            {"address", "Jl. Sudirman No. 1, Jakarta"},
            {"purchase_order_no", "PO-" + customer + "-" + std::to_string(number)},
            {"products", {{{"product_code", "PROD-00" + std::to_string(number % 10)}, {"quantity", number + 1}}}}};
}

void enqueue(AgentProcess& agent, const nlohmann::json& order) {
    const auto answer = agent.call({{"cmd", "enqueue"}, {"kind", "sales-order"}, {"payload", order}});
    ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
}

void set_link(AgentProcess& agent, bool up) {
    const auto answer = agent.call({{"cmd", "sim.link"}, {"up", up}});
    ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
}

nlohmann::json upstream_status(AgentProcess& agent) { return agent.status()["upstreams"]["sales-order"]; }
nlohmann::json orders_seen(Simulator& sim) { return sim.admin_get("/admin/sales-orders"); }
int delivered(AgentProcess& agent) { return agent.status()["outbox"]["delivered"].get<int>(); }

std::string read_all(const std::string& path) {
    std::ifstream file(path);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

// The base64 lines of the signing key: none may appear in any output.
std::vector<std::string> key_lines() {
    std::vector<std::string> lines;
    std::istringstream pem(read_all(pki_file("signing.key")));
    for (std::string line; std::getline(pem, line);) {
        if (line.size() >= 16 && line.rfind("-----", 0) != 0) lines.push_back(line);
    }
    return lines;
}

void expect_no_secrets(const std::string& where, const std::string& text) {
    EXPECT_EQ(text.find(kSecret), std::string::npos) << "client secret in " << where;
    // Every JWT starts with the base64url of {"alg"...: tokens never leave the agent's memory.
    EXPECT_EQ(text.find("eyJ"), std::string::npos) << "a token in " << where;
    for (const auto& line : key_lines()) EXPECT_EQ(text.find(line), std::string::npos) << "key material in " << where;
}

TEST(SalesOrder, OrdersQueuedOfflineAreSignedAndDeliveredOnceInOrderPerCustomer) {
    Simulator sim(sales_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, false));
    for (int number = 0; number < 4; ++number) {
        for (const char* customer : {"CUST-001", "CUST-002"}) enqueue(agent, sales_order(customer, number));
    }
    EXPECT_EQ(agent.status()["outbox"]["pending"], 8);
    EXPECT_EQ(sim.stats()["requests"], 0) << "the agent sent something while the link was down";

    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] { return delivered(agent) == 8; })) << agent.status().dump(2) << agent.log();

    const auto seen = orders_seen(sim);
    EXPECT_EQ(seen["counters"]["accepted"], 8);
    EXPECT_EQ(seen["counters"]["duplicates"], 0);
    EXPECT_EQ(seen["counters"]["logins"], 1) << "one login shared by the delivery threads";
    EXPECT_EQ(seen["counters"]["bad_signatures"], 0);
    EXPECT_EQ(seen["counters"]["token_refusals"], 0);
    ASSERT_EQ(seen["orders"].size(), 8u);
    std::map<std::string, int> last;
    for (const auto& order : seen["orders"]) {
        EXPECT_EQ(order["client_id"], kClientId);
        EXPECT_EQ(order["device_id"], "test-device");
        EXPECT_EQ(order["code"].get<std::string>().rfind("SO-", 0), 0u) << order.dump();
        const std::string customer = order["customer_code"];
        const std::string po = order["purchase_order_no"];
        const int number = std::stoi(po.substr(po.rfind('-') + 1));
        EXPECT_EQ(order["body"], sales_order(customer, number)) << "the body changed on the way";
        if (last.contains(customer)) {
            EXPECT_GT(number, last[customer]) << customer << " out of order";
        }
        last[customer] = number;
    }
    const auto status = upstream_status(agent);
    EXPECT_EQ(status["auth"], "ok");
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0);
}

TEST(SalesOrder, InvalidOrdersAreRefusedAtEnqueueAndAnUpstreamRefusalIsADeadLetter) {
    Simulator sim(sales_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, false));
    auto bad = sales_order("CUST-001", 1);
    bad["products"][0]["quantity"] = 0;
    auto answer = agent.call({{"cmd", "enqueue"}, {"kind", "sales-order"}, {"payload", bad}});
    EXPECT_FALSE(answer.value("ok", true));
    EXPECT_NE(answer.value("error", "").find("products[0].quantity must be a positive integer"), std::string::npos)
        << answer.dump();
    bad = sales_order("CUST-001", 1);
    bad.erase("site_code");
    answer = agent.call({{"cmd", "enqueue"}, {"kind", "sales-order"}, {"payload", bad}});
    EXPECT_NE(answer.value("error", "").find("site_code is required"), std::string::npos) << answer.dump();
    EXPECT_EQ(agent.status()["outbox"]["pending"], 0) << "an invalid order was queued";

    // The upstream refuses one order (422): it goes to dead letters with the server's message;
    // the other customer's order is delivered.
    sim.admin_post("/admin/faults", {{"path", kOrders}, {"statuses", {422}}});
    enqueue(agent, sales_order("CUST-001", 1));
    enqueue(agent, sales_order("CUST-002", 1));
    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] {
        const auto outbox = agent.status()["outbox"];
        return outbox["dead"] == 1 && outbox["delivered"] == 1;
    })) << agent.status().dump(2) << agent.log();
    EXPECT_NE(upstream_status(agent)["last_error"].get<std::string>().find("HTTP 422"), std::string::npos);
}

TEST(SalesOrder, ATokenNearItsExpiryIsRefreshedMidDrainWithoutTheClientSecret) {
    // Tokens live 61 s and the agent renews them 60 s before expiry: from the first second of
    // the drain on, every renewal goes through /api/v1/auth/refresh.
    Simulator sim(sales_simulator(61));
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, false));
    sim.admin_post("/admin/latency", {{"path", kOrders}, {"delay_ms", 100}});  // a drain of ~2 s
    for (int number = 0; number < 40; ++number) enqueue(agent, sales_order("CUST-" + std::to_string(number % 4), number));
    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] { return delivered(agent) == 40; }, 60s)) << agent.status().dump(2) << agent.log();

    const auto counters = orders_seen(sim)["counters"];
    EXPECT_EQ(counters["accepted"], 40);
    EXPECT_EQ(counters["logins"], 1) << "renewed with the client secret instead of the refresh endpoint";
    EXPECT_GE(counters["refreshes"].get<int>(), 1) << counters.dump();
    EXPECT_EQ(counters["refresh_failures"], 0);
    EXPECT_EQ(counters["token_refusals"], 0);
    EXPECT_EQ(sim.stats()["unauthorized"], 0) << "a request went out with an expired token";

    expect_no_secrets("the log", agent.log());
    expect_no_secrets("status", agent.status().dump());
    expect_no_secrets("outbox payloads", agent.call({{"cmd", "dead.list"}}).dump());
}

TEST(SalesOrder, ARefusedRefreshFallsBackToLoggingIn) {
    Simulator sim(sales_simulator(61));
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, false));
    sim.admin_post("/admin/faults",
                   {{"path", "/sales-order/api/v1/auth/refresh"}, {"steps", {{{"status", 500}, {"sticky", true}}}}});
    sim.admin_post("/admin/latency", {{"path", kOrders}, {"delay_ms", 100}});
    for (int number = 0; number < 40; ++number) enqueue(agent, sales_order("CUST-" + std::to_string(number % 4), number));
    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] { return delivered(agent) == 40; }, 60s)) << agent.status().dump(2) << agent.log();
    const auto counters = orders_seen(sim)["counters"];
    EXPECT_GE(sim.stats()["by_path"].value("/sales-order/api/v1/auth/refresh", 0), 1) << "no refresh was tried";
    EXPECT_EQ(counters["refreshes"], 0);
    EXPECT_GE(counters["logins"].get<int>(), 2) << "the failed refresh did not fall back to a login";
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0);
}

TEST(SalesOrder, TokensRevokedMidDrainMeanOneNewLoginAndNothingLost) {
    Simulator sim(sales_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, false));
    sim.admin_post("/admin/latency", {{"path", kOrders}, {"delay_ms", 30}});
    for (int number = 0; number < 30; ++number) enqueue(agent, sales_order("CUST-" + std::to_string(number % 3), number));
    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] { return delivered(agent) >= 5; })) << agent.log();
    sim.admin_post("/admin/sales-order/revoke-tokens");
    ASSERT_TRUE(wait_until([&] { return delivered(agent) == 30; }, 30s)) << agent.status().dump(2) << agent.log();
    const auto seen = orders_seen(sim);
    EXPECT_EQ(seen["counters"]["accepted"], 30);
    EXPECT_GE(seen["counters"]["logins"].get<int>(), 2);
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0);
}

TEST(SalesOrder, ASignatureTheUpstreamCannotVerifyHoldsTheUpstreamAndDeadLettersNothing) {
    Simulator sim(sales_simulator());
    TempDir state;
    {
        AgentProcess agent(state, agent_settings(sim, false, kClientId, "other-signing.key"));
        enqueue(agent, sales_order("CUST-001", 1));
        enqueue(agent, sales_order("CUST-002", 1));
        set_link(agent, true);
        ASSERT_TRUE(wait_until([&] { return upstream_status(agent)["auth"] == "failed"; }))
            << upstream_status(agent).dump(2) << agent.log();
        const std::string error = upstream_status(agent)["last_error"];
        EXPECT_NE(error.find("X-SIGNATURE does not verify with the registered public key"), std::string::npos) << error;
        EXPECT_NE(error.find("signing_key_file"), std::string::npos) << "no hint where to look: " << error;
        const auto outbox = agent.status()["outbox"];
        EXPECT_EQ(outbox["dead"], 0) << "a configuration fault dead-lettered orders";
        EXPECT_EQ(outbox["pending"].get<int>() + outbox["in_flight"].get<int>(), 2);
        const auto counters = orders_seen(sim)["counters"];
        EXPECT_GE(counters["bad_signatures"].get<int>(), 1);
        EXPECT_EQ(counters["accepted"], 0);
        expect_no_secrets("the log", agent.log());
        EXPECT_EQ(agent.stop(), 0);
    }
    // The operator installs the registered key and restarts: everything goes.
    AgentProcess fixed(state, agent_settings(sim, true));
    ASSERT_TRUE(wait_until([&] { return delivered(fixed) == 2; })) << fixed.status().dump(2) << fixed.log();
}

TEST(SalesOrder, AStaleTimestampIsRefusedWithTheClockNamed) {
    // The server's clock runs ten minutes ahead of the device's; five minutes of skew allowed.
    Simulator sim(sales_simulator(3600, {"--sales-clock-offset", "600", "--sales-max-skew", "300"}));
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, true));
    enqueue(agent, sales_order("CUST-001", 1));
    ASSERT_TRUE(wait_until([&] { return upstream_status(agent)["auth"] == "failed"; }))
        << upstream_status(agent).dump(2) << agent.log();
    const std::string error = upstream_status(agent)["last_error"];
    EXPECT_NE(error.find("X-TIMESTAMP is -60"), std::string::npos) << error;  // -600, or -601 across a second
    EXPECT_NE(error.find("s off the server's clock"), std::string::npos) << error;
    EXPECT_NE(error.find("device clock"), std::string::npos) << error;
    EXPECT_GE(orders_seen(sim)["counters"]["stale_timestamps"].get<int>(), 1);
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0);
}

TEST(SalesOrder, AnUnknownClientIdIsARefusedLoginNotADeadLetter) {
    Simulator sim(sales_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, true, "partner-client-999"));
    enqueue(agent, sales_order("CUST-001", 1));
    ASSERT_TRUE(wait_until([&] { return upstream_status(agent)["auth"] == "failed"; }))
        << upstream_status(agent).dump(2) << agent.log();
    const std::string error = upstream_status(agent)["last_error"];
    EXPECT_NE(error.find("Sales Order login refused (HTTP 401)"), std::string::npos) << error;
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0);
    EXPECT_GE(orders_seen(sim)["counters"]["login_failures"].get<int>(), 1);
    expect_no_secrets("the log", agent.log());
}

}  // namespace
}  // namespace outpost::testing
