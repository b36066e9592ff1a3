#include "outpost/connectors/responses.hpp"

namespace outpost::connectors {

std::string server_message(const transport::Response& response) { return server_message(response.body); }

DeliveryResult from_transport_error(const Error& error) {
    const auto kind = transport::failure_kind(error);
    const Outcome outcome = kind == transport::FailureKind::Configuration ? Outcome::Permanent : Outcome::Transient;
    return DeliveryResult{outcome, error.message, std::nullopt};
}

DeliveryResult result_from_response(const transport::Response& response, const std::string& upstream_label,
                                    std::chrono::system_clock::time_point now) {
    DeliveryResult result;
    result.outcome = classify_status(response.status);
    if (response.retry_after) result.retry_after = parse_retry_after(*response.retry_after, now);
    result.rate_limited = response.status == 429;
    if (result.outcome == Outcome::Delivered || result.outcome == Outcome::AlreadyDelivered) {
        result.message = "HTTP " + std::to_string(response.status);
    } else {
        result.message =
            upstream_label + " answered HTTP " + std::to_string(response.status) + ": " + server_message(response);
    }
    return result;
}

}  // namespace outpost::connectors
