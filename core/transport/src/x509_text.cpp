#include "x509_text.hpp"

#include <arpa/inet.h>
#include <mbedtls/asn1.h>

#include <array>
#include <cstdio>
#include <cstring>

namespace outpost::transport::x509 {

std::string distinguished_name(const mbedtls_x509_name& name) {
    std::array<char, 512> buffer{};
    if (mbedtls_x509_dn_gets(buffer.data(), buffer.size(), &name) < 0) return "?";
    return buffer.data();
}

// Calendar arithmetic, not timegm(): armhf's time_t is 32 bits and ends in 2038, while device
// certificates may well be valid beyond that.
std::chrono::system_clock::time_point to_time_point(const mbedtls_x509_time& time) {
    using namespace std::chrono;
    const sys_days date = year{time.year} / month{static_cast<unsigned>(time.mon)} / day{static_cast<unsigned>(time.day)};
    return time_point_cast<system_clock::duration>(date + hours{time.hour} + minutes{time.min} + seconds{time.sec});
}

std::string format_time(const mbedtls_x509_time& time) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", time.year, time.mon, time.day, time.hour,
                  time.min, time.sec);
    return text;
}

std::vector<std::string> alternative_names(const mbedtls_x509_crt& certificate) {
    std::vector<std::string> names;
    for (const mbedtls_x509_sequence* entry = &certificate.subject_alt_names; entry != nullptr; entry = entry->next) {
        if (entry->buf.p == nullptr || entry->buf.len == 0) continue;
        const int type = entry->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK;
        const auto* bytes = entry->buf.p;
        if (type == MBEDTLS_X509_SAN_DNS_NAME) {
            names.push_back("DNS:" + std::string(reinterpret_cast<const char*>(bytes), entry->buf.len));
        } else if (type == MBEDTLS_X509_SAN_IP_ADDRESS && (entry->buf.len == 4 || entry->buf.len == 16)) {
            char text[INET6_ADDRSTRLEN] = {};
            ::inet_ntop(entry->buf.len == 4 ? AF_INET : AF_INET6, bytes, text, sizeof text);
            names.push_back(std::string("IP:") + text);
        }
    }
    return names;
}

bool self_issued(const mbedtls_x509_crt& certificate) {
    return certificate.issuer_raw.len == certificate.subject_raw.len &&
           std::memcmp(certificate.issuer_raw.p, certificate.subject_raw.p, certificate.subject_raw.len) == 0;
}

}  // namespace outpost::transport::x509
