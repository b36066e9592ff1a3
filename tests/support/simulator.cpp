#include "simulator.hpp"

#include <httplib.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "test_paths.hpp"
#include "wait_for.hpp"

namespace outpost::testing {

std::string pki_file(const std::string& name) { return std::string(paths::kPkiDir) + "/" + name; }

Simulator::Simulator(SimulatorOptions options) : options_(std::move(options)) {
    const std::string ready = dir_.file("ready.json");
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{paths::kUpstreamSim, "--cert", pki_file(options_.server_cert), "--key",
                                 pki_file(options_.server_key), "--client-ca", pki_file("ca.pem"), "--host",
                                 "127.0.0.1", "--port", "0", "--admin-port", "0", "--db", dir_.file("sim.db"),
                                 "--ready-file", ready, "--din-user", options_.din_user, "--din-password",
                                 options_.din_password, "--token-ttl", std::to_string(options_.token_ttl_seconds)},
        dir_.file("sim.log"));
    nlohmann::json ports;
    const bool up = wait_until([&] {
        std::ifstream file(ready);
        if (!file) return false;
        ports = nlohmann::json::parse(file, nullptr, false);
        return ports.is_object() && ports.contains("port");
    });
    if (!up) throw std::runtime_error("upstream-sim did not become ready:\n" + process_->log());
    port_ = ports["port"].get<int>();
    admin_port_ = ports["admin_port"].get<int>();
}

Simulator::~Simulator() = default;

std::string Simulator::base_url(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(port_);
}

nlohmann::json Simulator::stats() {
    httplib::Client admin("127.0.0.1", admin_port_);
    auto response = admin.Get("/admin/stats");
    if (!response || response->status != 200) throw std::runtime_error("upstream-sim admin /admin/stats failed");
    return nlohmann::json::parse(response->body);
}

nlohmann::json Simulator::accepted() {
    httplib::Client admin("127.0.0.1", admin_port_);
    auto response = admin.Get("/admin/accepted");
    if (!response || response->status != 200) throw std::runtime_error("upstream-sim admin /admin/accepted failed");
    return nlohmann::json::parse(response->body);
}

void Simulator::admin_post(const std::string& path, const nlohmann::json& body) {
    httplib::Client admin("127.0.0.1", admin_port_);
    auto response = admin.Post(path.c_str(), body.dump(), "application/json");
    if (!response || response->status >= 300) throw std::runtime_error("upstream-sim admin " + path + " failed");
}

}  // namespace outpost::testing
