#include "outpost/connectors/sales_order_connector.hpp"

#include <nlohmann/json.hpp>

#include <utility>

#include "outpost/config/secret_files.hpp"
#include "outpost/config/upstream_options.hpp"
#include "outpost/connectors/responses.hpp"
#include "delivery_request.hpp"

namespace outpost::connectors {
namespace {

constexpr const char* kLoginPath = "/api/v1/auth/login";
constexpr const char* kRefreshPath = "/api/v1/auth/refresh";

std::string unix_seconds_now() {
    return std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// "HTTP 201 (SO-20250101-00001)": the upstream's order code is worth keeping for operators.
std::string delivered_message(const transport::Response& response) {
    std::string message = "HTTP " + std::to_string(response.status);
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const nlohmann::json::json_pointer code("/data/code");
    if (body.is_object() && body.contains(code) && body[code].is_string()) {
        message += " (" + body[code].get<std::string>() + ")";
    }
    return message;
}

}  // namespace

Expected<SalesOrderSettings> sales_order_settings(const config::UpstreamConfig& upstream,
                                                  const std::string& source_path, const std::string& device_id) {
    config::UpstreamOptions options(upstream, source_path);
    SalesOrderSettings settings;
    settings.base_url = upstream.base_url;
    settings.device_id = device_id;
    settings.client_id = options.string("client_id", {}, {.required = true});
    settings.client_secret = options.secret("client_secret", true);
    settings.signing_key_file = options.path("signing_key_file", {.required = true});
    settings.sales_order_path = options.string("sales_order_path", settings.sales_order_path);
    settings.client_id_field = options.string("client_id_field", settings.client_id_field);
    settings.client_secret_field = options.string("client_secret_field", settings.client_secret_field);
    settings.token_pointer = options.json_pointer("token_pointer", settings.token_pointer);
    settings.expiry_pointer = options.json_pointer("expiry_pointer", settings.expiry_pointer);
    if (auto ok = options.finish(); !ok) return ok.error();
    if (settings.sales_order_path.empty() || settings.sales_order_path.front() != '/') {
        return make_error("config", source_path + ": '" + options.where("sales_order_path") +
                                        "' must be a path starting with / (got \"" + settings.sales_order_path + "\")");
    }
    // The signing key is as much the device's identity as the TLS key: same rule.
    const std::string key_name = options.where("signing_key_file");
    if (auto private_file = config::require_private_file(settings.signing_key_file, key_name); !private_file) {
        return make_error("config", source_path + ": " + private_file.error().message);
    }
    return settings;
}

Expected<std::unique_ptr<SalesOrderConnector>> SalesOrderConnector::create(SalesOrderSettings settings) {
    auto signer = auth::RsaSigner::load_file(settings.signing_key_file);
    if (!signer) return make_error("config", "upstream.sales-order.signing_key_file: " + signer.error().message);
    return std::unique_ptr<SalesOrderConnector>(new SalesOrderConnector(std::move(settings), std::move(*signer)));
}

SalesOrderConnector::SalesOrderConnector(SalesOrderSettings settings, auth::RsaSigner signer)
    : settings_(std::move(settings)),
      signer_(std::move(signer)),
      session_([this](transport::HttpClient& http) { return log_in(http); },
               [this](transport::HttpClient& http, const Token& current) { return refresh(http, current); }) {}

LoginResult SalesOrderConnector::log_in(transport::HttpClient& http) const {
    JsonLogin login;
    login.label = "Sales Order login";
    login.url = settings_.base_url + kLoginPath;
    login.headers = {{"X-Device-Id", settings_.device_id}};
    login.body = nlohmann::json{{settings_.client_id_field, settings_.client_id},
                                {settings_.client_secret_field, settings_.client_secret}}
                     .dump();
    login.token_pointer = settings_.token_pointer;
    login.expiry_pointer = settings_.expiry_pointer;
    login.default_lifetime = kDefaultTokenLifetime;
    return perform_json_login(http, login);
}

LoginResult SalesOrderConnector::refresh(transport::HttpClient& http, const Token& current) const {
    // The seed's renewal: the current token, no client secret. Same answer shape as the login.
    JsonLogin renewal;
    renewal.label = "Sales Order token refresh";
    renewal.url = settings_.base_url + kRefreshPath;
    renewal.headers = {{"X-Device-Id", settings_.device_id}};
    renewal.body = nlohmann::json{{"token", current.value}}.dump();
    renewal.token_pointer = settings_.token_pointer;
    renewal.expiry_pointer = settings_.expiry_pointer;
    renewal.default_lifetime = kDefaultTokenLifetime;
    return perform_json_login(http, renewal);
}

void SalesOrderConnector::before_drain(transport::HttpClient& http, std::int64_t backlog) {
    session_.before_drain(http, backlog);
}

DeliveryResult SalesOrderConnector::deliver(transport::HttpClient& http, const outbox::Operation& operation) {
    const auto now = std::chrono::system_clock::now();
    std::optional<DeliveryResult> signing_failed;
    auto answer = session_.send_with_token(http, [&](const std::string& token) -> Expected<transport::Response> {
        // Signed per attempt: the retry after a 401 carries a fresh timestamp.
        const std::string timestamp = unix_seconds_now();
        auto signature = signer_.sign_base64(settings_.client_id + "|" + timestamp);
        if (!signature) {
            signing_failed = DeliveryResult{Outcome::Transient, "signing the request failed: " + signature.error().message,
                                            std::nullopt};
            return signature.error();
        }
        transport::Request request =
            detail::delivery_request("POST", settings_.base_url + settings_.sales_order_path, operation.payload,
                                     token, operation.idempotency_key, settings_.device_id);
        request.headers.insert(request.headers.end(), {{"X-CLIENT-ID", settings_.client_id},
                                                       {"X-TIMESTAMP", timestamp},
                                                       {"X-SIGNATURE", *signature}});
        return http.perform(request);
    });
    if (signing_failed) return *signing_failed;
    if (auto* failure = std::get_if<DeliveryResult>(&answer)) return *failure;
    const auto& response = std::get<transport::Response>(answer);
    if (response.status == 401) {
        // send_with_token already logged in afresh and retried: the token is new, so what is
        // refused is the request's own authentication.
        return DeliveryResult{Outcome::AuthFailed,
                              "Sales Order API refused the request after a fresh login (HTTP 401): " +
                                  server_message(response) +
                                  " (check client_id, that the upstream holds the public key of signing_key_file, "
                                  "and the device clock: X-TIMESTAMP must be close to the server's time)",
                              std::nullopt};
    }
    auto result = result_from_response(response, "Sales Order API", now);
    if (result.outcome == Outcome::Delivered) result.message = delivered_message(response);
    return result;
}

}  // namespace outpost::connectors
