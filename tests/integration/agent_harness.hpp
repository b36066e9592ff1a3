#pragma once
// Runs outpostd (sim board) against a Simulator, with its own config, outbox and socket in a
// temporary directory.

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "agent_process.hpp"
#include "outpost/control/client.hpp"
#include "simulator.hpp"
#include "temp_dir.hpp"

namespace outpost::testing {

class AgentHarness {
public:
    // `state_dir`: where config, outbox and socket live; a fresh temporary one when null. Pass
    // the same directory to a second harness to restart the agent on the same outbox.
    // `password`: the DIN password to configure; empty: the simulator's (right) one.
    explicit AgentHarness(Simulator& sim, bool link_up = false, const TempDir* state_dir = nullptr,
                          const std::string& password = "");
    // Any other settings; the upstream URL and credentials are the simulator's.
    // `state_dir` as above.
    AgentHarness(Simulator& sim, AgentSettings settings, const TempDir* state_dir = nullptr);

    nlohmann::json call(const nlohmann::json& request) { return process_->call(request); }
    nlohmann::json status() { return process_->status(); }
    // Queues sample_picking(key_ssl, number); fails the test if it is refused.
    void enqueue_picking(const std::string& key_ssl, int number);
    void set_link(bool up);
    [[nodiscard]] const std::string& socket_path() const { return process_->socket_path(); }
    [[nodiscard]] std::string log() const { return process_->log(); }
    int stop() { return process_->stop(); }
    [[nodiscard]] pid_t pid() const { return process_->pid(); }

private:
    std::unique_ptr<TempDir> owned_dir_;
    std::unique_ptr<AgentProcess> process_;
};

nlohmann::json sample_picking(const std::string& key_ssl, int picking_number);

}  // namespace outpost::testing
