#pragma once
// What the dispatcher needs from a connector (one per upstream family).
//
// Contract: deliver() sends one queued operation over the given client (the calling thread's own
// connection) and classifies the answer; it never throws. Implementations are thread-safe: the
// dispatcher calls deliver() from several threads at once, one HttpClient per thread, and the
// connector shares its login session between them.

#include <cstdint>
#include <vector>

#include "outpost/connectors/delivery.hpp"
#include "outpost/connectors/puller.hpp"
#include "outpost/outbox/outbox.hpp"
#include "outpost/transport/http_client.hpp"

namespace outpost::connectors {

class Connector {
public:
    virtual ~Connector() = default;
    virtual DeliveryResult deliver(transport::HttpClient& http, const outbox::Operation& operation) = 0;
    // Called once before a drain starts (start-up, link back) with the number of operations
    // waiting: a connector refreshes a session that would expire in the middle of it.
    virtual void before_drain(transport::HttpClient& http, std::int64_t backlog) {
        (void)http;
        (void)backlog;
    }
    // Called once when the agent stops, after every delivery thread has finished, with a
    // connection of its own and short timeouts, only while the link is up: a connector whose
    // upstream keeps server-side sessions (PMP Smart) ends its session here. Never blocks longer
    // than the client's timeouts; failures are logged, not returned (nothing depends on them).
    virtual void end_session(transport::HttpClient& http) { (void)http; }
    // The periodic pulls this upstream feeds the catalog with (puller.hpp), owned by the
    // connector; the agent runs each on a thread of its own while the link is up.
    virtual std::vector<Puller*> pullers() { return {}; }
};

}  // namespace outpost::connectors
