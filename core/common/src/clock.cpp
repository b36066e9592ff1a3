#include "outpost/common/clock.hpp"

#include <algorithm>
#include <cctype>
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

namespace {

// The `count` digits at `at` as a number, or -1 when they are not all digits.
int digits_at(std::string_view text, std::size_t at, std::size_t count) {
    if (at + count > text.size()) return -1;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool valid_day(int year, int month, int day) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= kDays[month - 1] + ((month == 2 && leap) ? 1 : 0);
}

}  // namespace

std::int64_t days_from_civil(int year, int month, int day) {
    // Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date.
    const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t year_of_era = y - era * 400;
    const std::int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

std::optional<Rfc3339Instant> parse_rfc3339(std::string_view text) {
    // date "T" hh ":" mm ":" ss [ "." fraction ] ( "Z" / ("+" / "-") hh ":" mm )
    const int year = digits_at(text, 0, 4);
    const int month = digits_at(text, 5, 2);
    const int day = digits_at(text, 8, 2);
    if (text.size() < 20 || year < 0 || month < 0 || day < 0 || text[4] != '-' || text[7] != '-' ||
        !valid_day(year, month, day) || (text[10] != 'T' && text[10] != 't')) {
        return std::nullopt;
    }
    const int hour = digits_at(text, 11, 2);
    const int minute = digits_at(text, 14, 2);
    const int second = digits_at(text, 17, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || text[13] != ':' ||
        text[16] != ':') {
        return std::nullopt;
    }
    std::size_t at = 19;
    int millis = 0;
    if (at < text.size() && text[at] == '.') {
        const std::size_t start = ++at;
        int scale = 100;
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0) {
            millis += (text[at] - '0') * scale;
            scale /= 10;
            ++at;
        }
        if (at == start) return std::nullopt;
    }
    int offset = 0;
    if (at + 1 == text.size() && (text[at] == 'Z' || text[at] == 'z')) {
        offset = 0;
    } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
        const int offset_hours = digits_at(text, at + 1, 2);
        const int offset_minutes = digits_at(text, at + 4, 2);
        if (offset_hours < 0 || offset_hours > 23 || offset_minutes < 0 || offset_minutes > 59) return std::nullopt;
        offset = (offset_hours * 60 + offset_minutes) * (text[at] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    const std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                                 std::min(second, 59) - static_cast<std::int64_t>(offset) * 60;
    return Rfc3339Instant{seconds * 1000 + millis, offset};
}

}  // namespace outpost
