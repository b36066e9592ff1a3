// The rules every upstream API request goes through before its endpoint sees it, from the
// contract's "rules common to every upstream" plus the simulator's fault injection:
//   1. simulated outage: 503 + Retry-After: 1 for everything;
//   2. the path's next fault step: a status (with its Retry-After), or a hang-up without
//      applying the request;
//   3. X-Device-Id present (when required);
//   4. a body, if any, sent as Content-Type: application/json.
// Then the endpoint; then the step's delay plus the path's latency; then, for the hang-up steps,
// the connection is closed instead of answered.
// And after every response: the counters, the timeline, and one access-log line (method, path,
// status; never headers or bodies, which carry passwords and tokens) unless the log is off.
#pragma once

#include "faults.hpp"
#include "stats.hpp"
#include "timeline.hpp"

#include <httplib.h>

namespace upstream_sim {

class ApiGate {
 public:
  ApiGate(Faults& faults, Stats& stats, Timeline& timeline, bool device_header_required,
          bool request_log)
      : faults_(faults),
        stats_(stats),
        timeline_(timeline),
        device_header_required_(device_header_required),
        request_log_(request_log) {}

  // Counting, logging and JSON error bodies. Call before registering routes.
  void install_hooks(httplib::Server& server) const;

  // handler, behind the common rules. The rules run inside the route handler rather than
  // httplib's pre-routing hook because that hook runs before the request body is read: answering
  // there would leave the body on a keep-alive connection, to be parsed as the next request.
  httplib::Server::Handler guard(httplib::Server::Handler handler) const;

  // Unknown paths answer 404 only after the common rules, so an outage or a fault affects every
  // path alike. Call after registering the real routes (httplib takes the first match).
  void install_fallback(httplib::Server& server) const;

 private:
  void serve(const httplib::Request& req, httplib::Response& res,
             const httplib::Server::Handler& handler) const;
  // true when it answered the request itself.
  bool intercept(const httplib::Request& req, httplib::Response& res,
                 const FaultDecision& decision) const;
  void hold(const FaultDecision& decision) const;
  void hang_up_on(const httplib::Request& req, httplib::Response& res) const;

  Faults& faults_;
  Stats& stats_;
  Timeline& timeline_;
  bool device_header_required_;
  bool request_log_;  // one stderr line per request (off for load tests: a write per request)
};

}  // namespace upstream_sim
