#pragma once
// HAL: storage space, so the outbox can refuse new work (back-pressure) before the disk is full.
//
// Contract:
// - free_bytes(path) returns the bytes an unprivileged process can still write on the filesystem
//   that holds `path` (a file or directory that exists). One statvfs-like call: cheap,
//   thread-safe. Fails with a message naming the path when the path does not exist.

#include <cstdint>
#include <string>

#include "hal/result.hpp"

namespace hal {

class Storage {
public:
    virtual ~Storage() = default;
    [[nodiscard]] virtual Result<std::uint64_t> free_bytes(const std::string& path) const = 0;
};

}  // namespace hal
