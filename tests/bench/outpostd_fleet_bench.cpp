// Fleet reconnect: a warehouse of devices, each a separate outpostd (sim board) with its own
// outbox and control socket, all offline with some picking orders queued, brings its link up at
// the same moment against one upstream. What the upstream sees: requests per second at the peak,
// how far the devices' first requests are spread (first_flush_jitter), and every operation
// applied exactly once.
//
//   outpostd_fleet_bench [--agents A (200)] [--ops N (20) per agent] [--jitter-ms J (3000)]
//
// J is each agent's [delivery] first_flush_jitter_ms (3000 is the shipped default; 0 shows the
// stampede the jitter prevents). Prints one BENCH line.

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent_process.hpp"
#include "backlog.hpp"
#include "poll.hpp"
#include "proc_stat.hpp"
#include "simulator.hpp"
#include "wait_for.hpp"

namespace {

using namespace outpost;

struct Settings {
    int agents = 200;
    long ops = 20;
    int jitter_ms = 3000;
};

bool parse(int argc, char** argv, Settings& settings) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        const std::string value = argv[i + 1];
        if (option == "--agents") settings.agents = std::stoi(value);
        else if (option == "--ops") settings.ops = std::stol(value);
        else if (option == "--jitter-ms") settings.jitter_ms = std::stoi(value);
        else return false;
    }
    return argc % 2 == 1 && settings.agents > 0 && settings.ops > 0 && settings.jitter_ms >= 0;
}

// Brings every device's link up at (nearly) the same moment: one extra control connection per
// device, opened beforehand; the request line is written to all of them in one tight loop, and
// only then are the answers read. Calling each device in turn would let the first devices'
// start-up slow down the loop that reaches the last ones.
class LinkSwitch {
public:
    explicit LinkSwitch(const std::vector<std::string>& sockets) {
        for (const auto& path : sockets) {
            const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un address{};
            address.sun_family = AF_UNIX;
            if (fd < 0 || path.size() >= sizeof address.sun_path) throw std::runtime_error("control socket " + path);
            std::copy(path.begin(), path.end(), address.sun_path);
            if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
                ::close(fd);
                throw std::runtime_error("cannot connect to " + path);
            }
            fds_.push_back(fd);
        }
    }
    ~LinkSwitch() {
        for (const int fd : fds_) ::close(fd);
    }
    LinkSwitch(const LinkSwitch&) = delete;
    LinkSwitch& operator=(const LinkSwitch&) = delete;

    void send_all_up() {
        static constexpr char request[] = "{\"cmd\":\"sim.link\",\"up\":true}\n";
        for (const int fd : fds_) {
            if (::send(fd, request, sizeof request - 1, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof request - 1)) {
                throw std::runtime_error("cannot send sim.link to a device");
            }
        }
    }

    // How many devices answered ok.
    int answers_ok() {
        int ok = 0;
        for (const int fd : fds_) {
            std::string line;
            char c = 0;
            while (::recv(fd, &c, 1, 0) == 1 && c != '\n') line += c;
            const auto answer = nlohmann::json::parse(line, nullptr, false);
            if (answer.is_object() && answer.value("ok", false)) ++ok;
        }
        return ok;
    }

private:
    std::vector<int> fds_;
};

std::int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Device {
    std::unique_ptr<testing::TempDir> state;
    std::unique_ptr<testing::AgentProcess> agent;
    std::string id;
};

int run(const Settings& settings) {
    constexpr int concurrency = 2;  // the shipped default: connections per device
    testing::SimulatorOptions sim_options;
    // One server thread per open connection (cpp-httplib), so every device's connections are
    // served at once, as a real upstream behind a load balancer would.
    sim_options.in_memory = true;
    sim_options.extra_args = {"--no-request-log", "--threads", std::to_string(settings.agents * concurrency + 64)};
    testing::Simulator sim(sim_options);

    std::vector<Device> fleet(static_cast<std::size_t>(settings.agents));
    const auto starting = std::chrono::steady_clock::now();
    for (int i = 0; i < settings.agents; ++i) {
        Device& device = fleet[static_cast<std::size_t>(i)];
        device.id = "fleet-" + std::to_string(i);
        device.state = std::make_unique<testing::TempDir>();
        bench::Backlog backlog;
        backlog.operations = settings.ops;
        backlog.lanes = std::max(1L, settings.ops / 4);
        backlog.key_prefix = device.id;
        backlog.key_ssl_prefix = "SSL-" + device.id + "-";
        backlog.device_id = device.id;
        bench::fill_outbox(device.state->file("outbox.db"), backlog);
        testing::AgentSettings agent_settings;
        agent_settings.upstream_base_url = sim.base_url();
        agent_settings.link_up = false;
        agent_settings.log_level = "info";
        agent_settings.device_id = device.id;
        agent_settings.concurrency = concurrency;
        agent_settings.first_flush_jitter_ms = settings.jitter_ms;
        device.agent = std::make_unique<testing::AgentProcess>(*device.state, agent_settings);
    }
    const double startup_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - starting).count();

    // Link up everywhere at once (link_up_loop_ms: how long writing the 200 requests took).
    std::vector<std::string> sockets;
    for (const Device& device : fleet) sockets.push_back(device.agent->socket_path());
    LinkSwitch links(sockets);
    sim.admin_post("/admin/reset-stats");
    const std::int64_t link_up_at = unix_ms();
    links.send_all_up();
    const std::int64_t link_up_done = unix_ms();
    if (links.answers_ok() != settings.agents) throw std::runtime_error("sim.link up failed on some devices");

    const long expected = settings.agents * settings.ops;
    long accepted = 0;
    const bool drained = bench::poll_every(std::chrono::milliseconds(50), std::chrono::seconds(300),
        [&] {
            accepted = sim.stats()["accepted"].get<long>();
            return accepted >= expected;
        });
    const std::int64_t drained_at = unix_ms();
    if (!drained) {
        std::fprintf(stderr, "the fleet did not drain: %ld of %ld accepted\n%s\n", accepted, expected,
                     fleet.front().agent->log().c_str());
        return 1;
    }

    // Exactly once: each device's keys, every one of them, each applied once (the simulator's
    // key is unique; a re-send is answered 409 and counted as a duplicate, not applied).
    std::map<std::string, std::set<std::string>> keys_by_device;
    const auto accepted_pickings = sim.accepted();  // kept: the loop below reads into it
    for (const auto& picking : accepted_pickings["pickings"]) {
        keys_by_device[picking["device_id"].get<std::string>()].insert(picking["idempotency_key"].get<std::string>());
    }
    long exact_devices = 0;
    for (Device& device : fleet) {
        const auto& keys = keys_by_device[device.id];
        bool all = static_cast<long>(keys.size()) == settings.ops;
        for (long k = 0; all && k < settings.ops; ++k) all = keys.count(device.id + "-" + std::to_string(k)) == 1;
        const bool settled = testing::wait_until([&] {
            const auto outbox = device.agent->status()["outbox"];
            return outbox["delivered"].get<long>() == settings.ops && outbox["pending"].get<long>() == 0 &&
                   outbox["in_flight"].get<long>() == 0;
        });
        if (all && settled) ++exact_devices;
    }
    const auto stats = sim.stats();
    const auto timeline = sim.admin_get("/admin/timeline");

    std::uint64_t peak_100ms = 0;  // the busiest bucket of the timeline
    for (const auto& bucket : timeline["buckets"]) peak_100ms = std::max(peak_100ms, bucket[1].get<std::uint64_t>());

    std::vector<std::int64_t> firsts;
    for (const Device& device : fleet) {
        const auto first = timeline["first_request_ms"].find(device.id);
        if (first != timeline["first_request_ms"].end()) firsts.push_back(first->get<std::int64_t>());
    }
    std::sort(firsts.begin(), firsts.end());
    const auto percentile = [&](double p) {
        return firsts.empty() ? 0 : firsts[static_cast<std::size_t>(p * static_cast<double>(firsts.size() - 1))] - link_up_at;
    };
    const bool exact = exact_devices == settings.agents && stats["accepted"].get<long>() == expected &&
                       static_cast<int>(firsts.size()) == settings.agents;
    std::printf("BENCH name=fleet agents=%d ops_per_agent=%ld jitter_ms=%d operations=%ld accepted=%ld duplicates=%ld "
                "requests=%ld logins=%ld peak_per_second=%ld peak_100ms=%llu first_flush_min_ms=%lld first_flush_p50_ms=%lld "
                "first_flush_max_ms=%lld first_flush_spread_ms=%lld link_up_loop_ms=%lld drain_seconds=%.2f "
                "exact_devices=%ld errors=%d startup_seconds=%.1f load=%s\n",
                settings.agents, settings.ops, settings.jitter_ms, expected, stats["accepted"].get<long>(),
                stats["duplicates"].get<long>(), stats["requests"].get<long>(), stats["logins"].get<long>(),
                timeline["peak_per_second"].get<long>(), static_cast<unsigned long long>(peak_100ms),
                static_cast<long long>(percentile(0)),
                static_cast<long long>(percentile(0.5)), static_cast<long long>(percentile(1)),
                static_cast<long long>(firsts.empty() ? 0 : firsts.back() - firsts.front()),
                static_cast<long long>(link_up_done - link_up_at),
                static_cast<double>(drained_at - link_up_at) / 1000.0, exact_devices, exact ? 0 : 1, startup_seconds,
                bench::load_average().c_str());
    std::fflush(stdout);

    // Stop the fleet: every SIGTERM first, then reap each (they stop in parallel).
    for (Device& device : fleet) ::kill(device.agent->pid(), SIGTERM);
    for (Device& device : fleet) device.agent->stop();
    return exact ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    if (!parse(argc, argv, settings)) {
        std::fprintf(stderr, "usage: outpostd_fleet_bench [--agents A] [--ops N] [--jitter-ms J]\n");
        return 2;
    }
    try {
        return run(settings);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "outpostd_fleet_bench: %s\n", error.what());
        return 1;
    }
}
