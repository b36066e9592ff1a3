#pragma once
// SHA256withRSA request signatures (RSASSA-PKCS1-v1_5 over SHA-256, as Java's "SHA256withRSA"
// and `openssl dgst -sha256 -sign` make them), with Mbed TLS. The Sales Order API wants
// X-SIGNATURE = base64(SHA256withRSA(private key, client_id + "|" + X-TIMESTAMP)).
//
// Contract:
// - load() parses an unencrypted RSA private key in PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8
//   "PRIVATE KEY"). Anything else (unreadable file, not PEM, an EC key, an encrypted key) is an
//   Error naming `source`; no error ever quotes key material. Checking the file's permissions is
//   the caller's job (config::require_private_file), as for the TLS key.
// - sign_base64() returns standard base64 (RFC 4648 section 4, with padding, no line breaks) of
//   the signature of SHA-256(message). PKCS#1 v1.5 is deterministic: one key and one message
//   always give the same signature, so a signature can be checked against a fixed vector. Mbed
//   TLS still takes a random generator for the private-key operation (it blinds the exponent
//   against timing side channels): the signer owns a CTR-DRBG seeded from the system entropy.
// - Thread-safe: delivery threads may sign at once (one mutex around the RSA operation, which
//   takes about a millisecond for a 2048-bit key).
// - The key stays inside the object and is wiped when it is destroyed (mbedtls_pk_free zeroes
//   it); the PEM text read from the file is wiped after parsing.

#include <memory>
#include <string>
#include <string_view>

#include "outpost/common/expected.hpp"

namespace outpost::auth {

class RsaSigner {
public:
    // `pem`: the key's PEM text; `source`: what to call it in errors (a file name, a config key).
    static Expected<RsaSigner> load(std::string_view pem, const std::string& source);
    static Expected<RsaSigner> load_file(const std::string& path);

    RsaSigner(RsaSigner&&) noexcept;
    RsaSigner& operator=(RsaSigner&&) noexcept;
    ~RsaSigner();

    Expected<std::string> sign_base64(std::string_view message) const;
    // The key's modulus size in bits (2048, 3072, ...), for messages and checks.
    [[nodiscard]] std::size_t key_bits() const;

private:
    struct Impl;
    explicit RsaSigner(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace outpost::auth
