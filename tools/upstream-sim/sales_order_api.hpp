// Sales Order API (seed 003; upstream-contract.md "Sales Order API"), served under /sales-order
// (the PMP Smart API uses the same /api/v1/auth/login path, so each partner API has its own
// prefix; the agent's base_url for it ends in /sales-order):
//   POST /api/v1/auth/login    {"client_id", "client_secret"} -> 200 {"token", "expired_at"} | 401
//   POST /api/v1/auth/refresh  {"token"} (may be expired, not revoked) -> 200 a new token | 401
//   POST /api/v1/sales-orders  checked in this order, each refusal a 401 with a message saying
//                              which: Bearer JWT (ours, unexpired, not revoked); X-CLIENT-ID equal
//                              to the token's client_id; X-TIMESTAMP unix seconds within the
//                              allowed skew of our clock; X-SIGNATURE verified with OpenSSL
//                              against the registered public key over client_id + "|" +
//                              X-TIMESTAMP. Then Idempotency-Key (400), the body (400, 422), and
//                              201 new | 409 replay (original resource) | 422 key reused.
// Tokens are HS256 JWTs (jwt.hpp) carrying client_id; their lifetime is the simulator's token
// TTL (--token-ttl, POST /admin/token-ttl). Admin: GET /admin/sales-orders (orders, counters),
// POST /admin/sales-order/revoke-tokens.
#pragma once

#include "api_hooks.hpp"
#include "jwt.hpp"
#include "partner_store.hpp"
#include "rsa_verify.hpp"
#include "stats.hpp"
#include "token_ttl.hpp"

#include <CLI/CLI.hpp>
#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

namespace upstream_sim {

struct SalesOrderOptions {
  std::string client_id = "partner-client-001";  // the seed's example partner
  std::string client_secret = "secret-key-123";
  std::string public_key_file;  // the partner's registered key; none: every order is refused
  std::int64_t max_skew_seconds = 300;
  std::int64_t clock_offset_seconds = 0;  // our clock runs this far ahead (a device clock that is off)
};

// --sales-client-id, --sales-client-secret, --sales-public-key, --sales-max-skew,
// --sales-clock-offset.
void add_sales_order_options(CLI::App& app, SalesOrderOptions& options);

class SalesOrderApi {
 public:
  static constexpr const char* prefix = "/sales-order";

  // Throws std::runtime_error when the public key file is unusable.
  SalesOrderApi(const SalesOrderOptions& options, PartnerStore& store, Stats& stats,
                const TokenTtl& token_ttl);

  void register_routes(httplib::Server& server, const ApiGate& gate);
  // Call before register_admin_api (its catch-all POST route would shadow ours).
  void register_admin(httplib::Server& admin);

 private:
  struct Counters {
    std::atomic<std::uint64_t> logins{0}, login_failures{0}, refreshes{0}, refresh_failures{0},
        accepted{0}, duplicates{0}, token_refusals{0}, client_mismatches{0},
        stale_timestamps{0}, bad_signatures{0};
  };

  void login(const httplib::Request& req, httplib::Response& res);
  void refresh(const httplib::Request& req, httplib::Response& res);
  void create(const httplib::Request& req, httplib::Response& res);
  void issue_token(httplib::Response& res, const std::string& client_id);
  // The token's claims when it is ours, not revoked, and (unless allow_expired) unexpired.
  std::optional<nlohmann::json> token_claims(const std::string& token, bool allow_expired) const;
  nlohmann::json admin_json();

  SalesOrderOptions options_;
  std::optional<RsaPublicKey> public_key_;
  PartnerStore& store_;
  Stats& stats_;
  const TokenTtl& token_ttl_;
  JwtSigner jwt_;
  std::atomic<std::int64_t> generation_{1};  // tokens of an older generation are revoked
  Counters counters_;
};

}  // namespace upstream_sim
