#include "hal/linux/sd_notify_watchdog.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "sysfs_files.hpp"
#include "unique_fd.hpp"

namespace hal::linux {

using linux_impl::system_error;
using linux_impl::UniqueFd;

Status SdNotifyWatchdog::notify(std::string_view message) const {
    const std::string name = "NOTIFY_SOCKET " + socket_path_;
    if (socket_path_.empty()) return Status::failure("NOTIFY_SOCKET is not set");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path_.size() >= sizeof address.sun_path) return Status::failure(name + ": path too long");
    std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
    if (socket_path_.front() == '@') address.sun_path[0] = '\0';  // abstract namespace
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
    // A socket per message: messages are rare (a kick every few seconds) and nothing stays open
    // that a fork()ed helper could inherit.
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Status::failure(system_error(name, "socket", errno));
    const ssize_t sent = ::sendto(fd.get(), message.data(), message.size(), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(&address), length);
    if (sent < 0) return Status::failure(system_error(name, "send " + std::string(message), errno));
    return {};
}

Status SdNotifyWatchdog::enable(std::chrono::milliseconds interval) {
    if (interval.count() <= 0) return Status::failure("watchdog interval must be positive");
    const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(interval).count();
    return notify("WATCHDOG_USEC=" + std::to_string(usec));
}

Status SdNotifyWatchdog::kick() { return notify("WATCHDOG=1"); }

Status SdNotifyWatchdog::ready() { return notify("READY=1"); }

}  // namespace hal::linux
