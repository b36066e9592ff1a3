#pragma once
// PMP Smart (seed 001; upstream-contract.md "PMP Smart"):
//   POST /api/v1/auth/login         {"email", "password"} -> token at data.api_token
//   POST /api/v1/auth/logout        Bearer
//   POST /api/v1/json/order         {"kode_order", "json_data" (a JSON string), "status"}
//   POST /api/v1/json/order/update  the same body
//
// Contract:
// - deliver() sends one queued pmp-order-insert or pmp-order-update (intake has already turned
//   json_data into its string) with its idempotency key; it never throws and never blocks longer
//   than the transport's timeouts (twice, when a 401 makes it log in again).
// - Success is "status": "success" in the body, not the HTTP status alone: a 2xx whose JSON
//   status is anything else is the API refusing the order (permanent, with its message); a 2xx
//   without a readable status (a proxy's page, a cut body) is transient, retried with the same key.
// - The login answer carries no documented expiry: the token is kept for token_lifetime_s (or
//   until expiry_pointer's time, when a deployment sends one) and a 401 logs in again once.
// - end_session() logs out (POST /api/v1/auth/logout) when the agent stops: PMP's tokens are
//   server-side sessions, and one left behind at every restart would pile up, valid, on the
//   server. Off with logout_on_shutdown = false.
// - The password and tokens are never logged or put in a DeliveryResult.
//
// The seed's filter endpoint (POST /api/v1/json/order/get/filter) is a query, not an operation:
// the agent only pushes what the device produced, so it has no use for it (docs/architecture.md).

#include <chrono>
#include <string>

#include "outpost/common/expected.hpp"
#include "outpost/config/config.hpp"
#include "outpost/connectors/connector.hpp"
#include "outpost/connectors/token_session.hpp"

namespace outpost::connectors {

struct PmpSettings {
    std::string base_url;  // without a trailing slash
    std::string device_id;
    std::string email;
    std::string password;
    std::string email_field = "email";
    std::string password_field = "password";
    std::string token_pointer = "/data/api_token";
    std::string expiry_pointer;  // none by default: the seed's login answer has no expiry
    std::chrono::seconds token_lifetime{std::chrono::hours(24)};
    bool logout_on_shutdown = true;
};

// Reads [upstream.pmp]: email (required), password or password_file (required), and the
// optional email_field, password_field, token_pointer, expiry_pointer, token_lifetime_s,
// logout_on_shutdown.
Expected<PmpSettings> pmp_settings(const config::UpstreamConfig& upstream, const std::string& source_path,
                                   const std::string& device_id);

class PmpConnector final : public Connector {
public:
    explicit PmpConnector(PmpSettings settings);

    DeliveryResult deliver(transport::HttpClient& http, const outbox::Operation& operation) override;
    void before_drain(transport::HttpClient& http, std::int64_t backlog) override;
    void end_session(transport::HttpClient& http) override;

private:
    const PmpSettings settings_;
    TokenSession session_;
};

// How an answer of the JSON order endpoints is classified (exposed for tests).
DeliveryResult classify_pmp_answer(const transport::Response& response, std::chrono::system_clock::time_point now);

}  // namespace outpost::connectors
