#include "raw_socket_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "wait_for.hpp"

namespace outpost::testing {

RawSocketClient::RawSocketClient(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int error = errno;
        ::close(fd_);
        throw std::runtime_error("connect to " + path + ": " + std::strerror(error));
    }
}

RawSocketClient::~RawSocketClient() { ::close(fd_); }

bool RawSocketClient::send(const std::string& bytes) {
    for (std::size_t sent = 0; sent < bytes.size();) {
        const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::optional<nlohmann::json> RawSocketClient::line(std::chrono::milliseconds deadline) {
    const auto give_up = std::chrono::steady_clock::now() + deadline;
    while (true) {
        if (const auto newline = buffered_.find('\n'); newline != std::string::npos) {
            auto answer = nlohmann::json::parse(buffered_.substr(0, newline));
            buffered_.erase(0, newline + 1);
            return answer;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd waiting{fd_, POLLIN, 0};
        if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) continue;
        char chunk[65536];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            ended_ = true;
            return std::nullopt;
        }
        buffered_.append(chunk, static_cast<std::size_t>(n));
    }
}

bool RawSocketClient::closed_by_server(std::chrono::milliseconds deadline) {
    return wait_until(
        [&] {
            if (ended_) return true;
            pollfd waiting{fd_, POLLIN, 0};
            if (::poll(&waiting, 1, 0) <= 0) return false;
            char chunk[65536];
            const ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) ended_ = true;
            return ended_;
        },
        deadline);
}

bool RawSocketClient::closed_unread(std::chrono::milliseconds deadline) {
    return wait_until(
        [&] {
            pollfd waiting{fd_, POLLRDHUP, 0};
            return ::poll(&waiting, 1, 0) > 0 && (waiting.revents & (POLLRDHUP | POLLHUP)) != 0;
        },
        deadline);
}

}  // namespace outpost::testing
