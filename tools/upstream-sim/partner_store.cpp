#include "partner_store.hpp"

#include "sqlite_query.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <ctime>
#include <memory>

namespace upstream_sim {
namespace {

constexpr int schema_version = 1;

constexpr std::string_view kStore = "partner store";

std::tm utc(std::int64_t unix_seconds) {
  const std::time_t at = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&at, &parts);
  return parts;
}

// 2025-01-01T00:00:00.000Z, the seed's created_at.
std::string iso_time(std::int64_t unix_seconds) {
  const std::tm parts = utc(unix_seconds);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000Z", &parts);
  return text;
}

// 20250101, for SO-20250101-00001.
std::string compact_date(std::int64_t unix_seconds) {
  const std::tm parts = utc(unix_seconds);
  char text[16];
  std::strftime(text, sizeof text, "%Y%m%d", &parts);
  return text;
}

const char* action_name(PmpAction action) { return action == PmpAction::insert ? "insert" : "update"; }

nlohmann::json pmp_order_json(const Query& row) {
  return nlohmann::json{{"id", row.integer(0)},         {"kode_order", row.text(1)},
                        {"json_data", row.text(2)},     {"status", row.text(3)},
                        {"updates", row.integer(4)},    {"created_at", row.text(5)},
                        {"updated_at", row.text(6)}};
}

constexpr const char* pmp_columns =
    "SELECT id, kode_order, json_data, status, updates, created_at, updated_at FROM pmp_orders ";

}  // namespace

std::string partner_db_path(const std::string& db) {
  return db == ":memory:" ? db : db + ".partners";
}

PartnerStore::PartnerStore(const std::string& path) {
  db_ = open_store(path, kStore);
  try {
    migrate();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

PartnerStore::~PartnerStore() { sqlite3_close(db_); }

void PartnerStore::migrate() {
  Query version(db_, kStore, "PRAGMA user_version");
  version.step();
  const std::int64_t found = version.integer(0);
  if (found == schema_version) return;
  if (found != 0) {
    throw StoreError("the partner database holds schema version " + std::to_string(found) +
                     ", expected " + std::to_string(schema_version));
  }
  Transaction tx(db_, kStore);
  exec(db_, kStore, R"sql(
    CREATE TABLE sales_orders (
      seq               INTEGER PRIMARY KEY,
      idempotency_key   TEXT NOT NULL UNIQUE,
      code              TEXT NOT NULL UNIQUE,
      client_id         TEXT NOT NULL,
      customer_code     TEXT NOT NULL,
      purchase_order_no TEXT,
      device_id         TEXT NOT NULL,
      body              TEXT NOT NULL,
      created_at        TEXT NOT NULL
    );
    CREATE TABLE pmp_orders (
      id          INTEGER PRIMARY KEY,
      kode_order  TEXT NOT NULL UNIQUE,
      json_data   TEXT NOT NULL,
      status      TEXT NOT NULL,
      updates     INTEGER NOT NULL DEFAULT 0,
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL
    );
    CREATE TABLE pmp_applied (
      idempotency_key TEXT PRIMARY KEY,
      action          TEXT NOT NULL,
      body            TEXT NOT NULL,
      data            TEXT NOT NULL
    );
    CREATE TABLE pmp_events (
      seq             INTEGER PRIMARY KEY,
      action          TEXT NOT NULL,
      kode_order      TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      outcome         TEXT NOT NULL,
      device_id       TEXT NOT NULL,
      at              INTEGER NOT NULL
    );
    CREATE TABLE pmp_tokens (
      token_sha256 TEXT PRIMARY KEY,
      email        TEXT NOT NULL,
      issued_at    INTEGER NOT NULL,
      expires_at   INTEGER NOT NULL,
      revoked      INTEGER NOT NULL DEFAULT 0
    );
    PRAGMA user_version = 1;
  )sql");
  tx.commit();
}

SalesOrderPut PartnerStore::put_sales_order(const NewSalesOrder& order, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_, kStore);
  Query known(db_, kStore, "SELECT body, code, created_at FROM sales_orders WHERE idempotency_key = ?1");
  known.bind(1, order.idempotency_key);
  if (known.step()) {
    const PartnerOutcome outcome =
        known.text(0) == order.body ? PartnerOutcome::duplicate : PartnerOutcome::conflict;
    return SalesOrderPut{outcome, known.text(1), known.text(2)};
  }
  Query next(db_, kStore, "SELECT coalesce(max(seq), 0) + 1 FROM sales_orders");
  next.step();
  const std::int64_t seq = next.integer(0);
  char number[16];
  std::snprintf(number, sizeof number, "%05lld", static_cast<long long>(seq));
  const std::string code = "SO-" + compact_date(now) + "-" + number;
  const std::string created_at = iso_time(now);
  Query insert(db_, kStore,
               "INSERT INTO sales_orders (seq, idempotency_key, code, client_id, customer_code, "
               "purchase_order_no, device_id, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
               "?8, ?9)");
  insert.bind(1, seq).bind(2, order.idempotency_key).bind(3, code).bind(4, order.client_id);
  insert.bind(5, order.customer_code).bind(6, order.purchase_order_no).bind(7, order.device_id);
  insert.bind(8, order.body).bind(9, created_at);
  insert.step();
  tx.commit();
  return SalesOrderPut{PartnerOutcome::applied, code, created_at};
}

std::vector<SalesOrderRow> PartnerStore::sales_orders() {
  std::lock_guard lock(mutex_);
  Query rows(db_, kStore,
             "SELECT seq, code, idempotency_key, client_id, customer_code, purchase_order_no, "
             "device_id, created_at, body FROM sales_orders ORDER BY seq");
  std::vector<SalesOrderRow> out;
  while (rows.step()) {
    out.push_back(SalesOrderRow{rows.integer(0), rows.text(1), rows.text(2), rows.text(3),
                                rows.text(4), rows.optional_text(5), rows.text(6), rows.text(7),
                                nlohmann::json::parse(rows.text(8), nullptr, false)});
  }
  return out;
}

PmpPut PartnerStore::apply_pmp(const PmpRequest& request, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_, kStore);
  const std::string action = action_name(request.action);
  const auto record = [&](const char* outcome) {
    Query event(db_, kStore,
                "INSERT INTO pmp_events (action, kode_order, idempotency_key, outcome, device_id, at) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    event.bind(1, action).bind(2, request.kode_order).bind(3, request.idempotency_key);
    event.bind(4, std::string(outcome)).bind(5, request.device_id).bind(6, now);
    event.step();
  };

  Query known(db_, kStore, "SELECT action, body, data FROM pmp_applied WHERE idempotency_key = ?1");
  known.bind(1, request.idempotency_key);
  if (known.step()) {
    const bool same = known.text(0) == action && known.text(1) == request.body;
    PmpPut put{same ? PartnerOutcome::duplicate : PartnerOutcome::conflict,
               same ? nlohmann::json::parse(known.text(2), nullptr, false) : nlohmann::json(), ""};
    record(same ? "duplicate" : "conflict");
    tx.commit();
    return put;
  }

  Query existing(db_, kStore, (std::string(pmp_columns) + "WHERE kode_order = ?1").c_str());
  existing.bind(1, request.kode_order);
  const bool exists = existing.step();
  PmpPut put{PartnerOutcome::failed, nullptr, ""};
  if (request.action == PmpAction::insert && exists) {
    put.message = "Kode order " + request.kode_order + " sudah ada";
  } else if (request.action == PmpAction::update && !exists) {
    put.message = "Kode order " + request.kode_order + " tidak ditemukan";
  } else {
    const std::string at = iso_time(now);
    if (request.action == PmpAction::insert) {
      Query insert(db_, kStore,
                   "INSERT INTO pmp_orders (kode_order, json_data, status, created_at, updated_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?4)");
      insert.bind(1, request.kode_order).bind(2, request.json_data).bind(3, request.status);
      insert.bind(4, at);
      insert.step();
    } else {
      Query update(db_, kStore,
                   "UPDATE pmp_orders SET json_data = ?2, status = ?3, updated_at = ?4, "
                   "updates = updates + 1 WHERE kode_order = ?1");
      update.bind(1, request.kode_order).bind(2, request.json_data).bind(3, request.status);
      update.bind(4, at);
      update.step();
    }
    Query stored(db_, kStore, (std::string(pmp_columns) + "WHERE kode_order = ?1").c_str());
    stored.bind(1, request.kode_order);
    stored.step();
    put.outcome = PartnerOutcome::applied;
    put.data = pmp_order_json(stored);
    Query remember(db_, kStore,
                   "INSERT INTO pmp_applied (idempotency_key, action, body, data) "
                   "VALUES (?1, ?2, ?3, ?4)");
    remember.bind(1, request.idempotency_key).bind(2, action).bind(3, request.body);
    remember.bind(4, put.data.dump());
    remember.step();
  }
  record(put.outcome == PartnerOutcome::applied ? "applied" : "failed");
  tx.commit();
  return put;
}

nlohmann::json PartnerStore::pmp_orders(const PmpFilter& filter) {
  std::lock_guard lock(mutex_);
  // Every filter is optional: NULL parameters match everything. Dates compare as text on the
  // ISO created_at, whose first ten characters are the UTC day.
  Query rows(db_, kStore, (std::string(pmp_columns) +
                   "WHERE (?1 IS NULL OR instr(kode_order, ?1) > 0 OR instr(json_data, ?1) > 0) "
                   "AND (?2 IS NULL OR kode_order = ?2) AND (?3 IS NULL OR status = ?3) "
                   "AND (?4 IS NULL OR substr(created_at, 1, 10) >= ?4) "
                   "AND (?5 IS NULL OR substr(created_at, 1, 10) <= ?5) ORDER BY id")
                      .c_str());
  rows.bind(1, filter.search).bind(2, filter.kode_order).bind(3, filter.status);
  rows.bind(4, filter.start_date).bind(5, filter.end_date);
  nlohmann::json out = nlohmann::json::array();
  while (rows.step()) out.push_back(pmp_order_json(rows));
  return out;
}

nlohmann::json PartnerStore::pmp_events() {
  std::lock_guard lock(mutex_);
  Query rows(db_, kStore,
             "SELECT seq, action, kode_order, idempotency_key, outcome, device_id, at FROM "
             "pmp_events ORDER BY seq");
  nlohmann::json out = nlohmann::json::array();
  while (rows.step()) {
    out.push_back({{"seq", rows.integer(0)},
                   {"action", rows.text(1)},
                   {"kode_order", rows.text(2)},
                   {"idempotency_key", rows.text(3)},
                   {"outcome", rows.text(4)},
                   {"device_id", rows.text(5)},
                   {"at", rows.integer(6)}});
  }
  return out;
}

void PartnerStore::add_pmp_token(const std::string& token_sha256, const std::string& email,
                                 std::int64_t now, std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  Query insert(db_, kStore,
               "INSERT INTO pmp_tokens (token_sha256, email, issued_at, expires_at) VALUES (?1, "
               "?2, ?3, ?4)");
  insert.bind(1, token_sha256).bind(2, email).bind(3, now).bind(4, expires_at);
  insert.step();
}

bool PartnerStore::pmp_token_valid(const std::string& token_sha256, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Query query(db_, kStore,
              "SELECT 1 FROM pmp_tokens WHERE token_sha256 = ?1 AND revoked = 0 AND expires_at > "
              "?2");
  query.bind(1, token_sha256).bind(2, now);
  return query.step();
}

bool PartnerStore::revoke_pmp_token(const std::string& token_sha256) {
  std::lock_guard lock(mutex_);
  Query update(db_, kStore, "UPDATE pmp_tokens SET revoked = 1 WHERE token_sha256 = ?1 AND revoked = 0");
  update.bind(1, token_sha256);
  update.step();
  return sqlite3_changes(db_) > 0;
}

std::int64_t PartnerStore::revoke_all_pmp_tokens() {
  std::lock_guard lock(mutex_);
  exec(db_, kStore, "UPDATE pmp_tokens SET revoked = 1 WHERE revoked = 0");
  return sqlite3_changes(db_);
}

std::int64_t PartnerStore::active_pmp_tokens(std::int64_t now) {
  std::lock_guard lock(mutex_);
  Query query(db_, kStore, "SELECT count(*) FROM pmp_tokens WHERE revoked = 0 AND expires_at > ?1");
  query.bind(1, now);
  query.step();
  return query.integer(0);
}

}  // namespace upstream_sim
