#include "store.hpp"

#include "sqlite_query.hpp"

#include <sqlite3.h>

#include <memory>

namespace upstream_sim {
namespace {

constexpr std::int64_t first_picking_id = 9001;  // the contract's example starts there
constexpr int schema_version = 1;

constexpr std::string_view kStore = "picking store";

// A cached statement in use: reset, bindings cleared, when the scope ends, so it keeps no read
// snapshot open (which would stop the WAL checkpoint) and no pointer to a caller's string.
class InUse {
 public:
  explicit InUse(sqlite3_stmt* statement) : statement_(statement) {}
  ~InUse() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  InUse(const InUse&) = delete;
  InUse& operator=(const InUse&) = delete;
  sqlite3_stmt* get() const { return statement_; }

 private:
  sqlite3_stmt* statement_;
};

}  // namespace

Store::Store(const std::string& path) {
  db_ = open_store(path, kStore);
  try {
    migrate();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close(db_);
}

sqlite3_stmt* Store::cached(const char* sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) return found->second;
  Statement made = prepare(db_, kStore, sql);
  sqlite3_stmt* raw = made.get();
  statements_.emplace(sql, made.release());
  return raw;
}

void Store::exec(const char* sql) {
  upstream_sim::exec(db_, kStore, sql);
}

void Store::migrate() {
  Statement version_query = prepare(db_, kStore, "PRAGMA user_version");
  step(db_, kStore, version_query.get());
  const int version = sqlite3_column_int(version_query.get(), 0);
  version_query.reset();
  if (version == schema_version) return;
  if (version != 0) {
    throw StoreError("--db holds schema version " + std::to_string(version) + ", expected " +
                     std::to_string(schema_version));
  }
  Transaction tx(db_, kStore);
  exec(R"sql(
    CREATE TABLE pickings (
      idempotency_key TEXT PRIMARY KEY,
      seq             INTEGER NOT NULL UNIQUE,
      picking_id      INTEGER NOT NULL UNIQUE,
      key_ssl         TEXT NOT NULL,
      picking_no      TEXT NOT NULL,
      picked_at       TEXT NOT NULL,
      picked_at_ms    INTEGER NOT NULL,
      in_order        INTEGER NOT NULL,
      device_id       TEXT NOT NULL,
      body            TEXT NOT NULL,
      accepted_at     INTEGER NOT NULL
    );
    CREATE INDEX pickings_by_key_ssl ON pickings (key_ssl, seq);
    CREATE TABLE tokens (
      token_sha256 TEXT PRIMARY KEY,
      username     TEXT NOT NULL,
      issued_at    INTEGER NOT NULL,
      expires_at   INTEGER NOT NULL,
      revoked      INTEGER NOT NULL DEFAULT 0
    );
    PRAGMA user_version = 1;
  )sql");
  tx.commit();
}

PutResult Store::put_picking(const NewPicking& p, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_, kStore);

  const InUse known(
      cached("SELECT body, picking_id, key_ssl, in_order FROM pickings WHERE idempotency_key = ?"));
  bind_value(db_, kStore, known.get(), 1, p.idempotency_key);
  if (step(db_, kStore, known.get())) {
    const bool same_body = column_text(known.get(), 0) == p.body;
    return PutResult{same_body ? PutOutcome::duplicate : PutOutcome::conflict,
                     sqlite3_column_int64(known.get(), 1), column_text(known.get(), 2),
                     sqlite3_column_int(known.get(), 3) != 0};
  }

  const InUse next(cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM pickings"));
  step(db_, kStore, next.get());
  const std::int64_t seq = sqlite3_column_int64(next.get(), 0);
  // Reset read statements as soon as their value is read: a statement still open at COMMIT
  // keeps a read snapshot, which stops the automatic checkpoint and lets the WAL grow forever.
  sqlite3_reset(next.get());

  // Partial picks of one order must arrive in the order they were picked: a picking whose
  // picked_at is earlier than one already accepted for the same key_ssl arrived out of order.
  const InUse latest(cached("SELECT MAX(picked_at_ms) FROM pickings WHERE key_ssl = ?"));
  bind_value(db_, kStore, latest.get(), 1, p.key_ssl);
  step(db_, kStore, latest.get());
  const bool in_order = sqlite3_column_type(latest.get(), 0) == SQLITE_NULL ||
                        p.picked_at_ms >= sqlite3_column_int64(latest.get(), 0);
  sqlite3_reset(latest.get());

  const std::int64_t picking_id = first_picking_id - 1 + seq;
  const InUse insert(cached(R"sql(
    INSERT INTO pickings (idempotency_key, seq, picking_id, key_ssl, picking_no, picked_at,
                          picked_at_ms, in_order, device_id, body, accepted_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql"));
  bind_value(db_, kStore, insert.get(), 1, p.idempotency_key);
  bind_value(db_, kStore, insert.get(), 2, seq);
  bind_value(db_, kStore, insert.get(), 3, picking_id);
  bind_value(db_, kStore, insert.get(), 4, p.key_ssl);
  bind_value(db_, kStore, insert.get(), 5, p.picking_no);
  bind_value(db_, kStore, insert.get(), 6, p.picked_at);
  bind_value(db_, kStore, insert.get(), 7, p.picked_at_ms);
  bind_value(db_, kStore, insert.get(), 8, std::int64_t{in_order ? 1 : 0});
  bind_value(db_, kStore, insert.get(), 9, p.device_id);
  bind_value(db_, kStore, insert.get(), 10, p.body);
  bind_value(db_, kStore, insert.get(), 11, now);
  step(db_, kStore, insert.get());
  tx.commit();
  return PutResult{PutOutcome::created, picking_id, p.key_ssl, in_order};
}

std::vector<AcceptedPicking> Store::accepted(const std::optional<std::string>& key_ssl) {
  std::lock_guard lock(mutex_);
  Statement query = prepare(db_, kStore, R"sql(
    SELECT seq, picking_id, idempotency_key, key_ssl, picking_no, picked_at, device_id,
           in_order, accepted_at
    FROM pickings WHERE ?1 IS NULL OR key_ssl = ?1 ORDER BY seq)sql");
  if (key_ssl) bind_value(db_, kStore, query.get(), 1, *key_ssl);
  std::vector<AcceptedPicking> rows;
  while (step(db_, kStore, query.get())) {
    rows.push_back(AcceptedPicking{
        sqlite3_column_int64(query.get(), 0), sqlite3_column_int64(query.get(), 1),
        column_text(query.get(), 2), column_text(query.get(), 3), column_text(query.get(), 4),
        column_text(query.get(), 5), column_text(query.get(), 6),
        sqlite3_column_int(query.get(), 7) != 0, sqlite3_column_int64(query.get(), 8)});
  }
  return rows;
}

void Store::add_token(const std::string& token_sha256, const std::string& username,
                      std::int64_t issued_at, std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_, kStore);
  // Forget tokens that expired more than a day ago, so the table does not grow without bound.
  const InUse prune(cached("DELETE FROM tokens WHERE expires_at < ?"));
  bind_value(db_, kStore, prune.get(), 1, issued_at - 86400);
  step(db_, kStore, prune.get());

  const InUse insert(
      cached("INSERT INTO tokens (token_sha256, username, issued_at, expires_at) VALUES (?, ?, ?, ?)"));
  bind_value(db_, kStore, insert.get(), 1, token_sha256);
  bind_value(db_, kStore, insert.get(), 2, username);
  bind_value(db_, kStore, insert.get(), 3, issued_at);
  bind_value(db_, kStore, insert.get(), 4, expires_at);
  step(db_, kStore, insert.get());
  tx.commit();
}

bool Store::token_valid(const std::string& token_sha256, std::int64_t now) {
  std::lock_guard lock(mutex_);
  const InUse query(
      cached("SELECT 1 FROM tokens WHERE token_sha256 = ? AND revoked = 0 AND expires_at > ?"));
  bind_value(db_, kStore, query.get(), 1, token_sha256);
  bind_value(db_, kStore, query.get(), 2, now);
  return step(db_, kStore, query.get());
}

std::int64_t Store::revoke_all_tokens() {
  std::lock_guard lock(mutex_);
  exec("UPDATE tokens SET revoked = 1 WHERE revoked = 0");
  return sqlite3_changes64(db_);
}

std::int64_t Store::forget_pickings() {
  std::lock_guard lock(mutex_);
  exec("DELETE FROM pickings");
  return sqlite3_changes64(db_);
}

}  // namespace upstream_sim
