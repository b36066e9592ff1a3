// The wall clock as the simulator's stores and endpoints record it: Unix seconds (token expiry,
// order changes) and Unix milliseconds (request timelines, applied requests).
#pragma once

#include <chrono>
#include <cstdint>

namespace upstream_sim {

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace upstream_sim
