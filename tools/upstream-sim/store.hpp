// The simulator's memory: what it accepted and which tokens it issued, in SQLite, so a restarted
// simulator (same --db file) still recognises an Idempotency-Key it has already applied, the way
// a real upstream would.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace upstream_sim {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NewPicking {
  std::string idempotency_key;
  std::string key_ssl;
  std::string picking_no;
  std::string picked_at;       // as sent
  std::int64_t picked_at_ms;   // parsed, to compare across offsets
  std::string device_id;       // X-Device-Id ("" when absent and not required)
  std::string body;            // canonical JSON (sorted keys), to recognise a replay
};

struct AcceptedPicking {
  std::int64_t seq;            // arrival order over all pickings, from 1
  std::int64_t picking_id;     // the id we answered with (9000 + seq)
  std::string idempotency_key;
  std::string key_ssl;
  std::string picking_no;
  std::string picked_at;
  std::string device_id;
  bool in_order;               // picked_at not earlier than any earlier arrival for key_ssl
  std::int64_t accepted_at;    // unix seconds
};

enum class PutOutcome {
  created,    // new key: applied
  duplicate,  // known key, same body: not applied again
  conflict,   // known key, different body
};

struct PutResult {
  PutOutcome outcome;
  std::int64_t picking_id;     // new or original
  std::string key_ssl;         // new or original
  bool in_order;               // for created
};

// One SQLite connection behind one mutex: httplib serves requests on a thread pool, and every
// method here is a short transaction, so serialising them is simple and fast enough.
class Store {
 public:
  // path is a file name or ":memory:". Throws StoreError.
  explicit Store(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Applies p unless its idempotency key is already known; atomic. Throws StoreError.
  PutResult put_picking(const NewPicking& p, std::int64_t now);

  // Accepted pickings in arrival order, optionally only those of one key_ssl.
  std::vector<AcceptedPicking> accepted(const std::optional<std::string>& key_ssl);

  // Tokens are kept as SHA-256 hashes, never in the clear.
  void add_token(const std::string& token_sha256, const std::string& username,
                 std::int64_t issued_at, std::int64_t expires_at);
  bool token_valid(const std::string& token_sha256, std::int64_t now);
  // Makes every token issued so far invalid; returns how many were revoked.
  std::int64_t revoke_all_tokens();
  // Forgets every accepted picking, as a fresh upstream would start; returns how many. For
  // benchmarks that compare clients one after another: a request's cost grows with the store
  // (its indexes), so each compared run starts from the same, empty store.
  std::int64_t forget_pickings();

 private:
  void exec(const char* sql);
  void migrate();
  // The prepared statement for sql, made once and kept for the connection's life (parsing SQL
  // anew for every request was a third of the simulator's CPU under load). Caller holds mutex_.
  sqlite3_stmt* cached(const char* sql);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace upstream_sim
