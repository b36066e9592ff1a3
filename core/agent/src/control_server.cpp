#include "outpost/agent/control_server.hpp"

#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
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
    bool closing = false;  // close once the output is flushed (or given up on)
    bool ended = false;    // the client sent end-of-file (or its socket failed)
    std::optional<Clock::time_point> frame_started;  // an unfinished request line began then
    Clock::time_point write_progress{};              // output last queued onto empty, or shrank
    ~Connection() {
        if (fd >= 0) ::close(fd);
    }
};

// One request read this turn, or the answer to a frame that was refused before reaching the
// handler; kept in arrival order so each connection's answers keep its requests' order.
struct ControlServer::Pending {
    Connection* owner = nullptr;
    std::optional<nlohmann::json> request;
    nlohmann::json answer;
};

namespace {

// Requests taken from one connection per turn. A client may pipeline many requests in one write;
// taking them a bounded number at a time keeps the answers queued for it bounded too (they are
// only taken while its queued answers are below max_pending_output), whatever it sends.
constexpr std::size_t kFramesPerTurn = 64;

// How long to wait before accepting again when the process is out of file descriptors: the
// pending connection keeps the listening socket readable, and polling it at once would spin.
constexpr std::chrono::milliseconds kAcceptPause{200};

Error server_error(const std::string& message) { return make_error("control", message); }

nlohmann::json refusal(const std::string& message) { return {{"ok", false}, {"error", message}}; }

bool live_agent_listening(const sockaddr_un& address) {
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe < 0) return false;
    const bool live = ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(probe);
    return live;
}

// The configured group's id, or an error saying what to do about it.
Expected<gid_t> group_id(const std::string& name) {
    std::vector<char> buffer(1024);
    group entry{};
    group* found = nullptr;
    int result = 0;
    while ((result = ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) == ERANGE &&
           buffer.size() < (std::size_t{1} << 20)) {
        buffer.resize(buffer.size() * 2);
    }
    if (result != 0) return server_error("looking up control.group '" + name + "': " + std::strerror(result));
    if (found == nullptr) {
        return server_error("control.group '" + name + "' does not exist: create it (groupadd --system " + name +
                            ") and add the users of the producers that may enqueue, or remove the key");
    }
    return entry.gr_gid;
}

// Gives the bound (not yet listening) socket to `group`, mode 0660. Nobody can connect before
// listen(), so there is no moment when the wrong users could.
Expected<void> hand_to_group(const std::string& path, const std::string& group) {
    auto gid = group_id(group);
    if (!gid) return gid.error();
    if (::chown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0) {
        const int saved = errno;
        return server_error("cannot give the control socket " + path + " to group '" + group +
                            "': " + std::strerror(saved) +
                            (saved == EPERM ? " (the agent's user must be a member of that group)" : ""));
    }
    if (::chmod(path.c_str(), 0660) != 0) {
        return server_error("cannot set mode 0660 on " + path + ": " + std::strerror(errno));
    }
    return {};
}

void log_peer(int fd) {
    ucred peer{};
    socklen_t size = sizeof peer;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0) {
        log::debug("control", "connection from pid " + std::to_string(peer.pid) + ", uid " + std::to_string(peer.uid) +
                                  ", gid " + std::to_string(peer.gid));
    }
}

}  // namespace

ControlServer::ControlServer(int listen_fd, std::string path, int wake_fd, ControlOptions options)
    : listen_fd_(listen_fd), path_(std::move(path)), wake_fd_(wake_fd), options_(std::move(options)) {}

ControlServer::~ControlServer() {
    connections_.clear();
    ::close(listen_fd_);
    ::unlink(path_.c_str());
}

Expected<std::unique_ptr<ControlServer>> ControlServer::listen(const std::string& socket_path, int wake_fd,
                                                               const ControlOptions& options) {
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
    if (!options.group.empty()) {
        if (auto handed = hand_to_group(socket_path, options.group); !handed) {
            ::close(fd);
            ::unlink(socket_path.c_str());
            return handed.error();
        }
    }
    if (::listen(fd, 64) != 0) {
        const int listen_errno = errno;
        ::close(fd);
        ::unlink(socket_path.c_str());
        return server_error(std::string("listen: ") + std::strerror(listen_errno));
    }
    return std::unique_ptr<ControlServer>(new ControlServer(fd, socket_path, wake_fd, options));
}

void ControlServer::every(std::chrono::milliseconds interval, std::function<void()> task) {
    timers_.push_back({interval, Clock::now() + interval, std::move(task)});
}

void ControlServer::accept_new(Clock::time_point now) {
    bool refused_logged = false;
    while (true) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                log::error("control", std::string("cannot accept a control connection: ") + std::strerror(errno) +
                                          "; trying again shortly");
                accept_paused_until_ = now + kAcceptPause;
            }
            return;  // EAGAIN: accepted everything pending
        }
        if (connections_.size() >= options_.max_connections) {
            // Told why, best effort (the socket buffer of a fresh connection has room), and closed.
            const std::string answer =
                refusal("too many control connections (" + std::to_string(options_.max_connections) +
                        " open); try again later")
                    .dump() +
                "\n";
            [[maybe_unused]] const auto sent = ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            ::close(fd);
            if (!refused_logged) {
                log::warning("control", "refused a control connection: " + std::to_string(options_.max_connections) +
                                            " are open already");
                refused_logged = true;
            }
            continue;
        }
        log_peer(fd);
        auto connection = std::make_unique<Connection>();
        connection->fd = fd;
        connections_.push_back(std::move(connection));
    }
}

bool ControlServer::may_take(const Connection& connection) const {
    return !connection.closing && connection.output.size() < options_.max_pending_output;
}

bool ControlServer::has_ready_frames(const Connection& connection) const {
    return may_take(connection) && connection.input.find('\n') != std::string::npos;
}

void ControlServer::receive(Connection& connection) {
    char chunk[16384];
    while (connection.input.size() <= control::kMaxFrameBytes) {
        const ssize_t n = ::recv(connection.fd, chunk, sizeof chunk, 0);
        if (n == 0) {
            connection.ended = true;
            return;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) connection.ended = true;
            return;
        }
        connection.input.append(chunk, static_cast<std::size_t>(n));
    }
}

void ControlServer::take_requests(Connection& connection, Clock::time_point now, std::vector<Pending>& pending) {
    if (may_take(connection)) {
        for (auto& frame : control::take_requests(connection.input, kFramesPerTurn)) {
            if (frame.request) {
                pending.push_back({&connection, std::move(frame.request), nullptr});
            } else {
                pending.push_back({&connection, std::nullopt, refusal(frame.error)});
            }
            if (frame.close) connection.closing = true;
        }
    }
    // The deadline runs from when an unfinished line began (no newline in what is buffered):
    // a client trickling a byte at a time cannot hold a connection longer than one that stalls.
    // Complete lines waiting because this client does not read its answers are not its stall.
    const bool unfinished = !connection.input.empty() && connection.input.find('\n') == std::string::npos;
    if (!unfinished) {
        connection.frame_started.reset();
    } else if (!connection.frame_started) {
        connection.frame_started = now;
    }
    // A client that hung up (or shut down its side) still gets the answers to what it sent,
    // once nothing of it is left to take.
    if (connection.ended && connection.input.find('\n') == std::string::npos) connection.closing = true;
}

void ControlServer::answer_batch(std::vector<Pending>& pending, const BatchHandler& handler) {
    std::vector<nlohmann::json> requests;
    for (auto& entry : pending) {
        if (entry.request) requests.push_back(std::move(*entry.request));
    }
    std::vector<nlohmann::json> answers;
    if (!requests.empty()) {
        try {
            answers = handler(requests);
        } catch (const std::exception& e) {
            // Whatever the handler could not deal with must not end the control loop.
            log::error("control", std::string("a request turn failed: ") + e.what());
            answers.assign(requests.size(), refusal(std::string("internal error: ") + e.what()));
        }
    }
    std::size_t next = 0;
    for (auto& entry : pending) {
        Connection& owner = *entry.owner;
        nlohmann::json answer = std::move(entry.answer);
        if (entry.request) {
            answer = next < answers.size() ? std::move(answers[next]) : refusal("internal error");
            ++next;
        }
        queue(owner, answer);
    }
}

void ControlServer::queue(Connection& connection, const nlohmann::json& answer) {
    if (connection.output.empty()) connection.write_progress = Clock::now();
    // Answers can carry text from elsewhere (an upstream's error body cut at some byte count):
    // invalid UTF-8 is replaced rather than thrown about, which would end the control loop.
    connection.output += answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    connection.output += '\n';
}

void ControlServer::flush(Connection& connection, Clock::time_point now) {
    while (!connection.output.empty()) {
        const ssize_t n = ::send(connection.fd, connection.output.data(), connection.output.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) {
                connection.closing = true;  // the client is gone: its answers have no reader
                connection.output.clear();
            }
            return;
        }
        connection.output.erase(0, static_cast<std::size_t>(n));
        connection.write_progress = now;
    }
}

void ControlServer::expire(Connection& connection, Clock::time_point now) {
    if (!connection.closing && connection.frame_started && now - *connection.frame_started >= options_.frame_timeout) {
        const std::string limit = std::to_string(options_.frame_timeout.count()) + " ms";
        log::warning("control", "closed a connection whose request line stayed unfinished for " + limit);
        queue(connection, refusal("request line unfinished for " + limit +
                                  " (a request ends with a newline); closing the connection"));
        connection.input.clear();
        connection.frame_started.reset();
        connection.closing = true;
    }
    if (!connection.output.empty() && now - connection.write_progress >= options_.write_timeout) {
        log::warning("control", "closed a connection that took none of its " + std::to_string(connection.output.size()) +
                                    " bytes of answers for " + std::to_string(options_.write_timeout.count()) + " ms");
        connection.output.clear();
        connection.closing = true;
    }
}

void ControlServer::run_due_timers(Clock::time_point now) {
    for (Timer& timer : timers_) {
        if (timer.due > now) continue;
        timer.due = now + timer.interval;  // no catching up after a long stop: once is enough
        try {
            timer.task();
        } catch (const std::exception& e) {
            log::error("control", std::string("a periodic task failed: ") + e.what());
        }
    }
}

int ControlServer::poll_timeout_ms(Clock::time_point now) const {
    std::optional<Clock::time_point> next;
    const auto consider = [&next](Clock::time_point at) { next = next ? std::min(*next, at) : at; };
    for (const Timer& timer : timers_) consider(timer.due);
    for (const auto& connection : connections_) {
        if (has_ready_frames(*connection)) return 0;  // requests already read wait for a turn
        if (connection->frame_started && !connection->closing) consider(*connection->frame_started + options_.frame_timeout);
        if (!connection->output.empty()) consider(connection->write_progress + options_.write_timeout);
    }
    if (accept_paused_until_ > now) consider(accept_paused_until_);
    if (!next) return -1;
    if (*next <= now) return 0;
    // Rounded up: waking a millisecond early would only mean another turn with nothing due.
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - now);
    return static_cast<int>(std::min<std::chrono::milliseconds::rep>(wait.count(), 60'000));
}

Expected<void> ControlServer::poll_once(const BatchHandler& handler) {
    const Clock::time_point before = Clock::now();
    std::vector<pollfd> fds;
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, static_cast<short>(accept_paused_until_ > before ? 0 : POLLIN), 0});
    for (const auto& connection : connections_) {
        // A client with answers piling up is not read from: its requests wait in the kernel.
        const bool readable = may_take(*connection) && !connection->ended;
        const short events = static_cast<short>((readable ? POLLIN : 0) | (connection->output.empty() ? 0 : POLLOUT));
        fds.push_back({connection->fd, events, 0});
    }
    const int ready = ::poll(fds.data(), fds.size(), poll_timeout_ms(before));
    if (ready < 0) {
        if (errno == EINTR) return {};
        return server_error(std::string("poll: ") + std::strerror(errno));
    }

    if ((fds[0].revents & POLLIN) != 0) {
        // Consumed, or the eventfd stays readable and every later poll returns at once: the
        // loop would spin at full CPU after the first wake-up (a watchdog tick, a reload).
        std::uint64_t wakes = 0;
        [[maybe_unused]] const auto consumed = ::read(wake_fd_, &wakes, sizeof wakes);
    }
    const Clock::time_point now = Clock::now();
    std::vector<Pending> pending;
    for (std::size_t i = 2; i < fds.size(); ++i) {
        Connection& connection = *connections_[i - 2];
        if ((fds[i].events & POLLIN) != 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) receive(connection);
        take_requests(connection, now, pending);
    }
    if (!pending.empty()) answer_batch(pending, handler);
    for (auto& connection : connections_) {
        flush(*connection, now);
        expire(*connection, now);
        flush(*connection, now);  // the timeout's answer, when there is one
    }
    std::erase_if(connections_, [](const auto& connection) {
        return connection->closing && connection->output.empty();
    });
    if ((fds[1].revents & POLLIN) != 0) accept_new(now);
    run_due_timers(now);
    return {};
}

}  // namespace outpost::agent
