#include "outpost/connectors/din_connector.hpp"

#include <nlohmann/json.hpp>

#include <utility>

namespace outpost::connectors {
namespace {

// Refresh this long before the server's expiry: a token that expires in flight costs a 401 and
// a second round trip.
constexpr auto kTokenSafetyMargin = std::chrono::seconds(60);

// The server's message from a SMILE-style error body, or a short excerpt of whatever it sent.
std::string server_message(const transport::Response& response) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("message") && body["message"].is_string()) {
        std::string message = body["message"].get<std::string>();
        if (body.contains("errors") && body["errors"].is_object()) message += " " + body["errors"].dump();
        return message;
    }
    return response.body.substr(0, 200);
}

DeliveryResult from_transport_error(const Error& error) {
    // No HTTP answer: the request may or may not have been applied. Retrying with the same
    // idempotency key is safe either way.
    const auto kind = transport::failure_kind(error);
    const Outcome outcome = kind == transport::FailureKind::Configuration ? Outcome::Permanent : Outcome::Transient;
    return DeliveryResult{outcome, error.message, std::nullopt};
}

}  // namespace

DinConnector::DinConnector(DinSettings settings) : settings_(std::move(settings)) {}

DinConnector::TokenOrFailure DinConnector::valid_token(transport::HttpClient& http) {
    std::lock_guard lock(token_mutex_);
    if (token_ && token_->expires_at - kTokenSafetyMargin <= std::chrono::system_clock::now()) token_.reset();
    if (!token_) {
        if (auto failed = log_in_locked(http)) return {{}, failed};
    }
    return {token_->value, std::nullopt};
}

void DinConnector::before_drain(transport::HttpClient& http, std::int64_t backlog) {
    if (backlog < kLargeBacklog) return;
    std::lock_guard lock(token_mutex_);
    if (!token_ || token_->expires_at - kDrainRefreshWindow > std::chrono::system_clock::now()) return;
    // The token would run out part-way through the drain: a 401 and a second round trip per
    // thread then. Renew it now; if that fails, the old one is still used until it expires.
    std::optional<Token> previous = token_;
    if (log_in_locked(http)) token_ = previous;
}

void DinConnector::forget_token(const std::string& token) {
    std::lock_guard lock(token_mutex_);
    // Only the token that was refused: another thread may already have logged in again.
    if (token_ && token_->value == token) token_.reset();
}

std::optional<DeliveryResult> DinConnector::log_in_locked(transport::HttpClient& http) {
    transport::Request request;
    request.url = settings_.base_url + "/ifp/login";
    request.headers = {{"Content-Type", "application/json"},
                       {"Accept", "application/json"},
                       {"X-Device-Id", settings_.device_id}};
    request.body = nlohmann::json{{"username", settings_.username}, {"password", settings_.password}}.dump();
    auto response = http.perform(request);
    if (!response) return from_transport_error(response.error().with_context("DIN login"));
    if (response->status == 401 || response->status == 403) {
        return DeliveryResult{Outcome::AuthFailed,
                              "DIN login refused (HTTP " + std::to_string(response->status) +
                                  "): " + server_message(*response),
                              std::nullopt};
    }
    if (response->status != 200) {
        Outcome outcome = classify_status(response->status);
        if (outcome != Outcome::Transient) outcome = Outcome::AuthFailed;
        return DeliveryResult{outcome,
                              "DIN login failed (HTTP " + std::to_string(response->status) +
                                  "): " + server_message(*response),
                              std::nullopt};
    }
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    const auto* token = body.is_object() ? &body["/data/token"_json_pointer] : nullptr;
    if (token == nullptr || !token->is_string() || token->get_ref<const std::string&>().empty()) {
        return DeliveryResult{Outcome::AuthFailed, "DIN login answered 200 without data.token", std::nullopt};
    }
    auto expires_at = std::chrono::system_clock::now() + std::chrono::minutes(10);
    if (const auto expiry = body.value("/data/expired_at"_json_pointer, nlohmann::json());
        expiry.is_number_integer()) {
        expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(expiry.get<std::int64_t>()));
    }
    token_ = Token{token->get<std::string>(), expires_at};
    return std::nullopt;
}

Expected<transport::Response> DinConnector::post_picking(transport::HttpClient& http,
                                                         const outbox::Operation& operation,
                                                         const std::string& token) {
    transport::Request request;
    request.url = settings_.base_url + "/ssl/ifp/picking/order";
    request.headers = {{"Content-Type", "application/json"},
                       {"Accept", "application/json"},
                       {"Authorization", "Bearer " + token},
                       {"Idempotency-Key", operation.idempotency_key},
                       {"X-Device-Id", settings_.device_id}};
    request.body = operation.payload;
    return http.perform(request);
}

DeliveryResult DinConnector::deliver(transport::HttpClient& http, const outbox::Operation& operation) {
    const auto now = std::chrono::system_clock::now();
    auto token = valid_token(http);
    if (token.failure) return *token.failure;
    auto response = post_picking(http, operation, token.token);
    if (response && response->status == 401) {
        // The token expired or the server forgot it: log in again once, then retry once.
        forget_token(token.token);
        token = valid_token(http);
        if (token.failure) return *token.failure;
        response = post_picking(http, operation, token.token);
    }
    if (!response) return from_transport_error(response.error());

    DeliveryResult result;
    result.outcome = classify_status(response->status);
    if (response->retry_after) result.retry_after = parse_retry_after(*response->retry_after, now);
    if (result.outcome == Outcome::Delivered || result.outcome == Outcome::AlreadyDelivered) {
        result.message = "HTTP " + std::to_string(response->status);
    } else {
        result.message = "DIN answered HTTP " + std::to_string(response->status) + ": " + server_message(*response);
        if (response->status == 401) forget_token(token.token);
    }
    return result;
}

}  // namespace outpost::connectors
