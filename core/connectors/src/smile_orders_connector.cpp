#include "outpost/connectors/smile_orders_connector.hpp"

#include <nlohmann/json.hpp>

#include <utility>

#include "outpost/config/upstream_options.hpp"
#include "outpost/connectors/responses.hpp"
#include "delivery_request.hpp"
#include "password_login.hpp"

namespace outpost::connectors {
namespace {

// The kinds' names as intake registers them (core/intake/order_changes.hpp). Connectors sit
// beside intake, not above it, so the two strings are repeated here rather than linked in.
constexpr const char* kStatusKind = "order-status";
constexpr const char* kItemStocksKind = "order-item-stocks";

// Method, path and body of one operation, or why it cannot be sent.
struct Call {
    std::string method;
    std::string path;
    std::string body;
};

Expected<Call> call_for(const outbox::Operation& operation) {
    const auto payload = nlohmann::json::parse(operation.payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("order_id") || !payload["order_id"].is_number_integer()) {
        return make_error("connector", "smile-orders: operation " + std::to_string(operation.id) +
                                           " has no readable order_id in its payload");
    }
    const std::string orders = "/orders/" + std::to_string(payload["order_id"].get<std::int64_t>());
    if (operation.kind == kStatusKind) {
        if (!payload.contains("status") || !payload["status"].is_string()) {
            return make_error("connector", "smile-orders: operation " + std::to_string(operation.id) + " has no status");
        }
        nlohmann::json body = payload;
        body.erase("order_id");
        body.erase("status");
        return Call{"PUT", orders + "/" + payload["status"].get<std::string>(), body.dump()};
    }
    if (operation.kind == kItemStocksKind) {
        nlohmann::json body = payload;
        body.erase("order_id");
        return Call{"POST", orders + "/order-item-stocks", body.dump()};
    }
    return make_error("connector", "smile-orders cannot deliver operations of kind '" + operation.kind + "'");
}

}  // namespace

Expected<SmileOrdersSettings> smile_orders_settings(const config::UpstreamConfig& upstream,
                                                    const std::string& source_path, const std::string& device_id) {
    config::UpstreamOptions options(upstream, source_path);
    SmileOrdersSettings settings;
    settings.base_url = upstream.base_url;
    settings.device_id = device_id;
    detail::read_password_login(options, settings);
    settings.login_path = options.string("login_path", settings.login_path);
    settings.pick_lists.base_url = settings.base_url;
    settings.pick_lists.device_id = device_id;
    settings.pick_lists.statuses = options.strings("pick_list_statuses", {});
    settings.pick_lists.interval = std::chrono::seconds(options.integer("pick_list_interval_s", 300, 1, 7 * 24 * 3600));
    settings.pick_lists.page_size = options.integer("pick_list_page_size", 100, 1, 500);
    settings.pick_lists.max_refresh = options.integer("pick_list_max_refresh", 50, 0, 1000);
    if (auto ok = options.finish(); !ok) return ok.error();
    if (settings.login_path.empty() || settings.login_path.front() != '/') {
        return make_error("config", source_path + ": '" + options.where("login_path") +
                                        "' must be a path starting with '/' (got \"" + settings.login_path + "\")");
    }
    return settings;
}

SmileOrdersConnector::SmileOrdersConnector(SmileOrdersSettings settings, catalog::Catalog* catalog)
    : settings_(std::move(settings)), session_([this](transport::HttpClient& http) {
          return perform_json_login(http, detail::password_json_login("SMILE login", settings_.base_url + settings_.login_path, settings_));
      }) {
    if (catalog != nullptr && !settings_.pick_lists.statuses.empty()) {
        pick_lists_ = std::make_unique<PickListPull>(settings_.pick_lists, session_, *catalog);
    }
}

SmileOrdersConnector::~SmileOrdersConnector() = default;

std::vector<Puller*> SmileOrdersConnector::pullers() {
    if (!pick_lists_) return {};
    return {pick_lists_.get()};
}

void SmileOrdersConnector::before_drain(transport::HttpClient& http, std::int64_t backlog) {
    session_.before_drain(http, backlog);
}

DeliveryResult SmileOrdersConnector::deliver(transport::HttpClient& http, const outbox::Operation& operation) {
    const auto now = std::chrono::system_clock::now();
    auto call = call_for(operation);
    if (!call) return DeliveryResult{Outcome::Permanent, call.error().message, std::nullopt};
    auto answer = session_.send_with_token(http, [&](const std::string& token) {
        return http.perform(detail::delivery_request(call->method, settings_.base_url + call->path, call->body,
                                                     token, operation.idempotency_key, settings_.device_id));
    });
    if (auto* failure = std::get_if<DeliveryResult>(&answer)) return *failure;
    return result_from_response(std::get<transport::Response>(answer), "SMILE orders " + call->method + " " + call->path,
                                now);
}

}  // namespace outpost::connectors
