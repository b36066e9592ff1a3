// A damaged outbox at start: the agent moves it aside, starts empty, says so in status, and
// `salvage` brings the readable operations back; each is then delivered once.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "agent_harness.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

TEST(Quarantine, DamagedOutboxIsMovedAsideReportedAndSalvaged) {
    Simulator sim;
    TempDir state;
    {
        AgentHarness agent(sim, /*link_up=*/false, &state);
        for (int i = 0; i < 200; ++i) {
            auto payload = sample_picking("SSL-Q" + std::to_string(i % 10), i);
            payload["picker"] = std::string(400, 'p');  // bigger rows: the damage hits some, not all
            auto answer = agent.call({{"cmd", "enqueue"}, {"kind", "picking-order"}, {"payload", payload}});
            ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
        }
        ASSERT_EQ(agent.stop(), 0);  // a clean stop folds the WAL into the file
    }
    const std::string path = state.file("outbox.db");
    {
        std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(path) / 2));
        const std::string garbage(8192, '\x5A');
        file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }

    // A clean stop: the agent starts at once and checks the file in the background
    // (docs/architecture.md, "Corruption"); status reports the quarantine when the check has
    // found the damage.
    AgentHarness agent(sim, /*link_up=*/false, &state);
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["integrity"] != "checking"; }))
        << agent.status().dump(2);
    auto status = agent.status();
    ASSERT_TRUE(status["outbox"]["quarantine"].is_object()) << status.dump(2) << "\n" << agent.log();
    const std::string moved = status["outbox"]["quarantine"]["moved_to"];
    EXPECT_TRUE(std::filesystem::exists(moved));
    EXPECT_EQ(status["outbox"]["pending"], 0);
    EXPECT_NE(agent.log().find("outpostctl salvage"), std::string::npos) << agent.log();

    auto salvaged = agent.call({{"cmd", "salvage"}, {"path", moved}});
    ASSERT_TRUE(salvaged.value("ok", false)) << salvaged.dump();
    const int recovered = salvaged["recovered"];
    EXPECT_GT(recovered, 50);
    auto twice = agent.call({{"cmd", "salvage"}, {"path", moved}});
    EXPECT_EQ(twice["recovered"], 0) << "salvage queued duplicates";

    agent.set_link(true);
    ASSERT_TRUE(wait_until([&] { return agent.status()["outbox"]["delivered"] == recovered; }))
        << agent.status().dump(2) << "\n" << agent.log();
    EXPECT_EQ(sim.stats()["accepted"], recovered);
    EXPECT_EQ(sim.stats()["duplicates"], 0);
    EXPECT_EQ(agent.status()["outbox"]["dead"], 0) << "salvage queued a damaged operation";
}

}  // namespace
}  // namespace outpost::testing
