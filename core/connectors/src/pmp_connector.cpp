#include "outpost/connectors/pmp_connector.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "outpost/common/log.hpp"
#include "outpost/config/upstream_options.hpp"
#include "outpost/connectors/responses.hpp"
#include "delivery_request.hpp"

namespace outpost::connectors {
namespace {

constexpr const char* kLoginPath = "/api/v1/auth/login";
constexpr const char* kLogoutPath = "/api/v1/auth/logout";
constexpr const char* kInsertPath = "/api/v1/json/order";
constexpr const char* kUpdatePath = "/api/v1/json/order/update";

bool equals_ignoring_case(const std::string& text, std::string_view word) {
    return text.size() == word.size() && std::equal(text.begin(), text.end(), word.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

}  // namespace

Expected<PmpSettings> pmp_settings(const config::UpstreamConfig& upstream, const std::string& source_path,
                                   const std::string& device_id) {
    config::UpstreamOptions options(upstream, source_path);
    PmpSettings settings;
    settings.base_url = upstream.base_url;
    settings.device_id = device_id;
    settings.email = options.string("email", {}, {.required = true});
    settings.password = options.secret("password", true);
    settings.email_field = options.string("email_field", settings.email_field);
    settings.password_field = options.string("password_field", settings.password_field);
    settings.token_pointer = options.json_pointer("token_pointer", settings.token_pointer);
    settings.expiry_pointer = options.json_pointer("expiry_pointer", settings.expiry_pointer);
    settings.token_lifetime = std::chrono::seconds(
        options.integer("token_lifetime_s", settings.token_lifetime.count(), 120, 365LL * 24 * 3600));
    settings.logout_on_shutdown = options.boolean("logout_on_shutdown", settings.logout_on_shutdown);
    if (auto ok = options.finish(); !ok) return ok.error();
    return settings;
}

PmpConnector::PmpConnector(PmpSettings settings)
    : settings_(std::move(settings)), session_([this](transport::HttpClient& http) {
          JsonLogin login;
          login.label = "PMP login";
          login.url = settings_.base_url + kLoginPath;
          login.headers = {{"X-Device-Id", settings_.device_id}};
          login.body = nlohmann::json{{settings_.email_field, settings_.email},
                                      {settings_.password_field, settings_.password}}
                           .dump();
          login.token_pointer = settings_.token_pointer;
          // An empty pointer names the whole answer, never an integer: the lifetime applies.
          login.expiry_pointer = settings_.expiry_pointer;
          login.default_lifetime = settings_.token_lifetime;
          return perform_json_login(http, login);
      }) {}

void PmpConnector::before_drain(transport::HttpClient& http, std::int64_t backlog) {
    session_.before_drain(http, backlog);
}

DeliveryResult classify_pmp_answer(const transport::Response& response, std::chrono::system_clock::time_point now) {
    if (response.status < 200 || response.status > 299) return result_from_response(response, "PMP", now);
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const auto status = body.is_object() ? body.find("status") : body.end();
    if (!body.is_object() || status == body.end() || !status->is_string()) {
        // Not the API talking (a proxy's page, a cut body): whether the order was applied is
        // unknown, so it is sent again with the same key.
        return DeliveryResult{Outcome::Transient,
                              "PMP answered HTTP " + std::to_string(response.status) +
                                  " without a JSON \"status\": " + response.body.substr(0, 120),
                              std::nullopt};
    }
    const std::string& said = status->get_ref<const std::string&>();
    if (equals_ignoring_case(said, "success")) {
        return DeliveryResult{Outcome::Delivered, "HTTP " + std::to_string(response.status), std::nullopt};
    }
    // The API's own refusal inside a 2xx ("status": "failed" / "error"): sending the same order
    // again gets the same answer.
    return DeliveryResult{Outcome::Permanent,
                          "PMP refused the order (HTTP " + std::to_string(response.status) + ", status \"" + said +
                              "\"): " + server_message(response),
                          std::nullopt};
}

DeliveryResult PmpConnector::deliver(transport::HttpClient& http, const outbox::Operation& operation) {
    const char* path = nullptr;
    if (operation.kind == "pmp-order-insert") path = kInsertPath;
    if (operation.kind == "pmp-order-update") path = kUpdatePath;
    if (path == nullptr) {
        return DeliveryResult{Outcome::Permanent, "the PMP connector cannot send operations of kind '" +
                                                      operation.kind + "'", std::nullopt};
    }
    const auto now = std::chrono::system_clock::now();
    auto answer = session_.send_with_token(http, [&](const std::string& token) {
        return http.perform(detail::delivery_request("POST", settings_.base_url + path, operation.payload, token,
                                                     operation.idempotency_key, settings_.device_id));
    });
    if (auto* failure = std::get_if<DeliveryResult>(&answer)) return *failure;
    return classify_pmp_answer(std::get<transport::Response>(answer), now);
}

void PmpConnector::end_session(transport::HttpClient& http) {
    if (!settings_.logout_on_shutdown) return;
    const auto token = session_.release();
    if (!token) return;  // never logged in, or the token was already refused
    transport::Request request;
    request.url = settings_.base_url + kLogoutPath;
    request.headers = {{"Accept", "application/json"},
                       {"Authorization", "Bearer " + *token},
                       {"X-Device-Id", settings_.device_id}};
    auto response = http.perform(request);
    if (!response) {
        log::warning("pmp", "logout at shutdown failed (the session stays open on the server until it "
                            "expires): " + response.error().message);
    } else if (response->status >= 200 && response->status <= 299) {
        log::info("pmp", "logged out of PMP Smart");
    } else {
        log::warning("pmp", "logout at shutdown answered HTTP " + std::to_string(response->status) + ": " +
                                server_message(*response));
    }
}

}  // namespace outpost::connectors
