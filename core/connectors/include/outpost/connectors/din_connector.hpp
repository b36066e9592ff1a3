#pragma once
// SMILE DIN integration: POST /ifp/login, POST /ssl/ifp/picking/order (upstream-contract.md).
//
// Contract:
// - deliver() sends one queued picking order with its idempotency key and returns how it went;
//   it never throws and never blocks longer than the transport's timeouts (twice, when a 401
//   makes it log in again).
// - The login session (token_session.hpp) is shared by every delivery thread: it logs in
//   lazily, keeps the token until shortly before expired_at, and on a 401 logs in again once
//   and retries once.
// - The login's field names and where the token sits in its answer are configuration (JSON
//   pointers) with the contract's values as defaults.

#include <chrono>
#include <memory>
#include <string>

#include "outpost/common/expected.hpp"
#include "outpost/config/config.hpp"
#include "outpost/connectors/connector.hpp"
#include "outpost/connectors/token_session.hpp"

namespace outpost::connectors {

struct DinSettings {
    std::string base_url;  // without a trailing slash
    std::string username;
    std::string password;
    std::string device_id;
    std::string username_field = "username";
    std::string password_field = "password";
    std::string token_pointer = "/data/token";
    std::string expiry_pointer = "/data/expired_at";
};

// Reads [upstream.din]: username (required), password or password_file (required), and the
// optional username_field, password_field, token_pointer, expiry_pointer.
Expected<DinSettings> din_settings(const config::UpstreamConfig& upstream, const std::string& source_path,
                                   const std::string& device_id);

class DinConnector final : public Connector {
public:
    explicit DinConnector(DinSettings settings);

    DeliveryResult deliver(transport::HttpClient& http, const outbox::Operation& operation) override;
    // With a large backlog, a token that expires within the drain window is renewed first.
    void before_drain(transport::HttpClient& http, std::int64_t backlog) override;

private:
    const DinSettings settings_;
    TokenSession session_;
};

}  // namespace outpost::connectors
