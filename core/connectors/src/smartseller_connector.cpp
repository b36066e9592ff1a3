#include "outpost/connectors/smartseller_connector.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "outpost/config/upstream_options.hpp"
#include "outpost/connectors/responses.hpp"
#include "delivery_request.hpp"

namespace outpost::connectors {
namespace {

struct Endpoint {
    std::string_view kind;
    const char* method;
    const char* path;  // after api_prefix
};

// The seed's methods and paths; the kinds are intake's (smartseller_stock.hpp).
constexpr Endpoint kEndpoints[] = {
    {"stock-update", "PATCH", "/product/update-stock"},
    {"stock-sync", "PATCH", "/product/sync-stock"},
    {"stock-opname", "POST", "/stock-opname"},
    {"stock-transfer", "POST", "/stock-transfer"},
};

const Endpoint* endpoint_for(std::string_view kind) {
    for (const Endpoint& endpoint : kEndpoints) {
        if (endpoint.kind == kind) return &endpoint;
    }
    return nullptr;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// The body's verdict, lower case ("success", "sukses", "failed", ...), or "" when there is none.
std::string verdict(const nlohmann::json& body) {
    if (!body.is_object()) return {};
    const auto found = body.find("response");
    if (found == body.end() || !found->is_string()) return {};
    return lower(found->get<std::string>());
}

}  // namespace

Expected<SmartSellerSettings> smartseller_settings(const config::UpstreamConfig& upstream,
                                                   const std::string& source_path, const std::string& device_id) {
    config::UpstreamOptions options(upstream, source_path);
    SmartSellerSettings settings;
    settings.base_url = upstream.base_url;
    settings.device_id = device_id;
    settings.api_key = options.secret("api_key", true);
    settings.api_prefix = options.string("api_prefix", settings.api_prefix);
    settings.accept_language = options.string("accept_language", settings.accept_language);
    if (auto ok = options.finish(); !ok) return ok.error();
    if (settings.api_prefix.empty() || settings.api_prefix.front() != '/' || settings.api_prefix.back() == '/') {
        return make_error("config", source_path + ": '" + options.where("api_prefix") +
                                        "' must start with / and not end with one (e.g. \"/api/open\")");
    }
    if (settings.accept_language != "en" && settings.accept_language != "id") {
        return make_error("config", source_path + ": '" + options.where("accept_language") +
                                        "' must be \"en\" or \"id\" (got \"" + settings.accept_language + "\")");
    }
    // A key with a line break or control character would split the Authorization header.
    if (std::any_of(settings.api_key.begin(), settings.api_key.end(),
                    [](unsigned char c) { return std::iscntrl(c) != 0 || c == ' '; })) {
        return make_error("config", source_path + ": '" + options.where("api_key") +
                                        "' holds spaces or control characters; it must be the key alone");
    }
    return settings;
}

DeliveryResult classify_smartseller_response(const transport::Response& response,
                                             std::chrono::system_clock::time_point now) {
    DeliveryResult result = result_from_response(response, "SmartSeller", now);
    if (response.status == 401) {
        result.outcome = Outcome::AuthFailed;
        result.message = "SmartSeller refused the API key (HTTP 401): " + server_message(response) +
                         "; check api_key or api_key_file (SmartSeller renews keys every year)";
        return result;
    }
    if (response.status < 200 || response.status > 299) return result;
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const std::string said = verdict(body);
    if (said == "success" || said == "sukses") return result;
    if (said == "failed" || said == "gagal") {
        result.outcome = Outcome::Permanent;
        result.message = "SmartSeller answered HTTP " + std::to_string(response.status) +
                         " with \"response\": \"Failed\": " + server_message(response);
        return result;
    }
    result.outcome = Outcome::Transient;
    result.message = "SmartSeller answered HTTP " + std::to_string(response.status) +
                     " without a \"response\" verdict (outcome unknown; retried with the same key): " +
                     response.body.substr(0, 120);
    return result;
}

SmartSellerConnector::SmartSellerConnector(SmartSellerSettings settings) : settings_(std::move(settings)) {}

DeliveryResult SmartSellerConnector::deliver(transport::HttpClient& http, const outbox::Operation& operation) {
    const Endpoint* endpoint = endpoint_for(operation.kind);
    if (endpoint == nullptr) {
        return DeliveryResult{Outcome::Permanent,
                              "the SmartSeller connector has no endpoint for kind '" + operation.kind + "'",
                              std::nullopt};
    }
    const auto now = std::chrono::system_clock::now();
    transport::Request request =
        detail::delivery_request(endpoint->method, settings_.base_url + settings_.api_prefix + endpoint->path,
                                 operation.payload, settings_.api_key, operation.idempotency_key, settings_.device_id);
    request.headers.emplace_back("Accept-Language", settings_.accept_language);
    auto response = http.perform(request);
    if (!response) return from_transport_error(response.error().with_context("SmartSeller"));
    return classify_smartseller_response(*response, now);
}

}  // namespace outpost::connectors
