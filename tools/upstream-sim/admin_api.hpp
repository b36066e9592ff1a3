// The control API for tests and the demo: plain HTTP on its own loopback port, no
// authentication (it only ever listens on loopback).
//   GET    /admin/stats          counters (see Stats) and "up"
//   GET    /admin/accepted       accepted pickings in arrival order (?key_ssl= to filter)
//   GET    /admin/timeline       requests per 100 ms, peak per second, first request per device
//   POST   /admin/reset-stats    zero the counters and the timeline, keep the data
//   POST   /admin/forget-pickings  forget every accepted picking (benchmarks: an empty store)
// plus the fault controls of admin_faults.hpp.
#pragma once

#include "faults.hpp"
#include "stats.hpp"
#include "store.hpp"
#include "timeline.hpp"
#include "tls_faults.hpp"
#include "token_ttl.hpp"

#include <httplib.h>

namespace upstream_sim {

// What the admin API reads and changes; everything must outlive the server.
struct AdminTargets {
  Store& store;
  Stats& stats;
  Timeline& timeline;
  Faults& faults;
  TlsFaults& tls;
  TokenTtl& token_ttl;
};

void register_admin_api(httplib::Server& server, const AdminTargets& targets);

}  // namespace upstream_sim
