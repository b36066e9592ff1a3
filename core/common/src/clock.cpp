#include "outpost/common/clock.hpp"

#include <cstdio>
#include <ctime>

#include "outpost_build_time.hpp"

namespace outpost {

UnixMillis build_time_ms() { return kOutpostBuildTimeSeconds * 1000; }

std::string format_rfc3339_utc(UnixMillis at) {
    const std::time_t seconds = static_cast<std::time_t>(at / 1000);
    const int millis = static_cast<int>(at % 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[64];  // generous: the compiler cannot bound every int field
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
    return buffer;
}

}  // namespace outpost
