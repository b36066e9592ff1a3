#include "outpost/connectors/wms_connector.hpp"

#include <nlohmann/json.hpp>

#include <utility>

#include "outpost/config/upstream_options.hpp"
#include "outpost/connectors/responses.hpp"
#include "outpost/connectors/wms_master_data.hpp"
#include "delivery_request.hpp"
#include "password_login.hpp"

namespace outpost::connectors {

Expected<WmsSettings> wms_settings(const config::UpstreamConfig& upstream, const std::string& source_path,
                                   const std::string& device_id) {
    config::UpstreamOptions options(upstream, source_path);
    WmsSettings settings;
    settings.base_url = upstream.base_url;
    settings.device_id = device_id;
    detail::read_password_login(options, settings);
    settings.pull_interval = std::chrono::seconds(options.integer("pull_interval_s", 900, 1, 7 * 24 * 3600));
    settings.page_size = static_cast<int>(options.integer("page_size", 500, 1, 500));
    std::vector<std::string> every_type;
    for (catalog::EntityType type : catalog::all_entity_types()) every_type.emplace_back(catalog::to_string(type));
    const std::vector<std::string> names = options.strings("pull_types", every_type);
    if (auto ok = options.finish(); !ok) return ok.error();
    // Pulled in the catalog's order whatever the order in the file: parents before children.
    for (catalog::EntityType type : catalog::all_entity_types()) {
        for (const std::string& name : names) {
            if (name == catalog::to_string(type)) {
                settings.pull_types.push_back(type);
                break;
            }
        }
    }
    for (const std::string& name : names) {
        if (!catalog::parse_entity_type(name)) {
            std::string known;
            for (const auto& candidate : every_type) known += (known.empty() ? "" : ", ") + candidate;
            return make_error("config", source_path + ": '" + options.where("pull_types") + "' names '" + name +
                                            "', which is not an entity type (known: " + known + ")");
        }
    }
    return settings;
}

WmsConnector::WmsConnector(WmsSettings settings, catalog::Catalog& catalog)
    : settings_(std::move(settings)), session_([this](transport::HttpClient& http) {
          return perform_json_login(http, detail::password_json_login("WMS login", settings_.base_url + "/auth/login", settings_));
      }) {
    if (!settings_.pull_types.empty()) {
        master_data_ = std::make_unique<WmsMasterDataPuller>(settings_, session_, catalog);
    }
}

WmsConnector::~WmsConnector() = default;

void WmsConnector::before_drain(transport::HttpClient& http, std::int64_t backlog) {
    session_.before_drain(http, backlog);
}

std::vector<Puller*> WmsConnector::pullers() {
    if (!master_data_) return {};
    return {master_data_.get()};
}

DeliveryResult WmsConnector::deliver(transport::HttpClient& http, const outbox::Operation& operation) {
    // Intake queues only disposal cancellations for this upstream ("disposal-cancellation",
    // core/intake); anything else here is a bug or a damaged row, and sending it would be wrong.
    if (operation.kind != "disposal-cancellation") {
        return DeliveryResult{Outcome::Permanent, "the WMS connector does not send operations of kind '" +
                                                      operation.kind + "'", std::nullopt};
    }
    const auto now = std::chrono::system_clock::now();
    auto answer = session_.send_with_token(http, [&](const std::string& token) {
        return http.perform(detail::delivery_request("POST", settings_.base_url + "/wms/disposal/cancellation",
                                                     operation.payload, token, operation.idempotency_key,
                                                     settings_.device_id));
    });
    if (auto* failure = std::get_if<DeliveryResult>(&answer)) return *failure;
    return result_from_response(std::get<transport::Response>(answer), "WMS", now);
}

}  // namespace outpost::connectors
