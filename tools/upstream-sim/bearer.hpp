// "Authorization: Bearer <token>" parsing for the endpoints that take bearer tokens.
#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

namespace upstream_sim {

// The token from an Authorization header value (scheme in any case, RFC 7235), or nullopt.
inline std::optional<std::string> parse_bearer(const std::string& header) {
  constexpr std::string_view scheme = "bearer";
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return std::nullopt;
  }
  const auto first = header.find_first_not_of(' ', scheme.size());
  if (first == std::string::npos) return std::nullopt;
  const auto last = header.find_last_not_of(' ');
  return header.substr(first, last - first + 1);
}

}  // namespace upstream_sim
