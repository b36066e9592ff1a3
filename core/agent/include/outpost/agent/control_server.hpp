#pragma once
// Server side of the local control protocol (see outpost/control/client.hpp for the framing,
// outpost/control/requests.hpp for the rules a request line must meet).
//
// Contract:
// - Listens on a Unix socket of mode 0660: the agent's user and either the agent's group or, when
//   options.group is set, that group (the socket is given to it before it accepts connections,
//   so there is no moment when anyone else can connect). A group that does not exist, or that
//   the agent may not give files to, is an error naming the group and the fix. A stale socket
//   file from a crashed agent is replaced; a live agent on the same path is an error.
// - poll_once() waits for activity up to the next deadline, reads complete request lines, and
//   passes them, all requests of one turn together, to the handler, which returns one answer per
//   request in the same order. Batching per turn is what lets enqueues share one commit. Each
//   connection's answers go out in the order of its requests.
// - Nothing a client does blocks the loop or the other clients: sockets are non-blocking; lines
//   are read by control::take_requests (requests.hpp): a malformed or oversized frame gets an
//   error answer and the connection is closed, a request with a field of the wrong type gets an
//   error answer; neither reaches the handler; a request
//   line left unfinished for options.frame_timeout gets an error answer and is closed; a client
//   that does not read its answers is no longer read from once options.max_pending_output bytes
//   wait for it (requests are taken at most 64 per connection per turn, so what one turn adds
//   is bounded too), and is closed when none of them could be written for options.write_timeout;
//   connections beyond options.max_connections are told so and closed. A handler that throws
//   answers its turn's requests with an error instead of ending the loop.
// - every() runs a task on the loop's thread at a fixed interval (the first run one interval
//   after it is added), between turns.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "outpost/common/expected.hpp"
#include "outpost/control/requests.hpp"

namespace outpost::agent {

struct ControlOptions {
    std::string group;  // [control] group; empty: the agent's own group
    std::chrono::milliseconds frame_timeout{10000};
    std::chrono::milliseconds write_timeout{10000};
    std::size_t max_connections = 32;  // each may buffer up to one frame (1 MiB)
    std::size_t max_pending_output = std::size_t{1} << 20;
};

class ControlServer {
public:
    using BatchHandler = std::function<std::vector<nlohmann::json>(const std::vector<nlohmann::json>& requests)>;

    static Expected<std::unique_ptr<ControlServer>> listen(const std::string& socket_path, int wake_fd,
                                                           const ControlOptions& options = {});
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Returns after one turn; the wake fd (an eventfd owned by the caller) interrupts the wait,
    // and is read (reset) when it did.
    Expected<void> poll_once(const BatchHandler& handler);

    void every(std::chrono::milliseconds interval, std::function<void()> task);

private:
    using Clock = std::chrono::steady_clock;
    struct Connection;
    struct Pending;
    struct Timer {
        std::chrono::milliseconds interval;
        Clock::time_point due;
        std::function<void()> task;
    };
    ControlServer(int listen_fd, std::string path, int wake_fd, ControlOptions options);
    void accept_new(Clock::time_point now);
    bool may_take(const Connection& connection) const;
    bool has_ready_frames(const Connection& connection) const;
    void receive(Connection& connection);
    void take_requests(Connection& connection, Clock::time_point now, std::vector<Pending>& pending);
    void answer_batch(std::vector<Pending>& pending, const BatchHandler& handler);
    static void queue(Connection& connection, const nlohmann::json& answer);
    void flush(Connection& connection, Clock::time_point now);
    void expire(Connection& connection, Clock::time_point now);
    void run_due_timers(Clock::time_point now);
    int poll_timeout_ms(Clock::time_point now) const;

    int listen_fd_;
    std::string path_;
    int wake_fd_;
    ControlOptions options_;
    std::vector<std::unique_ptr<Connection>> connections_;
    std::vector<Timer> timers_;
    Clock::time_point accept_paused_until_{};  // out of file descriptors: try again later
};

}  // namespace outpost::agent
