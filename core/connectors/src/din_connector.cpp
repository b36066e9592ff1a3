#include "outpost/connectors/din_connector.hpp"

#include <nlohmann/json.hpp>

#include <utility>

#include "outpost/config/upstream_options.hpp"
#include "outpost/connectors/responses.hpp"
#include "delivery_request.hpp"
#include "password_login_options.hpp"

namespace outpost::connectors {

Expected<DinSettings> din_settings(const config::UpstreamConfig& upstream, const std::string& source_path,
                                   const std::string& device_id) {
    config::UpstreamOptions options(upstream, source_path);
    DinSettings settings;
    settings.base_url = upstream.base_url;
    settings.device_id = device_id;
    detail::read_password_login(options, settings);
    if (auto ok = options.finish(); !ok) return ok.error();
    return settings;
}

DinConnector::DinConnector(DinSettings settings)
    : settings_(std::move(settings)), session_([this](transport::HttpClient& http) {
          JsonLogin login;
          login.label = "DIN login";
          login.url = settings_.base_url + "/ifp/login";
          login.headers = {{"X-Device-Id", settings_.device_id}};
          login.body = nlohmann::json{{settings_.username_field, settings_.username},
                                      {settings_.password_field, settings_.password}}
                           .dump();
          login.token_pointer = settings_.token_pointer;
          login.expiry_pointer = settings_.expiry_pointer;
          return perform_json_login(http, login);
      }) {}

void DinConnector::before_drain(transport::HttpClient& http, std::int64_t backlog) {
    session_.before_drain(http, backlog);
}

DeliveryResult DinConnector::deliver(transport::HttpClient& http, const outbox::Operation& operation) {
    const auto now = std::chrono::system_clock::now();
    auto answer = session_.send_with_token(http, [&](const std::string& token) {
        return http.perform(detail::delivery_request("POST", settings_.base_url + "/ssl/ifp/picking/order",
                                                     operation.payload, token, operation.idempotency_key,
                                                     settings_.device_id));
    });
    if (auto* failure = std::get_if<DeliveryResult>(&answer)) return *failure;
    return result_from_response(std::get<transport::Response>(answer), "DIN", now);
}

}  // namespace outpost::connectors
