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

// When this agent was built (CMake configure time, or SOURCE_DATE_EPOCH for reproducible builds).
UnixMillis build_time_ms();

// Clock sanity: a device without a real-time clock battery boots in 1970 until NTP answers. A
// wall clock earlier than the build cannot be right; what is stamped with it is flagged.
inline bool wall_clock_plausible(UnixMillis now) { return now >= build_time_ms(); }

}  // namespace outpost
