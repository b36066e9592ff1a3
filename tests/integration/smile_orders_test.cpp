// The SMILE order integration end to end: outpostd (sim board) against the upstream simulator
// over mutual TLS. Status chains go out in order per order; a step the upstream refuses parks
// its order (and only its order) until an operator retries or drops it; a token that expires
// mid-drain costs nothing; changes made offline survive a restart and go out once.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "agent_process.hpp"
#include "simulator.hpp"
#include "temp_dir.hpp"
#include "test_paths.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kOrdersUser = "orders@test.example";
constexpr const char* kOrdersPassword = "orders-test-password";

SimulatorOptions orders_simulator() {
    SimulatorOptions options;
    options.extra_args = {"--orders-user", kOrdersUser, "--orders-password", kOrdersPassword};
    return options;
}

AgentSettings orders_agent(const Simulator& sim, bool link_up = false) {
    AgentSettings settings;
    settings.upstream_base_url = sim.base_url();
    settings.link_up = link_up;
    settings.extra_config = "[upstream.smile-orders]\nbase_url = \"" + sim.base_url() + "\"\nusername = \"" +
                            kOrdersUser + "\"\npassword = \"" + kOrdersPassword + "\"\n";
    return settings;
}

// An order the simulator knows, with two items to pick.
void seed_order(Simulator& sim, std::int64_t id, const std::string& status) {
    sim.admin_post("/admin/orders", {{"id", id},
                                     {"key_ssl", "SSL-2026-" + std::to_string(id)},
                                     {"status", status},
                                     {"items",
                                      {{{"id", 1}, {"material_code", "BCG-20"}, {"qty", 20}},
                                       {{"id", 2}, {"material_code", "DPT-10"}, {"qty", 10}}}}});
}

nlohmann::json status_change(std::int64_t order, const std::string& action, int minute) {
    char updated_at[32];
    std::snprintf(updated_at, sizeof updated_at, "2026-11-23T10:%02d:00+07:00", minute % 60);
    return {{"order_id", order}, {"status", action}, {"comment", action + " from the test"}, {"updated_at", updated_at}};
}

nlohmann::json item_stocks(std::int64_t order) {
    return {{"order_id", order},
            {"items",
             {{{"order_item_id", 1}, {"stocks", {{{"batch_code", "B2311A"}, {"qty", 15}}, {{"batch_code", "B2311B"}, {"qty", 5}}}}},
              {{"order_item_id", 2}, {"stocks", {{{"batch_code", "D0042"}, {"qty", 10}}}}}}}};
}

// Queues one operation; returns its id, failing the test if it is refused.
std::int64_t enqueue(AgentProcess& agent, const std::string& kind, const nlohmann::json& payload) {
    const auto answer = agent.call({{"cmd", "enqueue"}, {"kind", kind}, {"payload", payload}});
    EXPECT_TRUE(answer.value("ok", false)) << kind << " " << payload.dump() << ": " << answer.dump();
    return answer.value("id", std::int64_t{0});
}

std::int64_t enqueue_status(AgentProcess& agent, std::int64_t order, const std::string& action, int minute) {
    return enqueue(agent, "order-status", status_change(order, action, minute));
}

void set_link(AgentProcess& agent, bool up) {
    const auto answer = agent.call({{"cmd", "sim.link"}, {"up", up}});
    ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
}

nlohmann::json outbox(AgentProcess& agent) { return agent.status()["outbox"]; }

// What the simulator applied to an order: its state and the actions in arrival order.
struct Applied {
    std::string status;
    std::vector<std::string> actions;
    bool all_in_order = true;
    nlohmann::json document;
};

Applied applied(Simulator& sim, std::int64_t order) {
    Applied result;
    result.document = sim.admin_get("/admin/orders/" + std::to_string(order));
    result.status = result.document["order"]["status"];
    for (const auto& change : result.document["changes"]) {
        result.actions.push_back(change["action"]);
        result.all_in_order = result.all_in_order && change["in_order"].get<bool>();
    }
    return result;
}

int requests_on(Simulator& sim, const std::string& path) {
    return sim.stats()["by_path"].value(path, 0);
}

int run_ctl(const std::string& arguments, std::string& output) {
    TempDir dir;
    const std::string command = std::string(paths::kOutpostctl) + " " + arguments + " > " + dir.file("out") + " 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream file(dir.file("out"));
    std::stringstream content;
    content << file.rdbuf();
    output = content.str();
    return WEXITSTATUS(status);
}

using Actions = std::vector<std::string>;

TEST(SmileOrders, StatusChainIsDeliveredInOrderWithThePickedBatches) {
    Simulator sim(orders_simulator());
    TempDir state;
    AgentProcess agent(state, orders_agent(sim));
    seed_order(sim, 48211, "pending");
    enqueue_status(agent, 48211, "confirms", 1);
    enqueue(agent, "order-item-stocks", item_stocks(48211));
    enqueue_status(agent, 48211, "allocates", 3);
    enqueue_status(agent, 48211, "ships", 4);
    enqueue_status(agent, 48211, "fulfilled", 5);
    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 5; })) << agent.status().dump(2) << agent.log();

    const Applied order = applied(sim, 48211);
    EXPECT_EQ(order.status, "fulfilled");
    EXPECT_EQ(order.actions, (Actions{"confirms", "order-item-stocks", "allocates", "ships", "fulfilled"}));
    EXPECT_TRUE(order.all_in_order) << order.document.dump(2);
    const auto& changes = order.document["changes"];
    EXPECT_EQ(changes[0]["device_id"], "test-device");
    EXPECT_EQ(changes[0]["body"], nlohmann::json({{"comment", "confirms from the test"},
                                                  {"updated_at", "2026-11-23T10:01:00+07:00"}}))
        << "the body is the Order API's {comment, updated_at}, without the URL's parts";
    const auto& picked = order.document["order"]["items"][0]["stocks"];
    ASSERT_EQ(picked.size(), 2u) << order.document.dump(2);
    EXPECT_EQ(picked[0], nlohmann::json({{"batch_code", "B2311A"}, {"qty", 15}}));

    const auto stats = sim.stats();
    EXPECT_EQ(stats["logins"], 1) << "the delivery threads share one SMILE login";
    EXPECT_EQ(stats["duplicates"], 0);
    EXPECT_EQ(stats["rejected"], 0);
    EXPECT_EQ(agent.status()["upstreams"]["smile-orders"]["auth"], "ok");
    EXPECT_EQ(agent.log().find(kOrdersPassword), std::string::npos) << "the password was logged";
}

TEST(SmileOrders, InvalidChangesAreRefusedAtEnqueueNamingTheField) {
    Simulator sim(orders_simulator());
    TempDir state;
    AgentProcess agent(state, orders_agent(sim));
    const struct {
        const char* kind;
        nlohmann::json payload;
        const char* fragment;
    } cases[] = {
        {"order-status", status_change(7, "shipped", 1), "status must be one of confirms, pendings, allocates"},
        {"order-status", {{"order_id", 7}, {"status", "ships"}, {"updated_at", "2026-11-23 10:15"}},
         "updated_at must be RFC 3339 with an offset"},
        {"order-status", {{"order_id", "7"}, {"status", "ships"}, {"updated_at", "2026-11-23T10:15:00Z"}},
         "order_id must be a positive integer"},
        {"order-item-stocks",
         {{"order_id", 7}, {"items", {{{"order_item_id", 1}, {"stocks", {{{"batch_code", "B1"}, {"qty", 0}}}}}}}},
         "items[0].stocks[0].qty must be a positive integer"},
        {"order-item-stocks", {{"order_id", 7}, {"items", nlohmann::json::array()}}, "items must be a non-empty array"},
    };
    for (const auto& test_case : cases) {
        const auto answer = agent.call({{"cmd", "enqueue"}, {"kind", test_case.kind}, {"payload", test_case.payload}});
        EXPECT_FALSE(answer.value("ok", true)) << test_case.payload.dump();
        EXPECT_NE(answer.value("error", std::string()).find(test_case.fragment), std::string::npos) << answer.dump();
    }

    // The same through outpostctl: exit status 1 and the reason on stderr.
    TempDir dir;
    std::ofstream(dir.file("change.json")) << status_change(7, "ship", 1).dump();
    std::string output;
    EXPECT_EQ(run_ctl("--socket " + agent.socket_path() + " enqueue order-status < " + dir.file("change.json"), output), 1);
    EXPECT_NE(output.find("status must be one of"), std::string::npos) << output;

    const auto counts = outbox(agent);
    EXPECT_EQ(counts["pending"], 0) << "something invalid was queued";
    EXPECT_EQ(counts["dead"], 0);

    ASSERT_EQ(run_ctl("--socket " + agent.socket_path() + " kinds", output), 0) << output;
    EXPECT_NE(output.find("order-status"), std::string::npos) << output;
    EXPECT_NE(output.find("order-item-stocks"), std::string::npos) << output;
}

TEST(SmileOrders, KindIsRefusedWhenTheAgentHasNoSmileOrdersUpstream) {
    Simulator sim(orders_simulator());
    TempDir state;
    AgentSettings settings;  // [upstream.din] only
    settings.upstream_base_url = sim.base_url();
    AgentProcess agent(state, settings);
    const auto answer = agent.call({{"cmd", "enqueue"}, {"kind", "order-status"}, {"payload", status_change(7, "ships", 1)}});
    EXPECT_FALSE(answer.value("ok", true));
    EXPECT_NE(answer.value("error", std::string()).find("[upstream.smile-orders]"), std::string::npos) << answer.dump();
}

TEST(SmileOrders, RefusedStepParksOnlyItsOrderUntilAnOperatorRetriesIt) {
    Simulator sim(orders_simulator());
    TempDir state;
    AgentProcess agent(state, orders_agent(sim));
    seed_order(sim, 1, "pending");
    seed_order(sim, 2, "pending");
    // Order 1 was never confirmed upstream: allocating it is out of order (422), and what follows
    // must not overtake it.
    const std::int64_t allocate = enqueue_status(agent, 1, "allocates", 1);
    enqueue_status(agent, 1, "ships", 2);
    enqueue_status(agent, 1, "fulfilled", 3);
    enqueue_status(agent, 2, "confirms", 1);
    enqueue_status(agent, 2, "allocates", 2);
    enqueue_status(agent, 2, "ships", 3);
    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["dead"] == 1 && outbox(agent)["delivered"] == 3; }))
        << agent.status().dump(2) << agent.log();
    // Another order queued after the refusal still goes out: the lanes are independent.
    seed_order(sim, 3, "pending");
    enqueue_status(agent, 3, "confirms", 4);
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 4; })) << agent.status().dump(2);

    const auto status = agent.status();
    EXPECT_EQ(status["outbox"]["pending"], 2) << "order 1's later steps were sent or dropped";
    ASSERT_EQ(status["parked_lanes"].size(), 1u) << status.dump(2);
    EXPECT_EQ(status["parked_lanes"][0]["lane"], "smile-orders/1");
    EXPECT_EQ(status["parked_lanes"][0]["dead_operation"], allocate);
    const std::string reason = status["parked_lanes"][0]["reason"];
    EXPECT_NE(reason.find("422"), std::string::npos) << reason;
    EXPECT_NE(reason.find("cannot allocates order 1: it is pending"), std::string::npos) << reason;
    EXPECT_EQ(requests_on(sim, "/orders/1/allocates"), 1) << "a permanent refusal was retried";
    EXPECT_EQ(requests_on(sim, "/orders/1/ships"), 0) << "a later step overtook the refused one";
    EXPECT_EQ(requests_on(sim, "/orders/1/fulfilled"), 0);
    EXPECT_EQ(applied(sim, 1).status, "pending");
    EXPECT_EQ(applied(sim, 2).actions, (Actions{"confirms", "allocates", "ships"}));

    const std::string socket = "--socket " + agent.socket_path();
    std::string output;
    ASSERT_EQ(run_ctl(socket + " status", output), 0) << output;
    EXPECT_NE(output.find("PARKED    lane smile-orders/1 waits behind dead operation " + std::to_string(allocate)),
              std::string::npos)
        << output;

    // Someone confirms order 1 upstream by hand; the operator sends the refused step again.
    seed_order(sim, 1, "confirmed");
    ASSERT_EQ(run_ctl(socket + " dead retry " + std::to_string(allocate), output), 0) << output;
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 7; })) << agent.status().dump(2) << agent.log();
    const Applied order = applied(sim, 1);
    EXPECT_EQ(order.status, "fulfilled");
    EXPECT_EQ(order.actions, (Actions{"allocates", "ships", "fulfilled"}));
    EXPECT_TRUE(agent.status()["parked_lanes"].empty());
    EXPECT_EQ(outbox(agent)["dead"], 0);
}

TEST(SmileOrders, DroppingTheRefusedStepReleasesTheRestOfTheChain) {
    Simulator sim(orders_simulator());
    TempDir state;
    AgentProcess agent(state, orders_agent(sim));
    seed_order(sim, 3, "allocated");
    const std::int64_t validate = enqueue_status(agent, 3, "validate", 1);  // only a draft is validated: 422
    enqueue_status(agent, 3, "ships", 2);
    enqueue_status(agent, 3, "fulfilled", 3);
    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] { return agent.status()["parked_lanes"].size() == 1; })) << agent.status().dump(2);
    EXPECT_EQ(outbox(agent)["pending"], 2);

    std::string output;
    ASSERT_EQ(run_ctl("--socket " + agent.socket_path() + " dead drop " + std::to_string(validate) +
                          " --reason 'validated at head office by hand'",
                      output),
              0)
        << output;
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 2; })) << agent.status().dump(2) << agent.log();
    EXPECT_EQ(applied(sim, 3).actions, (Actions{"ships", "fulfilled"}));
    EXPECT_EQ(applied(sim, 3).status, "fulfilled");
    EXPECT_TRUE(agent.status()["parked_lanes"].empty());
}

TEST(SmileOrders, ExpiredTokenInTheMiddleOfADrainLogsInAgainAndLosesNothing) {
    Simulator sim(orders_simulator());
    TempDir state;
    AgentProcess agent(state, orders_agent(sim));
    const Actions chain{"confirms", "allocates", "ships", "fulfilled"};
    for (std::int64_t order = 101; order <= 110; ++order) seed_order(sim, order, "pending");
    for (std::size_t step = 0; step < chain.size(); ++step) {
        for (std::int64_t order = 101; order <= 110; ++order) {
            enqueue_status(agent, order, chain[step], static_cast<int>(step));
        }
    }
    // 30 ms per step: the drain lasts long enough for the tokens to expire in its middle.
    for (std::int64_t order = 101; order <= 110; ++order) {
        for (const auto& action : chain) {
            sim.admin_post("/admin/latency", {{"path", "/orders/" + std::to_string(order) + "/" + action}, {"delay_ms", 30}});
        }
    }
    set_link(agent, true);
    // The simulator's count, not the outbox's: a delivery thread settles a batch of lane heads at
    // once, so the outbox lags what the server has seen.
    ASSERT_TRUE(wait_until([&] { return sim.stats()["requests"].get<int>() >= 6; })) << agent.log();
    sim.admin_post("/admin/expire-tokens");
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 40; }, 30s)) << agent.status().dump(2) << agent.log();

    const auto stats = sim.stats();
    EXPECT_GE(stats["logins"].get<int>(), 2) << "the agent never logged in again";
    EXPECT_GE(stats["unauthorized"].get<int>(), 1) << "the tokens expired after the drain: " << stats.dump();
    EXPECT_EQ(outbox(agent)["dead"], 0);
    for (std::int64_t order = 101; order <= 110; ++order) {
        const Applied applied_order = applied(sim, order);
        EXPECT_EQ(applied_order.actions, chain) << "order " << order;
        EXPECT_TRUE(applied_order.all_in_order) << "order " << order;
    }
}

TEST(SmileOrders, ChangesMadeOfflineSurviveARestartAndGoOutOnceInOrder) {
    Simulator sim(orders_simulator());
    TempDir state;
    seed_order(sim, 201, "pending");
    seed_order(sim, 202, "pending");
    {
        AgentProcess offline(state, orders_agent(sim));
        for (std::int64_t order : {201, 202}) {
            enqueue_status(offline, order, "confirms", 1);
            enqueue(offline, "order-item-stocks", item_stocks(order));
            enqueue_status(offline, order, "allocates", 3);
        }
        ASSERT_EQ(offline.stop(), 0) << offline.log();
    }
    EXPECT_EQ(sim.stats()["requests"], 0) << "an offline agent reached the upstream";

    AgentProcess agent(state, orders_agent(sim));
    EXPECT_EQ(outbox(agent)["pending"], 6) << "changes queued before the restart were lost";
    for (std::int64_t order : {201, 202}) enqueue_status(agent, order, "ships", 4);
    // Order 201's allocation is applied but its answer never arrives (twice: libcurl re-sends
    // once by itself on a reused connection): the agent must send it again with the same key,
    // or the simulator would refuse a second "allocates" as out of order.
    sim.admin_post("/admin/faults", {{"path", "/orders/201/allocates"}, {"steps", {{{"apply_then_close", true}, {"repeat", 2}}}}});
    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 8; }, 30s)) << agent.status().dump(2) << agent.log();

    for (std::int64_t order : {201, 202}) {
        const Applied applied_order = applied(sim, order);
        EXPECT_EQ(applied_order.status, "shipped") << "order " << order;
        EXPECT_EQ(applied_order.actions, (Actions{"confirms", "order-item-stocks", "allocates", "ships"}))
            << "order " << order;
    }
    const auto stats = sim.stats();
    EXPECT_GE(stats["closed_without_answer"].get<int>(), 1);
    EXPECT_GE(stats["duplicates"].get<int>(), 1) << "the unanswered allocation was not re-sent with its key";
    EXPECT_EQ(stats["rejected"], 0);
    EXPECT_EQ(outbox(agent)["dead"], 0);
}

}  // namespace
}  // namespace outpost::testing
