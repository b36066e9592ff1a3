#pragma once
// What the agent was linked with, for `outpostd --version` and the start-up check.

#include <string>

#include "outpost/common/expected.hpp"

namespace outpost::transport {

struct LibraryVersions {
    std::string libcurl;      // "8.14.1"
    std::string tls_backend;  // libcurl's TLS backend as it reports it, e.g. "mbedTLS/3.6.6"
    std::string mbedtls;      // Mbed TLS's own version string, e.g. "3.6.6"
};

LibraryVersions library_versions();

// The agent's TLS guarantees (mutual TLS, the configured CA only, footprint) are made with Mbed
// TLS. Fails, naming what was found, if libcurl's TLS backend is anything else.
Expected<void> require_mbedtls_backend();

// The rule behind require_mbedtls_backend(), for a backend string as libcurl reports it.
Expected<void> check_tls_backend(const std::string& backend);

}  // namespace outpost::transport
