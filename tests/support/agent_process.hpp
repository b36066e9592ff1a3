#pragma once
// outpostd (sim board) started on a state directory the caller keeps, so that it can be killed
// and started again on the same outbox, with the settings tests vary (link, sync level, log
// level, credentials). AgentHarness (tests/integration) wraps it for the common case.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "outpost/control/client.hpp"
#include "temp_dir.hpp"

namespace outpost::testing {

struct AgentSettings {
    // The link is down unless told otherwise: then nothing dials the upstream, and any URL does.
    std::string upstream_base_url = "https://127.0.0.1:9";
    std::string din_user = "demo";
    std::string din_password = "demo-password";
    bool link_up = false;
    bool sync_full = true;            // [storage] sync = "full" | "normal"
    std::string log_level = "debug";  // the benchmark uses "warning": a log line per commit is noise there
    int request_timeout_ms = 15000;   // [upstream.din] request_timeout_ms
    int first_flush_jitter_ms = 0;    // [delivery]: none by default, a single device needs none
    // Appended to the config file as is: more [upstream.<name>] tables, for example. Relative
    // paths in it resolve against the state directory.
    std::string extra_config{};
    // Extra environment variables for outpostd ("NAME=value"), e.g. a stand-in NOTIFY_SOCKET.
    std::vector<std::string> environment{};
    std::string board = "sim";     // with boards_dir: a board file the test wrote
    std::string boards_dir{};
    // [tls] files: names in the test PKI (client-expiring.pem, ...) or absolute paths.
    std::string ca_file = "ca.pem";
    std::string client_cert = "client.pem";
    std::string client_key = "client.key";
    std::string tls_extra{};      // more [tls] keys, as TOML lines
    std::string control_extra{};  // more [control] keys, as TOML lines
    // Benchmarks (tests/bench) vary these; tests keep the defaults.
    std::string device_id = "test-device";
    int concurrency = 0;              // [upstream.din] concurrency; 0: the config's default
    std::int64_t max_operations = 0;  // [storage] max_operations; 0: the config's default
    // Words put before outpostd's command line, e.g. {"/usr/bin/valgrind", "--tool=callgrind"}.
    std::vector<std::string> command_prefix{};
};

class AgentProcess {
public:
    // Writes the config into `state_dir` (outbox.db, outpostd.sock and outpostd.log live there
    // too), starts outpostd and returns once its control socket accepts a connection. Throws
    // with the agent's log if it exits or does not get there within the deadline.
    AgentProcess(const TempDir& state_dir, const AgentSettings& settings);
    ~AgentProcess();  // SIGTERM if it is still running (also when a test fails half-way)
    AgentProcess(const AgentProcess&) = delete;
    AgentProcess& operator=(const AgentProcess&) = delete;

    // One request on the process's own control connection; throws if no answer arrives.
    nlohmann::json call(const nlohmann::json& request);
    nlohmann::json status() { return call({{"cmd", "status"}}); }

    void kill_hard();  // SIGKILL and reap: a crash, no clean-up of any kind
    int stop();        // SIGTERM and wait; the wait status, or -1 if it had to be killed
    [[nodiscard]] const std::string& socket_path() const { return socket_; }
    [[nodiscard]] pid_t pid() const { return process_->pid(); }
    [[nodiscard]] std::string log() const { return process_->log(); }

private:
    std::string socket_;
    std::unique_ptr<ChildProcess> process_;
    std::unique_ptr<control::ControlClient> client_;
};

}  // namespace outpost::testing
