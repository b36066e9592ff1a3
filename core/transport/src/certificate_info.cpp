#include "outpost/transport/certificate_info.hpp"

#include <mbedtls/error.h>
#include <mbedtls/x509_crt.h>

#include <array>

#include "x509_text.hpp"

namespace outpost::transport {

Expected<CertificateInfo> read_certificate(const std::string& path) {
    mbedtls_x509_crt chain;
    mbedtls_x509_crt_init(&chain);
    // Returns > 0 when some certificates of a bundle failed to parse: the first one is what counts.
    const int parsed = mbedtls_x509_crt_parse_file(&chain, path.c_str());
    if (parsed < 0 || chain.version == 0) {
        std::array<char, 160> reason{};
        mbedtls_strerror(parsed, reason.data(), reason.size());
        mbedtls_x509_crt_free(&chain);
        return make_error("certificate", "cannot read a certificate from " + path + ": " +
                                             (parsed < 0 ? std::string(reason.data()) : "no certificate in the file"));
    }
    CertificateInfo info{x509::distinguished_name(chain.subject), x509::distinguished_name(chain.issuer),
                         x509::to_time_point(chain.valid_from), x509::to_time_point(chain.valid_to)};
    mbedtls_x509_crt_free(&chain);
    return info;
}

}  // namespace outpost::transport
