#include "agent_process.hpp"

#include <fstream>
#include <stdexcept>

#include "simulator.hpp"
#include "test_paths.hpp"
#include "wait_for.hpp"

namespace outpost::testing {

AgentProcess::AgentProcess(const TempDir& state_dir, const AgentSettings& settings)
    : socket_(state_dir.file("outpostd.sock")) {
    const std::string config = state_dir.file("outpostd.toml");
    std::ofstream(config) << "device_id = \"" << settings.device_id << "\"\n"
                          << "board = \"" << settings.board << "\"\n"
                          << (settings.boards_dir.empty() ? "" : "boards_dir = \"" + settings.boards_dir + "\"\n")
                          << "log_level = \"" << settings.log_level << "\"\n"
                          << "[sim]\nlink_up = " << (settings.link_up ? "true" : "false") << "\n"
                          << "[storage]\noutbox_path = \"outbox.db\"\n"
                          << "sync = \"" << (settings.sync_full ? "full" : "normal") << "\"\n"
                          << (settings.max_operations > 0
                                  ? "max_operations = " + std::to_string(settings.max_operations) + "\n"
                                  : std::string())
                          << "[control]\nsocket_path = \"" << socket_ << "\"\n"
                          << settings.control_extra << "\n"
                          << "[tls]\nca_file = \"" << pki_file(settings.ca_file) << "\"\n"
                          << "cert_file = \"" << pki_file(settings.client_cert) << "\"\n"
                          << "key_file = \"" << pki_file(settings.client_key) << "\"\n"
                          << settings.tls_extra << "\n"
                          // Short delays keep tests fast; no reconnect jitter for a single device.
                          << "[delivery]\nbackoff_base_ms = 50\nbackoff_cap_ms = 1000\n"
                          << "first_flush_jitter_ms = " << settings.first_flush_jitter_ms << "\n"
                          << "breaker_threshold = 5\nbreaker_probe_interval_ms = 1000\n"
                          << "[upstream.din]\nbase_url = \"" << settings.upstream_base_url << "\"\n"
                          << "username = \"" << settings.din_user << "\"\n"
                          << "password = \"" << settings.din_password << "\"\n"
                          << "request_timeout_ms = " << settings.request_timeout_ms << "\n"
                          << (settings.concurrency > 0 ? "concurrency = " + std::to_string(settings.concurrency) + "\n"
                                                       : std::string())
                          << settings.extra_config << "\n";
    auto argv = settings.command_prefix;
    for (auto& word : paths::argv_of(paths::kOutpostd)) argv.push_back(std::move(word));  // emulator first, if any
    argv.insert(argv.end(), {"--config", config});
    if (!settings.environment.empty()) {
        std::vector<std::string> with_environment{"/usr/bin/env"};
        with_environment.insert(with_environment.end(), settings.environment.begin(), settings.environment.end());
        argv.insert(argv.begin(), with_environment.begin(), with_environment.end());
    }
    process_ = std::make_unique<ChildProcess>(std::move(argv), state_dir.file("outpostd.log"));
    const bool ready = wait_until([&] {
        if (!process_->running()) return true;
        auto connected = control::ControlClient::connect(socket_);
        if (!connected) return false;
        client_ = std::make_unique<control::ControlClient>(std::move(*connected));
        return true;
    });
    if (!ready || !client_) throw std::runtime_error("outpostd did not start:\n" + process_->log());
}

AgentProcess::~AgentProcess() {
    client_.reset();
    process_->stop();
}

nlohmann::json AgentProcess::call(const nlohmann::json& request) {
    if (!client_) throw std::runtime_error("control call after the agent was stopped");
    auto answer = client_->call(request);
    if (!answer) throw std::runtime_error("control call failed: " + answer.error().message + "\n" + log());
    return *answer;
}

void AgentProcess::kill_hard() {
    client_.reset();
    process_->kill_hard();
}

int AgentProcess::stop() {
    client_.reset();
    return process_->stop();
}

}  // namespace outpost::testing
