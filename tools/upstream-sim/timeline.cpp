#include "timeline.hpp"

#include <deque>
#include <utility>

namespace upstream_sim {
namespace {

// Bounds, so a simulator left running under load for days cannot grow without limit: one hour
// of buckets, and the first requests of ten thousand devices (a fleet test uses hundreds).
constexpr std::size_t max_buckets = 36'000;
constexpr std::size_t max_devices = 10'000;
constexpr std::int64_t buckets_per_second = 1000 / Timeline::bucket_ms;

}  // namespace

void Timeline::on_request(const std::string& device, std::int64_t now_ms) {
  const std::int64_t bucket = now_ms - now_ms % bucket_ms;
  std::lock_guard lock(mutex_);
  ++buckets_[bucket];
  if (buckets_.size() > max_buckets) buckets_.erase(buckets_.begin());
  if (first_request_ms_.size() < max_devices || first_request_ms_.count(device) != 0) {
    first_request_ms_.emplace(device, now_ms);  // keeps the earlier one
  }
}

void Timeline::reset() {
  std::lock_guard lock(mutex_);
  buckets_.clear();
  first_request_ms_.clear();
}

nlohmann::json Timeline::to_json() const {
  std::lock_guard lock(mutex_);
  nlohmann::json buckets = nlohmann::json::array();
  // Sliding window of one second over the buckets (empty buckets count as 0).
  std::deque<std::pair<std::int64_t, std::uint64_t>> window;
  std::uint64_t in_window = 0;
  std::uint64_t peak = 0;
  std::int64_t peak_end = 0;
  for (const auto& [start, requests] : buckets_) {
    buckets.push_back(nlohmann::json::array({start, requests}));
    window.emplace_back(start, requests);
    in_window += requests;
    while (window.front().first <= start - buckets_per_second * bucket_ms) {
      in_window -= window.front().second;
      window.pop_front();
    }
    if (in_window > peak) {
      peak = in_window;
      peak_end = start + bucket_ms;
    }
  }
  return nlohmann::json{{"bucket_ms", bucket_ms},
                        {"buckets", buckets},
                        {"peak_per_second", peak},
                        {"peak_window_end_ms", peak_end},
                        {"first_request_ms", first_request_ms_},
                        {"devices", first_request_ms_.size()}};
}

}  // namespace upstream_sim
