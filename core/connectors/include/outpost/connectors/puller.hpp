#pragma once
// A periodic pull of reference data from an upstream into the catalog (master data, pick lists):
// what the agent's pull workers run, one thread per puller, while the link is up.
//
// Contract:
// - pull() performs one complete pull over the given client (the pull thread's own connection,
//   never a delivery thread's) and stores what it got; it never throws and never blocks longer
//   than the transport's timeouts per request. It looks at `stop` between requests and, once it
//   is set, returns at once (Transient) without recording the pull as complete. It may share its
//   connector's login session with the delivery threads.
// - Its result uses the delivery outcome classes (delivery.hpp), read as:
//     Delivered        the pull completed; the next one is due after interval();
//     Transient        retry with backoff (Retry-After honoured);
//     AuthFailed       the login was refused: wait the backoff cap;
//     Permanent        the upstream refused in a way a retry will not fix soon: next pull after
//                      interval(), the error kept for operators.
//   The message says what happened (for the log and `outpostctl status`); never a secret.
// - A connector owns its pullers; they live as long as the connector (connector.hpp, pullers()).

#include <atomic>
#include <chrono>
#include <string>

#include "outpost/connectors/delivery.hpp"
#include "outpost/transport/http_client.hpp"

namespace outpost::connectors {

class Puller {
public:
    virtual ~Puller() = default;
    // "wms/master-data": names the puller in logs and status.
    [[nodiscard]] virtual std::string name() const = 0;
    // Between the end of a complete pull and the start of the next.
    [[nodiscard]] virtual std::chrono::seconds interval() const = 0;
    virtual DeliveryResult pull(transport::HttpClient& http, const std::atomic<bool>& stop) = 0;
};

}  // namespace outpost::connectors
