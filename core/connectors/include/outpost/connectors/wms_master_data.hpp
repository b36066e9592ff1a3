#pragma once
// The SMILE WMS master-data pull: GET /v2/<type>?page=N&paginate=P[&updated_since=W] for each
// entity type (upstream-contract.md), page by page into the catalog.
//
// Contract:
// - One pull fetches every configured type in order (parents before children). Each type
//   starts from its watermark in the catalog: none means a full pull, otherwise an incremental
//   one with updated_since = the newest updated_at the upstream sent before (inclusive, so a
//   record updated in the same second as the watermark is never skipped; upserts make the
//   repeat harmless).
// - Pages are stored as they arrive (memory bounded by one page); the watermark and the pull
//   time are recorded only after the type's last page, so a pull interrupted half-way starts
//   again from the old watermark.
// - A page that is not the contract's shape (no data array, a record without an integer id)
//   stores nothing of that page and fails the type as Permanent; the other types go on.
//   Transient failures and refused logins end the whole pull (the upstream is down or refuses
//   us: the next types would fail the same way).
// - Requests carry Authorization (the shared session: a 401 logs in again once), Accept and
//   X-Device-Id; GETs carry no Idempotency-Key (they change nothing).

#include <chrono>
#include <string>
#include <vector>

#include "outpost/catalog/catalog.hpp"
#include "outpost/connectors/puller.hpp"
#include "outpost/connectors/token_session.hpp"

namespace outpost::connectors {

struct WmsSettings;

class WmsMasterDataPuller final : public Puller {
public:
    // settings, session and catalog outlive the puller (the connector owns all three or a
    // reference to them).
    WmsMasterDataPuller(const WmsSettings& settings, TokenSession& session, catalog::Catalog& catalog);

    [[nodiscard]] std::string name() const override { return "wms/master-data"; }
    [[nodiscard]] std::chrono::seconds interval() const override;
    DeliveryResult pull(transport::HttpClient& http, const std::atomic<bool>& stop) override;

private:
    struct TypeResult;
    TypeResult pull_type(transport::HttpClient& http, catalog::EntityType type, const std::atomic<bool>& stop);

    const WmsSettings& settings_;
    TokenSession& session_;
    catalog::Catalog& catalog_;
};

// Encodes `text` for a URL query value (RFC 3986: everything but unreserved characters as %XX),
// so "+07:00" in updated_since is not read as a space.
std::string percent_encode(const std::string& text);

}  // namespace outpost::connectors
