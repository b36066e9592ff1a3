// SMILE WMS end to end: outpostd (sim board) against the upstream simulator over mutual TLS.
// Master-data pulls into the catalog (paged, then incremental; a token expiring mid-pull),
// disposal cancellations delivered once, intake refusing what the catalog proves wrong, the
// stale-catalog policy, and the link going down and up. Real processes, real SQLite files.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "agent_harness.hpp"
#include "test_paths.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

constexpr const char* kPuller = "wms/master-data";

// 250 materials: three pages of 100 (the agent's page_size below), small enough to be quick.
SimulatorOptions wms_simulator() {
    SimulatorOptions options;
    options.extra_args = {"--wms-materials", "250"};
    return options;
}

AgentSettings wms_agent(Simulator& sim, bool link_up, const std::string& more_config = "") {
    AgentSettings settings;
    settings.link_up = link_up;
    settings.extra_config = "[upstream.wms]\nbase_url = \"" + sim.base_url() +
                            "\"\nusername = \"wms@demo.example\"\npassword = \"wms-password\"\n"
                            "pull_interval_s = 3600\npage_size = 100\n" +
                            more_config;
    return settings;
}

nlohmann::json pull_status(AgentHarness& agent) { return agent.status()["catalog"]["pulls"][kPuller]; }

int pulls_completed(AgentHarness& agent) { return pull_status(agent).value("pulls_completed", 0); }

bool wait_for_pulls(AgentHarness& agent, int count) {
    return wait_until([&] { return pulls_completed(agent) >= count; }, std::chrono::seconds(30));
}

// The master-data requests the simulator served for one type, oldest first.
std::vector<nlohmann::json> requests_for(Simulator& sim, const std::string& type) {
    std::vector<nlohmann::json> out;
    const auto log = sim.admin_get("/admin/wms/requests");
    for (const auto& request : log["requests"]) {
        if (request["type"].get<std::string>() == type) out.push_back(request);
    }
    return out;
}

nlohmann::json cancellation(const std::string& number, int entity_id) {
    return {{"disposal_instruction_no", number},
            {"entity_id", entity_id},
            {"reason", "wrong batch"},
            {"cancelled_at", "2026-11-23T11:00:00+07:00"},
            {"cancelled_by", "op-0042"}};
}

nlohmann::json enqueue(AgentHarness& agent, const std::string& kind, const nlohmann::json& payload,
                       const std::string& key = "") {
    nlohmann::json request = {{"cmd", "enqueue"}, {"kind", kind}, {"payload", payload}};
    if (!key.empty()) request["idempotency_key"] = key;
    return agent.call(request);
}

std::map<std::string, nlohmann::json> catalog_types(AgentHarness& agent) {
    std::map<std::string, nlohmann::json> types;
    const auto status = agent.call({{"cmd", "catalog.status"}});
    for (const auto& type : status["types"]) types[type["type"].get<std::string>()] = type;
    return types;
}

TEST(WmsMasterData, AFullPagedPullThenAnIncrementalOneBringOnlyWhatChanged) {
    Simulator sim(wms_simulator());
    AgentHarness agent(sim, wms_agent(sim, /*link_up=*/true));
    ASSERT_TRUE(wait_for_pulls(agent, 1)) << agent.status().dump(2) << "\n" << agent.log();

    // Full pull: no updated_since, materials in three pages of 100.
    const auto materials = requests_for(sim, "materials");
    ASSERT_EQ(materials.size(), 3u) << sim.admin_get("/admin/wms/requests").dump();
    for (std::size_t i = 0; i < materials.size(); ++i) {
        EXPECT_EQ(materials[i]["page"], i + 1);
        EXPECT_EQ(materials[i]["paginate"], 100);
        EXPECT_TRUE(materials[i]["updated_since"].is_null());
    }
    EXPECT_EQ(materials[2]["returned"], 50);
    auto types = catalog_types(agent);
    EXPECT_EQ(types["materials"]["records"], 250);
    EXPECT_EQ(types["entities"]["records"], 30);
    EXPECT_EQ(types["provinces"]["records"], 5);
    EXPECT_EQ(types["regencies"]["records"], 20);
    EXPECT_EQ(types["subdistricts"]["records"], 60);
    EXPECT_EQ(types["entity-tags"]["records"], 4);
    for (const auto& [name, type] : types) {
        EXPECT_FALSE(type["stale"].get<bool>()) << name;
        EXPECT_FALSE(type["watermark"].get<std::string>().empty()) << name;
    }
    auto bcg = agent.call({{"cmd", "catalog.material"}, {"gtin", "8991234567895"}});  // EAN-13 form
    ASSERT_TRUE(bcg.value("ok", false)) << bcg.dump();
    EXPECT_EQ(bcg["material"]["code"], "BCG-20");
    EXPECT_EQ(bcg["material"]["uom"], "vial");

    // Upstream changes: one material renamed, one added. The next pull asks only for changes.
    sim.admin_post("/admin/wms/clear-requests");
    sim.admin_post("/admin/wms/records",
                   {{"type", "materials"},
                    {"records",
                     {{{"id", 7}, {"code", "MAT-00007"}, {"name", "Renamed"}, {"gtin", "08990000000075"}, {"uom", "box"}},
                      {{"id", 5000}, {"code", "NEW-1"}, {"name", "New"}, {"gtin", "08990000050000"}, {"uom", "vial"}}}}});
    ASSERT_TRUE(agent.call({{"cmd", "catalog.pull"}}).value("ok", false));
    ASSERT_TRUE(wait_for_pulls(agent, 2)) << agent.status().dump(2) << "\n" << agent.log();

    const auto requests = sim.admin_get("/admin/wms/requests")["requests"];
    ASSERT_EQ(requests.size(), 6u) << requests.dump();  // one page per type
    for (const auto& request : requests) {
        EXPECT_TRUE(request["updated_since"].is_string()) << request.dump();
        EXPECT_EQ(request["page"], 1) << request.dump();
        // The watermark is inclusive: at most the newest record seen last time comes again.
        if (request["type"] != "materials") {
            EXPECT_LE(request["returned"].get<int>(), 1) << request.dump();
        }
    }
    const auto incremental = requests_for(sim, "materials");
    ASSERT_EQ(incremental.size(), 1u);
    EXPECT_GE(incremental[0]["returned"].get<int>(), 2);
    EXPECT_LE(incremental[0]["returned"].get<int>(), 3);
    EXPECT_EQ(catalog_types(agent)["materials"]["records"], 251);
    auto added = agent.call({{"cmd", "catalog.material"}, {"code", "NEW-1"}});
    ASSERT_TRUE(added.value("ok", false)) << added.dump();
    EXPECT_EQ(added["material"]["gtin"], "08990000050000");
    auto renamed = agent.call({{"cmd", "catalog.material"}, {"code", "MAT-00007"}});
    EXPECT_EQ(renamed["material"]["name"], "Renamed");
    EXPECT_EQ(agent.status()["outbox"]["pending"], 0) << "pulls queued something";
}

TEST(WmsMasterData, ATokenExpiringBetweenPagesIsRenewedAndThePullCompletes) {
    Simulator sim(wms_simulator());
    sim.admin_post("/admin/latency", {{"path", "/v2/materials"}, {"delay_ms", 300}});
    AgentHarness agent(sim, wms_agent(sim, /*link_up=*/true));
    ASSERT_TRUE(wait_until([&] { return !requests_for(sim, "materials").empty(); }, std::chrono::seconds(30)))
        << agent.log();
    sim.admin_post("/admin/expire-tokens");
    ASSERT_TRUE(wait_for_pulls(agent, 1)) << agent.status().dump(2) << "\n" << agent.log();

    const auto stats = sim.stats();
    EXPECT_GE(stats["unauthorized"].get<int>(), 1) << stats.dump();
    EXPECT_EQ(stats["logins"], 2) << stats.dump();
    EXPECT_EQ(catalog_types(agent)["materials"]["records"], 250);
    EXPECT_EQ(pull_status(agent)["consecutive_failures"], 0);
}

TEST(WmsDisposal, ACancellationIsDeliveredOnceEvenWhenItsAnswerIsLost) {
    Simulator sim(wms_simulator());
    AgentHarness agent(sim, wms_agent(sim, /*link_up=*/true));
    ASSERT_TRUE(wait_for_pulls(agent, 1)) << agent.log();
    // The first answer is lost after the server applied it; the retry (same key) gets 409.
    sim.admin_post("/admin/faults", {{"path", "/wms/disposal/cancellation"},
                                     {"steps", {{{"apply_then_close", true}}, {{"apply_then_close", true}}}}});

    const auto answer = enqueue(agent, "disposal-cancellation", cancellation("DI-2026-0042", 12), "dc-42");
    ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
    EXPECT_FALSE(answer.contains("flagged")) << "checked against a fresh catalog: " << answer.dump();
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 1; }))
        << agent.status().dump(2) << "\n" << agent.log();

    // A producer retrying its key is answered from the outbox, nothing is sent again.
    const auto again = enqueue(agent, "disposal-cancellation", cancellation("DI-2026-0042", 12), "dc-42");
    EXPECT_TRUE(again.value("duplicate", false)) << again.dump();
    const auto cancellations = sim.admin_get("/admin/wms/cancellations")["cancellations"];
    ASSERT_EQ(cancellations.size(), 1u) << cancellations.dump();
    EXPECT_EQ(cancellations[0]["idempotency_key"], "dc-42");
    EXPECT_EQ(cancellations[0]["device_id"], "test-device");
    const auto stats = sim.stats();
    EXPECT_EQ(stats["accepted"], 1) << stats.dump();
    EXPECT_GE(stats["duplicates"].get<int>(), 1) << "the lost answer was never retried: " << stats.dump();
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0);
}

TEST(WmsDisposal, AnUnknownOrExecutedInstructionIsADeadLetterAndBlocksNothing) {
    Simulator sim(wms_simulator());
    AgentHarness agent(sim, wms_agent(sim, /*link_up=*/true));
    ASSERT_TRUE(wait_for_pulls(agent, 1)) << agent.log();
    ASSERT_TRUE(enqueue(agent, "disposal-cancellation", cancellation("DI-2026-7777", 12)).value("ok", false));
    ASSERT_TRUE(enqueue(agent, "disposal-cancellation", cancellation("DI-2026-0900", 1)).value("ok", false));
    ASSERT_TRUE(enqueue(agent, "disposal-cancellation", cancellation("DI-2026-0005", 5)).value("ok", false));
    ASSERT_TRUE(wait_until([&] {
        const auto outbox = agent.status()["outbox"];
        return outbox["dead"] == 2 && outbox["delivered"] == 1;
    })) << agent.status().dump(2) << "\n" << agent.log();
    std::set<std::string> errors;
    const auto dead_letters = agent.call({{"cmd", "dead.list"}});
    for (const auto& dead : dead_letters["dead"]) errors.insert(dead["last_error"].get<std::string>());
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_NE(errors.begin()->find("WMS answered HTTP 404"), std::string::npos) << *errors.begin();
    EXPECT_NE(errors.rbegin()->find("WMS answered HTTP 422"), std::string::npos) << *errors.rbegin();
    EXPECT_NE(errors.rbegin()->find("already executed"), std::string::npos) << *errors.rbegin();
}

TEST(WmsDisposal, TokenExpiryInTheMiddleOfADrainLogsInAgainAndDeliversEachOnce) {
    Simulator sim(wms_simulator());
    AgentHarness agent(sim, wms_agent(sim, /*link_up=*/false, "pull_types = []\n"));
    constexpr int kCount = 20;
    for (int n = 1; n <= kCount; ++n) {
        char number[16];
        std::snprintf(number, sizeof number, "DI-2026-%04d", n);
        ASSERT_TRUE(enqueue(agent, "disposal-cancellation", cancellation(number, n)).value("ok", false));
    }
    // Slow answers keep the drain going long enough to pull the tokens out from under it.
    sim.admin_post("/admin/latency", {{"path", "/wms/disposal/cancellation"}, {"delay_ms", 40}});
    agent.set_link(true);
    ASSERT_TRUE(wait_until([&] { return sim.stats()["accepted"].get<int>() >= 4; })) << agent.log();
    sim.admin_post("/admin/expire-tokens");
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == kCount; }))
        << agent.status().dump(2) << "\n" << agent.log();

    const auto stats = sim.stats();
    EXPECT_EQ(stats["accepted"], kCount) << stats.dump();
    EXPECT_EQ(stats["duplicates"], 0) << stats.dump();
    EXPECT_GE(stats["unauthorized"].get<int>(), 1) << "the tokens expired after the drain: " << stats.dump();
    EXPECT_GE(stats["logins"].get<int>(), 2) << stats.dump();
    // The delivery threads share one session: one new login per expiry, not one per thread.
    EXPECT_LE(stats["logins"].get<int>(), 3) << stats.dump();
    EXPECT_EQ(sim.admin_get("/admin/wms/cancellations")["cancellations"].size(), static_cast<std::size_t>(kCount));
}

TEST(WmsIntake, WhatAFreshCatalogProvesWrongIsRefusedAtEnqueueNamingTheItem) {
    Simulator sim(wms_simulator());
    AgentHarness agent(sim, wms_agent(sim, /*link_up=*/true));
    ASSERT_TRUE(wait_for_pulls(agent, 1)) << agent.log();

    auto good = sample_picking("SSL-V", 1);
    const auto accepted = enqueue(agent, "picking-order", good);
    ASSERT_TRUE(accepted.value("ok", false)) << accepted.dump();
    EXPECT_FALSE(accepted.contains("flagged")) << accepted.dump();

    struct Case {
        const char* pointer;
        nlohmann::json value;
        const char* fragment;
    };
    for (const auto& [pointer, value, fragment] : std::vector<Case>{
             {"/items/0/material_code", "NOPE-1", "items[0] (NOPE-1, batch B2311A): material_code NOPE-1 is not a known material"},
             {"/items/0/gtin", "08990000000001", "GTIN 08990000000001 is not a known material"},
             {"/items/0/gtin", "08990000000013", "is material MAT-00001, not BCG-20"},
             {"/items/0/expired_date", "2026-01-31", "items[0] (BCG-20, batch B2311A) expired on 2026-01-31"},
             {"/items/0/qty", 0, "items[0].qty must be a positive integer (got 0)"},
             {"/items/0/qty", -3, "items[0].qty must be a positive integer (got -3)"}}) {
        auto order = sample_picking("SSL-V", 2);
        order[nlohmann::json::json_pointer(pointer)] = value;
        const auto answer = enqueue(agent, "picking-order", order);
        ASSERT_FALSE(answer.value("ok", true)) << pointer << " " << value.dump();
        EXPECT_NE(answer["error"].get<std::string>().find(fragment), std::string::npos) << answer.dump();
    }
    const auto unknown_entity = enqueue(agent, "disposal-cancellation", cancellation("DI-2026-0001", 999));
    ASSERT_FALSE(unknown_entity.value("ok", true));
    EXPECT_NE(unknown_entity["error"].get<std::string>().find("entity_id 999 is not a known entity"), std::string::npos)
        << unknown_entity.dump();
    // One status, not three: the accepted order moves from pending to delivered meanwhile.
    const auto outbox = agent.status()["outbox"];
    EXPECT_EQ(outbox["pending"].get<int>() + outbox["delivered"].get<int>() + outbox["in_flight"].get<int>(), 1)
        << "a refused operation was queued: " << outbox.dump();
}

TEST(WmsIntake, AnEmptyCatalogFlagsByDefaultAndRefusesWithTheRejectPolicy) {
    Simulator sim(wms_simulator());
    {
        AgentHarness agent(sim, wms_agent(sim, /*link_up=*/false));
        const auto answer = enqueue(agent, "picking-order", sample_picking("SSL-F", 1));
        ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
        ASSERT_TRUE(answer.contains("flagged")) << answer.dump();
        EXPECT_NE(answer["flagged"].get<std::string>().find("materials were never pulled"), std::string::npos)
            << answer.dump();
        const auto catalog = agent.status()["catalog"];
        EXPECT_EQ(catalog["flagged_since_start"], 1);
        EXPECT_NE(catalog["last_flag"].get<std::string>().find("operation " + std::to_string(answer["id"].get<int>())),
                  std::string::npos)
            << catalog.dump();
        EXPECT_TRUE(wait_until([&] { return agent.log().find("accepted unchecked") != std::string::npos; }))
            << agent.log();
    }
    AgentHarness strict(sim, wms_agent(sim, /*link_up=*/false, "[catalog]\nstale_policy = \"reject\"\n"));
    const auto refused = enqueue(strict, "picking-order", sample_picking("SSL-F", 2));
    ASSERT_FALSE(refused.value("ok", true)) << refused.dump();
    EXPECT_NE(refused["error"].get<std::string>().find("stale_policy = \"reject\""), std::string::npos) << refused.dump();
    EXPECT_EQ(strict.status()["outbox"]["pending"], 0);
}

TEST(WmsOffline, NothingIsPulledOrSentOfflineAndBothStartSoonAfterTheLinkComesUp) {
    Simulator sim(wms_simulator());
    AgentHarness agent(sim, wms_agent(sim, /*link_up=*/false));
    const auto queued = enqueue(agent, "disposal-cancellation", cancellation("DI-2026-0042", 12));
    ASSERT_TRUE(queued.value("ok", false)) << queued.dump();
    EXPECT_TRUE(queued.contains("flagged")) << "an empty catalog cannot vouch for entity 12: " << queued.dump();
    // An operator's "pull now" while offline waits for the link instead of dialling out.
    const auto pull = agent.call({{"cmd", "catalog.pull"}});
    ASSERT_TRUE(pull.value("ok", false)) << pull.dump();
    EXPECT_EQ(pull["link"], "down");
    const auto offline = pull_status(agent);
    EXPECT_TRUE(offline["next_pull_at"].is_null()) << offline.dump();
    EXPECT_EQ(offline["pulls_completed"], 0);
    EXPECT_EQ(sim.stats()["requests"], 0) << "the agent reached the upstream while its link was down";

    agent.set_link(true);
    ASSERT_TRUE(wait_for_pulls(agent, 1)) << agent.status().dump(2) << "\n" << agent.log();
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 1; })) << agent.log();
    EXPECT_EQ(sim.admin_get("/admin/wms/cancellations")["cancellations"].size(), 1u);
    // Back offline: the next scheduled pull is not shown (nothing will happen until link up).
    agent.set_link(false);
    EXPECT_TRUE(pull_status(agent)["next_pull_at"].is_null());
}

TEST(WmsReload, SighupRebuildsThePullerAndKeepsTheCatalog) {
    Simulator sim(wms_simulator());
    AgentHarness agent(sim, wms_agent(sim, /*link_up=*/true));
    ASSERT_TRUE(wait_for_pulls(agent, 1)) << agent.log();
    sim.admin_post("/admin/wms/clear-requests");
    ASSERT_EQ(::kill(agent.pid(), SIGHUP), 0);
    // The new puller starts from the kept watermarks: an incremental pull of every type.
    ASSERT_TRUE(wait_until([&] {
        const auto log = sim.admin_get("/admin/wms/requests");
        return log["requests"].size() >= 6;
    })) << agent.log();
    const auto requests = sim.admin_get("/admin/wms/requests");
    for (const auto& request : requests["requests"]) EXPECT_TRUE(request["updated_since"].is_string()) << request.dump();
    EXPECT_EQ(catalog_types(agent)["materials"]["records"], 250);
    ASSERT_TRUE(enqueue(agent, "disposal-cancellation", cancellation("DI-2026-0042", 12)).value("ok", false));
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 1; })) << agent.log();
}

// The pull threads are not WMS's own: the SMILE orders connector's pick-list pull runs on one
// too, once its statuses are configured.
TEST(PickListPulls, TheAgentRunsTheSmileOrdersPickListPullWhileOnline) {
    SimulatorOptions options = wms_simulator();
    options.extra_args.insert(options.extra_args.end(), {"--orders-user", "ops@demo.example", "--orders-password", "ops-pw"});
    Simulator sim(options);
    sim.admin_post("/admin/orders", {{"id", 48211},
                                     {"key_ssl", "SSL-2026-000123"},
                                     {"status", "allocated"},
                                     {"items", {{{"id", 1}, {"material_code", "BCG-20"}, {"qty", 20}}}}});
    AgentSettings settings = wms_agent(sim, /*link_up=*/false, "pull_types = []\n");
    settings.extra_config += "[upstream.smile-orders]\nbase_url = \"" + sim.base_url() +
                             "\"\nusername = \"ops@demo.example\"\npassword = \"ops-pw\"\n"
                             "pick_list_statuses = [\"allocated\"]\npick_list_interval_s = 3600\n";
    AgentHarness agent(sim, settings);
    const auto pulls = agent.status()["catalog"]["pulls"];
    ASSERT_TRUE(pulls.contains("smile-orders/pick-lists")) << pulls.dump();
    EXPECT_FALSE(pulls.contains(kPuller)) << "pull_types = [] turns the WMS pull off";
    EXPECT_EQ(sim.stats()["requests"], 0);

    agent.set_link(true);
    ASSERT_TRUE(wait_until([&] {
        return agent.status()["catalog"]["pulls"]["smile-orders/pick-lists"].value("pulls_completed", 0) >= 1;
    })) << agent.status().dump(2) << "\n" << agent.log();
    EXPECT_GE(sim.stats()["by_path"].value("/v2/orders", 0), 1);
    const auto pull = agent.status()["catalog"]["pulls"]["smile-orders/pick-lists"];
    EXPECT_EQ(pull["last_result"].get<std::string>().rfind("1 pick list(s) (allocated)", 0), 0u) << pull.dump();
}

TEST(WmsOutpostctl, CatalogLookupsAndStatus) {
    Simulator sim(wms_simulator());
    AgentHarness agent(sim, wms_agent(sim, /*link_up=*/true));
    ASSERT_TRUE(wait_for_pulls(agent, 1)) << agent.log();
    TempDir dir;
    const std::string ctl = std::string(paths::kOutpostctl) + " --socket " + agent.socket_path();
    auto run = [&](const std::string& arguments, std::string& output) {
        const std::string command = ctl + " " + arguments + " > " + dir.file("out.txt") + " 2>&1";
        const int status = std::system(command.c_str());
        std::ifstream file(dir.file("out.txt"));
        output.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
        return WEXITSTATUS(status);
    };
    std::string out;
    EXPECT_EQ(run("catalog material BCG-20", out), 0) << out;
    EXPECT_NE(out.find("BCG-20  Vaksin BCG 20 dosis  GTIN 08991234567895  vial, batch-managed"), std::string::npos) << out;
    EXPECT_EQ(run("catalog material --gtin 08991234567895 --json", out), 0) << out;
    EXPECT_EQ(nlohmann::json::parse(out)["id"], 12);
    EXPECT_EQ(run("catalog material NOPE", out), 1) << out;
    EXPECT_NE(out.find("no material with code NOPE in the catalog"), std::string::npos) << out;
    EXPECT_NE(run("catalog material", out), 0) << out;
    EXPECT_EQ(run("catalog status", out), 0) << out;
    EXPECT_NE(out.find("materials          250 records, pulled"), std::string::npos) << out;
    EXPECT_NE(out.find("pull      wms/master-data: last success 20"), std::string::npos) << out;
    EXPECT_EQ(run("catalog status --json", out), 0) << out;
    EXPECT_EQ(nlohmann::json::parse(out)["stale_policy"], "accept-and-flag");
    EXPECT_EQ(run("catalog pull", out), 0) << out;
    EXPECT_NE(out.find("wms/master-data"), std::string::npos) << out;
    EXPECT_TRUE(wait_for_pulls(agent, 2)) << agent.log();
}

}  // namespace
}  // namespace outpost::testing
