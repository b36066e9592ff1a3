// Clock sanity (issue 6): a handheld without a real-time clock battery boots in 1970. Operations
// queued while the wall clock is earlier than the agent's build are flagged on the operation,
// status says the clock is implausible, and the log says so once.

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <vector>

#include "agent_harness.hpp"
#include "outpost/common/clock.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

// The clock_unreliable column of every operation, oldest first, read beside the running agent.
std::vector<int> clock_flags(const std::string& outbox_path) {
    sqlite3* db = nullptr;
    std::vector<int> flags;
    if (sqlite3_open_v2(outbox_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* select = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT clock_unreliable FROM operations ORDER BY id", -1, &select, nullptr) ==
            SQLITE_OK) {
            while (sqlite3_step(select) == SQLITE_ROW) flags.push_back(sqlite3_column_int(select, 0));
        }
        sqlite3_finalize(select);
    }
    sqlite3_close(db);
    return flags;
}

TEST(ClockSanity, OperationsQueuedBeforeTheClockIsSetAreFlagged) {
    Simulator sim;
    TempDir dir;
    AgentSettings settings;
    settings.upstream_base_url = sim.base_url();
    AgentProcess agent(dir, settings);
    auto enqueue = [&](const std::string& key_ssl) {
        const auto answer = agent.call({{"cmd", "enqueue"}, {"kind", "picking-order"}, {"payload", sample_picking(key_ssl, 1)}});
        ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
    };
    EXPECT_TRUE(agent.status()["clock"]["plausible"].get<bool>());
    enqueue("SSL-BEFORE");

    // Boot without an RTC: 1970-01-01 plus a few minutes.
    ASSERT_TRUE(agent.call({{"cmd", "sim.clock"}, {"unix_ms", 300'000}}).value("ok", false));
    EXPECT_FALSE(agent.status()["clock"]["plausible"].get<bool>());
    enqueue("SSL-1970-A");
    enqueue("SSL-1970-B");

    // NTP answers.
    ASSERT_TRUE(agent.call({{"cmd", "sim.clock"}, {"unix_ms", wall_clock_now_ms()}}).value("ok", false));
    EXPECT_TRUE(agent.status()["clock"]["plausible"].get<bool>());
    enqueue("SSL-AFTER");

    EXPECT_EQ(clock_flags(dir.file("outbox.db")), (std::vector<int>{0, 1, 1, 0}));
    const std::string log = agent.log();
    EXPECT_NE(log.find("earlier than this agent's build"), std::string::npos) << log;
    EXPECT_NE(log.find("plausible again"), std::string::npos) << log;
}

}  // namespace
}  // namespace outpost::testing
