#include "outpost/connectors/delivery.hpp"

#include "outpost/common/clock.hpp"

#include <cctype>
#include <cstdint>
#include <ctime>

namespace outpost::connectors {

const char* to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::Delivered: return "delivered";
        case Outcome::AlreadyDelivered: return "already-delivered";
        case Outcome::Transient: return "transient";
        case Outcome::Permanent: return "permanent";
        case Outcome::AuthFailed: return "auth-failed";
    }
    return "unknown";
}

Outcome classify_status(long status) {
    if (status >= 200 && status < 300) return Outcome::Delivered;
    if (status == 409) return Outcome::AlreadyDelivered;
    if (status == 408 || status == 425 || status == 429 || status >= 500) return Outcome::Transient;
    // 401 is handled by the connector (log in again once); if it persists it is transient:
    // the token or the server's clock is off, not the operation.
    if (status == 401) return Outcome::Transient;
    return Outcome::Permanent;
}

std::optional<std::chrono::seconds> parse_retry_after(const std::string& value,
                                                      std::chrono::system_clock::time_point now) {
    if (value.empty()) return std::nullopt;
    bool all_digits = true;
    for (char c : value) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (all_digits) {
        if (value.size() > 9) return std::nullopt;  // absurd; keep our own backoff
        return std::chrono::seconds(std::stol(value));
    }
    // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". Compared in seconds: a time_point counts
    // nanoseconds, and a date after 2262 overflows it
    // (undefined behaviour, found by tests/fuzz/upstream_answers). Calendar arithmetic, not
    // timegm(): armhf's 32-bit time_t wraps after 2038 and made a date centuries ahead "due".
    std::tm parsed{};
    const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parsed);
    if (end == nullptr || *end != '\0') return std::nullopt;
    const std::int64_t at = days_from_civil(parsed.tm_year + 1900, parsed.tm_mon + 1, parsed.tm_mday) * 86'400 +
                            parsed.tm_hour * 3'600 + parsed.tm_min * 60 + parsed.tm_sec;
    const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (at <= now_s) return std::chrono::seconds(0);
    if (at - now_s > 999'999'999) return std::nullopt;  // as absurd as ten digits of seconds
    return std::chrono::seconds(at - now_s);
}

}  // namespace outpost::connectors
