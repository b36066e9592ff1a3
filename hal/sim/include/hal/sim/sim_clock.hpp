#pragma once
// Sim board: a clock that moves only when told. Thread-safe. advance() moves both clocks, as
// time passing does; set_wall() jumps the wall clock alone, as NTP or an operator does.

#include <mutex>

#include "hal/clock.hpp"

namespace hal::sim {

class SimClock final : public Clock {
public:
    explicit SimClock(std::chrono::system_clock::time_point wall, bool trusted = true)
        : wall_(wall), trusted_(trusted) {}

    [[nodiscard]] std::chrono::system_clock::time_point wall_now() const override;
    [[nodiscard]] std::chrono::steady_clock::time_point monotonic_now() const override;
    [[nodiscard]] bool wall_clock_trusted() const override;

    // Knobs.
    void advance(std::chrono::milliseconds by);
    void set_wall(std::chrono::system_clock::time_point wall);
    void set_trusted(bool trusted);

private:
    mutable std::mutex mutex_;
    std::chrono::system_clock::time_point wall_;
    std::chrono::steady_clock::time_point monotonic_{};  // starts at the steady epoch
    bool trusted_;
};

}  // namespace hal::sim
