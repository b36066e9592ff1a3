#pragma once
// Sim board: a network link that tests and the demo switch by hand (a controllable fake, not a
// mock). Thread-safe. The observer is called synchronously from set_up() on a change only.

#include <mutex>

#include "hal/network_link.hpp"

namespace hal::sim {

class SimNetworkLink final : public NetworkLink {
public:
    explicit SimNetworkLink(bool initially_up) : up_(initially_up) {}

    [[nodiscard]] bool is_up() const override;
    void set_observer(Observer observer) override;

    // The knob: take the link down or bring it up.
    void set_up(bool up);

private:
    mutable std::mutex mutex_;
    bool up_;
    Observer observer_;
};

}  // namespace hal::sim
