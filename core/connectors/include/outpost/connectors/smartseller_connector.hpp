#pragma once
// SmartSeller stock updates (seed 004; upstream-contract.md, "SmartSeller"):
//   stock-update   PATCH <api_prefix>/product/update-stock
//   stock-sync     PATCH <api_prefix>/product/sync-stock
//   stock-opname   POST  <api_prefix>/stock-opname
//   stock-transfer POST  <api_prefix>/stock-transfer
//
// Contract:
// - deliver() sends one queued operation's body unchanged with Authorization: Bearer <api_key>,
//   Idempotency-Key (the operation's key, the same on every retry), X-Device-Id and
//   Accept-Language, and classifies the answer (classify_smartseller_response). It never throws
//   and never blocks longer than the transport's timeouts.
// - The API key is static (the seed's Key Authentication; renewed yearly by SmartSeller): there
//   is no login and no token expiry. A 401 means the key is wrong or revoked: AuthFailed, so the
//   dispatcher shows "auth: failed" and holds the upstream for the backoff cap instead of
//   retrying. A new key needs the config changed and outpostd restarted.
// - The key is a secret: never logged, never part of a message.

#include <chrono>
#include <string>

#include "outpost/common/expected.hpp"
#include "outpost/config/config.hpp"
#include "outpost/connectors/connector.hpp"

namespace outpost::connectors {

struct SmartSellerSettings {
    std::string base_url;  // without a trailing slash, e.g. https://api.smartseller.co.id
    std::string api_prefix = "/api/open";  // the seed's Key Authentication endpoints
    std::string api_key;
    std::string accept_language = "en";  // "en" or "id": the language of the server's messages
    std::string device_id;
};

// Reads [upstream.smartseller]: api_key or api_key_file (required), and the optional
// api_prefix and accept_language.
Expected<SmartSellerSettings> smartseller_settings(const config::UpstreamConfig& upstream,
                                                   const std::string& source_path, const std::string& device_id);

// How SmartSeller's answer to a mutating request is read:
// - 2xx: delivered only when the body says so: "response" is "Success" (or the seed's "Sukses",
//   any case). "Failed" (or "Gagal") in a 2xx body is a refusal: permanent, with the message.
//   A 2xx without a verdict (not JSON, no "response": a proxy's page, say) is an unknown
//   outcome: transient, retried with the same key, which the upstream deduplicates.
// - 409: already delivered under this key. 401: AuthFailed (static key: a retry cannot help).
// - 429 and the rest: the contract's classes (result_from_response), Retry-After kept; 429 is
//   marked rate_limited. Error messages come from SmartSeller's {"response": "Failed",
//   "message": "..." or {"field": ["..."]}} bodies.
DeliveryResult classify_smartseller_response(const transport::Response& response,
                                             std::chrono::system_clock::time_point now);

class SmartSellerConnector final : public Connector {
public:
    explicit SmartSellerConnector(SmartSellerSettings settings);
    DeliveryResult deliver(transport::HttpClient& http, const outbox::Operation& operation) override;

private:
    const SmartSellerSettings settings_;
};

}  // namespace outpost::connectors
