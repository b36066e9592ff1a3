#include "loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace upstream_sim {

std::optional<std::string> loopback_bind_address(std::string_view host) {
  std::string lowered(host);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered == "localhost") return std::string("127.0.0.1");

  const std::string text(host);
  in_addr v4{};
  // inet_pton only takes the full dotted quad, so "127.1" or "0x7f.0.0.1" are refused rather
  // than guessed at.
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    const auto first_octet = static_cast<unsigned char>(ntohl(v4.s_addr) >> 24U);
    if (first_octet == 127U) return text;
    return std::nullopt;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0) return text;
  }
  return std::nullopt;
}

std::string url_host(const std::string& address) {
  if (address.find(':') != std::string::npos) return "[" + address + "]";
  return address;
}

}  // namespace upstream_sim
