// SmartSeller stock endpoints (seed 004; upstream-contract.md, "SmartSeller"), on the same HTTPS
// listener as the other upstreams, each behind the ApiGate's common rules (outage, fault steps
// on its path, X-Device-Id, JSON content type):
//   PATCH /api/open/product/update-stock  ADD/SUB per warehouse (move_warehouse_stock: between
//                                         the main warehouse 0 and the given one)
//   PATCH /api/open/product/sync-stock    absolute stock of the variation in the main warehouse
//   POST  /api/open/stock-opname          counted stock of variations in one warehouse
//   POST  /api/open/stock-transfer        stock moved between two warehouses, at most 100 variations
// Checked in this order: Authorization: Bearer <the API key> (else 401), Idempotency-Key
// (else 400), a JSON object (400), the body rules (smartseller_rules.hpp; 400 with the messages
// per field), then the stock (a level may not go below zero: 400, nothing applied). A known key
// with the same endpoint and body answers 409 with the original answer; with another body 422.
// Successes are 200 {"response": "Success", "data": ...} ("Sukses" for stock-transfer, as the
// seed shows it, and for every endpoint with Accept-Language: id); every error, injected faults
// and outages included, is {"response": "Failed", "message": ..., "data": null}.
#pragma once

#include "api_hooks.hpp"
#include "smartseller_store.hpp"
#include "stats.hpp"

#include <httplib.h>

#include <mutex>
#include <string>

namespace upstream_sim {

// The one API key the shop accepts; the admin API can replace it (revoking the old one).
class SmartSellerKey {
 public:
  explicit SmartSellerKey(std::string key) : key_(std::move(key)) {}
  bool matches(const std::string& presented) const;
  void replace(std::string key);

 private:
  mutable std::mutex mutex_;
  std::string key_;
};

// store, stats and key must outlive the server.
void register_smartseller_api(httplib::Server& server, const ApiGate& gate, SmartSellerStore& store,
                              Stats& stats, const SmartSellerKey& key);

}  // namespace upstream_sim
