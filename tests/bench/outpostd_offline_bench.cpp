// Offline cost: outpostd with a large backlog and the link down should use no CPU at all (its
// delivery threads sleep until the link comes back; nothing polls). Measures the CPU time
// (user + system, /proc/<pid>/stat) it uses over a window after start-up, and, apart, what the
// start-up itself cost (opening and checking an outbox of that size).
//
//   outpostd_offline_bench [--ops N (100000)] [--seconds S (60)]
//
// Prints one BENCH line. Nothing is sent to outpostd during the window: a status request would
// itself cost CPU (counting the outbox).

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "agent_process.hpp"
#include "backlog.hpp"
#include "proc_stat.hpp"
#include "simulator.hpp"

namespace {

using namespace outpost;

struct Settings {
    long ops = 100'000;
    double seconds = 60;
};

bool parse(int argc, char** argv, Settings& settings) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        const std::string value = argv[i + 1];
        if (option == "--ops") settings.ops = std::stol(value);
        else if (option == "--seconds") settings.seconds = std::stod(value);
        else return false;
    }
    return argc % 2 == 1 && settings.ops > 0 && settings.seconds > 0;
}

int run(const Settings& settings) {
    testing::TempDir state;
    bench::Backlog backlog;
    backlog.operations = settings.ops;
    bench::fill_outbox(state.file("outbox.db"), backlog);

    // An upstream that exists, as in the field; with the link down nothing dials it.
    testing::Simulator sim;
    testing::AgentSettings agent_settings;
    agent_settings.upstream_base_url = sim.base_url();
    agent_settings.link_up = false;
    agent_settings.log_level = "info";
    agent_settings.device_id = backlog.device_id;
    agent_settings.max_operations = settings.ops + 1000;
    const auto starting = std::chrono::steady_clock::now();
    testing::AgentProcess agent(state, agent_settings);  // returns once the control socket answers
    const double startup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - starting).count();

    const double cpu_at_ready = bench::cpu_us(agent.pid());
    // The measurement is this window of time itself: nothing to wait for.
    std::this_thread::sleep_for(std::chrono::duration<double>(settings.seconds));
    const double cpu_after = bench::cpu_us(agent.pid());

    // Still all there, nothing sent.
    const auto status = agent.status()["outbox"];
    const bool intact = status["pending"].get<long>() == settings.ops && sim.stats()["requests"].get<long>() == 0;
    std::printf("BENCH name=offline ops=%ld seconds=%.0f cpu_seconds=%.3f startup_cpu_seconds=%.3f "
                "startup_seconds=%.2f intact=%d load=%s\n",
                settings.ops, settings.seconds, (cpu_after - cpu_at_ready) / 1e6, cpu_at_ready / 1e6, startup_seconds,
                intact ? 1 : 0, bench::load_average().c_str());
    if (!intact) {
        std::fprintf(stderr, "the backlog changed while offline: %s\n", status.dump().c_str());
        return 1;
    }
    return agent.stop() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    if (!parse(argc, argv, settings)) {
        std::fprintf(stderr, "usage: outpostd_offline_bench [--ops N] [--seconds S]\n");
        return 2;
    }
    try {
        return run(settings);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "outpostd_offline_bench: %s\n", error.what());
        return 1;
    }
}
