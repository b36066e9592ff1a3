#include "outpost/connectors/registry.hpp"

#include "outpost/connectors/din_connector.hpp"
#include "outpost/connectors/pmp_connector.hpp"
#include "outpost/connectors/sales_order_connector.hpp"
#include "outpost/connectors/smartseller_connector.hpp"
#include "outpost/connectors/smile_orders_connector.hpp"
#include "outpost/connectors/wms_connector.hpp"

namespace outpost::connectors {
namespace {

using Factory = Expected<std::unique_ptr<Connector>> (*)(const config::UpstreamConfig&, const ConnectorContext&);

struct Entry {
    std::string_view upstream;
    Factory make;
};

Expected<std::unique_ptr<Connector>> make_din(const config::UpstreamConfig& upstream, const ConnectorContext& context) {
    auto settings = din_settings(upstream, context.config_source, context.device_id);
    if (!settings) return settings.error();
    return std::unique_ptr<Connector>(std::make_unique<DinConnector>(std::move(*settings)));
}

Expected<std::unique_ptr<Connector>> make_sales_order(const config::UpstreamConfig& upstream,
                                                      const ConnectorContext& context) {
    auto settings = sales_order_settings(upstream, context.config_source, context.device_id);
    if (!settings) return settings.error();
    auto connector = SalesOrderConnector::create(std::move(*settings));
    if (!connector) return connector.error().with_context(context.config_source);
    return std::unique_ptr<Connector>(std::move(*connector));
}

Expected<std::unique_ptr<Connector>> make_pmp(const config::UpstreamConfig& upstream, const ConnectorContext& context) {
    auto settings = pmp_settings(upstream, context.config_source, context.device_id);
    if (!settings) return settings.error();
    return std::unique_ptr<Connector>(std::make_unique<PmpConnector>(std::move(*settings)));
}

Expected<std::unique_ptr<Connector>> make_smartseller(const config::UpstreamConfig& upstream,
                                                      const ConnectorContext& context) {
    auto settings = smartseller_settings(upstream, context.config_source, context.device_id);
    if (!settings) return settings.error();
    return std::unique_ptr<Connector>(std::make_unique<SmartSellerConnector>(std::move(*settings)));
}

Expected<std::unique_ptr<Connector>> make_smile_orders(const config::UpstreamConfig& upstream,
                                                       const ConnectorContext& context) {
    auto settings = smile_orders_settings(upstream, context.config_source, context.device_id);
    if (!settings) return settings.error();
    return std::unique_ptr<Connector>(std::make_unique<SmileOrdersConnector>(std::move(*settings), context.catalog));
}

Expected<std::unique_ptr<Connector>> make_wms(const config::UpstreamConfig& upstream, const ConnectorContext& context) {
    auto settings = wms_settings(upstream, context.config_source, context.device_id);
    if (!settings) return settings.error();
    if (context.catalog == nullptr) {
        return make_error("config", context.config_source + ": [upstream.wms] pulls master data, which needs the "
                                                            "catalog ([storage] catalog_path)");
    }
    return std::unique_ptr<Connector>(std::make_unique<WmsConnector>(std::move(*settings), *context.catalog));
}

// One entry per upstream family (upstream-contract.md).
constexpr Entry kEntries[] = {
    {"din", make_din},
    {"sales-order", make_sales_order},
    {"pmp", make_pmp},
    {"smartseller", make_smartseller},
    {"smile-orders", make_smile_orders},
    {"wms", make_wms},
};

}  // namespace

Expected<std::unique_ptr<Connector>> make_connector(const config::UpstreamConfig& upstream,
                                                    const ConnectorContext& context) {
    for (const Entry& entry : kEntries) {
        if (entry.upstream == upstream.name) return entry.make(upstream, context);
    }
    std::string known;
    for (std::string_view name : known_upstreams()) known += (known.empty() ? "" : ", ") + std::string(name);
    return make_error("config", context.config_source + ": unknown upstream '[upstream." + upstream.name +
                                    "]' (known: " + known + ")");
}

std::vector<std::string_view> known_upstreams() {
    std::vector<std::string_view> names;
    for (const Entry& entry : kEntries) names.push_back(entry.upstream);
    return names;
}

}  // namespace outpost::connectors
