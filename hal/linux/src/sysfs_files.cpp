#include "sysfs_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "unique_fd.hpp"

namespace hal::linux_impl {

std::string system_error(const std::string& path, const std::string& what, int error) {
    return path + ": " + what + ": " + std::strerror(error);
}

Result<std::string> read_attribute(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return Status::failure(system_error(path, "open", errno));
    std::string content;
    std::array<char, 256> buffer{};
    while (true) {
        const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Status::failure(system_error(path, "read", errno));
        if (n == 0) break;
        content.append(buffer.data(), static_cast<std::size_t>(n));
    }
    while (!content.empty() && (content.back() == '\n' || content.back() == ' ' || content.back() == '\t')) {
        content.pop_back();
    }
    return content;
}

Status write_attribute(const std::string& path, const std::string& value) {
    // O_TRUNC is ignored by sysfs and keeps a fake tree's file holding exactly the last value.
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd.valid()) return Status::failure(system_error(path, "open", errno));
    const ssize_t n = ::write(fd.get(), value.data(), value.size());
    if (n < 0) return Status::failure(system_error(path, "write \"" + value + "\"", errno));
    if (static_cast<std::size_t>(n) != value.size()) return Status::failure(path + ": short write");
    return {};
}

}  // namespace hal::linux_impl
