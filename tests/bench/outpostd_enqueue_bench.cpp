// Durable enqueue through outpostd, end to end: N producer threads, each with its own control
// connection, run closed loop (enqueue, wait for the acknowledgement, enqueue the next) for a
// fixed time. An acknowledgement arrives only after the commit that holds the operation, so
// this measures what a producer sees: socket, JSON, validation, group commit and fsync.
// The link is down: delivery does not compete for the outbox or the CPU.
//
//   outpostd_enqueue_bench --sync full|normal --producers N --seconds S
// The agent's state directory is a fresh one under $TMPDIR (tools/bench points it at build/).
// The agent logs at debug level for one reason: its "queued N operation(s) in one commit" lines
// tell how many commits the acknowledged operations took (one short log write per commit).

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <latch>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "agent_harness.hpp"
#include "agent_process.hpp"
#include "latency_report.hpp"
#include "proc_stat.hpp"
#include "outpost/control/client.hpp"

namespace {

using outpost::bench::cpu_us;
using outpost::bench::Micros;
using outpost::bench::own_cpu_us;
using Clock = std::chrono::steady_clock;

struct Settings {
    std::string sync = "full";
    int producers = 1;
    double seconds = 3;
};

bool parse(int argc, char** argv, Settings& settings) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--sync") settings.sync = argv[i + 1];
        else if (option == "--producers") settings.producers = std::stoi(argv[i + 1]);
        else if (option == "--seconds") settings.seconds = std::stod(argv[i + 1]);
        else return false;
    }
    return (argc % 2) == 1 && (settings.sync == "full" || settings.sync == "normal") && settings.producers > 0;
}

// One producer: its own connection, closed loop until `stop`; returns each request's latency.
std::vector<double> produce(const std::string& socket, int number, std::latch& start, Clock::time_point& stop,
                            std::atomic<bool>& failed) {
    std::vector<double> latencies;
    auto client = outpost::control::ControlClient::connect(socket);
    start.arrive_and_wait();
    if (!client) {
        std::fprintf(stderr, "producer %d: %s\n", number, client.error().message.c_str());
        failed = true;
        return latencies;
    }
    const std::string lane = "SSL-BENCH-" + std::to_string(number);
    for (int i = 0; !failed; ++i) {
        const auto payload = outpost::testing::sample_picking(lane, i);
        const nlohmann::json request = {{"cmd", "enqueue"},
                                        {"kind", "picking-order"},
                                        {"idempotency_key", lane + "-" + std::to_string(i)},
                                        {"payload", payload}};
        const auto before = Clock::now();
        if (before >= stop) break;
        auto answer = client->call(request);
        const auto after = Clock::now();
        if (!answer || !answer->value("ok", false)) {
            std::fprintf(stderr, "producer %d: enqueue failed: %s\n", number,
                         answer ? answer->dump().c_str() : answer.error().message.c_str());
            failed = true;
            break;
        }
        latencies.push_back(Micros(after - before).count());
    }
    return latencies;
}

// Commits as the agent logged them; 0 (unknown) if the log line is not there any more.
std::size_t count_commits(const std::string& log) {
    static const std::regex line("queued [0-9]+ operation\\(s\\) in one commit");
    return static_cast<std::size_t>(
        std::distance(std::sregex_iterator(log.begin(), log.end(), line), std::sregex_iterator()));
}

int run(const Settings& settings) {
    outpost::testing::TempDir state;
    outpost::testing::AgentSettings agent_settings;
    agent_settings.link_up = false;
    agent_settings.sync_full = settings.sync == "full";
    agent_settings.log_level = "debug";
    outpost::testing::AgentProcess agent(state, agent_settings);

    const auto count = static_cast<std::size_t>(settings.producers);
    std::vector<std::vector<double>> latencies(count);
    std::latch start(settings.producers + 1);
    std::atomic<bool> failed{false};
    Clock::time_point stop = Clock::time_point::max();
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
            latencies[i] = produce(agent.socket_path(), static_cast<int>(i), start, stop, failed);
        });
    }
    // Every producer is connected before the clock starts; the latch publishes `stop`.
    const double agent_cpu_before = cpu_us(agent.pid());
    const double producer_cpu_before = own_cpu_us();
    const auto began = Clock::now();
    stop = began + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(settings.seconds));
    start.arrive_and_wait();
    for (auto& thread : threads) thread.join();
    const auto ended = Clock::now();
    const double agent_cpu_after = cpu_us(agent.pid());
    const double producer_cpu_after = own_cpu_us();
    if (failed) {
        std::fprintf(stderr, "%s\n", agent.log().c_str());
        return 1;
    }

    outpost::bench::Row row{"outpostd", settings.sync, settings.producers, {}, 0};
    for (auto& one : latencies) row.latencies_us.insert(row.latencies_us.end(), one.begin(), one.end());
    row.seconds = std::chrono::duration<double>(ended - began).count();
    row.agent_cpu_us = agent_cpu_after - agent_cpu_before;
    row.producer_cpu_us = producer_cpu_after - producer_cpu_before;

    // Every acknowledged operation must be in the outbox: a benchmark of lost writes is worthless.
    const auto pending = agent.status()["outbox"]["pending"].get<std::size_t>();
    if (pending != row.latencies_us.size()) {
        std::fprintf(stderr, "outpostd holds %zu pending operations, %zu were acknowledged\n", pending,
                     row.latencies_us.size());
        return 1;
    }
    if (agent.stop() != 0) {
        std::fprintf(stderr, "outpostd did not stop cleanly:\n%s\n", agent.log().c_str());
        return 1;
    }
    row.commits = count_commits(agent.log());
    outpost::bench::print(std::move(row));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    if (!parse(argc, argv, settings)) {
        std::fprintf(stderr, "usage: outpostd_enqueue_bench --sync full|normal --producers N --seconds S\n");
        return 2;
    }
    try {
        return run(settings);
    } catch (const std::exception& error) {  // outpostd did not start, or stopped answering
        std::fprintf(stderr, "outpostd_enqueue_bench: %s\n", error.what());
        return 1;
    }
}
