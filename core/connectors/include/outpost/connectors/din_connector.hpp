#pragma once
// SMILE DIN integration: POST /ifp/login, POST /ssl/ifp/picking/order (upstream-contract.md).
//
// Contract:
// - deliver() sends one queued picking order with its idempotency key and returns how it went;
//   it never throws and never blocks longer than the transport's timeouts (twice, when a 401
//   makes it log in again).
// - It logs in lazily, keeps the token until shortly before expired_at, and on a 401 logs in
//   again once and retries once.
// - Thread-safe: the token is shared by every delivery thread; one of them logs in while the
//   others wait for it, so N threads cause one login, not N.

#include <chrono>
#include <optional>
#include <string>

#include <mutex>

#include "outpost/connectors/connector.hpp"
#include "outpost/connectors/delivery.hpp"
#include "outpost/outbox/outbox.hpp"
#include "outpost/transport/http_client.hpp"

namespace outpost::connectors {

struct DinSettings {
    std::string base_url;  // without a trailing slash
    std::string username;
    std::string password;
    std::string device_id;
};

class DinConnector final : public Connector {
public:
    explicit DinConnector(DinSettings settings);

    DeliveryResult deliver(transport::HttpClient& http, const outbox::Operation& operation) override;
    // With a large backlog, a token that expires within kDrainRefreshWindow is renewed first.
    void before_drain(transport::HttpClient& http, std::int64_t backlog) override;

    static constexpr std::int64_t kLargeBacklog = 100;
    static constexpr std::chrono::minutes kDrainRefreshWindow{10};

private:
    // A token, or the result to report for the operation when none could be had.
    struct TokenOrFailure {
        std::string token;
        std::optional<DeliveryResult> failure;
    };
    TokenOrFailure valid_token(transport::HttpClient& http);
    void forget_token(const std::string& token);
    std::optional<DeliveryResult> log_in_locked(transport::HttpClient& http);
    Expected<transport::Response> post_picking(transport::HttpClient& http, const outbox::Operation& operation,
                                               const std::string& token);

    struct Token {
        std::string value;
        std::chrono::system_clock::time_point expires_at;
    };

    const DinSettings settings_;
    std::mutex token_mutex_;
    std::optional<Token> token_;
};

}  // namespace outpost::connectors
