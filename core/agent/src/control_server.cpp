#include "outpost/agent/control_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "outpost/common/log.hpp"
#include "outpost/control/client.hpp"
#include "outpost/control/requests.hpp"

namespace outpost::agent {

struct ControlServer::Connection {
    int fd = -1;
    std::string input;
    std::string output;
    bool closing = false;  // close once the output is flushed
    ~Connection() {
        if (fd >= 0) ::close(fd);
    }
};

namespace {

Error server_error(const std::string& message) { return make_error("control", message); }

bool live_agent_listening(const sockaddr_un& address) {
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe < 0) return false;
    const bool live = ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(probe);
    return live;
}

}  // namespace

ControlServer::ControlServer(int listen_fd, std::string path, int wake_fd)
    : listen_fd_(listen_fd), path_(std::move(path)), wake_fd_(wake_fd) {}

ControlServer::~ControlServer() {
    connections_.clear();
    ::close(listen_fd_);
    ::unlink(path_.c_str());
}

Expected<std::unique_ptr<ControlServer>> ControlServer::listen(const std::string& socket_path, int wake_fd) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof address.sun_path) {
        return server_error("control socket path too long (" + std::to_string(socket_path.size()) +
                            " bytes, at most " + std::to_string(sizeof address.sun_path - 1) + "): " + socket_path);
    }
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
    if (live_agent_listening(address)) {
        return server_error("another outpostd is already listening on " + socket_path);
    }
    ::unlink(socket_path.c_str());  // stale file from an agent that died

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return server_error(std::string("socket: ") + std::strerror(errno));
    // Created 0660 from the start (umask), not chmod-ed afterwards: no window where others may
    // connect.
    const mode_t previous = ::umask(0117);
    const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    const int saved = errno;
    ::umask(previous);
    if (bound != 0) {
        ::close(fd);
        return server_error("cannot create the control socket " + socket_path + ": " + std::strerror(saved));
    }
    if (::listen(fd, 64) != 0) {
        const int listen_errno = errno;
        ::close(fd);
        return server_error(std::string("listen: ") + std::strerror(listen_errno));
    }
    return std::unique_ptr<ControlServer>(new ControlServer(fd, socket_path, wake_fd));
}

void ControlServer::accept_new() {
    while (true) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) return;  // EAGAIN: accepted everything pending
        auto connection = std::make_unique<Connection>();
        connection->fd = fd;
        connections_.push_back(std::move(connection));
    }
}

void ControlServer::queue_answer(Connection& connection, const nlohmann::json& answer) {
    connection.output += answer.dump();
    connection.output += '\n';
}

void ControlServer::flush(Connection& connection) {
    while (!connection.output.empty()) {
        const ssize_t n = ::send(connection.fd, connection.output.data(), connection.output.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) connection.closing = true, connection.output.clear();
            return;
        }
        connection.output.erase(0, static_cast<std::size_t>(n));
    }
}

std::vector<control::Frame> ControlServer::read_from(Connection& connection) {
    char chunk[16384];
    while (true) {
        const ssize_t n = ::recv(connection.fd, chunk, sizeof chunk, 0);
        if (n == 0) {
            connection.closing = true;
            break;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) connection.closing = true;
            break;
        }
        connection.input.append(chunk, static_cast<std::size_t>(n));
        if (connection.input.size() > control::kMaxFrameBytes) break;
    }
    return control::take_requests(connection.input);
}

Expected<void> ControlServer::poll_once(const BatchHandler& handler) {
    std::vector<pollfd> fds;
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (const auto& connection : connections_) {
        const short events = static_cast<short>(POLLIN | (connection->output.empty() ? 0 : POLLOUT));
        fds.push_back({connection->fd, events, 0});
    }
    const int ready = ::poll(fds.data(), fds.size(), -1);
    if (ready < 0) {
        if (errno == EINTR) return {};
        return server_error(std::string("poll: ") + std::strerror(errno));
    }

    // Every line read owes its connection one answer, in the order the lines came: the
    // handler's for requests, the reader's for lines it refused.
    struct Owed {
        Connection* connection;
        std::optional<std::size_t> request;  // its index in `requests`; unset: refused
        std::string error;
        bool close = false;
    };
    std::vector<nlohmann::json> requests;
    std::vector<Owed> owed;
    for (std::size_t i = 2; i < fds.size(); ++i) {
        Connection& connection = *connections_[i - 2];
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        for (auto& frame : read_from(connection)) {
            if (frame.request) {
                owed.push_back(Owed{&connection, requests.size(), {}, false});
                requests.push_back(std::move(*frame.request));
            } else {
                owed.push_back(Owed{&connection, std::nullopt, std::move(frame.error), frame.close});
            }
        }
    }
    std::vector<nlohmann::json> answers;
    if (!requests.empty()) answers = handler(requests);
    for (const Owed& item : owed) {
        if (!item.request) {
            queue_answer(*item.connection, {{"ok", false}, {"error", item.error}});
            if (item.close) item.connection->closing = true;
        } else {
            queue_answer(*item.connection, *item.request < answers.size()
                                               ? answers[*item.request]
                                               : nlohmann::json{{"ok", false}, {"error", "internal error"}});
        }
    }
    for (auto& connection : connections_) flush(*connection);
    std::erase_if(connections_, [](const auto& connection) {
        return connection->closing && connection->output.empty();
    });
    if ((fds[1].revents & POLLIN) != 0) accept_new();
    return {};
}

}  // namespace outpost::agent
