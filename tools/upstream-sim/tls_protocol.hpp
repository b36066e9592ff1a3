// What the API listener offers in a handshake (--tls-min, --tls-max, --sigalgs), and a record of
// what each handshake ended with (the negotiated version, or the alert the server sent), so
// tests can check that a "TLS 1.2 only" server really spoke TLS 1.2 and that a refusal was the
// one meant.
#pragma once

#include "stats.hpp"

#include <openssl/ssl.h>

#include <optional>
#include <string>

namespace upstream_sim {

struct TlsProtocol {
  int min = TLS1_2_VERSION;  // the contract's floor
  int max = TLS1_3_VERSION;
  // OpenSSL's signature algorithm list for the server's own signatures ("rsa_pss_rsae_sha256");
  // empty: OpenSSL's default. Lets a test make a server insist on one algorithm.
  std::string sigalgs;
};

// "1.0", "1.1", "1.2", "1.3" to OpenSSL's version constant; nullopt for anything else.
std::optional<int> parse_tls_version(const std::string& text);

// Restricts ctx to protocol.min..protocol.max (and protocol.sigalgs). Below TLS 1.2, OpenSSL 3 needs security level 0
// (its default level 1 and Debian's level 2 forbid the SHA-1 signatures TLS 1.0/1.1 use), so the
// level is lowered then, and only then: a test of the agent refusing old servers needs a server
// that really offers them. false with error set when OpenSSL refuses.
bool apply_tls_protocol(SSL_CTX& ctx, const TlsProtocol& protocol, std::string& error);

// Counts every finished handshake by negotiated version and every alert the server sends, in
// stats (GET /admin/stats: "tls_versions", "tls_alerts_sent"). Uses the context's info callback.
void record_tls_outcomes(SSL_CTX& ctx, Stats& stats);

}  // namespace upstream_sim
