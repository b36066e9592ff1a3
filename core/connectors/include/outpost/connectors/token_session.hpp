#pragma once
// One upstream's login session, shared by all of its delivery threads.
//
// Contract:
// - valid_token() returns a token that is not within kSafetyMargin of its expiry, logging in
//   (through the LogIn function the connector gives) when there is none. One thread logs in
//   while the others wait for it: N threads cause one login, not N.
// - send_with_token() runs one request with the token; on a 401 it forgets that token, logs in
//   again once and retries once (upstream-contract.md). Whatever the retry answers is returned.
// - before_drain() renews a token that would expire within kDrainRefreshWindow when a large
//   backlog is about to be sent; if that login fails the old token is kept until it expires.
// - refresh (optional): an upstream with a refresh endpoint (Sales Order API) gives a function
//   that renews a still-valid token; it is tried before a full login when the token is near
//   its expiry, and a failed refresh falls back to logging in.
// - Tokens are secrets: this class never logs them.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include "outpost/common/expected.hpp"
#include "outpost/connectors/answers.hpp"
#include "outpost/connectors/delivery.hpp"
#include "outpost/transport/http_client.hpp"

namespace outpost::connectors {

// A login's result: a token, or how the operation that needed it fails (AuthFailed for a refused
// login, Transient when the server could not be reached).
using LoginResult = std::variant<Token, DeliveryResult>;

class TokenSession {
public:
    using LogIn = std::function<LoginResult(transport::HttpClient& http)>;
    using Refresh = std::function<LoginResult(transport::HttpClient& http, const Token& current)>;
    using Send = std::function<Expected<transport::Response>(const std::string& token)>;

    explicit TokenSession(LogIn log_in, Refresh refresh = {});

    struct TokenOrFailure {
        std::string token;
        std::optional<DeliveryResult> failure;
    };
    TokenOrFailure valid_token(transport::HttpClient& http);
    void forget(const std::string& token);
    // The answer, or the failure to report for the operation (no token, no HTTP answer).
    std::variant<transport::Response, DeliveryResult> send_with_token(transport::HttpClient& http, const Send& send);
    void before_drain(transport::HttpClient& http, std::int64_t backlog);
    // The token held now, if any, which the session forgets (for a logout at shutdown).
    std::optional<std::string> release();

    static constexpr std::chrono::seconds kSafetyMargin{60};
    static constexpr std::int64_t kLargeBacklog = 100;
    static constexpr std::chrono::minutes kDrainRefreshWindow{10};

private:
    std::optional<DeliveryResult> renew_locked(transport::HttpClient& http);

    LogIn log_in_;
    Refresh refresh_;
    std::mutex mutex_;
    std::optional<Token> token_;
};

// A JSON login: POST `url` with `body`; the token and its expiry (unix seconds) are read at JSON
// pointers (deployments differ: config says where). Without an expiry, `default_lifetime`.
struct JsonLogin {
    std::string label;  // "DIN login", for messages
    std::string url;
    std::string body;   // holds a secret: never logged
    std::vector<std::pair<std::string, std::string>> headers;
    std::string token_pointer = "/data/token";
    std::string expiry_pointer = "/data/expired_at";
    std::chrono::seconds default_lifetime{600};
};
LoginResult perform_json_login(transport::HttpClient& http, const JsonLogin& login);

}  // namespace outpost::connectors
