#include "fd_reader.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>

#include "sysfs_files.hpp"

namespace hal::linux_impl {

Status FdReader::start(UniqueFd fd, std::string name, OnData on_data, OnEnd on_end) {
    if (running()) return Status::failure(name + ": already started");
    stop();  // joins a thread that ended on its own
    ended_ = false;
    wake_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake_.valid()) return Status::failure(system_error(name, "eventfd", errno));
    fd_ = std::move(fd);
    name_ = std::move(name);
    on_data_ = std::move(on_data);
    on_end_ = std::move(on_end);
    thread_ = std::thread([this] { run(); });
    return {};
}

void FdReader::stop() {
    if (!thread_.joinable()) return;
    const std::uint64_t one = 1;
    // Cannot fail in a way that matters: the counter only overflows after 2^64 stops.
    [[maybe_unused]] const ssize_t ignored = ::write(wake_.get(), &one, sizeof one);
    thread_.join();
    fd_.reset();
    wake_.reset();
}

void FdReader::run() {
    std::array<char, 512> buffer{};
    while (true) {
        std::array<pollfd, 2> fds{pollfd{fd_.get(), POLLIN, 0}, pollfd{wake_.get(), POLLIN, 0}};
        const int ready = ::poll(fds.data(), fds.size(), -1);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) {
            ended_ = true;
            on_end_(system_error(name_, "poll", errno));
            return;
        }
        if (fds[1].revents != 0) return;  // stop() asked
        if (fds[0].revents == 0) continue;
        const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
        if (n > 0) {
            on_data_(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
            continue;
        }
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0 && errno == ENOBUFS) {  // a netlink socket overflowed: events were lost
            on_data_({});
            continue;
        }
        // A tty whose other side went away reads EIO; a pipe or file reads 0 at the end.
        ended_ = true;
        on_end_(n == 0 ? name_ + ": device closed" : system_error(name_, "read", errno));
        return;
    }
}

}  // namespace hal::linux_impl
