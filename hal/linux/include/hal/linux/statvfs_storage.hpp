#pragma once
// Linux: free space from statvfs(): the blocks available to unprivileged processes (f_bavail),
// not the root reserve, since the agent does not run with the reserve in mind.

#include "hal/storage.hpp"

namespace hal::linux {

class StatvfsStorage final : public Storage {
public:
    [[nodiscard]] Result<std::uint64_t> free_bytes(const std::string& path) const override;
};

}  // namespace hal::linux
