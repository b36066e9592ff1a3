// The sync engine against the simulator over mutual TLS: Retry-After, the circuit breaker and
// recovery time, authentication failures and expiry, dead letters, and no CPU while offline.

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

#include "agent_harness.hpp"
#include "outpost/outbox/outbox.hpp"
#include "test_paths.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

using namespace std::chrono_literals;

nlohmann::json din(AgentHarness& agent) { return agent.status()["upstreams"]["din"]; }

TEST(SyncEngine, RetryAfterIsHonouredAsTheEarliestRetry) {
    Simulator sim;
    AgentHarness agent(sim, /*link_up=*/false);
    sim.admin_post("/admin/faults", {{"path", "/ssl/ifp/picking/order"}, {"statuses", {503}}});  // Retry-After: 1
    agent.enqueue_picking("SSL-RA", 0);
    agent.set_link(true);
    ASSERT_TRUE(wait_until([&] { return !din(agent)["last_error"].get<std::string>().empty(); })) << agent.log();
    // Our own backoff for a first retry is at most 50 ms here; the server asked for 1 s.
    const auto next = din(agent)["next_attempt_in_ms"];
    ASSERT_TRUE(next.is_number()) << din(agent).dump();
    EXPECT_GT(next.get<int>(), 700) << "retried before the server's Retry-After";
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 1; })) << agent.log();
}

TEST(SyncEngine, LinkLostMidBatchReleasesTheUnsentOperationsUntouched) {
    Simulator sim;
    TempDir state;
    auto agent = std::make_unique<AgentHarness>(sim, /*link_up=*/false, &state);
    // A hundred orders, a hundred lanes: each thread claims a batch of them, and its helper the
    // next batch while the first is sent. Slow answers give the test time to take the link
    // away while a batch is being sent.
    constexpr int kOrders = 100;
    for (int i = 0; i < kOrders; ++i) agent->enqueue_picking("SSL-MB" + std::to_string(i), 0);
    sim.admin_post("/admin/latency", {{"path", "/ssl/ifp/picking/order"}, {"delay_ms", 300}});
    agent->set_link(true);
    ASSERT_TRUE(wait_until([&] { return sim.stats()["accepted"].get<int>() >= 1; })) << agent->log();
    agent->set_link(false);
    // The requests in flight finish; everything else goes back to pending, nothing stays claimed.
    ASSERT_TRUE(wait_until([&] { return agent->status()["outbox"]["in_flight"] == 0; })) << agent->log();
    const auto outbox = agent->status()["outbox"];
    const int delivered = outbox["delivered"].get<int>();
    EXPECT_LT(delivered, kOrders) << "the batch went on after the link was lost";
    EXPECT_EQ(delivered + outbox["pending"].get<int>(), kOrders);
    EXPECT_EQ(sim.stats()["accepted"].get<int>(), delivered);
    ASSERT_EQ(agent->stop(), 0);

    // Released, not failed: none of the unsent operations counts an attempt or an error.
    {
        auto reopened = outbox::Outbox::open(state.file("outbox.db"));
        ASSERT_TRUE(reopened) << reopened.error().describe();
        auto batch = (*reopened)->claim_batch("din", wall_clock_now_ms(), kOrders);
        ASSERT_TRUE(batch);
        EXPECT_EQ(static_cast<int>(batch->size()), kOrders - delivered);
        for (const auto& operation : *batch) {
            EXPECT_EQ(operation.attempts, 0) << operation.idempotency_key;
            EXPECT_EQ(operation.last_error, "") << operation.idempotency_key;
        }
    }  // closed again: the claims above are undone when the agent reopens the outbox

    sim.admin_post("/admin/latency", {{"path", "/ssl/ifp/picking/order"}, {"delay_ms", 0}});
    agent = std::make_unique<AgentHarness>(sim, /*link_up=*/true, &state);
    ASSERT_TRUE(wait_until([&] { return agent->status()["outbox"]["delivered"] == kOrders; })) << agent->log();
    EXPECT_EQ(sim.stats()["accepted"].get<int>(), kOrders);
    EXPECT_EQ(sim.stats()["duplicates"].get<int>(), 0);
}

TEST(SyncEngine, RetryAfterAsAnHttpDateIsHonoured) {
    Simulator sim;
    AgentHarness agent(sim, /*link_up=*/false);
    // An HTTP date 4 s ahead (whole seconds: the date has no finer resolution). Whatever the
    // fraction of the second now and however late a loaded machine gets the request out (under
    // a second), the agent still reads at least 2 s from it.
    const std::time_t at = std::time(nullptr) + 4;
    std::tm utc{};
    gmtime_r(&at, &utc);
    char date[64];
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    sim.admin_post("/admin/faults",
                   {{"path", "/ssl/ifp/picking/order"}, {"steps", {{{"status", 429}, {"retry_after", date}}}}});
    agent.enqueue_picking("SSL-RD", 0);
    agent.set_link(true);
    // The answer reaches the status a moment before the outbox records the retry time: wait for both.
    ASSERT_TRUE(wait_until([&] {
        const auto upstream = din(agent);
        return !upstream["last_error"].get<std::string>().empty() && !upstream["next_attempt_in_ms"].is_null();
    })) << agent.log();
    EXPECT_GT(din(agent)["next_attempt_in_ms"].get<int>(), 1000) << "retried before the server's Retry-After date";
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 1; })) << agent.log();
}

TEST(SyncEngine, RequestAppliedButUnansweredIsRetriedWithTheSameKeyAndAppliedOnce) {
    Simulator sim;
    AgentHarness agent(sim, /*link_up=*/false);
    // Applied, then the connection closed without an answer; twice, because libcurl itself
    // re-sends once on a reused connection that dies before answering.
    sim.admin_post("/admin/faults",
                   {{"path", "/ssl/ifp/picking/order"}, {"steps", {{{"apply_then_close", true}, {"repeat", 2}}}}});
    agent.enqueue_picking("SSL-U", 0);
    agent.set_link(true);
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 1; })) << agent.log();
    const auto stats = sim.stats();
    EXPECT_EQ(stats["accepted"], 1);
    EXPECT_GE(stats["duplicates"].get<int>(), 1) << "the retry did not reuse the idempotency key";
    EXPECT_GE(stats["closed_without_answer"].get<int>(), 1);
}

TEST(SyncEngine, RequestTimeoutIsAnUnknownOutcomeRetriedWithTheSameKey) {
    Simulator sim;
    AgentSettings settings;
    settings.request_timeout_ms = 1000;
    AgentHarness agent(sim, settings);
    // The simulator applies the picking, then answers after 3 s: the agent gives up at 1 s.
    sim.admin_post("/admin/faults", {{"path", "/ssl/ifp/picking/order"}, {"steps", {{{"delay_ms", 3000}}}}});
    agent.enqueue_picking("SSL-TO", 0);
    agent.set_link(true);
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 1; }, 30s)) << agent.log();
    EXPECT_NE(agent.log().find("no answer in time"), std::string::npos) << agent.log();
    EXPECT_EQ(sim.stats()["accepted"], 1);
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0);
}

TEST(SyncEngine, RefusedTlsHandshakesAreTransientAndDeliveryResumes) {
    Simulator sim;
    sim.admin_post("/admin/tls", {{"refuse", true}, {"drop_connections", true}});
    AgentHarness agent(sim, /*link_up=*/true);
    for (int i = 0; i < 4; ++i) agent.enqueue_picking("SSL-H", i);
    ASSERT_TRUE(wait_until([&] { return din(agent)["last_error"].get<std::string>().find("TLS") != std::string::npos; }))
        << din(agent).dump() << agent.log();
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0) << "a refused handshake was treated as permanent";
    sim.admin_post("/admin/tls", {{"refuse", false}});
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 4; }, 30s)) << agent.log();
}

TEST(SyncEngine, CircuitOpensOnAnOutageAndDeliveryResumesWithinTheJitterWindow) {
    Simulator sim;
    sim.admin_post("/admin/down");
    AgentHarness agent(sim, /*link_up=*/true);
    for (int i = 0; i < 10; ++i) agent.enqueue_picking("SSL-C" + std::to_string(i % 4), i);
    ASSERT_TRUE(wait_until([&] { return din(agent)["circuit"] == "open"; }, 30s)) << din(agent).dump() << agent.log();
    EXPECT_GE(din(agent)["consecutive_failures"].get<int>(), 5);

    sim.admin_post("/admin/up");
    const auto back = std::chrono::steady_clock::now();
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 10; }, 30s))
        << agent.status().dump(2) << agent.log();
    const auto recovery = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - back);
    std::printf("recovery after the upstream came back: %lld ms (probe interval 1000 ms, Retry-After 1 s)\n",
                static_cast<long long>(recovery.count()));
    // Probe within 0.5..1 s, then everything due at once; Retry-After (1 s) may delay the probe.
    EXPECT_LT(recovery, 5s) << "delivery waited for a long fixed interval instead of the probe";
    EXPECT_EQ(din(agent)["circuit"], "closed");
    EXPECT_EQ(sim.stats()["accepted"], 10);
}

TEST(SyncEngine, WrongCredentialsShowAuthFailedAndDoNotHammerTheLogin) {
    Simulator sim;
    AgentHarness agent(sim, /*link_up=*/false, nullptr, "not-the-password");
    for (int i = 0; i < 5; ++i) agent.enqueue_picking("SSL-A" + std::to_string(i), i);
    agent.set_link(true);
    // The refusal reaches the status a moment before the outbox records the retry times.
    ASSERT_TRUE(wait_until([&] { return din(agent)["auth"] == "failed" && !din(agent)["next_attempt_in_ms"].is_null(); }))
        << din(agent).dump() << agent.log();
    const auto status = agent.status();
    EXPECT_EQ(status["outbox"]["pending"].get<int>() + status["outbox"]["in_flight"].get<int>(), 5)
        << "operations were dropped or dead-lettered because of a login problem";
    EXPECT_EQ(status["outbox"]["dead"], 0);
    // Each operation that met the refused login waits the full backoff cap (1 s here).
    EXPECT_GT(status["upstreams"]["din"]["next_attempt_in_ms"].get<int>(), 500);
    EXPECT_LE(sim.stats()["login_failures"].get<int>(), 2 * 2) << "more logins than delivery threads tried at once";
    const std::string log = agent.log();
    EXPECT_EQ(log.find("not-the-password"), std::string::npos) << "the password was logged";
}

TEST(SyncEngine, ExpiredTokenMidDrainLogsInAgainAndLosesNothing) {
    Simulator sim;
    AgentHarness agent(sim, /*link_up=*/false);
    for (int i = 0; i < 60; ++i) agent.enqueue_picking("SSL-T" + std::to_string(i % 6), i);
    // 30 ms per picking: the drain lasts ~1 s, so the tokens expire in its middle even when a
    // loaded machine sees the first deliveries late.
    sim.admin_post("/admin/latency", {{"path", "/ssl/ifp/picking/order"}, {"delay_ms", 30}});
    agent.set_link(true);
    // The simulator's count, not the outbox's: a delivery thread settles a batch of lane heads at
    // once, so the outbox lags what the server has seen.
    ASSERT_TRUE(wait_until([&] { return sim.stats()["accepted"].get<int>() >= 5; })) << agent.log();
    sim.admin_post("/admin/expire-tokens");
    EXPECT_LT(sim.stats()["accepted"].get<int>(), 60) << "the drain ended before the tokens expired";
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 60; }, 30s))
        << agent.status().dump(2) << agent.log();
    const auto stats = sim.stats();
    EXPECT_EQ(stats["accepted"], 60);
    EXPECT_GE(stats["logins"].get<int>(), 2);
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0);
}

TEST(SyncEngine, TokenCloseToExpiryIsRenewedBeforeALargeDrain) {
    SimulatorOptions options;
    options.token_ttl_seconds = 300;  // inside the 10-minute renewal window from the start
    Simulator sim(options);
    AgentHarness agent(sim, /*link_up=*/false);
    agent.enqueue_picking("SSL-W", 0);
    agent.set_link(true);
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 1; })) << agent.log();
    const int logins_before = sim.stats()["logins"];
    agent.set_link(false);
    for (int i = 1; i <= 150; ++i) agent.enqueue_picking("SSL-W" + std::to_string(i % 10), i);
    agent.set_link(true);
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 151; }, 30s)) << agent.log();
    EXPECT_EQ(sim.stats()["logins"].get<int>(), logins_before + 1) << "the session was not renewed before the drain";
    EXPECT_EQ(sim.stats()["unauthorized"], 0);
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

TEST(SyncEngine, DeadLettersAreListedRetriedAndDroppedWithAReason) {
    Simulator sim;
    AgentHarness agent(sim, /*link_up=*/false);
    sim.admin_post("/admin/faults", {{"path", "/ssl/ifp/picking/order"}, {"statuses", {422, 422}}});
    agent.enqueue_picking("SSL-D1", 0);
    agent.enqueue_picking("SSL-D2", 0);
    agent.enqueue_picking("SSL-OK", 0);
    agent.set_link(true);
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["dead"] == 2; })) << agent.status().dump(2);
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 1; }));

    const std::string socket = "--socket " + agent.socket_path();
    std::string output;
    ASSERT_EQ(run_ctl(socket + " dead list --json", output), 0) << output;
    const auto dead = nlohmann::json::parse(output);
    ASSERT_EQ(dead.size(), 2u);
    const long long first = dead[0]["id"];
    const long long second = dead[1]["id"];
    EXPECT_NE(dead[0]["last_error"].get<std::string>().find("422"), std::string::npos);

    ASSERT_EQ(run_ctl(socket + " dead show " + std::to_string(first), output), 0) << output;
    EXPECT_NE(output.find("\"payload\""), std::string::npos);

    EXPECT_NE(run_ctl(socket + " dead drop " + std::to_string(second), output), 0) << "dropped without a reason";
    ASSERT_EQ(run_ctl(socket + " dead drop " + std::to_string(second) + " --reason 'entered upstream by hand'", output), 0)
        << output;
    ASSERT_EQ(run_ctl(socket + " dead retry " + std::to_string(first), output), 0) << output;
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 2; })) << agent.status().dump(2);
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0);
    EXPECT_EQ(sim.stats()["accepted"], 2);
}

// utime + stime of a process, in clock ticks.
long cpu_ticks(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int index = 3; fields >> field; ++index) {
        if (index == 14) utime = std::stol(field);
        if (index == 15) {
            stime = std::stol(field);
            break;
        }
    }
    return utime + stime;
}

TEST(SyncEngine, OfflineAgentWithABacklogUsesNoCpu) {
    Simulator sim;
    AgentHarness agent(sim, /*link_up=*/false);
    for (int i = 0; i < 200; ++i) agent.enqueue_picking("SSL-O" + std::to_string(i % 20), i);
    const long before = cpu_ticks(agent.pid());
    // Measuring idleness takes a stretch of time; nothing here waits for the agent.
    wait_until([] { return false; }, 3s);
    const long used = cpu_ticks(agent.pid()) - before;
    std::printf("offline with 200 pending: %ld ticks of CPU in 3 s (%ld ticks per second)\n", used, sysconf(_SC_CLK_TCK));
    EXPECT_LE(used, 1) << "the agent is polling while offline";
}

}  // namespace
}  // namespace outpost::testing
