#pragma once
// A raw client of a control socket for tests: sends exactly the bytes a test says (half lines,
// malformed or oversized frames) and reads newline-framed JSON answers with a deadline.

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace outpost::testing {

class RawSocketClient {
public:
    // Connects to the Unix socket at `path`; throws std::runtime_error naming the failure.
    explicit RawSocketClient(const std::string& path);
    ~RawSocketClient();
    RawSocketClient(const RawSocketClient&) = delete;
    RawSocketClient& operator=(const RawSocketClient&) = delete;

    // false when the server closed the connection part-way (it refuses what it has seen).
    bool send(const std::string& bytes);
    // The next line as JSON, or nullopt at end-of-file or when none arrives within `deadline`.
    std::optional<nlohmann::json> line(std::chrono::milliseconds deadline = std::chrono::seconds(10));
    // True once the server has closed the connection (whatever it sent before is read and
    // dropped), false if it is still open after `deadline`.
    bool closed_by_server(std::chrono::milliseconds deadline = std::chrono::seconds(10));
    // True once the server has closed the connection, seen without reading anything from it
    // (POLLRDHUP): for a client that must not read.
    bool closed_unread(std::chrono::milliseconds deadline = std::chrono::seconds(10));

private:
    int fd_ = -1;
    std::string buffered_;
    bool ended_ = false;
};

}  // namespace outpost::testing
