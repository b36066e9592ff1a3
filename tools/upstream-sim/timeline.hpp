// When API requests arrived, for load measurements (GET /admin/timeline): requests per 100 ms
// bucket, the busiest one-second window, and the first request of each device (X-Device-Id).
// A fleet benchmark reads from it how hard a warehouse of reconnecting devices hits the server
// and how far their first flushes are spread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace upstream_sim {

class Timeline {
 public:
  // One API request (answered or hung up on), from `device` ("" when it sent no X-Device-Id),
  // at `now_ms` (Unix milliseconds).
  void on_request(const std::string& device, std::int64_t now_ms);

  // Forgets everything (POST /admin/reset-stats).
  void reset();

  // {"bucket_ms": 100, "buckets": [[start_ms, requests], ...] (oldest first, empty buckets left
  //  out), "peak_per_second": N (most requests in any one-second window, i.e. 10 consecutive
  //  buckets), "peak_window_end_ms": where that window ends, "first_request_ms": {device: unix ms}, "devices": N}
  nlohmann::json to_json() const;

  static constexpr std::int64_t bucket_ms = 100;

 private:
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::uint64_t> buckets_;               // bucket start -> requests
  std::map<std::string, std::int64_t> first_request_ms_;       // device -> first arrival
};

}  // namespace upstream_sim
