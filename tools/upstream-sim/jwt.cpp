#include "jwt.hpp"

#include "secrets.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace upstream_sim {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view data) {
  std::string out;
  std::size_t i = 0;
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(data[at]); };
  for (; i + 2 < data.size(); i += 3) {
    const unsigned value = (byte(i) << 16U) | (byte(i + 1) << 8U) | byte(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(alphabet[(value >> shift) & 63U]);
  }
  if (i + 1 == data.size()) {
    const unsigned value = byte(i) << 16U;
    out.push_back(alphabet[(value >> 18U) & 63U]);
    out.push_back(alphabet[(value >> 12U) & 63U]);
  } else if (i + 2 == data.size()) {
    const unsigned value = (byte(i) << 16U) | (byte(i + 1) << 8U);
    out.push_back(alphabet[(value >> 18U) & 63U]);
    out.push_back(alphabet[(value >> 12U) & 63U]);
    out.push_back(alphabet[(value >> 6U) & 63U]);
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::char_traits<char>::find(alphabet, 64, c);
    if (at == nullptr) return std::nullopt;
    value = (value << 6U) | static_cast<unsigned>(at - alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xffU));
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling character: not a whole byte
  return out;
}

std::string hmac_sha256(const std::string& key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
           &size) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(mac.data()), size);
}

const std::string& header_part() {
  static const std::string header = base64url(R"({"alg":"HS256","typ":"JWT"})");
  return header;
}

}  // namespace

JwtSigner::JwtSigner() : key_(32, '\0') {
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key_.data()), static_cast<int>(key_.size())) !=
      1) {
    throw std::runtime_error("RAND_bytes failed");
  }
}

std::string JwtSigner::issue(const nlohmann::json& claims) const {
  const std::string signing_input = header_part() + "." + base64url(claims.dump());
  return signing_input + "." + base64url(hmac_sha256(key_, signing_input));
}

std::optional<nlohmann::json> JwtSigner::verify(std::string_view token) const {
  const auto first = token.find('.');
  const auto second = token.find('.', first == std::string_view::npos ? first : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos ||
      token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  if (token.substr(0, first) != header_part()) return std::nullopt;  // HS256 only, no "none"
  const std::string_view signing_input = token.substr(0, second);
  const auto signature = base64url_decode(token.substr(second + 1));
  if (!signature || !constant_time_equal(*signature, hmac_sha256(key_, signing_input))) {
    return std::nullopt;
  }
  const auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  auto claims = nlohmann::json::parse(*payload, nullptr, false);
  if (!claims.is_object()) return std::nullopt;
  return claims;
}

}  // namespace upstream_sim
