// SMILE WMS integration, as the contract describes it (login is smile_login's POST /auth/login):
//   GET  /v2/{entities,provinces,regencies,subdistricts,materials,entity-tags}
//        ?page=N&paginate=P[&updated_since=RFC3339]  Bearer token
//        -> 200 {"status": "success", "data": [...], "meta": {"page", "paginate", "total_page",
//           "total_item"}} | 401 | 422 (bad page, paginate above 500, bad updated_since)
//   POST /wms/disposal/cancellation  Bearer token, Idempotency-Key, body per the contract
//        -> 200 cancelled | 409 replay of a known key | 404 unknown instruction
//           | 422 invalid, executed, cancelled before by another key, key reused | 401 | 400
#pragma once

#include "api_hooks.hpp"
#include "stats.hpp"
#include "store.hpp"
#include "wms_data.hpp"
#include "wms_disposal.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <deque>
#include <mutex>

namespace upstream_sim {

// The master-data requests served, so tests can tell a full pull from an incremental one
// (GET /admin/wms/requests). Keeps the latest 1000.
class WmsRequestLog {
 public:
  void add(nlohmann::json entry);
  nlohmann::json to_json() const;  // {"requests": [{"type", "page", "paginate", "updated_since", "returned"}]}
  void clear();

 private:
  mutable std::mutex mutex_;
  std::deque<nlohmann::json> entries_;
};

// Everything the WMS area reads and changes; all of it must outlive the servers.
struct WmsTargets {
  Store& store;  // tokens issued by /auth/login
  Stats& stats;
  WmsData& data;
  WmsDisposals& disposals;
  WmsRequestLog& requests;
};

void register_wms_api(httplib::Server& server, const ApiGate& gate, const WmsTargets& targets);

}  // namespace upstream_sim
