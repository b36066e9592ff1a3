#include "faults.hpp"

namespace upstream_sim {

bool Faults::up() const {
  std::lock_guard lock(mutex_);
  return up_;
}

void Faults::set_up(bool up) {
  std::lock_guard lock(mutex_);
  up_ = up;
}

void Faults::set_statuses(const std::string& path, const std::vector<int>& statuses) {
  std::lock_guard lock(mutex_);
  if (statuses.empty()) {
    queued_.erase(path);
  } else {
    queued_[path] = std::deque<int>(statuses.begin(), statuses.end());
  }
}

void Faults::clear() {
  std::lock_guard lock(mutex_);
  queued_.clear();
}

std::optional<int> Faults::take(const std::string& path) {
  std::lock_guard lock(mutex_);
  const auto it = queued_.find(path);
  if (it == queued_.end()) return std::nullopt;
  const int status = it->second.front();
  it->second.pop_front();
  if (it->second.empty()) queued_.erase(it);
  return status;
}

nlohmann::json Faults::pending() const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [path, statuses] : queued_) out[path] = statuses;
  return out;
}

}  // namespace upstream_sim
