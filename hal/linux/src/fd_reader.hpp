#pragma once
// A thread that blocks in poll() on one file descriptor and hands whatever it reads to a
// callback; stop() wakes it through an eventfd, so there is no polling interval and no sleep.
// The scanners use it. on_data and on_end run on this thread; on_end runs once, when reading
// fails or reaches the end, and the thread exits after it. ENOBUFS (a netlink socket dropped
// messages) is reported as on_data with no bytes: something happened, we do not know what.

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "hal/result.hpp"
#include "unique_fd.hpp"

namespace hal::linux_impl {

class FdReader {
public:
    using OnData = std::function<void(std::string_view bytes)>;
    using OnEnd = std::function<void(const std::string& message)>;

    FdReader() = default;
    ~FdReader() { stop(); }
    FdReader(const FdReader&) = delete;
    FdReader& operator=(const FdReader&) = delete;

    // Takes ownership of `fd` (which should be O_NONBLOCK); `name` is used in error messages.
    Status start(UniqueFd fd, std::string name, OnData on_data, OnEnd on_end);
    // Idempotent; returns after the thread has finished. Not from on_data or on_end.
    void stop();
    // False once on_end has run (the device went away) or after stop(): start() may be called again.
    [[nodiscard]] bool running() const { return thread_.joinable() && !ended_; }

private:
    void run();

    UniqueFd fd_;
    UniqueFd wake_;
    std::string name_;
    OnData on_data_;
    OnEnd on_end_;
    std::atomic<bool> ended_{false};
    std::thread thread_;
};

}  // namespace hal::linux_impl
