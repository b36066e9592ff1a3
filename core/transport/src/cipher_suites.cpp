#include "cipher_suites.hpp"

#include <algorithm>
#include <string_view>

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace outpost::transport {
namespace {

enum class Group { AesGcmWithForwardSecrecy, ChaCha20, Other };

Group group_of(int id) {
    const mbedtls_ssl_ciphersuite_t* suite = mbedtls_ssl_ciphersuite_from_id(id);
    if (suite == nullptr) return Group::Other;
    // Names such as TLS1-3-AES-128-GCM-SHA256, TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384,
    // TLS-DHE-RSA-WITH-CHACHA20-POLY1305-SHA256: the public API has no accessor for the cipher.
    const std::string_view name = mbedtls_ssl_ciphersuite_get_name(suite);
    // PSK suites (TLS-ECDHE-PSK-..., TLS-PSK-...) are never used by the agent: they stay with the
    // rest, where Mbed TLS lists them (after the CBC suites with forward secrecy).
    if (name.find("PSK-") != std::string_view::npos) return Group::Other;
    if (name.find("CHACHA20") != std::string_view::npos) return Group::ChaCha20;
    const bool aes_gcm = name.find("-AES-") != std::string_view::npos &&
                         (name.ends_with("-GCM-SHA256") || name.ends_with("-GCM-SHA384"));
    const bool forward_secret = name.starts_with("TLS1-3-") || name.starts_with("TLS-ECDHE-") ||
                                name.starts_with("TLS-DHE-");
    return aes_gcm && forward_secret ? Group::AesGcmWithForwardSecrecy : Group::Other;
}

}  // namespace

std::vector<int> cipher_suites_in_preference_order(const int* defaults, bool aes_gcm_accelerated) {
    std::vector<int> suites;
    for (const int* id = defaults; *id != 0; ++id) suites.push_back(*id);
    if (aes_gcm_accelerated) {
        // AES-GCM with forward secrecy, then ChaCha20-Poly1305, then the rest, each group in Mbed
        // TLS's order. In that order ChaCha20 comes before every suite of the third group, so
        // nothing moves ahead of a suite it followed except AES-GCM ahead of ChaCha20 (and of
        // CBC suites with forward secrecy that Mbed TLS lists between AES-256 and AES-128 GCM).
        std::stable_sort(suites.begin(), suites.end(),
                         [](int a, int b) { return group_of(a) < group_of(b); });
    }
    suites.push_back(0);
    return suites;
}

bool cpu_accelerates_aes_gcm() {
#if defined(__x86_64__)
    return __builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul");
#elif defined(__aarch64__)
    const unsigned long hwcap = getauxval(AT_HWCAP);
    return (hwcap & HWCAP_AES) != 0 && (hwcap & HWCAP_PMULL) != 0;
#else
    // 32-bit Arm: this Mbed TLS build has no Crypto Extensions code for it (tools/bootstrap
    // builds for armv7-a), so AES runs in C there and ChaCha20 is faster.
    return false;
#endif
}

void use_cipher_suites(mbedtls_ssl_config& config) {
    static const std::vector<int> suites =
        cipher_suites_in_preference_order(mbedtls_ssl_list_ciphersuites(), cpu_accelerates_aes_gcm());
    mbedtls_ssl_conf_ciphersuites(&config, suites.data());
}

}  // namespace outpost::transport
