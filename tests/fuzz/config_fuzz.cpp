// Fuzz target: the configuration parser (outpost::config::parse_config) on arbitrary TOML text.
//
// Properties, beyond "no crash, no sanitizer report": a refused file gets an error that names
// the file; an accepted one is complete (device id, at least one https upstream) and its values
// are safe for the code that uses them: durations positive and small enough that the agent's
// arithmetic on them (backoff doubling, deadlines on a nanosecond clock) cannot overflow, counts
// positive, and every upstream option and secret dumps as JSON (connectors put them in request
// bodies).
//
// Relative paths resolve against a folder that does not exist, so *_file keys read nothing.

#include <chrono>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "outpost/config/config.hpp"

namespace {

// A century: far beyond any sensible setting, far below where nanosecond arithmetic overflows
// (about 292 years).
constexpr auto kSaneDuration = std::chrono::hours(24 * 365 * 100);

template <typename Duration>
bool sane(Duration duration, bool zero_allowed = false) {
    return (zero_allowed ? duration.count() >= 0 : duration.count() > 0) && duration <= kSaneDuration;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string source = "/nonexistent/outpost-fuzz/outpostd.toml";
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto parsed = outpost::config::parse_config(text, source);
    if (!parsed) {
        FUZZ_CHECK(parsed.error().module == "config");
        FUZZ_CHECK(parsed.error().message.rfind(source, 0) == 0);
        return 0;
    }
    const outpost::config::Config& config = *parsed;
    FUZZ_CHECK(!config.device_id.empty());
    FUZZ_CHECK(!config.outbox_path.empty() && !config.control_socket.empty());
    FUZZ_CHECK(config.max_operations > 0 && config.max_bytes > 0);
    FUZZ_CHECK(sane(config.retention));
    FUZZ_CHECK(sane(config.delivery.backoff_base) && sane(config.delivery.backoff_cap));
    FUZZ_CHECK(config.delivery.backoff_base <= config.delivery.backoff_cap);
    FUZZ_CHECK(sane(config.delivery.first_flush_jitter, true));
    FUZZ_CHECK(sane(config.delivery.breaker_probe_interval));
    FUZZ_CHECK(config.delivery.breaker_threshold >= 1);
    FUZZ_CHECK(!config.upstreams.empty());
    for (const auto& upstream : config.upstreams) {
        FUZZ_CHECK(upstream.base_url.rfind("https://", 0) == 0);
        FUZZ_CHECK(sane(upstream.connect_timeout) && sane(upstream.request_timeout));
        FUZZ_CHECK(upstream.concurrency >= 1 && upstream.concurrency <= 16);
        FUZZ_CHECK(config.upstream(upstream.name) != nullptr);
        (void)upstream.options.dump();  // throws (and so aborts) on a string that is not UTF-8
        for (const auto& [name, secret] : upstream.secrets) (void)nlohmann::json(secret).dump();  // login bodies
    }
    return 0;
}
