// SMILE's own login, as seed 000 names it for its SIHA/SITB (and WMS) integrations, with the body
// of upstream-contract.md ("SMILE WMS integration"):
//   POST /auth/login  {"email", "password"} -> 200 {"status": "success", "data": {"token",
//                     "expired_at"}} | 401 wrong credentials | 400 malformed | 422 missing field
// One route serves every SMILE area of the simulator: each area adds its own account (the
// orders area: --orders-user/--orders-password), so two areas never register /auth/login twice.
// Tokens go to the shared Store (hashed), so /admin/expire-tokens and /admin/token-ttl apply.
#pragma once

#include "api_hooks.hpp"
#include "stats.hpp"
#include "store.hpp"
#include "token_ttl.hpp"

#include <httplib.h>

#include <string>
#include <vector>

namespace upstream_sim {

struct SmileAccount {
  std::string email;
  std::string password;
};

// Registers POST /auth/login behind gate's common rules. store, stats and token_ttl must outlive
// the server.
void register_smile_login(httplib::Server& server, const ApiGate& gate, Store& store, Stats& stats,
                          std::vector<SmileAccount> accounts, const TokenTtl& token_ttl);

// A successful login's answer, shared by /auth/login and DIN's /ifp/login: a fresh random token
// stored hashed for `subject` with token_ttl's lifetime, counted, and sent as 200
// {"status": "success", "data": {"token", "expired_at"}}.
void issue_login_token(httplib::Response& res, Store& store, Stats& stats, const std::string& subject,
                       const TokenTtl& token_ttl);

// For SMILE endpoints: true when the request carries "Authorization: Bearer <token>" with a token
// login issued that is neither expired nor revoked; otherwise answers 401 (with
// WWW-Authenticate) itself and returns false.
bool require_bearer_token(const httplib::Request& req, httplib::Response& res, Store& store);

}  // namespace upstream_sim
