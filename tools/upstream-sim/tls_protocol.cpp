#include "tls_protocol.hpp"

#include <openssl/err.h>

#include <array>
#include <cstdio>
#include <utility>

namespace upstream_sim {
namespace {

constexpr std::array<std::pair<const char*, int>, 4> versions_by_name{{
    {"1.0", TLS1_VERSION},
    {"1.1", TLS1_1_VERSION},
    {"1.2", TLS1_2_VERSION},
    {"1.3", TLS1_3_VERSION},
}};

// The Stats object the info callback reports to, kept in the context's ex_data.
int stats_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

void on_info(const SSL* ssl, int where, int value) {
  auto* stats = static_cast<Stats*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), stats_index()));
  if (stats == nullptr) return;
  if ((where & SSL_CB_HANDSHAKE_DONE) != 0) {
    stats->on_tls_handshake(SSL_get_version(ssl));
  } else if ((where & SSL_CB_ALERT) != 0 && (where & SSL_CB_WRITE) != 0 && (value >> 8) == SSL3_AL_FATAL) {
    // (SSL_CB_WRITE_ALERT shares its SSL_CB_ALERT bit with SSL_CB_READ_ALERT: test both bits.)
    // value: level in the high byte, description in the low one.
    const std::string description = SSL_alert_desc_string_long(value);
    stats->on_tls_alert_sent(description);
    std::fprintf(stderr, "upstream-sim: TLS session ended with our alert: %s\n", description.c_str());
  } else if ((where & SSL_CB_ALERT) != 0 && (where & SSL_CB_READ) != 0 && (value >> 8) == SSL3_AL_FATAL) {
    std::fprintf(stderr, "upstream-sim: TLS session ended with the client's alert: %s\n",
                 SSL_alert_desc_string_long(value));
  }
}

}  // namespace

std::optional<int> parse_tls_version(const std::string& text) {
  for (const auto& [name, version] : versions_by_name) {
    if (text == name) return version;
  }
  return std::nullopt;
}

bool apply_tls_protocol(SSL_CTX& ctx, const TlsProtocol& protocol, std::string& error) {
  const TlsProtocol& versions = protocol;
  if (versions.min > versions.max) {
    error = "--tls-min is above --tls-max";
    return false;
  }
  ERR_clear_error();
  if (versions.min < TLS1_2_VERSION) {
    SSL_CTX_set_security_level(&ctx, 0);
    // The cipher string carries a level of its own, which would raise it again.
    if (SSL_CTX_set_cipher_list(&ctx, "DEFAULT:@SECLEVEL=0") != 1) {
      error = "cannot enable the TLS 1.0/1.1 cipher suites";
      return false;
    }
  }
  if (SSL_CTX_set_min_proto_version(&ctx, versions.min) != 1 ||
      SSL_CTX_set_max_proto_version(&ctx, versions.max) != 1) {
    error = "cannot set the TLS version range";
    return false;
  }
  if (!protocol.sigalgs.empty() && SSL_CTX_set1_sigalgs_list(&ctx, protocol.sigalgs.c_str()) != 1) {
    error = "--sigalgs " + protocol.sigalgs + " is not a signature algorithm list OpenSSL knows";
    return false;
  }
  return true;
}

void record_tls_outcomes(SSL_CTX& ctx, Stats& stats) {
  SSL_CTX_set_ex_data(&ctx, stats_index(), &stats);
  SSL_CTX_set_info_callback(&ctx, &on_info);
}

}  // namespace upstream_sim
