#pragma once
// What a connector reports back for one delivery attempt (upstream-contract.md, "Status classes").

#include <chrono>
#include <optional>
#include <string>

namespace outpost::connectors {

enum class Outcome {
    Delivered,         // 2xx: applied now
    AlreadyDelivered,  // 409 with a known key: applied earlier; success
    Transient,         // 408, 425, 429, 5xx, no answer: try again later with the same key
    Permanent,         // other 4xx: will never succeed unchanged; goes to dead letters
    AuthFailed,        // the login itself was refused: wait for an operator, don't hammer
};
const char* to_string(Outcome outcome);

struct DeliveryResult {
    Outcome outcome = Outcome::Transient;
    std::string message;  // for operators: status and the server's message; never a secret
    std::optional<std::chrono::seconds> retry_after;  // from Retry-After, when the server sent one
    // 429: the upstream is up and asks this client to slow down. Transient, but not a sign of an
    // outage: the dispatcher holds the whole upstream (the limit is per client, every lane would
    // meet it) instead of counting it towards the circuit breaker.
    bool rate_limited = false;
};

// Classifies an HTTP status of a mutating request per the contract.
Outcome classify_status(long status);

// Parses Retry-After in either form (delta-seconds or an HTTP date); nullopt when unusable or
// more than 999,999,999 seconds away. Never throws, whatever the server sent.
std::optional<std::chrono::seconds> parse_retry_after(const std::string& value,
                                                      std::chrono::system_clock::time_point now);

}  // namespace outpost::connectors
