#pragma once
// Pick lists pulled for offline picking from SMILE's order integration (seeds 000 and 002;
// upstream-contract.md): GET /v2/orders?status=S&page=P&paginate=N for each configured status,
// and GET /v2/order/{key_ssl}/integration to refresh a stored list that no longer appears under
// those statuses. Stored in the catalog's pick-list family (catalog/pick_lists.hpp).
//
// Contract:
// - pull() runs one complete pull over the given client (the pull thread's own connection),
//   using the connector's login session, and never throws. Per status it stores page by page
//   (memory bounded by a page) and records the feed "pick-lists/<status>" in the catalog's pull
//   state only once every page of that status was stored: a pull that fails half-way is simply
//   repeated. It looks at `stop` between requests and then returns Transient at once.
// - Stored lists of a configured status that the listing no longer shows (the order moved on
//   upstream: shipped, cancelled) are read again one by one through the integration endpoint, at
//   most max_refresh per pull, so the device does not offer a stale list as pickable: 200 updates
//   it (with its new status), 404 removes it.
// - An order or item the agent cannot read (no id, no key_ssl, a qty that is not a positive
//   integer) is skipped and counted, never stored half-read; the rest of the page is stored.
// - Result classes as for deliveries (delivery.hpp): Delivered when the pull completed (the
//   message says how much it brought); Transient/AuthFailed/Permanent as the answer says (a 2xx
//   whose body is not the contract's is Permanent: waiting will not change it).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "outpost/catalog/catalog.hpp"
#include "outpost/connectors/delivery.hpp"
#include "outpost/connectors/puller.hpp"
#include "outpost/connectors/token_session.hpp"
#include "outpost/transport/http_client.hpp"

namespace outpost::connectors {

struct PickListPullSettings {
    std::string base_url;  // without a trailing slash
    std::string device_id;
    std::vector<std::string> statuses{"allocated"};  // the order statuses worth picking offline
    std::int64_t page_size = 100;                    // paginate: at most 500
    std::chrono::seconds interval{300};              // between complete pulls
    std::int64_t max_refresh = 50;                   // integration reads per pull
};

// A Puller (puller.hpp): the SMILE orders connector offers it to the agent's pull threads when
// [upstream.smile-orders] pick_list_statuses names statuses.
class PickListPull final : public Puller {
public:
    // `session` and `catalog` outlive this object.
    PickListPull(PickListPullSettings settings, TokenSession& session, catalog::Catalog& catalog);

    [[nodiscard]] std::string name() const override { return "smile-orders/pick-lists"; }
    [[nodiscard]] std::chrono::seconds interval() const override { return settings_.interval; }
    DeliveryResult pull(transport::HttpClient& http, const std::atomic<bool>& stop) override;

private:
    struct Tally;
    DeliveryResult pull_status(transport::HttpClient& http, const std::atomic<bool>& stop, const std::string& status,
                               Tally& tally);
    DeliveryResult refresh_stale(transport::HttpClient& http, const std::atomic<bool>& stop, Tally& tally);

    const PickListPullSettings settings_;
    TokenSession& session_;
    catalog::Catalog& catalog_;
};

}  // namespace outpost::connectors
