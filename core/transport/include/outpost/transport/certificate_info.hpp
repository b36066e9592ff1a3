#pragma once
// What the agent needs to know about a certificate file without a network: whose it is and
// when it stops being valid. Parsed with Mbed TLS, the library that presents the certificate to
// the upstreams, so the agent reads the file exactly as the handshake will.
//
// Contract: read_certificate() parses the first certificate of a PEM (or DER) file; an Error
// names the file and Mbed TLS's reason when it is missing, unreadable or not a certificate. No
// private key is read.

#include <chrono>
#include <string>

#include "outpost/common/expected.hpp"

namespace outpost::transport {

struct CertificateInfo {
    std::string subject;  // "O=Outpost Dev, CN=outpost-dev-device"
    std::string issuer;
    std::chrono::system_clock::time_point not_before;
    std::chrono::system_clock::time_point not_after;
};

Expected<CertificateInfo> read_certificate(const std::string& path);

}  // namespace outpost::transport
