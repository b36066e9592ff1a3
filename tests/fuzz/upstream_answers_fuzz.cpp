// Fuzz target: what the agent makes of an upstream's answer, whatever the server (or anything
// between it and the device) sends: the status class (classify_status), the Retry-After header
// (parse_retry_after), a login answer's token and expiry (read_login_answer, with the default
// JSON pointers and a few a deployment might configure) and an error answer's message for
// operators (server_message).
//
// Input: the whole input is the body, and also the Retry-After value; its first four bytes are
// also read as a status code. Properties, beyond "no crash, no sanitizer report": a token is
// never empty and its expiry within kMaxTokenLifetime of now; a Retry-After delay is never
// negative; the operator's message is short, has no control characters and can be put in the
// status JSON (nlohmann::json::dump() throws on text that is not UTF-8).

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "outpost/connectors/answers.hpp"
#include "outpost/connectors/delivery.hpp"

namespace {

using outpost::connectors::LoginAnswerFormat;

const LoginAnswerFormat kFormats[] = {
    {},                                                   // SMILE DIN: /data/token, /data/expired_at
    {"/token", "/expired_at", std::chrono::hours(12)},    // Sales Order API
    {"/data/api_token", "/data/expires", std::chrono::seconds(600)},
    {"/data/0/token", "/data/0/expired_at", std::chrono::seconds(1)},
    // Pointers a config may hold that nlohmann's json_pointer would throw on for some bodies.
    {"/data/18446744073709551616", "/data/~1x~0/-", std::chrono::seconds(600)},
};

// A fixed "now" keeps runs reproducible: 2026-11-23T00:00:00Z.
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1795392000));

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);

    std::int32_t status = 0;
    if (size >= sizeof status) std::memcpy(&status, data, sizeof status);
    (void)outpost::connectors::to_string(outpost::connectors::classify_status(status));

    if (const auto delay = outpost::connectors::parse_retry_after(body, kNow)) FUZZ_CHECK(delay->count() >= 0);

    for (const LoginAnswerFormat& format : kFormats) {
        auto token = outpost::connectors::read_login_answer(body, format, kNow);
        if (token) {
            FUZZ_CHECK(!token->value.empty());
            FUZZ_CHECK(token->expires_at >= kNow - outpost::connectors::kMaxTokenLifetime &&
                       token->expires_at <= kNow + outpost::connectors::kMaxTokenLifetime);
        } else {
            FUZZ_CHECK(!token.error().message.empty());
        }
    }

    const std::string message = outpost::connectors::server_message(body);
    FUZZ_CHECK(message.size() <= outpost::connectors::kMaxMessageBytes);
    for (const char c : message) FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);
    (void)nlohmann::json({{"last_error", message}}).dump();
    return 0;
}
