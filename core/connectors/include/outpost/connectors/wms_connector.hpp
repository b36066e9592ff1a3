#pragma once
// SMILE WMS integration (upstream-contract.md, "SMILE WMS integration"): POST /auth/login, the
// master-data pulls into the catalog (wms_master_data.hpp), and disposal cancellations
// (POST /wms/disposal/cancellation) as queued operations.
//
// Contract:
// - deliver() sends one queued disposal cancellation with its idempotency key and classifies the
//   answer the contract's way: 2xx delivered, 409 already delivered (cancelled by this key
//   before), 404 (unknown instruction) and 422 (already executed, invalid) permanent, 401 one
//   re-login and retry. It never throws.
// - One login session (token_session.hpp) is shared by the delivery threads and the master-data
//   puller. The login's field names and where the token sits in its answer are configuration
//   (JSON pointers) with the contract's values as defaults.
// - pullers() returns the master-data puller, unless [upstream.wms] pull_types is empty.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "outpost/catalog/master_data.hpp"
#include "outpost/common/expected.hpp"
#include "outpost/config/config.hpp"
#include "outpost/connectors/connector.hpp"
#include "outpost/connectors/token_session.hpp"

namespace outpost::catalog {
class Catalog;
}

namespace outpost::connectors {

class WmsMasterDataPuller;

struct WmsSettings {
    std::string base_url;  // without a trailing slash
    std::string username;  // the account's e-mail address
    std::string password;
    std::string device_id;
    std::string username_field = "email";
    std::string password_field = "password";
    std::string token_pointer = "/data/token";
    std::string expiry_pointer = "/data/expired_at";
    std::chrono::seconds pull_interval{900};
    int page_size = 500;  // `paginate`; the contract allows at most 500
    std::vector<catalog::EntityType> pull_types;  // default: every type, in pull order
};

// Reads [upstream.wms]: username and password (or password_file) required; optional
// username_field, password_field, token_pointer, expiry_pointer, pull_interval_s (seconds between
// complete pulls, 1 .. 604800, default 900), page_size (1..500, default 500) and pull_types
// (entity type names, default all six; [] turns the pulls off).
Expected<WmsSettings> wms_settings(const config::UpstreamConfig& upstream, const std::string& source_path,
                                   const std::string& device_id);

class WmsConnector final : public Connector {
public:
    // `catalog` receives the master data and outlives the connector.
    WmsConnector(WmsSettings settings, catalog::Catalog& catalog);
    ~WmsConnector() override;

    DeliveryResult deliver(transport::HttpClient& http, const outbox::Operation& operation) override;
    void before_drain(transport::HttpClient& http, std::int64_t backlog) override;
    std::vector<Puller*> pullers() override;

private:
    const WmsSettings settings_;
    TokenSession session_;
    std::unique_ptr<WmsMasterDataPuller> master_data_;
};

}  // namespace outpost::connectors
