#pragma once
// Linux: the network link of one interface, read from sysfs (operstate, carrier) plus, when
// required, whether the interface holds an address (getifaddrs). Changes are noticed without
// polling: a thread blocks on an rtnetlink socket subscribed to link and address events and
// re-reads the state on each one; the observer runs on that thread (hal::NetworkLink contract).
// refresh() re-reads on demand, in the caller's thread (tests, and after start()).

#include <memory>
#include <mutex>
#include <string>

#include "hal/network_link.hpp"
#include "hal/result.hpp"

namespace hal::linux_impl {
class FdReader;
}

namespace hal::linux {

struct LinuxNetworkLinkOptions {
    std::string interface;                       // "wlan0", "eth0"
    std::string sysfs_net_root = "/sys/class/net";
    bool require_address = true;                 // "up" also needs an IPv4 or global IPv6 address
};

class LinuxNetworkLink final : public NetworkLink {
public:
    // Reads the state once; no thread yet.
    explicit LinuxNetworkLink(LinuxNetworkLinkOptions options);
    ~LinuxNetworkLink() override;

    [[nodiscard]] bool is_up() const override;
    void set_observer(Observer observer) override;

    // Opens the rtnetlink socket and starts the thread that watches it.
    Status start();
    void stop();
    // Re-reads the state; calls the observer (in this thread) if it changed. Returns the state.
    bool refresh();

private:
    [[nodiscard]] bool read_state() const;

    LinuxNetworkLinkOptions options_;
    mutable std::mutex mutex_;
    bool up_ = false;
    Observer observer_;
    std::mutex refresh_mutex_;  // one refresh at a time, so observers see changes in order
    std::unique_ptr<linux_impl::FdReader> watcher_;
};

}  // namespace hal::linux
