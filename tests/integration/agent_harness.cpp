#include "agent_harness.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "test_paths.hpp"
#include "wait_for.hpp"

namespace outpost::testing {

AgentHarness::AgentHarness(Simulator& sim, bool link_up, const TempDir* state_dir)
    : owned_dir_(state_dir == nullptr ? std::make_unique<TempDir>() : nullptr),
      dir_(state_dir == nullptr ? owned_dir_.get() : state_dir) {
    socket_ = dir_->file("outpostd.sock");
    const std::string config = dir_->file("outpostd.toml");
    std::ofstream(config) << "device_id = \"test-device\"\n"
                          << "board = \"sim\"\n"
                          << "log_level = \"debug\"\n"
                          << "[sim]\nlink_up = " << (link_up ? "true" : "false") << "\n"
                          << "[storage]\noutbox_path = \"outbox.db\"\n"
                          << "[control]\nsocket_path = \"" << socket_ << "\"\n"
                          << "[tls]\nca_file = \"" << pki_file("ca.pem") << "\"\n"
                          << "cert_file = \"" << pki_file("client.pem") << "\"\n"
                          << "key_file = \"" << pki_file("client.key") << "\"\n"
                          << "[delivery]\nbackoff_base_ms = 50\nbackoff_cap_ms = 1000\n"
                          << "[upstream.din]\nbase_url = \"" << sim.base_url() << "\"\n"
                          << "username = \"" << sim.options().din_user << "\"\n"
                          << "password = \"" << sim.options().din_password << "\"\n";
    auto argv = paths::argv_of(paths::kOutpostd);  // the emulator first, in a cross build
    argv.insert(argv.end(), {"--config", config});
    process_ = std::make_unique<ChildProcess>(std::move(argv), dir_->file("outpostd.log"));
    const bool ready = wait_until([&] {
        if (!process_->running()) return true;
        auto connected = control::ControlClient::connect(socket_);
        if (!connected) return false;
        client_ = std::make_unique<control::ControlClient>(std::move(*connected));
        return true;
    });
    if (!ready || !client_) throw std::runtime_error("outpostd did not start:\n" + process_->log());
}

AgentHarness::~AgentHarness() {
    client_.reset();
    process_->stop();
}

nlohmann::json AgentHarness::call(const nlohmann::json& request) {
    auto answer = client_->call(request);
    if (!answer) throw std::runtime_error("control call failed: " + answer.error().message + "\n" + log());
    return *answer;
}

void AgentHarness::set_link(bool up) {
    const auto answer = call({{"cmd", "sim.link"}, {"up", up}});
    if (!answer.value("ok", false)) throw std::runtime_error("sim.link failed: " + answer.dump());
}

nlohmann::json sample_picking(const std::string& key_ssl, int picking_number) {
    return {{"key_ssl", key_ssl},
            {"order_id", 48211},
            {"picking_no", key_ssl + "-P" + std::to_string(picking_number)},
            {"warehouse_code", "WH-JKT-01"},
            {"picker", "op-0042"},
            {"picked_at", "2026-11-23T10:15:00+07:00"},
            {"items",
             {{{"material_code", "BCG-20"},
               {"gtin", "08991234567895"},
               {"batch_code", "B2311A"},
               {"expired_date", "2027-05-31"},
               {"qty", 1 + picking_number},
               {"uom", "vial"},
               {"bin", "A-03-2"}}}}};
}

}  // namespace outpost::testing
