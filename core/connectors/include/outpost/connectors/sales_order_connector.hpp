#pragma once
// Sales Order API (seed 003; upstream-contract.md "Sales Order API"):
//   POST /api/v1/auth/login    {"client_id", "client_secret"} -> {"token", "expired_at"} (12 h)
//   POST /api/v1/auth/refresh  {"token"}                      -> {"token", "expired_at"}
//   POST /api/v1/sales-orders  the order; Authorization: Bearer, X-CLIENT-ID, X-TIMESTAMP (unix
//                              seconds), X-SIGNATURE = base64(SHA256withRSA(key, id + "|" + ts))
//
// Contract:
// - deliver() sends one queued sales order with its idempotency key; it never throws and never
//   blocks longer than the transport's timeouts (twice, when a 401 makes it log in again).
// - The session (token_session.hpp) is shared by the delivery threads. A token close to its
//   expiry is renewed through the refresh endpoint (no client secret on the wire); when the
//   refresh is refused or fails, the connector logs in with the client secret instead.
// - Each attempt is signed afresh (timestamp at send time), so a retry is never refused as
//   stale. The signing key is loaded once at start (auth::RsaSigner, Mbed TLS) from
//   signing_key_file, which must be readable by the agent's user only.
// - A 401 that persists after a fresh login means the request's authentication itself is
//   refused (signature, client id, clock): AuthFailed, with the server's message and what to
//   check, so the upstream is held and no order is dead-lettered for a configuration fault.
// - The client secret, the key and tokens are never logged or put in a DeliveryResult.

#include <chrono>
#include <memory>
#include <string>

#include "outpost/auth/rsa_signer.hpp"
#include "outpost/common/expected.hpp"
#include "outpost/config/config.hpp"
#include "outpost/connectors/connector.hpp"
#include "outpost/connectors/token_session.hpp"

namespace outpost::connectors {

struct SalesOrderSettings {
    std::string base_url;  // without a trailing slash
    std::string device_id;
    std::string client_id;
    std::string client_secret;
    std::string signing_key_file;
    std::string sales_order_path = "/api/v1/sales-orders";  // the seed leaves it unnamed
    std::string client_id_field = "client_id";
    std::string client_secret_field = "client_secret";
    std::string token_pointer = "/token";
    std::string expiry_pointer = "/expired_at";
};

// Reads [upstream.sales-order]: client_id (required), client_secret or client_secret_file
// (required), signing_key_file (required, mode 0600), and the optional sales_order_path,
// client_id_field, client_secret_field, token_pointer, expiry_pointer.
Expected<SalesOrderSettings> sales_order_settings(const config::UpstreamConfig& upstream, const std::string& source_path,
                                                  const std::string& device_id);

class SalesOrderConnector final : public Connector {
public:
    // Loads the signing key: an Error naming the file when it is unusable or not private.
    static Expected<std::unique_ptr<SalesOrderConnector>> create(SalesOrderSettings settings);

    DeliveryResult deliver(transport::HttpClient& http, const outbox::Operation& operation) override;
    void before_drain(transport::HttpClient& http, std::int64_t backlog) override;

    static constexpr std::chrono::hours kDefaultTokenLifetime{12};  // the seed's, when no expired_at

private:
    SalesOrderConnector(SalesOrderSettings settings, auth::RsaSigner signer);
    LoginResult log_in(transport::HttpClient& http) const;
    LoginResult refresh(transport::HttpClient& http, const Token& current) const;

    const SalesOrderSettings settings_;
    const auth::RsaSigner signer_;
    TokenSession session_;
};

}  // namespace outpost::connectors
