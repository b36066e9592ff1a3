#include "hal/linux/statvfs_storage.hpp"

#include <sys/statvfs.h>

#include <cerrno>

#include "sysfs_files.hpp"

namespace hal::linux {

Result<std::uint64_t> StatvfsStorage::free_bytes(const std::string& path) const {
    struct statvfs info {};
    if (::statvfs(path.c_str(), &info) != 0) return Status::failure(linux_impl::system_error(path, "statvfs", errno));
    return static_cast<std::uint64_t>(info.f_bavail) * static_cast<std::uint64_t>(info.f_frsize);
}

}  // namespace hal::linux
