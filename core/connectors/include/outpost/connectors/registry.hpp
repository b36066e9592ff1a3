#pragma once
// Which connector serves which [upstream.<name>] table.
//
// Contract: make_connector() builds the connector for one configured upstream, reading and
// checking its connector-specific keys (an unknown key or a missing credential is an Error naming
// the config file and the key). An upstream name no connector serves is an Error listing the
// known ones. Adding an upstream family means one entry in registry.cpp.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "outpost/common/expected.hpp"
#include "outpost/config/config.hpp"
#include "outpost/connectors/connector.hpp"

namespace outpost::catalog {
class Catalog;
}

namespace outpost::connectors {

struct ConnectorContext {
    std::string config_source;  // the config file, for error messages
    std::string device_id;      // sent as X-Device-Id
    // Where pulled reference data goes (master data, pick lists); it outlives the connector.
    // Null: the agent has no catalog, and connectors that pull refuse to be built.
    catalog::Catalog* catalog = nullptr;
};

Expected<std::unique_ptr<Connector>> make_connector(const config::UpstreamConfig& upstream,
                                                    const ConnectorContext& context);

// The upstream names a connector exists for, in registry order.
std::vector<std::string_view> known_upstreams();

}  // namespace outpost::connectors
