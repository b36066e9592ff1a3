// CPU cost of a delivery, as instructions (valgrind --tool=callgrind), a figure that does not
// drift with the machine's load the way seconds do. outpostd runs under callgrind twice, each
// time from start to stop: once draining a small backlog, once a larger one; the difference of
// their instruction counts divided by the difference of their sizes is the cost of one more
// delivered operation, without start-up, login and shutdown.
//
//   outpostd_cpu_bench [--ops N (2000)] [--base-ops B (200)] [--concurrency C] [--keep DIR]
//
// --keep DIR copies the larger run's callgrind.out there (callgrind_annotate reads it).
// Prints one BENCH line.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>

#include "agent_process.hpp"
#include "backlog.hpp"
#include "poll.hpp"
#include "proc_stat.hpp"
#include "simulator.hpp"
#include "wait_for.hpp"

namespace {

using namespace outpost;

struct Settings {
    long ops = 2000;
    long base_ops = 200;
    int concurrency = 2;
    std::string keep;
};

bool parse(int argc, char** argv, Settings& settings) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        const std::string value = argv[i + 1];
        if (option == "--ops") settings.ops = std::stol(value);
        else if (option == "--base-ops") settings.base_ops = std::stol(value);
        else if (option == "--concurrency") settings.concurrency = std::stoi(value);
        else if (option == "--keep") settings.keep = value;
        else return false;
    }
    return argc % 2 == 1 && settings.base_ops > 0 && settings.ops > settings.base_ops && settings.concurrency > 0;
}

// Instructions executed (Ir) over the whole run, from callgrind's "summary:" (or "totals:") line.
long long read_instructions(const std::string& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::smatch found;
    const std::string content = text.str();
    if (std::regex_search(content, found, std::regex(R"((?:^|\n)summary: (\d+))")) ||
        std::regex_search(content, found, std::regex(R"((?:^|\n)totals: (\d+))"))) {
        return std::stoll(found[1].str());
    }
    throw std::runtime_error("no instruction total in " + file);
}

struct Run {
    long long instructions = 0;
    double seconds = 0;
};

// outpostd under callgrind: starts with `ops` pending and the link down, drains them all once
// the link is up, stops. Returns its instruction count.
Run drain_under_callgrind(long ops, const Settings& settings, const std::string& keep_as) {
    testing::SimulatorOptions sim_options;
    // As in the drain benchmark: connections are kept, so the figure is the steady cost of a
    // delivery; the TLS handshakes (two, one per connection) are part of the fixed cost.
    sim_options.in_memory = true;
    sim_options.extra_args = {"--no-request-log", "--keep-alive-max", "1000000000"};
    testing::Simulator sim(sim_options);
    testing::TempDir state;
    bench::Backlog backlog;
    backlog.operations = ops;
    backlog.lanes = std::max(1L, ops / 4);
    bench::fill_outbox(state.file("outbox.db"), backlog);

    const std::string profile = state.file("callgrind.out");
    testing::AgentSettings agent_settings;
    agent_settings.upstream_base_url = sim.base_url();
    agent_settings.link_up = false;
    agent_settings.log_level = "warning";
    agent_settings.device_id = backlog.device_id;
    agent_settings.concurrency = settings.concurrency;
    agent_settings.max_operations = ops + 1000;
    // Slow under valgrind (every instruction is simulated): a generous request timeout, so a
    // late answer is not retried (which would add instructions that are not the steady cost).
    agent_settings.request_timeout_ms = 60000;
    agent_settings.command_prefix = {"/usr/bin/valgrind", "--tool=callgrind", "--callgrind-out-file=" + profile};
    testing::AgentProcess agent(state, agent_settings);

    const auto began = std::chrono::steady_clock::now();
    agent.call({{"cmd", "sim.link"}, {"up", true}});
    long accepted = 0;
    const bool drained = bench::poll_every(std::chrono::milliseconds(200), std::chrono::seconds(900),
        [&] {
            accepted = sim.stats()["accepted"].get<long>();
            return accepted >= ops;
        });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    if (!drained) throw std::runtime_error("the drain under callgrind did not finish: " + std::to_string(accepted) + " of " + std::to_string(ops));
    if (agent.stop() != 0) throw std::runtime_error("outpostd under callgrind did not stop cleanly:\n" + agent.log());
    const auto duplicates = sim.stats()["duplicates"].get<long>();
    if (duplicates != 0) {
        // A re-send (a request timed out under valgrind): its instructions are not the steady cost.
        std::fprintf(stderr, "outpostd_cpu_bench: %ld re-sent operation(s) in the %ld run\n", duplicates, ops);
    }
    if (!keep_as.empty()) {
        std::filesystem::create_directories(std::filesystem::path(keep_as).parent_path());
        std::filesystem::copy_file(profile, keep_as, std::filesystem::copy_options::overwrite_existing);
    }
    return Run{read_instructions(profile), seconds};
}

int run(const Settings& settings) {
    const Run base = drain_under_callgrind(settings.base_ops, settings, "");
    const Run full = drain_under_callgrind(settings.ops, settings,
                                           settings.keep.empty() ? "" : settings.keep + "/callgrind.out.drain");
    const double per_op = static_cast<double>(full.instructions - base.instructions) /
                          static_cast<double>(settings.ops - settings.base_ops);
    std::printf("BENCH name=cpu ops=%ld base_ops=%ld instructions=%lld base_instructions=%lld "
                "instructions_per_op=%.0f fixed_instructions=%.0f seconds=%.1f load=%s\n",
                settings.ops, settings.base_ops, full.instructions, base.instructions, per_op,
                static_cast<double>(base.instructions) - per_op * static_cast<double>(settings.base_ops),
                full.seconds, bench::load_average().c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    if (!parse(argc, argv, settings)) {
        std::fprintf(stderr, "usage: outpostd_cpu_bench [--ops N] [--base-ops B] [--concurrency C] [--keep DIR]\n");
        return 2;
    }
    try {
        return run(settings);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "outpostd_cpu_bench: %s\n", error.what());
        return 1;
    }
}
