#include "outpost/control/client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace outpost::control {
namespace {

Error control_error(const std::string& message) { return make_error("control", message); }

}  // namespace

Expected<ControlClient> ControlClient::connect(const std::string& socket_path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof address.sun_path) {
        return control_error("socket path too long: " + socket_path);
    }
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return control_error(std::string("socket: ") + std::strerror(errno));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int saved = errno;
        ::close(fd);
        return control_error("cannot reach outpostd at " + socket_path + ": " + std::strerror(saved) +
                             (saved == ENOENT || saved == ECONNREFUSED ? " (is outpostd running?)" : ""));
    }
    return ControlClient(fd);
}

ControlClient::ControlClient(ControlClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffered_(std::move(other.buffered_)) {}

ControlClient::~ControlClient() {
    if (fd_ >= 0) ::close(fd_);
}

Expected<nlohmann::json> ControlClient::call(const nlohmann::json& request, std::chrono::milliseconds timeout) {
    std::string frame = request.dump();
    frame += '\n';
    if (frame.size() > kMaxFrameBytes) return control_error("request larger than " + std::to_string(kMaxFrameBytes) + " bytes");
    std::size_t sent = 0;
    while (sent < frame.size()) {
        const ssize_t n = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return control_error(std::string("sending to outpostd: ") + std::strerror(errno));
        }
        sent += static_cast<std::size_t>(n);
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (const auto newline = buffered_.find('\n'); newline != std::string::npos) {
            const std::string line = buffered_.substr(0, newline);
            buffered_.erase(0, newline + 1);
            auto answer = nlohmann::json::parse(line, nullptr, false);
            if (answer.is_discarded() || !answer.is_object()) return control_error("outpostd sent a malformed answer");
            return answer;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return control_error("no answer from outpostd within " + std::to_string(timeout.count()) + " ms");
        pollfd waiting{fd_, POLLIN, 0};
        const int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) return control_error(std::string("poll: ") + std::strerror(errno));
        if (ready <= 0) continue;
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n == 0) return control_error("outpostd closed the connection before answering");
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return control_error(std::string("reading from outpostd: ") + std::strerror(errno));
        }
        buffered_.append(chunk, static_cast<std::size_t>(n));
        if (buffered_.size() > kMaxFrameBytes) return control_error("answer from outpostd too large");
    }
}

}  // namespace outpost::control
