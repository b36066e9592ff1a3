// The control API for tests and the demo: plain HTTP on its own loopback port, no
// authentication (it only ever listens on loopback).
//   GET    /admin/stats          counters (see Stats) and "up"
//   GET    /admin/accepted       accepted pickings in arrival order (?key_ssl= to filter)
//   POST   /admin/down | /up     simulated outage on / off        -> {"up": bool}
//   POST   /admin/reset-stats    zero the counters, keep the data
//   POST   /admin/expire-tokens  invalidate every issued token    -> {"revoked": n}
//   POST   /admin/faults         {"path": "/x", "statuses": [500, 429]} -> queued statuses
//   GET    /admin/faults         what is still queued
//   DELETE /admin/faults         clear every queued status
#pragma once

#include "faults.hpp"
#include "stats.hpp"
#include "store.hpp"

#include <httplib.h>

namespace upstream_sim {

// store, stats and faults must outlive the server.
void register_admin_api(httplib::Server& server, Store& store, Stats& stats, Faults& faults);

}  // namespace upstream_sim
