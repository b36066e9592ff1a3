#include "simulator.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "test_paths.hpp"
#include "wait_for.hpp"

namespace outpost::testing {

std::string pki_file(const std::string& name) {
    return name.starts_with('/') ? name : std::string(paths::kPkiDir) + "/" + name;
}
std::string pki_rsa_file(const std::string& name) { return std::string(paths::kPkiRsaDir) + "/" + name; }

Simulator::Simulator(SimulatorOptions options) : options_(std::move(options)) {
    const std::string ready = dir_.file("ready.json");
    std::vector<std::string> argv{paths::kUpstreamSim, "--cert", pki_file(options_.server_cert), "--key",
                                  pki_file(options_.server_key), "--client-ca", pki_file(options_.client_ca), "--host",
                                  "127.0.0.1", "--port", "0", "--admin-port", "0", "--db",
                                  options_.in_memory ? ":memory:" : dir_.file("sim.db"),
                                  "--ready-file", ready, "--din-user", options_.din_user, "--din-password",
                                  options_.din_password, "--token-ttl", std::to_string(options_.token_ttl_seconds)};
    argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
    process_ = std::make_unique<ChildProcess>(std::move(argv), dir_.file("sim.log"));
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
    open_tls_port_ = ports.value("open_tls_port", -1);
}

Simulator::~Simulator() = default;

std::string Simulator::base_url(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(port_);
}

namespace {

// The admin API is plain HTTP/1.1 on loopback. A minimal client on a socket rather than
// cpp-httplib: the tests also run as aarch64/armhf programs, and cpp-httplib is a host package.
// One request per connection ("Connection: close"), answer read to EOF.
struct AdminAnswer {
    int status = 0;
    std::string body;
};

AdminAnswer admin_request(int port, const std::string& method, const std::string& path, const std::string& body) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("upstream-sim admin: socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("upstream-sim admin " + method + " " + path + ": connect to port " +
                                 std::to_string(port) + ": " + reason);
    }
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (method == "POST") {
        request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    request += "\r\n" + body;
    for (std::size_t sent = 0; sent < request.size();) {
        const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            throw std::runtime_error("upstream-sim admin " + path + ": send failed");
        }
        sent += static_cast<std::size_t>(n);
    }
    std::string answer;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            throw std::runtime_error("upstream-sim admin " + path + ": recv failed");
        }
        if (n == 0) break;
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    // "HTTP/1.1 200 OK\r\n...headers...\r\n\r\nbody". The simulator sends a Content-Length
    // body, never chunked, on a closed connection, so everything after the headers is the body.
    const auto header_end = answer.find("\r\n\r\n");
    if (answer.rfind("HTTP/1.", 0) != 0 || header_end == std::string::npos || answer.size() < 12) {
        throw std::runtime_error("upstream-sim admin " + path + ": malformed answer: " + answer.substr(0, 200));
    }
    const auto headers = answer.substr(0, header_end);
    for (std::size_t line = headers.find("\r\n"); line != std::string::npos; line = headers.find("\r\n", line + 2)) {
        const auto next = headers.substr(line + 2, 26);
        if (next.size() >= 26 && strncasecmp(next.c_str(), "transfer-encoding: chunked", 26) == 0) {
            throw std::runtime_error("upstream-sim admin " + path + ": chunked answers are not supported here");
        }
    }
    return AdminAnswer{std::stoi(answer.substr(9, 3)), answer.substr(header_end + 4)};
}

}  // namespace

nlohmann::json Simulator::stats() {
    const auto response = admin_request(admin_port_, "GET", "/admin/stats", "");
    if (response.status != 200) throw std::runtime_error("upstream-sim admin /admin/stats failed");
    return nlohmann::json::parse(response.body);
}

nlohmann::json Simulator::accepted() {
    const auto response = admin_request(admin_port_, "GET", "/admin/accepted", "");
    if (response.status != 200) throw std::runtime_error("upstream-sim admin /admin/accepted failed");
    return nlohmann::json::parse(response.body);
}

nlohmann::json Simulator::admin_get(const std::string& path) {
    const auto response = admin_request(admin_port_, "GET", path, "");
    if (response.status != 200) {
        throw std::runtime_error("upstream-sim admin GET " + path + " answered " + std::to_string(response.status) +
                                 ": " + response.body);
    }
    return nlohmann::json::parse(response.body);
}

void Simulator::admin_post(const std::string& path, const nlohmann::json& body) {
    const auto response = admin_request(admin_port_, "POST", path, body.dump());
    if (response.status >= 300) throw std::runtime_error("upstream-sim admin " + path + " failed");
}

}  // namespace outpost::testing
