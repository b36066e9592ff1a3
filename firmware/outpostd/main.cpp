// outpostd: the Outpost agent daemon. Wires one board's HAL to the agent (core/agent).

#include <pthread.h>
#include <signal.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "board_hal.hpp"
#include "command_line.hpp"
#include "outpost/agent/agent.hpp"
#include "outpost/common/log.hpp"
#include "outpost/config/config.hpp"
#include "outpost/config/secret_files.hpp"
#include "outpost/transport/library_versions.hpp"
#include "outpost_version.hpp"

namespace {

void print_versions() {
    const auto versions = outpost::transport::library_versions();
    std::printf("outpostd %s\n", OUTPOST_VERSION);
    std::printf("libcurl %s\n", versions.libcurl.c_str());
    std::printf("TLS backend %s\n", versions.tls_backend.c_str());
    std::printf("Mbed TLS %s\n", versions.mbedtls.c_str());
    std::printf("SQLite %s\n", outpost_sqlite_version());
}

// glibc gives each thread that allocates while another holds the heap's lock an arena of its own,
// up to 8 per core, and each keeps freed memory resident. The agent's threads (delivery threads
// and their helpers, pullers, the control socket) allocate concurrently while draining; capping
// the arenas at two cut the peak while draining 100,000 operations from 7.8 to 7.4 MiB with no
// measurable change in the drain rate (docs/footprint.md). Called before any thread starts; it
// overrides MALLOC_ARENA_MAX.
void limit_malloc_arenas() {
#if defined(__GLIBC__)
    (void)mallopt(M_ARENA_MAX, 2);
#endif
}

}  // namespace

int main(int argc, char** argv) {
    limit_malloc_arenas();
    const auto parsed = outpostd::parse_command_line(argc, argv);
    if (!parsed.line) return parsed.exit_code;
    const std::string& config_path = parsed.line->config_path;
    if (parsed.line->show_version) {
        print_versions();
        return 0;
    }
    if (auto backend = outpost::transport::require_mbedtls_backend(); !backend) {
        std::fprintf(stderr, "outpostd: refusing to start: %s\n", backend.error().message.c_str());
        return 1;
    }
    auto config = outpost::config::load_config(config_path);
    if (!config) {
        std::fprintf(stderr, "outpostd: %s\n", config.error().describe().c_str());
        return 1;
    }
    // Secrets readable by the agent's user only; everything the agent creates likewise (the
    // outbox holds operators' work and upstream answers).
    if (auto key = outpost::config::require_private_file(config->tls.key_file, "the client private key"); !key) {
        std::fprintf(stderr, "outpostd: refusing to start: %s\n", key.error().message.c_str());
        return 1;
    }
    ::umask(0077);
    if (parsed.line->check_only) {
        std::printf("outpostd: %s is valid\n", config_path.c_str());
        return 0;
    }
    outpost::log::Level level{};
    outpost::log::parse_level(config->log_level, level);
    outpost::log::set_level(level);

    // Signals are taken by a dedicated thread with sigwait(), so nothing else has to be
    // async-signal-safe. Blocked before any thread starts, so every thread inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    // The board file says which HAL this device has (boards/<name>/board.toml).
    auto board = outpostd::wire_board(*config);
    if (!board) {
        std::fprintf(stderr, "outpostd: cannot start: %s\n", board.error().describe().c_str());
        return 1;
    }
    auto agent = outpost::agent::Agent::create(*config, *board->link, board->sim_link);
    if (!agent) {
        std::fprintf(stderr, "outpostd: cannot start: %s\n", agent.error().describe().c_str());
        return 1;
    }
    // Under systemd (Type=notify): READY=1 once serving, and the watchdog the board names.
    if (board->watchdog) (*agent)->set_watchdog(*board->watchdog, board->watchdog_interval);
    // A station with a scanner runs pick sessions (docs/hal.md, "Pick session").
    if (board->scanner) {
        if (auto attached = (*agent)->attach_pick_station(*board->scanner, board->indicator.get(), board->sim_scanner,
                                                          board->sim_indicator);
            !attached) {
            std::fprintf(stderr, "outpostd: cannot start: %s\n", attached.error().describe().c_str());
            return 1;
        }
    }
    outpost::agent::Agent* running = agent->get();
    const auto shutdown_deadline = config->shutdown_deadline;
    std::thread signal_thread([running, signals, shutdown_deadline] {
        for (;;) {
            int received = 0;
            sigwait(&signals, &received);
            if (received == SIGHUP) {
                running->request_reload();
                continue;
            }
            outpost::log::info("outpostd", received == SIGTERM ? "SIGTERM: stopping" : "SIGINT: stopping");
            running->stop();
            break;
        }
        // In-flight requests get until the deadline; then the process exits anyway. That loses
        // nothing: an operation still in flight is pending again at the next start and is sent
        // again with its idempotency key.
        std::this_thread::sleep_for(shutdown_deadline);
        outpost::log::warning("outpostd", "in-flight requests did not finish within the shutdown deadline; "
                                          "exiting (they are sent again after the restart)");
        std::_Exit(0);
    });
    signal_thread.detach();
    auto result = running->run();
    agent->reset();
    if (!result) {
        std::fprintf(stderr, "outpostd: %s\n", result.error().describe().c_str());
        return 1;
    }
    return 0;
}
