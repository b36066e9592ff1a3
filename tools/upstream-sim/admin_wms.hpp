// The WMS area's admin controls (plain HTTP, see admin_api.hpp):
//   POST /admin/wms/records        {"type": T, "records": [...]}: insert or replace by id (a
//                                  record without updated_at gets the current time) -> {"upserted": N}
//   GET  /admin/wms/requests       the master-data GETs served, latest 1000, oldest first
//   POST /admin/wms/clear-requests forget them
//   GET  /admin/wms/cancellations  the disposal cancellations accepted, in arrival order
#pragma once

#include "wms_api.hpp"

#include <httplib.h>

namespace upstream_sim {

// Register before register_admin_api (its catch-all POST route must come last).
void register_wms_admin(httplib::Server& server, const WmsTargets& targets);

}  // namespace upstream_sim
