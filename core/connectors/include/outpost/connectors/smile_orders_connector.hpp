#pragma once
// SMILE order integration (SIHA/SITB) and Order API (seeds 000 and 002; upstream-contract.md):
//   POST /auth/login                        {"email", "password"} -> token at /data/token
//   PUT  /orders/{id}/{status}              {"comment", "updated_at"}        (kind order-status)
//   POST /orders/{id}/order-item-stocks     {"items": [{"order_item_id", "stocks": [...]}]}
//                                                                            (kind order-item-stocks)
//
// Contract:
// - deliver() sends one queued operation of either kind (intake/order_changes.hpp made the
//   payload) with Authorization, Idempotency-Key and X-Device-Id, and classifies the answer as
//   the contract says (2xx delivered, 409 already delivered, 401 log in again once, 408/425/
//   429/5xx transient, other 4xx permanent). An out-of-order transition the upstream refuses
//   (422) is permanent: the operation goes to dead letters and, because intake marks these kinds
//   blocks_lane, the order's later changes wait behind it. It never throws.
// - An operation of another kind, or a payload it cannot read, is permanent (it cannot become
//   deliverable by waiting).
// - The login session (token_session.hpp) is shared by every delivery thread. The login's path,
//   field names and where the token sits in its answer are configuration, with the contract's
//   values as defaults (the SIHA/SITB login is SMILE's /auth/login, the same as WMS's).
// - pullers() offers the pick-list pull (smile_pick_lists.hpp) when pick_list_statuses names
//   statuses and the connector was given a catalog; it shares the delivery threads' session.

#include <memory>
#include <string>
#include <vector>

#include "outpost/common/expected.hpp"
#include "outpost/config/config.hpp"
#include "outpost/connectors/connector.hpp"
#include "outpost/connectors/smile_pick_lists.hpp"
#include "outpost/connectors/token_session.hpp"

namespace outpost::connectors {

struct SmileOrdersSettings {
    std::string base_url;  // without a trailing slash
    std::string username;
    std::string password;
    std::string device_id;
    std::string login_path = "/auth/login";
    std::string username_field = "email";
    std::string password_field = "password";
    std::string token_pointer = "/data/token";
    std::string expiry_pointer = "/data/expired_at";
    // Pick lists pulled for offline picking (base_url and device_id are the connector's). No
    // statuses: no pull; smile_orders_settings() leaves them empty unless the config names some.
    PickListPullSettings pick_lists;
};

// Reads [upstream.smile-orders]: username (required), password or password_file (required), and
// the optional login_path, username_field, password_field, token_pointer, expiry_pointer, and
// for the pick-list pull pick_list_statuses (order statuses worth picking offline; default none:
// no pull), pick_list_interval_s (1..604800, default 300), pick_list_page_size (1..500, default
// 100) and pick_list_max_refresh (0..1000, default 50).
Expected<SmileOrdersSettings> smile_orders_settings(const config::UpstreamConfig& upstream,
                                                    const std::string& source_path, const std::string& device_id);

class SmileOrdersConnector final : public Connector {
public:
    // `catalog` (may be null: no pick-list pull) receives the pick lists and outlives the connector.
    explicit SmileOrdersConnector(SmileOrdersSettings settings, catalog::Catalog* catalog = nullptr);
    ~SmileOrdersConnector() override;

    DeliveryResult deliver(transport::HttpClient& http, const outbox::Operation& operation) override;
    void before_drain(transport::HttpClient& http, std::int64_t backlog) override;
    std::vector<Puller*> pullers() override;

private:
    const SmileOrdersSettings settings_;
    TokenSession session_;
    std::unique_ptr<PickListPull> pick_lists_;
};

}  // namespace outpost::connectors
