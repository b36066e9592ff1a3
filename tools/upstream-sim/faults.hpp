// What the upstream does instead of its normal behaviour: a simulated outage, and status codes
// queued for the next requests to a path. Tests use them to drive the agent's retry, backoff and
// Retry-After handling.
#pragma once

#include <nlohmann/json.hpp>

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace upstream_sim {

class Faults {
 public:
  bool up() const;
  void set_up(bool up);

  // The next statuses.size() requests to path answer these statuses, in order; replaces what
  // was still queued for path.
  void set_statuses(const std::string& path, const std::vector<int>& statuses);
  // Forgets every queued status.
  void clear();
  // Pops the next queued status for path, if any.
  std::optional<int> take(const std::string& path);
  // What is still queued: {"path": [status, ...]}.
  nlohmann::json pending() const;

 private:
  mutable std::mutex mutex_;
  bool up_ = true;
  std::map<std::string, std::deque<int>> queued_;
};

}  // namespace upstream_sim
