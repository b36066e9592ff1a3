#pragma once
// Reading what an upstream answered: a login answer's token and expiry, an error answer's
// message. Pure functions of the answer's text (and the time given): no transport, no I/O, no
// global state, so they are fuzzed on their own (tests/fuzz) with whatever a server might send.
//
// Contract:
// - read_login_answer() reads a 2xx login answer: the token is the non-empty string at
//   format.token_pointer; the expiry, unix seconds, the integer at format.expiry_pointer when it
//   lies within kMaxTokenLifetime of `now` (a past one too: the token is then renewed before
//   its next use), else now + format.default_lifetime. A pointer that resolves to nothing, in
//   any document, is "missing", never an exception. Anything else is an Error saying what was
//   missing (never the body itself: it may hold a token).
// - server_message() is the operator's excerpt of an error answer: the "message" of a
//   SMILE-style body ({"message", "errors"}), with its "errors" object, SmartSeller's messages
//   per field ({"message": {"field": ["..."]}}) as "field: ...; ...", or else the start of
//   the body; at most kMaxMessageBytes, valid UTF-8 without control characters, so the logs,
//   the status JSON (which cannot hold anything else) and a terminal can show it as it is.
// - A body nesting arrays and objects deeper than 64 levels is not read as JSON.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "outpost/common/expected.hpp"

namespace outpost::connectors {

struct Token {
    std::string value;
    std::chrono::system_clock::time_point expires_at;
};

// Where a deployment's login answer keeps the token (JSON pointers, RFC 6901; config says).
struct LoginAnswerFormat {
    std::string token_pointer = "/data/token";
    std::string expiry_pointer = "/data/expired_at";
    std::chrono::seconds default_lifetime{600};
};

inline constexpr auto kMaxTokenLifetime = std::chrono::hours(24 * 366);
inline constexpr std::size_t kMaxMessageBytes = 300;

[[nodiscard]] Expected<Token> read_login_answer(std::string_view body, const LoginAnswerFormat& format,
                                                std::chrono::system_clock::time_point now);

[[nodiscard]] std::string server_message(std::string_view body);

}  // namespace outpost::connectors
