#include "outpost/connectors/responses.hpp"

#include <nlohmann/json.hpp>

namespace outpost::connectors {

namespace {

// SmartSeller's validation answers carry the messages per field: {"message": {"stock.0.amount":
// ["..."]}}. Flattened to "stock.0.amount: ...; ..." for operators.
std::string field_messages(const nlohmann::json& fields) {
    std::string text;
    for (const auto& [field, messages] : fields.items()) {
        std::string joined;
        for (const auto& message : messages.is_array() ? messages : nlohmann::json::array({messages})) {
            joined += (joined.empty() ? "" : ", ") +
                      (message.is_string() ? message.get<std::string>()
                                           : message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
        text += (text.empty() ? "" : "; ") + field + ": " + joined;
    }
    return text.size() > 500 ? text.substr(0, 497) + "..." : text;
}

}  // namespace

std::string server_message(const transport::Response& response) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("message") && body["message"].is_string()) {
        std::string message = body["message"].get<std::string>();
        if (body.contains("errors") && body["errors"].is_object()) message += " " + body["errors"].dump();
        return message;
    }
    if (body.is_object() && body.contains("message") && body["message"].is_object()) {
        return field_messages(body["message"]);
    }
    return response.body.substr(0, 200);
}

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
