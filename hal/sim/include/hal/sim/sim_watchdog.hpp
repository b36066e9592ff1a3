#pragma once
// Sim board: a watchdog that records kicks instead of restarting anything. Thread-safe.

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "hal/watchdog.hpp"

namespace hal::sim {

class SimWatchdog final : public Watchdog {
public:
    Status enable(std::chrono::milliseconds interval) override;
    Status kick() override;
    Status ready() override;

    // Knobs and records.
    void fail_with(std::string message);  // every later call fails with it; empty: work again
    [[nodiscard]] std::size_t kicks() const;
    [[nodiscard]] bool is_ready() const;
    [[nodiscard]] std::optional<std::chrono::milliseconds> interval() const;  // empty: not enabled

private:
    mutable std::mutex mutex_;
    std::string failure_;
    std::size_t kicks_ = 0;
    bool ready_ = false;
    std::optional<std::chrono::milliseconds> interval_;
};

}  // namespace hal::sim
