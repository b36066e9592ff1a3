#pragma once
// wrk (Debian's package) against the simulator's TLS port without client certificates
// (--open-tls-port), with wrk_picking.lua: the same endpoint, headers and kind of body as the
// agent's deliveries, a fresh idempotency key per request. The machine's own limit for the
// drain benchmark: how fast this simulator takes pickings from an efficient client over the
// same number of connections.

#include <string>

#include "simulator.hpp"

namespace outpost::bench {

struct WrkRun {
    int connections = 2;
    int seconds = 10;
    std::string run_id;   // makes the idempotency keys of this run unique on the simulator
    long lanes = 25'000;  // orders the pickings are spread over
};

struct WrkResult {
    long requests = 0;       // answers wrk counted
    double seconds = 0;      // as wrk measured them
    double requests_per_s = 0;
    long non_2xx = 0;        // must be 0: every request a new picking, accepted
    long socket_errors = 0;  // connect + read + write + timeout
    double wrk_cpu_us = 0;   // wrk's own CPU time (user + system)
    double sim_cpu_us = 0;   // the simulator's CPU time during the run
    long accepted = 0;       // pickings the simulator stored during the run
};

// Logs in (DIN) on the simulator's open TLS port and returns the token; throws on failure.
std::string log_in_without_certificate(testing::Simulator& sim);

// The simulator's accepted count once it has stopped moving (requests still in flight when a
// client stopped have been answered).
long quiet_accepted(testing::Simulator& sim);

// Runs wrk and returns what it and the simulator did. Throws if wrk is missing or fails.
WrkResult run_wrk(testing::Simulator& sim, const std::string& token, const WrkRun& run);

}  // namespace outpost::bench
