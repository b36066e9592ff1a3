#pragma once
// The upstream simulator (tools/upstream-sim) run as a real process for a test: mutual TLS on a
// free loopback port, a plain-HTTP admin port for counts and fault switches.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "temp_dir.hpp"

namespace outpost::testing {

struct SimulatorOptions {
    std::string server_cert = "server.pem";  // file names inside the test PKI directory, or absolute paths
    std::string server_key = "server.key";
    std::string client_ca = "ca.pem";
    std::string din_user = "demo";
    std::string din_password = "demo-password";
    int token_ttl_seconds = 3600;
    std::vector<std::string> extra_args{};  // more upstream-sim options (other upstreams' credentials...)
};

class Simulator {
public:
    explicit Simulator(SimulatorOptions options = {});
    ~Simulator();

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string base_url(const std::string& host = "localhost") const;
    [[nodiscard]] const SimulatorOptions& options() const { return options_; }

    // Admin API (plain HTTP on loopback). Throws on transport failure: a test cannot go on.
    nlohmann::json stats();
    nlohmann::json accepted();
    void admin_post(const std::string& path, const nlohmann::json& body = nlohmann::json::object());
    // Any other admin GET (e.g. /admin/sales-orders, /admin/pmp): its JSON answer.
    nlohmann::json admin_get(const std::string& path);
    [[nodiscard]] std::string log() const { return process_->log(); }

private:
    SimulatorOptions options_;
    TempDir dir_;
    std::unique_ptr<ChildProcess> process_;
    int port_ = 0;
    int admin_port_ = 0;
};

std::string pki_file(const std::string& name);
// The same set of files made with RSA 2048 keys (tools/pki --rsa), for the TLS interop matrix.
std::string pki_rsa_file(const std::string& name);

}  // namespace outpost::testing
