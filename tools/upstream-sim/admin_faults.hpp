// The admin API's fault controls (see README.md for bodies and answers):
//   POST   /admin/down | /up           simulated outage on / off          -> {"up": bool}
//   POST   /admin/faults               {"path", "steps": [...]} or {"path", "statuses": [...]}
//   GET    /admin/faults               every fault in force
//   DELETE /admin/faults[?path=P]      clear them all (or P's steps and latency)
//   POST   /admin/latency              {"path", "delay_ms"}
//   POST   /admin/tls                  {"refuse": bool, "drop_connections": bool}
//   POST   /admin/token-ttl            {"seconds": n}
//   POST   /admin/expire-tokens        invalidate every issued token     -> {"revoked": n}
// The POSTs other than down, up and expire-tokens answer what GET /admin/faults answers.
#pragma once

#include "admin_api.hpp"

#include <httplib.h>

namespace upstream_sim {

// Call before any catch-all route (httplib takes the first match).
void register_fault_admin(httplib::Server& server, const AdminTargets& targets);

}  // namespace upstream_sim
