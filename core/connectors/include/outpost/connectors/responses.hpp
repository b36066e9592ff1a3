#pragma once
// Turning an upstream's answer (or the lack of one) into a DeliveryResult, the same way for
// every connector (upstream-contract.md, "Status classes" and "Error bodies").

#include <chrono>
#include <string>

#include "outpost/common/expected.hpp"
#include "outpost/connectors/answers.hpp"
#include "outpost/connectors/delivery.hpp"
#include "outpost/transport/http_client.hpp"

namespace outpost::connectors {

// The server's message from the answer's body (answers.hpp).
std::string server_message(const transport::Response& response);

// No HTTP answer: the request may or may not have been applied, so it is transient (retried with
// the same idempotency key), unless the agent's own TLS settings are wrong (permanent).
DeliveryResult from_transport_error(const Error& error);

// Classifies a mutating request's answer; `upstream_label` (e.g. "DIN") prefixes the message.
DeliveryResult result_from_response(const transport::Response& response, const std::string& upstream_label,
                                    std::chrono::system_clock::time_point now);

}  // namespace outpost::connectors
