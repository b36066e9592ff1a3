#pragma once
// Time helpers shared by the agent's modules. Wall-clock time is stored (as Unix milliseconds)
// because operators read it; scheduling decisions use the monotonic clock (steady_clock).

#include <chrono>
#include <cstdint>
#include <string>

namespace outpost {

using UnixMillis = std::int64_t;

inline UnixMillis wall_clock_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// RFC 3339 in UTC with millisecond precision, e.g. "2026-11-23T10:15:00.000Z".
std::string format_rfc3339_utc(UnixMillis at);

}  // namespace outpost
