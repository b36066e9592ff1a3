// Drain: a backlog of DIN picking orders in outpostd's outbox, the link comes up, and the agent
// delivers them to the upstream simulator over mutual TLS. Compared in the same run with wrk
// against the same simulator endpoint (its TLS port without client certificates) at the same
// number of connections, and with wrk at more connections: the simulator's own ceiling, which
// must lie above both for the comparison to say anything about the agent.
//
//   outpostd_drain_bench [--ops N] [--lanes L] [--concurrency C] [--ceiling-connections K]
//                        [--wrk-seconds S]
//
// Order of the runs: wrk at C, wrk at K (ceiling), the agent's drain, wrk at C again; the agent
// is compared with the mean of the two wrk runs at C, which bracket it in time (on a shared
// machine the CPU available drifts). Prints one BENCH line per run.

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

#include "agent_process.hpp"
#include "backlog.hpp"
#include "poll.hpp"
#include "proc_stat.hpp"
#include "simulator.hpp"
#include "wait_for.hpp"
#include "wrk_run.hpp"

namespace {

using namespace outpost;
using Clock = std::chrono::steady_clock;

struct Settings {
    long ops = 100'000;
    long lanes = 25'000;
    int concurrency = 2;
    int ceiling_connections = 16;
    int wrk_seconds = 10;
};

bool parse(int argc, char** argv, Settings& settings) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        const std::string value = argv[i + 1];
        if (option == "--ops") settings.ops = std::stol(value);
        else if (option == "--lanes") settings.lanes = std::stol(value);
        else if (option == "--concurrency") settings.concurrency = std::stoi(value);
        else if (option == "--ceiling-connections") settings.ceiling_connections = std::stoi(value);
        else if (option == "--wrk-seconds") settings.wrk_seconds = std::stoi(value);
        else return false;
    }
    return argc % 2 == 1 && settings.ops > 0 && settings.lanes > 0 && settings.concurrency > 0 &&
           settings.ceiling_connections > 0 && settings.wrk_seconds > 0;
}

// The simulator as the drain uses it: an open TLS port for wrk, no access-log line per request,
// and connections kept for good (neither client pays for reconnecting every 100 requests).
testing::SimulatorOptions simulator_options() {
    testing::SimulatorOptions options;
    options.in_memory = true;
    options.extra_args = {"--open-tls-port", "0", "--no-request-log", "--keep-alive-max", "1000000000"};
    return options;
}

void print_wrk(const bench::WrkResult& r, int connections, const char* role) {
    std::printf("BENCH name=drain client=wrk role=%s connections=%d ops=%ld seconds=%.3f ops_per_s=%.0f "
                "client_cpu_us_per_op=%.1f sim_cpu_us_per_op=%.1f sim_cpu_pct=%.0f accepted=%ld errors=%ld load=%s\n",
                role, connections, r.requests, r.seconds, r.requests_per_s,
                r.requests > 0 ? r.wrk_cpu_us / static_cast<double>(r.requests) : 0.0,
                r.accepted > 0 ? r.sim_cpu_us / static_cast<double>(r.accepted) : 0.0,
                r.seconds > 0 ? r.sim_cpu_us / r.seconds / 1e4 : 0.0, r.accepted, r.non_2xx + r.socket_errors,
                bench::load_average().c_str());
    std::fflush(stdout);
}

// Every compared run starts on an empty store: the simulator's cost per request grows with what
// it holds (its indexes; 156 -> 181 µs of CPU per wrk request after 155,000 more pickings), so
// a run that came after the others would otherwise pay for their rows.
void forget_pickings(testing::Simulator& sim) { sim.admin_post("/admin/forget-pickings"); }

bench::WrkResult wrk(testing::Simulator& sim, const std::string& token, int connections, const Settings& settings,
                     const std::string& run_id, const char* role) {
    forget_pickings(sim);
    bench::WrkRun run;
    run.connections = connections;
    run.seconds = settings.wrk_seconds;
    run.run_id = run_id;
    run.lanes = settings.lanes;
    const auto result = bench::run_wrk(sim, token, run);
    print_wrk(result, connections, role);
    if (result.non_2xx != 0 || result.socket_errors != 0) {
        throw std::runtime_error("wrk saw " + std::to_string(result.non_2xx) + " non-2xx answers and " +
                                 std::to_string(result.socket_errors) + " socket errors");
    }
    return result;
}

int run(const Settings& settings) {
    testing::Simulator sim(simulator_options());
    testing::TempDir state;
    bench::Backlog backlog;
    backlog.operations = settings.ops;
    backlog.lanes = settings.lanes;
    const double fill_seconds = bench::fill_outbox(state.file("outbox.db"), backlog);

    testing::AgentSettings agent_settings;
    agent_settings.upstream_base_url = sim.base_url();
    agent_settings.link_up = false;
    agent_settings.log_level = "info";
    agent_settings.device_id = backlog.device_id;
    agent_settings.concurrency = settings.concurrency;
    agent_settings.max_operations = settings.ops + 1000;
    testing::AgentProcess agent(state, agent_settings);

    const std::string token = bench::log_in_without_certificate(sim);
    wrk(sim, token, settings.concurrency, settings, "before", "same-connections");
    wrk(sim, token, settings.ceiling_connections, settings, "ceiling", "ceiling");

    // The drain, timed at the server: from the link-up command until the simulator has stored
    // every operation of the backlog.
    forget_pickings(sim);
    const long accepted_before = bench::quiet_accepted(sim);
    const long duplicates_before = sim.stats()["duplicates"].get<long>();
    const double agent_cpu_before = bench::cpu_us(agent.pid());
    const double sim_cpu_before = bench::cpu_us(sim.pid());
    const auto began = Clock::now();
    agent.call({{"cmd", "sim.link"}, {"up", true}});
    long accepted = 0;
    const bool drained = bench::poll_every(std::chrono::milliseconds(50), std::chrono::seconds(600),
        [&] {
            accepted = sim.stats()["accepted"].get<long>() - accepted_before;
            return accepted >= settings.ops;
        });
    const auto ended = Clock::now();
    const double agent_cpu = bench::cpu_us(agent.pid()) - agent_cpu_before;
    const double sim_cpu = bench::cpu_us(sim.pid()) - sim_cpu_before;
    if (!drained) {
        std::fprintf(stderr, "the drain did not finish: %ld of %ld accepted\n%s\n", accepted, settings.ops,
                     agent.log().c_str());
        return 1;
    }
    const double seconds = std::chrono::duration<double>(ended - began).count();
    // Every operation once: the simulator applied exactly the backlog, and the agent holds
    // nothing undelivered (a re-send would show as a duplicate, answered 409, never applied twice).
    // The agent records its last outcomes just after the last answers: wait for that.
    nlohmann::json status;
    testing::wait_until([&] {
        status = agent.status()["outbox"];
        return status["delivered"].get<long>() >= settings.ops;
    });
    accepted = bench::quiet_accepted(sim) - accepted_before;
    const long duplicates = sim.stats()["duplicates"].get<long>() - duplicates_before;
    const bool exact = accepted == settings.ops && status["pending"].get<long>() == 0 &&
                       status["in_flight"].get<long>() == 0 && status["delivered"].get<long>() == settings.ops;
    std::printf("BENCH name=drain client=outpostd role=agent connections=%d ops=%ld seconds=%.3f ops_per_s=%.0f "
                "client_cpu_us_per_op=%.1f sim_cpu_us_per_op=%.1f sim_cpu_pct=%.0f accepted=%ld duplicates=%ld "
                "errors=%d fill_seconds=%.1f load=%s\n",
                settings.concurrency, settings.ops, seconds, static_cast<double>(settings.ops) / seconds,
                agent_cpu / static_cast<double>(settings.ops), sim_cpu / static_cast<double>(accepted),
                sim_cpu / seconds / 1e4, accepted, duplicates, exact ? 0 : 1, fill_seconds,
                bench::load_average().c_str());
    std::fflush(stdout);
    if (!exact) {
        std::fprintf(stderr, "the drain was not exact: %s\n", status.dump().c_str());
        return 1;
    }

    wrk(sim, token, settings.concurrency, settings, "after", "same-connections");
    if (agent.stop() != 0) {
        std::fprintf(stderr, "outpostd did not stop cleanly:\n%s\n", agent.log().c_str());
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    if (!parse(argc, argv, settings)) {
        std::fprintf(stderr,
                     "usage: outpostd_drain_bench [--ops N] [--lanes L] [--concurrency C] "
                     "[--ceiling-connections K] [--wrk-seconds S]\n");
        return 2;
    }
    try {
        return run(settings);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "outpostd_drain_bench: %s\n", error.what());
        return 1;
    }
}
