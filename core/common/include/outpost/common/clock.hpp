#pragma once
// Time helpers shared by the agent's modules. Wall-clock time is stored (as Unix milliseconds)
// because operators read it; scheduling decisions use the monotonic clock (steady_clock).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// An RFC 3339 date-time with its offset ("2026-11-23T10:15:00+07:00", "...Z", optional
// fraction) as Unix milliseconds, and the offset in minutes east of UTC; nullopt for anything
// else (a local time without an offset included: guessing one would reorder events).
struct Rfc3339Instant {
    UnixMillis at = 0;
    int offset_minutes = 0;
};
std::optional<Rfc3339Instant> parse_rfc3339(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (negative before 1970).
std::int64_t days_from_civil(int year, int month, int day);

}  // namespace outpost
