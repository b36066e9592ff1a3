#pragma once
// The cipher suites the agent offers, in the order it prefers them.
//
// Mbed TLS's default order puts ChaCha20-Poly1305 first, which is right for a CPU without AES
// instructions (the armhf handhelds): there ChaCha20 in C is the faster AEAD. On a CPU with AES and
// carry-less multiply instructions that Mbed TLS uses (AES-NI and PCLMULQDQ on x86-64, the ARMv8
// Crypto Extensions on aarch64), AES-GCM costs a fraction of ChaCha20: on the host, ChaCha20-Poly1305
// was 15 % of the instructions per delivered operation (docs/performance.md). An upstream follows
// the client's order unless it enforces its own, so the agent offers AES-GCM first there: the rule
// BoringSSL and Go's crypto/tls follow. The set is Mbed TLS's default set; only the order differs,
// and suites without forward secrecy never move ahead of ones with it.

#include <mbedtls/ssl.h>

#include <vector>

namespace outpost::transport {

// Offers the suites in the order below, for this CPU. Mbed TLS keeps a pointer: the list is static.
void use_cipher_suites(mbedtls_ssl_config& config);

// Whether this CPU has the AES and carry-less multiply instructions Mbed TLS's AES-GCM uses.
bool cpu_accelerates_aes_gcm();

// `defaults` (a 0-terminated list of Mbed TLS suite ids, in preference order), reordered: with
// `aes_gcm_accelerated`, the AES-GCM suites with forward secrecy (TLS 1.3, or an ephemeral (EC)DHE
// key exchange) first, then the ChaCha20-Poly1305 suites, then the rest (including every PSK
// suite), each group in its order in `defaults`; without, unchanged. The result is 0-terminated.
std::vector<int> cipher_suites_in_preference_order(const int* defaults, bool aes_gcm_accelerated);

}  // namespace outpost::transport
