// Crash test (issue 3): outpostd is killed with SIGKILL at random moments while producers
// enqueue and while it delivers, round after round on the same outbox and the same upstream.
// Afterwards every acknowledged operation must have been applied by the upstream exactly once,
// and no operation twice.
//
//   OUTPOST_CRASH_SEED=N    replay the random choices (kill moments, link up/down) of a run
//   OUTPOST_CRASH_ROUNDS=N  rounds (default 100; more for a soak)

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <thread>

#include "agent_process.hpp"
#include "crash_tally.hpp"
#include "producer.hpp"
#include "simulator.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

constexpr int kProducers = 2;
constexpr int kDefaultRounds = 100;
// How long an agent lives after it is ready: long enough for a few dozen commits and some
// deliveries, short enough for 100 rounds to stay well under a minute.
constexpr int kMaxKillDelayMs = 120;
// A warehouse scanner's pace, sped up. It bounds the backlog the final drain delivers one by one
// (each delivery costs the outbox two commits), which on a disk with slow fsync dominates the run.
constexpr auto kProducerPause = std::chrono::milliseconds(3);
// The final drain may take long on a slow disk; it fails only when it stops making progress.
constexpr auto kDrainStallLimit = std::chrono::seconds(30);

// outpostd's warning at start when the previous process died with deliveries in flight.
constexpr const char* kRecoveredInFlight = "were in flight when the agent stopped";

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return fallback;
    return std::stoull(text);
}

std::string tail(const std::string& text, std::size_t length = 4000) {
    return text.size() <= length ? text : "...\n" + text.substr(text.size() - length);
}

int occurrences(const std::string& text, const std::string& what) {
    int count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
    return count;
}

// One round: outpostd starts on the shared state, the producers enqueue, and after `delay` the
// agent is killed with SIGKILL. Returns once the producers have noticed and stopped.
void crash_round(const TempDir& state, const AgentSettings& settings, std::vector<Producer>& producers,
                 std::chrono::milliseconds delay) {
    AgentProcess agent(state, settings);
    // jthreads: also on an early exit their stop is requested and they are joined before the
    // agent they talk to is stopped.
    std::vector<std::jthread> threads;
    for (auto& producer : producers) {
        threads.emplace_back([&producer, &agent](const std::stop_token& stop) { producer.run(agent.socket_path(), stop); });
    }
    // The experiment, not synchronisation: the crash lands at a random moment.
    std::this_thread::sleep_for(delay);
    agent.kill_hard();
}

// Waits until the outbox holds nothing pending or in flight. However big the backlog (a long
// soak leaves thousands), it gives up only when delivery makes no progress for a while.
bool drain(AgentProcess& agent) {
    std::int64_t delivered_before = -1;
    while (true) {
        const bool drained = wait_until(
            [&] {
                const auto outbox = agent.status()["outbox"];
                return outbox["pending"] == 0 && outbox["in_flight"] == 0;
            },
            kDrainStallLimit);
        if (drained) return true;
        const auto delivered = agent.status()["outbox"]["delivered"].get<std::int64_t>();
        if (delivered == delivered_before) return false;
        delivered_before = delivered;
    }
}

TEST(Crash, AgentKilledAtRandomMomentsLosesNothingAcknowledgedAndAppliesNothingTwice) {
    const std::uint64_t seed = env_number("OUTPOST_CRASH_SEED", std::random_device{}());
    const auto rounds = static_cast<int>(env_number("OUTPOST_CRASH_ROUNDS", kDefaultRounds));
    std::cout << "crash test: seed " << seed << ", " << rounds << " rounds (replay with OUTPOST_CRASH_SEED=" << seed
              << " OUTPOST_CRASH_ROUNDS=" << rounds << ")" << std::endl;
    RecordProperty("seed", std::to_string(seed));
    std::mt19937_64 random(seed);
    std::bernoulli_distribution link_up_at_start(0.5);
    std::uniform_int_distribution<int> kill_delay_ms(0, kMaxKillDelayMs);

    Simulator sim;
    TempDir state;  // one outbox for every round: each agent starts on what the last one left
    AgentSettings settings;
    settings.upstream_base_url = sim.base_url();
    settings.din_user = sim.options().din_user;
    settings.din_password = sim.options().din_password;

    std::vector<Producer> producers;
    for (int i = 0; i < kProducers; ++i) producers.emplace_back(i, kProducerPause);

    int rounds_with_link_up = 0;
    for (int round = 0; round < rounds; ++round) {
        settings.link_up = link_up_at_start(random);
        const auto delay = std::chrono::milliseconds(kill_delay_ms(random));
        rounds_with_link_up += settings.link_up ? 1 : 0;

        try {
            crash_round(state, settings, producers, delay);
        } catch (const std::exception& error) {
            FAIL() << "round " << round << " (seed " << seed << "): " << error.what();
        }
    }

    // The last start: link up, no crash, until nothing is left to deliver.
    settings.link_up = true;
    AgentProcess agent(state, settings);
    const bool drained = drain(agent);
    const auto status = agent.status();
    ASSERT_TRUE(drained) << "the outbox stopped draining\n" << status.dump(2) << "\n" << tail(agent.log());
    EXPECT_EQ(status["outbox"]["dead"], 0) << status.dump(2) << "\n" << tail(agent.log());
    EXPECT_EQ(agent.stop(), 0) << tail(agent.log());

    std::vector<ProducedOperation> produced;
    for (const auto& producer : producers) {
        produced.insert(produced.end(), producer.operations().begin(), producer.operations().end());
        for (const auto& anomaly : producer.anomalies()) ADD_FAILURE() << "unexpected answer: " << anomaly;
    }
    // Each start after a kill that caught deliveries in flight says so in the shared log.
    const int starts_with_work_in_flight = occurrences(agent.log(), kRecoveredInFlight);
    const auto accepted = sim.accepted()["pickings"];
    const CrashTally result = tally(produced, accepted);
    const auto stats = sim.stats();
    std::cout << "crash test: " << result.summary() << std::endl;
    std::cout << "crash test: " << rounds << " rounds (" << rounds_with_link_up << " with the link up), "
              << produced.size() << " operations produced; " << starts_with_work_in_flight
              << " kills caught a delivery in flight; upstream refused " << stats["duplicates"]
              << " re-sends as duplicates" << std::endl;

    EXPECT_GT(result.acknowledged, 0) << "the producers never got an answer: the experiment did not run";
    EXPECT_EQ(result.applied_twice, 0);
    EXPECT_EQ(result.lost, 0);
    for (const auto& problem : result.problems) ADD_FAILURE() << problem;
    // Everything the outbox stored was delivered in the end, so it holds as many delivered
    // operations as the upstream applied: the agent never counts a delivery that did not happen.
    EXPECT_EQ(status["outbox"]["delivered"].get<std::int64_t>(), result.applied);
    // A producer moves on only after an acknowledgement, so its operations are stored in order,
    // and each order (lane) must reach the upstream in that order, crashes or not.
    EXPECT_EQ(lane_order_violations(accepted), 0);
}

}  // namespace
}  // namespace outpost::testing
