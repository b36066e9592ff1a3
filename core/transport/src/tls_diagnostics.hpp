#pragma once
// Why a TLS session with an upstream failed, as seen from inside Mbed TLS, for error messages an
// operator can act on. libcurl only says "peer certificate could not be verified" or "fatal
// alert received"; these hooks record what lies behind that:
// - the certificate verification result of each certificate in the server's chain (which check
//   failed, with the certificate's names and dates), through Mbed TLS's verify callback;
// - the fatal alert the server sent (protocol_version, unknown_ca, ...), through Mbed TLS's debug
//   callback at level 1, which only fires on errors (no cost on a healthy connection).
//
// Contract: attach() to each connection's Mbed TLS configuration before its handshake (from
// libcurl's CURLOPT_SSL_CTX_FUNCTION); reset() before each transfer; after a failed transfer,
// explain_*() turn what was recorded into a sentence, or nullopt when nothing was recorded (a
// reused connection, or a failure outside TLS). This object must outlive the connections it is
// attached to. Not thread-safe: one per HttpClient, like the easy handle it serves.

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace outpost::transport {

class TlsDiagnostics {
public:
    void attach(mbedtls_ssl_config& config);
    void reset();

    // Why the server's certificate chain was refused, naming each failed check.
    [[nodiscard]] std::optional<std::string> explain_certificate() const;
    // True when the only problem is the host name (the chain itself is fine).
    [[nodiscard]] bool only_host_name_mismatch() const;
    // What the fatal alert the server sent means for us.
    [[nodiscard]] std::optional<std::string> explain_alert() const;
    // A handshake this side ended because of the server's choice of signature algorithm.
    [[nodiscard]] std::optional<std::string> explain_signature_algorithm() const;
    [[nodiscard]] std::optional<int> alert_received() const { return alert_; }

private:
    struct Problem {
        int depth = 0;  // 0: the server's own certificate; 1 and up: the CAs above it
        std::uint32_t flags = 0;
        std::string subject;
        std::string issuer;
        std::string valid_from;
        std::string valid_to;
        bool self_issued = false;
        std::vector<std::string> names;
    };
    static int on_verify(void* self, mbedtls_x509_crt* certificate, int depth, std::uint32_t* flags);
    static void on_debug(void* self, int level, const char* file, int line, const char* message);

    std::vector<Problem> problems_;
    std::optional<int> alert_;
    std::optional<unsigned> refused_signature_algorithm_;
};

}  // namespace outpost::transport
