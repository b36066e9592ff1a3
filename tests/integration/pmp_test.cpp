// PMP Smart end to end: outpostd against the simulator's PMP API over mutual TLS.

#include <gtest/gtest.h>

#include <map>

#include "agent_process.hpp"
#include "simulator.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kEmail = "api@pmpsmart.com";
constexpr const char* kPassword = "pmp-test-passw0rd";
constexpr const char* kInsertPath = "/pmp/api/v1/json/order";

SimulatorOptions pmp_simulator() {
    SimulatorOptions options;
    options.extra_args = {"--pmp-email", kEmail, "--pmp-password", kPassword};
    return options;
}

AgentSettings agent_settings(Simulator& sim, bool link_up, const std::string& password = kPassword) {
    AgentSettings settings;
    settings.upstream_base_url = sim.base_url();
    settings.din_user = sim.options().din_user;
    settings.din_password = sim.options().din_password;
    settings.link_up = link_up;
    settings.extra_config = "[upstream.pmp]\nbase_url = \"" + sim.base_url() + "/pmp\"\nemail = \"" + kEmail +
                            "\"\npassword = \"" + password + "\"\n";
    return settings;
}

nlohmann::json order(const std::string& kode, const std::string& status, int revision) {
    return {{"kode_order", kode},
            {"json_data", {{"outlet", "OUT-001"}, {"revision", revision}, {"lines", {{{"sku", "A-1"}, {"qty", 2}}}}}},
            {"status", status}};
}

nlohmann::json enqueue(AgentProcess& agent, const char* kind, const nlohmann::json& payload, const std::string& key = "") {
    nlohmann::json request{{"cmd", "enqueue"}, {"kind", kind}, {"payload", payload}};
    if (!key.empty()) request["idempotency_key"] = key;
    return agent.call(request);
}

void queue(AgentProcess& agent, const char* kind, const nlohmann::json& payload, const std::string& key = "") {
    const auto answer = enqueue(agent, kind, payload, key);
    ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
}

void set_link(AgentProcess& agent, bool up) {
    const auto answer = agent.call({{"cmd", "sim.link"}, {"up", up}});
    ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
}

nlohmann::json pmp_status(AgentProcess& agent) { return agent.status()["upstreams"]["pmp"]; }
nlohmann::json outbox(AgentProcess& agent) { return agent.status()["outbox"]; }
nlohmann::json seen(Simulator& sim) { return sim.admin_get("/admin/pmp"); }

TEST(Pmp, InsertsAndUpdatesQueuedOfflineArriveOnceAndInOrderPerOrder) {
    Simulator sim(pmp_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, false));
    queue(agent, "pmp-order-insert", order("PMP-1", "open", 0));
    queue(agent, "pmp-order-insert", order("PMP-2", "open", 0));
    queue(agent, "pmp-order-update", order("PMP-1", "pending", 1));
    queue(agent, "pmp-order-update", order("PMP-2", "completed", 1));
    queue(agent, "pmp-order-update", order("PMP-1", "completed", 2));
    EXPECT_EQ(sim.stats()["requests"], 0);

    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 5; })) << agent.status().dump(2) << agent.log();

    const auto pmp = seen(sim);
    EXPECT_EQ(pmp["counters"]["logins"], 1);
    EXPECT_EQ(pmp["counters"]["inserts"], 2);
    EXPECT_EQ(pmp["counters"]["updates"], 3);
    EXPECT_EQ(pmp["counters"]["refused"], 0);
    std::map<std::string, nlohmann::json> by_kode;
    for (const auto& stored : pmp["orders"]) by_kode[stored["kode_order"]] = stored;
    ASSERT_EQ(by_kode.size(), 2u);
    // json_data arrived as the string the API wants, holding what the producer gave.
    EXPECT_EQ(nlohmann::json::parse(by_kode["PMP-1"]["json_data"].get<std::string>()), order("PMP-1", "", 2)["json_data"]);
    EXPECT_EQ(by_kode["PMP-1"]["status"], "completed");
    EXPECT_EQ(by_kode["PMP-1"]["updates"], 2);
    EXPECT_EQ(by_kode["PMP-2"]["status"], "completed");
    // Per order: the insert first, then the updates in the order they were made.
    std::map<std::string, std::vector<std::string>> actions;
    for (const auto& event : pmp["events"]) {
        EXPECT_EQ(event["outcome"], "applied") << event.dump();
        EXPECT_EQ(event["device_id"], "test-device");
        actions[event["kode_order"]].push_back(event["action"]);
    }
    EXPECT_EQ(actions["PMP-1"], (std::vector<std::string>{"insert", "update", "update"}));
    EXPECT_EQ(actions["PMP-2"], (std::vector<std::string>{"insert", "update"}));
    EXPECT_EQ(outbox(agent)["dead"], 0);
}

TEST(Pmp, InvalidOrdersAreRefusedAtEnqueueWithTheFieldNamed) {
    Simulator sim(pmp_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, false));
    auto as_string = order("PMP-1", "open", 0);
    as_string["json_data"] = "{not json";
    auto no_status = order("PMP-1", "open", 0);
    no_status.erase("status");
    auto extra = order("PMP-1", "open", 0);
    extra["kode_outlet"] = "OUT-1";
    const std::vector<std::pair<nlohmann::json, std::string>> cases = {
        {as_string, "json_data must be a JSON object (or a string holding one)"},
        {no_status, "status is required"},
        {extra, "unknown member 'kode_outlet'"},
        {{{"json_data", {{"a", 1}}}, {"status", "open"}}, "kode_order is required"},
    };
    for (const auto& [payload, expected] : cases) {
        const auto answer = enqueue(agent, "pmp-order-insert", payload);
        EXPECT_FALSE(answer.value("ok", true)) << payload.dump();
        EXPECT_NE(answer.value("error", "").find(expected), std::string::npos) << answer.dump();
    }
    EXPECT_EQ(outbox(agent)["pending"], 0);
}

TEST(Pmp, AFailedStatusInsideA200IsADeadLetterWithTheApisMessage) {
    Simulator sim(pmp_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, true));
    queue(agent, "pmp-order-insert", order("PMP-DUP", "open", 0), "insert-1");
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 1; })) << agent.log();
    // The same order inserted again under another key: PMP answers 200 {"status": "failed"}.
    queue(agent, "pmp-order-insert", order("PMP-DUP", "open", 1), "insert-2");
    // The worker commits the dead letter before it records the outcome in its status: wait for both.
    ASSERT_TRUE(wait_until([&] {
        return outbox(agent)["dead"] == 1 && pmp_status(agent).value("last_error", "").find("failed") != std::string::npos;
    })) << agent.status().dump(2) << agent.log();
    const std::string error = pmp_status(agent)["last_error"];
    EXPECT_NE(error.find("status \"failed\""), std::string::npos) << error;
    EXPECT_NE(error.find("Kode order PMP-DUP sudah ada"), std::string::npos) << error;
    EXPECT_EQ(seen(sim)["counters"]["refused"], 1);
}

TEST(Pmp, AFailedInsertHoldsItsOrdersUpdatesUntilAnOperatorRetriesIt) {
    Simulator sim(pmp_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, false));
    sim.admin_post("/admin/faults", {{"path", kInsertPath}, {"statuses", {422}}});
    queue(agent, "pmp-order-insert", order("PMP-A", "open", 0));
    queue(agent, "pmp-order-update", order("PMP-A", "completed", 1));
    set_link(agent, true);
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["dead"] == 1; })) << agent.status().dump(2) << agent.log();

    // Another order still goes; PMP-A's update waits behind its dead insert.
    queue(agent, "pmp-order-insert", order("PMP-B", "open", 0));
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 1; })) << agent.log();
    const auto status = agent.status();
    EXPECT_EQ(status["outbox"]["pending"], 1) << status.dump(2);
    EXPECT_EQ(seen(sim)["counters"]["updates"], 0) << "the update was sent for an order PMP does not have";
    bool parked = false;
    for (const auto& lane : status.value("parked_lanes", nlohmann::json::array())) {
        parked = parked || lane.dump().find("pmp/PMP-A") != std::string::npos;
    }
    EXPECT_TRUE(parked) << status.dump(2);

    const auto dead = agent.call({{"cmd", "dead.list"}});
    ASSERT_TRUE(dead.value("ok", false)) << dead.dump();
    ASSERT_EQ(dead["dead"].size(), 1u) << dead.dump();
    const auto retried = agent.call({{"cmd", "dead.retry"}, {"id", dead["dead"][0]["id"]}});
    ASSERT_TRUE(retried.value("ok", false)) << retried.dump();
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 3; })) << agent.status().dump(2) << agent.log();
    std::vector<std::string> actions;
    const auto pmp = seen(sim);  // kept: a range over a temporary's member would dangle
    for (const auto& event : pmp["events"]) {
        if (event["kode_order"] == "PMP-A") actions.push_back(event["action"]);
    }
    EXPECT_EQ(actions, (std::vector<std::string>{"insert", "update"}));
}

TEST(Pmp, AnExpiredSessionMidDrainMeansOneNewLoginAndNothingLost) {
    Simulator sim(pmp_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, false));
    sim.admin_post("/admin/latency", {{"path", kInsertPath}, {"delay_ms", 30}});
    for (int i = 0; i < 30; ++i) queue(agent, "pmp-order-insert", order("PMP-E" + std::to_string(i), "open", 0));
    set_link(agent, true);
    // The simulator's count, not the outbox's: a delivery thread settles a batch of lane heads at
    // once, so the outbox may report nothing delivered until most of the drain is over.
    ASSERT_TRUE(wait_until([&] { return seen(sim)["counters"]["inserts"].get<int>() >= 5; })) << agent.log();
    sim.admin_post("/admin/pmp/expire-tokens");
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 30; }, 30s)) << agent.status().dump(2) << agent.log();
    const auto counters = seen(sim)["counters"];
    EXPECT_EQ(counters["inserts"], 30);
    EXPECT_GE(counters["logins"].get<int>(), 2);
    EXPECT_GE(sim.stats()["unauthorized"].get<int>(), 1) << "the tokens were not refused: nothing was tested";
    EXPECT_EQ(outbox(agent)["dead"], 0);
}

TEST(Pmp, AWrongPasswordShowsAuthFailedAndIsNeverLogged) {
    Simulator sim(pmp_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, true, "not-the-pmp-password"));
    queue(agent, "pmp-order-insert", order("PMP-W", "open", 0));
    ASSERT_TRUE(wait_until([&] { return pmp_status(agent)["auth"] == "failed"; })) << agent.log();
    const std::string error = pmp_status(agent)["last_error"];
    EXPECT_NE(error.find("PMP login refused (HTTP 401)"), std::string::npos) << error;
    EXPECT_EQ(outbox(agent)["dead"], 0);
    const std::string everything = agent.log() + agent.status().dump();
    EXPECT_EQ(everything.find("not-the-pmp-password"), std::string::npos) << "the password was logged";
}

TEST(Pmp, TheSessionIsLoggedOutWhenTheAgentStops) {
    Simulator sim(pmp_simulator());
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, true));
    queue(agent, "pmp-order-insert", order("PMP-L", "open", 0));
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 1; })) << agent.log();
    EXPECT_EQ(seen(sim)["active_tokens"], 1);
    const std::string log_before = agent.log();
    EXPECT_EQ(agent.stop(), 0) << agent.log();
    const auto pmp = seen(sim);
    EXPECT_EQ(pmp["counters"]["logouts"], 1) << agent.log();
    EXPECT_EQ(pmp["active_tokens"], 0) << "the session stayed open on the server";
    EXPECT_NE(agent.log().find("logged out of PMP Smart"), std::string::npos) << agent.log();
}

TEST(Pmp, AnOutageThenRecoveryDeliversEverythingOnce) {
    Simulator sim(pmp_simulator());
    sim.admin_post("/admin/down");
    TempDir state;
    AgentProcess agent(state, agent_settings(sim, true));
    for (int i = 0; i < 4; ++i) queue(agent, "pmp-order-insert", order("PMP-O" + std::to_string(i), "open", 0));
    ASSERT_TRUE(wait_until([&] { return sim.stats()["requests"].get<int>() >= 2; })) << agent.log();
    EXPECT_EQ(seen(sim)["counters"]["inserts"], 0);
    sim.admin_post("/admin/up");
    ASSERT_TRUE(wait_until([&] { return outbox(agent)["delivered"] == 4; }, 30s)) << agent.status().dump(2) << agent.log();
    EXPECT_EQ(seen(sim)["counters"]["inserts"], 4);
    EXPECT_EQ(seen(sim)["counters"]["duplicates"], 0);
}

}  // namespace
}  // namespace outpost::testing
