// What the Sales Order and PMP Smart endpoints accepted, and PMP's login sessions, in SQLite:
// the same role as store.hpp for DIN, in a file of its own (see partner_db_path) so the two
// never contend for SQLite's single writer.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace upstream_sim {

// --db FILE keeps partner data in FILE.partners; ":memory:" stays in memory.
std::string partner_db_path(const std::string& db);

struct NewSalesOrder {
  std::string idempotency_key;
  std::string client_id;
  std::string customer_code;
  std::optional<std::string> purchase_order_no;
  std::string device_id;
  std::string body;  // canonical JSON, to recognise a replay
};

struct SalesOrderRow {
  std::int64_t seq;  // arrival order, from 1
  std::string code;  // SO-YYYYMMDD-NNNNN
  std::string idempotency_key;
  std::string client_id;
  std::string customer_code;
  std::optional<std::string> purchase_order_no;
  std::string device_id;
  std::string created_at;  // ISO 8601 UTC
  nlohmann::json body;
};

enum class PartnerOutcome {
  applied,    // new key: applied now
  duplicate,  // known key, same request: not applied again; the original answer
  conflict,   // known key, different request
  failed,     // the API refused it (PMP: kode_order already there / not there)
};

struct SalesOrderPut {
  PartnerOutcome outcome;
  std::string code;
  std::string created_at;
};

enum class PmpAction { insert, update };

struct PmpRequest {
  PmpAction action;
  std::string idempotency_key;
  std::string kode_order;
  std::string json_data;
  std::string status;
  std::string device_id;
  std::string body;  // canonical JSON
};

struct PmpPut {
  PartnerOutcome outcome;
  nlohmann::json data;  // the order as stored (applied, duplicate), else null
  std::string message;
};

struct PmpFilter {
  std::optional<std::string> search;      // substring of kode_order or json_data
  std::optional<std::string> kode_order;  // exact
  std::optional<std::string> status;      // exact
  std::optional<std::string> start_date;  // YYYY-MM-DD, created on or after
  std::optional<std::string> end_date;    // YYYY-MM-DD, created on or before
};

// One SQLite connection behind one mutex; every method is one short transaction. Throws
// StoreError (store.hpp) on SQLite failures.
class PartnerStore {
 public:
  explicit PartnerStore(const std::string& path);
  ~PartnerStore();
  PartnerStore(const PartnerStore&) = delete;
  PartnerStore& operator=(const PartnerStore&) = delete;

  SalesOrderPut put_sales_order(const NewSalesOrder& order, std::int64_t now);
  std::vector<SalesOrderRow> sales_orders();

  PmpPut apply_pmp(const PmpRequest& request, std::int64_t now);
  nlohmann::json pmp_orders(const PmpFilter& filter);      // array of order objects
  nlohmann::json pmp_events();                              // every request, in arrival order

  // PMP sessions; tokens kept as SHA-256 hashes.
  void add_pmp_token(const std::string& token_sha256, const std::string& email, std::int64_t now,
                     std::int64_t expires_at);
  bool pmp_token_valid(const std::string& token_sha256, std::int64_t now);
  bool revoke_pmp_token(const std::string& token_sha256);  // logout; false if unknown
  std::int64_t revoke_all_pmp_tokens();
  std::int64_t active_pmp_tokens(std::int64_t now);

 private:
  void migrate();

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace upstream_sim
