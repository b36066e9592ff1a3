#pragma once
// Client side of the local control protocol (outpostctl, the pick session, tests).
//
// Protocol: a Unix stream socket; each request is one JSON object on one line, answered by one
// JSON object on one line, in order. Answers carry "ok": true, or "ok": false and "error".
// Frames are at most kMaxFrameBytes long.

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "outpost/common/expected.hpp"

namespace outpost::control {

inline constexpr std::size_t kMaxFrameBytes = 1 << 20;

class ControlClient {
public:
    static Expected<ControlClient> connect(const std::string& socket_path);
    ControlClient(ControlClient&& other) noexcept;
    ControlClient& operator=(ControlClient&&) = delete;
    ControlClient(const ControlClient&) = delete;
    ControlClient& operator=(const ControlClient&) = delete;
    ~ControlClient();

    // Sends one request and waits for its answer (at most `timeout`). An answer with
    // "ok": false is returned as a value: the caller decides how to report it.
    Expected<nlohmann::json> call(const nlohmann::json& request,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

private:
    explicit ControlClient(int fd) : fd_(fd) {}
    int fd_;
    std::string buffered_;
};

}  // namespace outpost::control
