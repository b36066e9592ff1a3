// Which addresses the simulator may listen on.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace upstream_sim {

// The simulator has no authentication worth the name on its admin port and hands out dev
// credentials, so it only ever listens on loopback. Returns the address to bind for a loopback
// host (127.0.0.0/8, ::1, or "localhost", which is pinned to 127.0.0.1 so the port a test reads
// from the ready file is the one that answers), or nullopt for anything else.
std::optional<std::string> loopback_bind_address(std::string_view host);

// "127.0.0.1" -> "127.0.0.1", "::1" -> "[::1]": the host part of a URL.
std::string url_host(const std::string& address);

}  // namespace upstream_sim
