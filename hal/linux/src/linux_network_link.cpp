#include "hal/linux/linux_network_link.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "fd_reader.hpp"
#include "sysfs_files.hpp"

namespace hal::linux {

using linux_impl::read_attribute;
using linux_impl::system_error;
using linux_impl::UniqueFd;

namespace {

bool has_address(const std::string& interface) {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return false;
    bool found = false;
    for (const ifaddrs* entry = list; entry != nullptr && !found; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr || interface != entry->ifa_name) continue;
        if (entry->ifa_addr->sa_family == AF_INET) found = true;
        if (entry->ifa_addr->sa_family == AF_INET6) {
            // A link-local address comes with the carrier alone: it does not reach an upstream.
            sockaddr_in6 address{};
            std::memcpy(&address, entry->ifa_addr, sizeof address);
            found = !IN6_IS_ADDR_LINKLOCAL(&address.sin6_addr);
        }
    }
    ::freeifaddrs(list);
    return found;
}

}  // namespace

LinuxNetworkLink::LinuxNetworkLink(LinuxNetworkLinkOptions options) : options_(std::move(options)) {
    up_ = read_state();
}

LinuxNetworkLink::~LinuxNetworkLink() { stop(); }

bool LinuxNetworkLink::read_state() const {
    const std::string dir = options_.sysfs_net_root + "/" + options_.interface + "/";
    const auto operstate = read_attribute(dir + "operstate");
    if (!operstate) return false;  // no such interface (yet): down
    // carrier cannot be read while the interface is administratively down (EINVAL): no carrier.
    const auto carrier = read_attribute(dir + "carrier");
    const bool has_carrier = carrier && *carrier == "1";
    // "unknown" is what drivers without operstate support (and loopback) report: trust carrier.
    const bool link = *operstate == "up" || (*operstate == "unknown" && has_carrier);
    if (!link || !has_carrier) return false;
    return !options_.require_address || has_address(options_.interface);
}

bool LinuxNetworkLink::is_up() const {
    std::lock_guard lock(mutex_);
    return up_;
}

void LinuxNetworkLink::set_observer(Observer observer) {
    std::lock_guard lock(mutex_);
    observer_ = std::move(observer);
}

bool LinuxNetworkLink::refresh() {
    std::lock_guard serial(refresh_mutex_);
    const bool now = read_state();
    Observer observer;
    {
        std::lock_guard lock(mutex_);
        if (now == up_) return now;
        up_ = now;
        observer = observer_;
    }
    if (observer) observer(now);  // outside the lock: the observer may call is_up()
    return now;
}

Status LinuxNetworkLink::start() {
    if (watcher_ && watcher_->running()) return Status::failure(options_.interface + ": link already watched");
    UniqueFd socket(::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!socket.valid()) return Status::failure(system_error("rtnetlink", "socket", errno));
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;
    address.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
    if (::bind(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        return Status::failure(system_error("rtnetlink", "bind", errno));
    }
    watcher_ = std::make_unique<linux_impl::FdReader>();
    // Any link or address event may concern our interface; re-reading sysfs is cheaper and
    // simpler than decoding the message. A lost event (ENOBUFS) ends in the same re-read.
    Status started = watcher_->start(
        std::move(socket), "rtnetlink", [this](std::string_view) { refresh(); },
        // A netlink socket does not fail in practice; if it did, the link keeps its last state
        // and refresh() still works, which is all the HAL could offer anyway.
        [](const std::string&) {});
    refresh();  // whatever changed between the constructor and the subscription
    return started;
}

void LinuxNetworkLink::stop() {
    if (watcher_) watcher_->stop();
    watcher_.reset();
}

}  // namespace hal::linux
