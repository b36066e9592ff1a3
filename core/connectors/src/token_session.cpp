#include "outpost/connectors/token_session.hpp"

#include <nlohmann/json.hpp>

#include "outpost/connectors/responses.hpp"

namespace outpost::connectors {

TokenSession::TokenSession(LogIn log_in, Refresh refresh) : log_in_(std::move(log_in)), refresh_(std::move(refresh)) {}

std::optional<DeliveryResult> TokenSession::renew_locked(transport::HttpClient& http) {
    if (refresh_ && token_ && token_->expires_at > std::chrono::system_clock::now()) {
        LoginResult refreshed = refresh_(http, *token_);
        if (auto* token = std::get_if<Token>(&refreshed)) {
            token_ = std::move(*token);
            return std::nullopt;
        }
        // A refused refresh is not a refused login: fall through to logging in.
    }
    LoginResult result = log_in_(http);
    if (auto* token = std::get_if<Token>(&result)) {
        token_ = std::move(*token);
        return std::nullopt;
    }
    return std::get<DeliveryResult>(result);
}

TokenSession::TokenOrFailure TokenSession::valid_token(transport::HttpClient& http) {
    std::lock_guard lock(mutex_);
    if (!token_ || token_->expires_at - kSafetyMargin <= std::chrono::system_clock::now()) {
        if (auto failed = renew_locked(http)) {
            token_.reset();
            return {{}, failed};
        }
    }
    return {token_->value, std::nullopt};
}

void TokenSession::forget(const std::string& token) {
    std::lock_guard lock(mutex_);
    // Only the token that was refused: another thread may already have logged in again.
    if (token_ && token_->value == token) token_.reset();
}

std::optional<std::string> TokenSession::release() {
    std::lock_guard lock(mutex_);
    std::optional<std::string> held;
    if (token_) held = std::move(token_->value);
    token_.reset();
    return held;
}

void TokenSession::before_drain(transport::HttpClient& http, std::int64_t backlog) {
    if (backlog < kLargeBacklog) return;
    std::lock_guard lock(mutex_);
    if (!token_ || token_->expires_at - kDrainRefreshWindow > std::chrono::system_clock::now()) return;
    // The token would run out part-way through the drain: a 401 and a second round trip per
    // thread then. Renew it now; if that fails, the old one is used until it expires.
    std::optional<Token> previous = token_;
    if (renew_locked(http)) token_ = previous;
}

std::variant<transport::Response, DeliveryResult> TokenSession::send_with_token(transport::HttpClient& http,
                                                                                const Send& send) {
    auto token = valid_token(http);
    if (token.failure) return *token.failure;
    auto response = send(token.token);
    if (response && response->status == 401) {
        // The token expired or the server forgot it: log in again once, then retry once.
        forget(token.token);
        token = valid_token(http);
        if (token.failure) return *token.failure;
        response = send(token.token);
        if (response && response->status == 401) forget(token.token);
    }
    if (!response) return from_transport_error(response.error());
    return std::move(*response);
}

LoginResult perform_json_login(transport::HttpClient& http, const JsonLogin& login) {
    transport::Request request;
    request.url = login.url;
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    request.headers.insert(request.headers.end(), login.headers.begin(), login.headers.end());
    request.body = login.body;
    auto response = http.perform(request);
    if (!response) return from_transport_error(response.error().with_context(login.label));
    if (response->status == 401 || response->status == 403) {
        return DeliveryResult{Outcome::AuthFailed,
                              login.label + " refused (HTTP " + std::to_string(response->status) +
                                  "): " + server_message(*response),
                              std::nullopt};
    }
    if (response->status < 200 || response->status > 299) {
        Outcome outcome = classify_status(response->status);
        if (outcome != Outcome::Transient) outcome = Outcome::AuthFailed;
        return DeliveryResult{outcome,
                              login.label + " failed (HTTP " + std::to_string(response->status) +
                                  "): " + server_message(*response),
                              std::nullopt};
    }
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    const nlohmann::json::json_pointer token_at(login.token_pointer);
    const nlohmann::json::json_pointer expiry_at(login.expiry_pointer);
    if (!body.is_object() || !body.contains(token_at) || !body[token_at].is_string() ||
        body[token_at].get_ref<const std::string&>().empty()) {
        return DeliveryResult{Outcome::AuthFailed,
                              login.label + " answered without a token at " + login.token_pointer, std::nullopt};
    }
    Token token{body[token_at].get<std::string>(), std::chrono::system_clock::now() + login.default_lifetime};
    if (body.contains(expiry_at) && body[expiry_at].is_number_integer()) {
        token.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(body[expiry_at].get<std::int64_t>()));
    }
    return token;
}

}  // namespace outpost::connectors
