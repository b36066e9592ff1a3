// SMILE DIN integration, as the contract describes it:
//   POST /ifp/login              {"username","password"} -> 200 token | 401 | 400/422
//   POST /ssl/ifp/picking/order  Bearer token, Idempotency-Key, X-Device-Id, picking body
//                                -> 201 new | 409 replay (original resource) | 401 | 400 | 422
#pragma once

#include "api_hooks.hpp"
#include "stats.hpp"
#include "store.hpp"
#include "token_ttl.hpp"

#include <httplib.h>

#include <cstdint>
#include <string>

namespace upstream_sim {

struct DinSettings {
  std::string username;
  std::string password;
};

// Registers the DIN endpoints on server, each behind gate's common rules. store, stats and
// token_ttl must outlive the server.
void register_din_api(httplib::Server& server, const ApiGate& gate, Store& store, Stats& stats,
                      const DinSettings& settings, const TokenTtl& token_ttl);

}  // namespace upstream_sim
