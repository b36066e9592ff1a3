#pragma once
// SMILE DIN integration: POST /ifp/login, POST /ssl/ifp/picking/order (upstream-contract.md).
//
// Contract:
// - deliver() sends one queued picking order with its idempotency key and returns how it went;
//   it never throws and never blocks longer than the transport's timeouts (twice, when a 401
//   makes it log in again).
// - It logs in lazily, keeps the token until shortly before expired_at, and on a 401 logs in
//   again once and retries once.
// - Not thread-safe: one connector per delivery thread (it owns that thread's HttpClient use).

#include <chrono>
#include <optional>
#include <string>

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

class DinConnector {
public:
    DinConnector(transport::HttpClient& http, DinSettings settings);

    DeliveryResult deliver(const outbox::Operation& operation);

    [[nodiscard]] bool has_token() const { return token_.has_value(); }

private:
    struct Token {
        std::string value;
        std::chrono::system_clock::time_point expires_at;
    };

    // nullopt on success, else the result to report for the operation.
    std::optional<DeliveryResult> log_in();
    Expected<transport::Response> post_picking(const outbox::Operation& operation);

    transport::HttpClient& http_;
    DinSettings settings_;
    std::optional<Token> token_;
};

}  // namespace outpost::connectors
