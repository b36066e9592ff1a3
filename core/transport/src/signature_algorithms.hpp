#pragma once
// The signature algorithms the agent offers, in the order it prefers them.
//
// Why not Mbed TLS's default list: Mbed TLS 3.6.6 offers RSA-PSS (rsa_pss_rsae_*) ahead of
// PKCS#1 v1.5 in its ClientHello, for TLS 1.3, but its TLS 1.2 code then refuses a
// ServerKeyExchange signed with RSA-PSS ("Server used unsupported value in SigAlg extension
// 0x0806", handshake error -0x6600), and an OpenSSL server offering only TLS 1.2 with an RSA
// certificate picks exactly that, following the client's order. A regression of 3.6.6, fixed
// upstream by Mbed-TLS/mbedtls#10674 (not in a 3.6 release yet). Offering PKCS#1 v1.5 first makes
// such servers pick it in TLS 1.2; TLS 1.3 still gets RSA-PSS (the only RSA scheme it allows for
// handshake signatures). The set is Mbed TLS's default set; only the order differs.
// tests/integration/tls_interop_test.cpp (Tls12Rsa) fails without this.

#include <mbedtls/ssl.h>

namespace outpost::transport {

void use_signature_algorithms(mbedtls_ssl_config& config);

}  // namespace outpost::transport
