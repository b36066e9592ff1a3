#pragma once
// Server side of the local control protocol (see outpost/control/client.hpp for the framing).
//
// Contract:
// - Listens on a Unix socket created with mode 0660 (the agent's user and group only). A stale
//   socket file from a crashed agent is replaced; a live agent on the same path is an error.
// - poll_once() waits for activity up to `timeout`, reads complete request lines, and passes
//   them, all requests of one turn together, to the handler, which returns one answer per
//   request in the same order. Batching per turn is what lets enqueues share one commit.
// - Lines are read by control::take_requests (requests.hpp). Malformed or oversized frames get an
//   error answer and the connection is closed; a request with a field of the wrong type gets
//   an error answer. Neither reaches the handler or stops the server. Every connection gets its
//   answers in the order of its requests.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "outpost/common/expected.hpp"
#include "outpost/control/requests.hpp"

namespace outpost::agent {

class ControlServer {
public:
    using BatchHandler = std::function<std::vector<nlohmann::json>(const std::vector<nlohmann::json>& requests)>;

    static Expected<std::unique_ptr<ControlServer>> listen(const std::string& socket_path, int wake_fd);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Returns after one turn; the wake fd (an eventfd owned by the caller) interrupts the wait.
    Expected<void> poll_once(const BatchHandler& handler);

private:
    struct Connection;
    ControlServer(int listen_fd, std::string path, int wake_fd);
    void accept_new();
    std::vector<control::Frame> read_from(Connection& connection);
    static void queue_answer(Connection& connection, const nlohmann::json& answer);
    static void flush(Connection& connection);

    int listen_fd_;
    std::string path_;
    int wake_fd_;
    std::vector<std::unique_ptr<Connection>> connections_;
};

}  // namespace outpost::agent
