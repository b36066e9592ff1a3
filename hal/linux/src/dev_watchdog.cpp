#include "hal/linux/dev_watchdog.hpp"

#include <fcntl.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "sysfs_files.hpp"

namespace hal::linux {

using linux_impl::system_error;

DevWatchdog::~DevWatchdog() {
    if (fd_ < 0) return;
    [[maybe_unused]] const ssize_t ignored = ::write(fd_, "V", 1);
    ::close(fd_);
}

Status DevWatchdog::enable(std::chrono::milliseconds interval) {
    std::lock_guard lock(mutex_);
    if (interval.count() <= 0) return Status::failure("watchdog interval must be positive");
    if (fd_ < 0) {
        fd_ = ::open(device_.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd_ < 0) return Status::failure(system_error(device_, "open", errno));
    }
    int seconds = static_cast<int>((interval.count() + 999) / 1000);
    if (::ioctl(fd_, WDIOC_SETTIMEOUT, &seconds) != 0) {
        return Status::failure(system_error(device_, "WDIOC_SETTIMEOUT", errno));
    }
    return {};
}

Status DevWatchdog::kick() {
    std::lock_guard lock(mutex_);
    if (fd_ < 0) return {};  // not armed yet: nothing to keep alive
    if (::ioctl(fd_, WDIOC_KEEPALIVE, nullptr) != 0) {
        return Status::failure(system_error(device_, "WDIOC_KEEPALIVE", errno));
    }
    return {};
}

}  // namespace hal::linux
