// PMP Smart (seed 001; upstream-contract.md "PMP Smart"), served under /pmp (the Sales Order
// API uses the same login path; the agent's base_url for PMP ends in /pmp):
//   POST /api/v1/auth/login   {"email", "password"} -> 200 {"status": "success", "message",
//                             "data": {"api_token", "email"}} | 401 | 400/422
//   POST /api/v1/auth/logout  Bearer -> 200 success; the token is revoked | 401
//   POST /api/v1/json/order         Bearer, Idempotency-Key, {"kode_order", "json_data", "status"}
//   POST /api/v1/json/order/update  the same
//       json_data must be a string holding JSON (422 otherwise); 200 {"status": "success",
//       "data": order} when applied; 200 {"status": "failed", "message"} when the API refuses
//       (insert of a kode_order it has, update of one it has not): PMP's way, a 200 whose body
//       says no; 409 with the original data for a replayed key; 422 for a key reused with
//       another body.
//   POST /api/v1/json/order/get/filter  Bearer; optional search, kode_order, status,
//                             start_date, end_date (YYYY-MM-DD); 200 {"status", "message", "data": [...]}
// Tokens: opaque, stored hashed; lifetime is the simulator's token TTL, not told to the client
// (the seed's login answer has no expiry). Admin: GET /admin/pmp (orders, arrival log, counters,
// active sessions), POST /admin/pmp/expire-tokens.
#pragma once

#include "api_hooks.hpp"
#include "partner_store.hpp"
#include "stats.hpp"
#include "token_ttl.hpp"

#include <CLI/CLI.hpp>
#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace upstream_sim {

struct PmpOptions {
  std::string email = "api@pmpsmart.com";  // the seed's example
  std::string password = "pmp-password";
};

// --pmp-email, --pmp-password.
void add_pmp_options(CLI::App& app, PmpOptions& options);

class PmpApi {
 public:
  static constexpr const char* prefix = "/pmp";

  PmpApi(const PmpOptions& options, PartnerStore& store, Stats& stats, const TokenTtl& token_ttl);

  void register_routes(httplib::Server& server, const ApiGate& gate);
  // Call before register_admin_api (its catch-all POST route would shadow ours).
  void register_admin(httplib::Server& admin);

 private:
  void login(const httplib::Request& req, httplib::Response& res);
  void logout(const httplib::Request& req, httplib::Response& res);
  void order(const httplib::Request& req, httplib::Response& res, PmpAction action);
  void filter(const httplib::Request& req, httplib::Response& res);
  // false (with a 401 sent) unless the request carries a valid token.
  bool authenticated(const httplib::Request& req, httplib::Response& res);

  PmpOptions options_;
  PartnerStore& store_;
  Stats& stats_;
  const TokenTtl& token_ttl_;
  std::atomic<std::uint64_t> logins_{0}, login_failures_{0}, logouts_{0}, inserts_{0}, updates_{0},
      refused_{0}, duplicates_{0};
};

}  // namespace upstream_sim
