#include "outpost/transport/library_versions.hpp"

#include <curl/curl.h>
#include <mbedtls/version.h>

#include <string_view>

namespace outpost::transport {

LibraryVersions library_versions() {
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    LibraryVersions versions;
    versions.libcurl = info->version != nullptr ? info->version : "unknown";
    versions.tls_backend = info->ssl_version != nullptr ? info->ssl_version : "none";
    char mbedtls[18] = {};
    mbedtls_version_get_string(mbedtls);
    versions.mbedtls = mbedtls;
    return versions;
}

Expected<void> require_mbedtls_backend() { return check_tls_backend(library_versions().tls_backend); }

Expected<void> check_tls_backend(const std::string& backend) {
    // A libcurl built with several backends reports them all ("OpenSSL/3.0 (mbedTLS/3.6)"):
    // only a libcurl whose one backend is Mbed TLS is accepted.
    if (std::string_view(backend).substr(0, 8) != "mbedTLS/" || backend.find(' ') != std::string::npos) {
        return make_error("transport",
                          "libcurl's TLS backend is '" + backend +
                              "', not Mbed TLS; this build of Outpost was linked with the wrong "
                              "libcurl (rebuild with tools/bootstrap)");
    }
    return {};
}

}  // namespace outpost::transport
