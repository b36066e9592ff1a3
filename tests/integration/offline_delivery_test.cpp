// End to end: outpostd on the sim board, the upstream simulator over mutual TLS, real processes.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "agent_harness.hpp"
#include "test_paths.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

TEST(OfflineDelivery, TwoHundredPickingsQueuedOfflineAreDeliveredOnceWhenTheLinkComesUp) {
    Simulator sim;
    AgentHarness agent(sim, /*link_up=*/false);

    // More lanes than two threads' batches (32 each): batches are claimed ahead while others are
    // in flight, and a lane's next picking must still wait for the one before.
    constexpr int kLanes = 100;
    constexpr int kPerLane = 2;
    int queued = 0;
    for (int picking = 0; picking < kPerLane; ++picking) {
        for (int lane = 0; lane < kLanes; ++lane) {
            const auto answer = agent.call({{"cmd", "enqueue"},
                                            {"kind", "picking-order"},
                                            {"payload", sample_picking("SSL-" + std::to_string(lane), picking)}});
            ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
            ++queued;
        }
    }
    ASSERT_EQ(queued, 200);
    auto status = agent.status();
    EXPECT_EQ(status["link"], "down");
    EXPECT_EQ(status["outbox"]["pending"], 200);
    EXPECT_EQ(sim.stats()["requests"], 0) << "the agent sent something while the link was down";

    agent.set_link(true);
    const bool drained = wait_until(
        [&] {
            const auto now = agent.status();
            return now["outbox"]["delivered"] == 200 && now["outbox"]["pending"] == 0 &&
                   now["outbox"]["in_flight"] == 0;
        },
        std::chrono::seconds(60));
    ASSERT_TRUE(drained) << agent.status().dump(2) << "\n" << agent.log();

    const auto stats = sim.stats();
    EXPECT_EQ(stats["accepted"], 200);
    EXPECT_EQ(stats["duplicates"], 0);
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0);

    // Within each order (lane), pickings arrived in the order they were made.
    std::map<std::string, int> last_seen;
    const auto accepted = sim.accepted();
    ASSERT_EQ(accepted["pickings"].size(), 200u);
    for (const auto& picking : accepted["pickings"]) {
        const std::string key_ssl = picking["key_ssl"];
        const std::string number = picking["picking_no"].get<std::string>().substr(key_ssl.size() + 2);
        const int index = std::stoi(number);
        if (last_seen.contains(key_ssl)) {
            EXPECT_GT(index, last_seen[key_ssl]) << key_ssl;
        }
        last_seen[key_ssl] = index;
    }
    EXPECT_EQ(last_seen.size(), static_cast<std::size_t>(kLanes));
}

TEST(OfflineDelivery, UpstreamDownThenUpDeliversEverythingOnce) {
    Simulator sim;
    sim.admin_post("/admin/down");
    AgentHarness agent(sim, /*link_up=*/true);
    for (int i = 0; i < 5; ++i) {
        agent.enqueue_picking("SSL-X", i);
    }
    ASSERT_TRUE(wait_until([&] { return sim.stats()["requests"].get<int>() >= 2; })) << agent.log();
    EXPECT_EQ(sim.stats()["accepted"], 0);
    EXPECT_FALSE(agent.status()["upstreams"]["din"]["last_error"].get<std::string>().empty());

    sim.admin_post("/admin/up");
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == 5; }, std::chrono::seconds(30)))
        << agent.status().dump(2) << "\n" << agent.log();
    EXPECT_EQ(sim.stats()["accepted"], 5);
}

TEST(OfflineDelivery, ValidationErrorFromUpstreamGoesToDeadLettersAndDoesNotBlockOtherOrders) {
    Simulator sim;
    AgentHarness agent(sim, /*link_up=*/false);
    sim.admin_post("/admin/faults", {{"path", "/ssl/ifp/picking/order"}, {"statuses", {422}}});
    for (const char* lane : {"SSL-BAD", "SSL-GOOD"}) {
        agent.enqueue_picking(lane, 0);
    }
    agent.set_link(true);
    ASSERT_TRUE(wait_until([&] {
        const auto status = agent.status();
        return status["outbox"]["dead"] == 1 && status["outbox"]["delivered"] == 1;
    })) << agent.status().dump(2) << "\n" << agent.log();
}

TEST(OfflineDelivery, QueueSurvivesARestartWhileOffline) {
    Simulator sim;
    TempDir state;
    {
        AgentHarness agent(sim, /*link_up=*/false, &state);
        for (int i = 0; i < 3; ++i) {
            agent.enqueue_picking("SSL-R", i);
        }
        EXPECT_EQ(agent.stop(), 0) << agent.log();
    }
    AgentHarness restarted(sim, /*link_up=*/true, &state);
    ASSERT_TRUE(wait_until([&] { return restarted.status()["outbox"]["delivered"] == 3; }))
        << restarted.status().dump(2) << "\n" << restarted.log();
    EXPECT_EQ(sim.stats()["accepted"], 3);
    EXPECT_EQ(sim.stats()["duplicates"], 0);
}

TEST(Outpostctl, EnqueuePrintsIdOnlyWhenDurableAndRefusesBadInput) {
    Simulator sim;
    AgentHarness agent(sim, false);
    TempDir dir;
    std::ofstream(dir.file("order.json")) << sample_picking("SSL-CTL", 1).dump();
    std::ofstream(dir.file("bad.json")) << R"({"key_ssl": "SSL-CTL", "items": []})";
    std::ofstream(dir.file("garbage.json")) << "{not json";
    const std::string ctl = std::string(paths::kOutpostctl) + " --socket " + agent.socket_path();

    const std::string good = ctl + " enqueue picking-order < " + dir.file("order.json") + " > " + dir.file("out.txt") + " 2>&1";
    ASSERT_EQ(std::system(good.c_str()), 0);
    std::ifstream out(dir.file("out.txt"));
    long long id = 0;
    out >> id;
    EXPECT_GT(id, 0);
    EXPECT_EQ(agent.status()["outbox"]["pending"], 1);

    const std::string bad = ctl + " enqueue picking-order < " + dir.file("bad.json") + " > " + dir.file("bad.txt") + " 2>&1";
    EXPECT_NE(std::system(bad.c_str()), 0);
    std::ifstream bad_out(dir.file("bad.txt"));
    std::string message((std::istreambuf_iterator<char>(bad_out)), std::istreambuf_iterator<char>());
    EXPECT_NE(message.find("picking_no is required"), std::string::npos) << message;

    const std::string garbage = ctl + " enqueue picking-order < " + dir.file("garbage.json") + " > /dev/null 2>&1";
    EXPECT_NE(std::system(garbage.c_str()), 0);
    EXPECT_EQ(agent.status()["outbox"]["pending"], 1) << "bad input changed the queue";

    const std::string unreachable = std::string(paths::kOutpostctl) + " --socket " + dir.file("none.sock") +
                                    " status > /dev/null 2>&1";
    EXPECT_EQ(WEXITSTATUS(std::system(unreachable.c_str())), 2);
}

}  // namespace
}  // namespace outpost::testing
