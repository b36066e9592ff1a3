// Group commit: enqueues from concurrent producers that arrive together share one transaction,
// and each producer is answered only after that commit.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "agent_harness.hpp"

namespace outpost::testing {
namespace {

TEST(GroupCommit, ConcurrentProducersShareCommitsAndEveryAcknowledgedOperationIsStored) {
    Simulator sim;
    AgentHarness agent(sim, /*link_up=*/false);
    constexpr int kProducers = 16;
    constexpr int kEach = 40;
    std::atomic<int> acknowledged{0};
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p) {
        producers.emplace_back([&, p] {
            auto client = control::ControlClient::connect(agent.socket_path());
            ASSERT_TRUE(client);
            for (int i = 0; i < kEach; ++i) {
                auto answer = client->call({{"cmd", "enqueue"},
                                            {"kind", "picking-order"},
                                            {"payload", sample_picking("SSL-G" + std::to_string(p), i)}});
                ASSERT_TRUE(answer && answer->value("ok", false));
                ++acknowledged;
            }
        });
    }
    for (auto& producer : producers) producer.join();
    ASSERT_EQ(acknowledged.load(), kProducers * kEach);

    const auto outbox = agent.status()["outbox"];
    EXPECT_EQ(outbox["pending"], kProducers * kEach);
    EXPECT_EQ(outbox["enqueued_operations"], kProducers * kEach);
    const int commits = outbox["enqueue_commits"];
    std::printf("group commit: %d operations in %d commits\n", kProducers * kEach, commits);
    // With 16 producers waiting on one fsync each turn, batches form; one commit per
    // operation would mean group commit is not happening.
    EXPECT_LT(commits, kProducers * kEach);
}

}  // namespace
}  // namespace outpost::testing
