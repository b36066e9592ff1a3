#include "hal/sim/sim_storage.hpp"

#include <utility>

namespace hal::sim {

Result<std::uint64_t> SimStorage::free_bytes(const std::string& path) const {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return Status::failure(path + ": " + failure_);
    return free_;
}

void SimStorage::set_free_bytes(std::uint64_t free_bytes) {
    std::lock_guard lock(mutex_);
    free_ = free_bytes;
}

void SimStorage::fail_with(std::string message) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(message);
}

}  // namespace hal::sim
