#pragma once
// Sim board: storage whose free space is set by hand, for every path alike. Thread-safe.

#include <cstdint>
#include <mutex>
#include <string>

#include "hal/storage.hpp"

namespace hal::sim {

class SimStorage final : public Storage {
public:
    explicit SimStorage(std::uint64_t free_bytes) : free_(free_bytes) {}

    [[nodiscard]] Result<std::uint64_t> free_bytes(const std::string& path) const override;

    // Knobs.
    void set_free_bytes(std::uint64_t free_bytes);
    void fail_with(std::string message);  // free_bytes() fails with it; empty: works again

private:
    mutable std::mutex mutex_;
    std::uint64_t free_;
    std::string failure_;
};

}  // namespace hal::sim
