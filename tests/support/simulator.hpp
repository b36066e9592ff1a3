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
    // Keep accepted pickings in memory instead of a file (benchmarks: no WAL writes, no
    // checkpoint fsyncs competing with the agent's disk).
    bool in_memory = false;
    // More command-line options (benchmarks: "--open-tls-port", "0", "--no-request-log", ...).
    std::vector<std::string> extra_args{};
};

class Simulator {
public:
    explicit Simulator(SimulatorOptions options = {});
    ~Simulator();

    [[nodiscard]] int port() const { return port_; }
    // The TLS port without client certificates (--open-tls-port in extra_args), else -1.
    [[nodiscard]] int open_tls_port() const { return open_tls_port_; }
    [[nodiscard]] pid_t pid() const { return process_->pid(); }
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
    int open_tls_port_ = -1;
};

std::string pki_file(const std::string& name);
// The same set of files made with RSA 2048 keys (tools/pki --rsa), for the TLS interop matrix.
std::string pki_rsa_file(const std::string& name);

}  // namespace outpost::testing
