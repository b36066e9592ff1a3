#pragma once
// A backlog of DIN picking orders written straight into an outbox file before outpostd starts:
// 100,000 enqueues through the control socket would take most of a minute, while the outbox
// library stores them in batches in a second or two. The operations are exactly what intake
// makes of a producer's request (intake::prepare_picking_order), so outpostd cannot tell them
// from ones it queued itself.

#include <string>

namespace outpost::bench {

struct Backlog {
    long operations = 100'000;
    long lanes = 25'000;                  // orders (key_ssl); pickings go round-robin over them
    std::string key_prefix = "bench";     // idempotency keys are <key_prefix>-<n>
    std::string key_ssl_prefix = "SSL-BENCH-";
    std::string device_id = "bench-device";
};

// Writes `backlog` into the outbox at `path` (created if missing), pending and due now.
// Throws std::runtime_error naming what failed. Returns the seconds it took.
double fill_outbox(const std::string& path, const Backlog& backlog);

}  // namespace outpost::bench
