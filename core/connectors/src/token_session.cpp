#include "outpost/connectors/token_session.hpp"

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
    auto token = read_login_answer(response->body,
                                   {login.token_pointer, login.expiry_pointer, login.default_lifetime},
                                   std::chrono::system_clock::now());
    if (!token) return DeliveryResult{Outcome::AuthFailed, login.label + " " + token.error().message, std::nullopt};
    return std::move(*token);
}

}  // namespace outpost::connectors
