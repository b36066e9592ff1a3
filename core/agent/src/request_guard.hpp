#pragma once
// A control request whose fields have the wrong JSON types ("limit": "ten") makes nlohmann::json
// throw when a handler reads them: that request alone is refused, naming the problem, and the
// other requests of the turn go on (a throw would fail the whole turn's group commit).

#include <string>

#include <nlohmann/json.hpp>

namespace outpost::agent {

template <typename Handle>
auto refuse_malformed(Handle&& handle) -> decltype(handle()) {
    try {
        return handle();
    } catch (const nlohmann::json::exception& e) {
        return nlohmann::json{{"ok", false}, {"error", std::string("malformed request: ") + e.what()}};
    }
}

}  // namespace outpost::agent
