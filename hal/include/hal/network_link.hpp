#pragma once
// HAL: the device's network link (Wi-Fi on a handheld, Ethernet on a picking station).
//
// Contract:
// - is_up() is cheap and never blocks: it reports the last state the implementation observed.
//   "Up" means the interface has a carrier and an address, not that an upstream is reachable.
// - The observer passed to set_observer() is called on every change, from any thread the
//   implementation owns, with the new state. It must not block. It is never called after the
//   link object is destroyed. Passing an empty function removes the observer.

#include <functional>

namespace hal {

class NetworkLink {
public:
    using Observer = std::function<void(bool up)>;

    virtual ~NetworkLink() = default;
    [[nodiscard]] virtual bool is_up() const = 0;
    virtual void set_observer(Observer observer) = 0;
};

}  // namespace hal
