// The order of the cipher suites the agent offers (core/transport/src/cipher_suites.hpp): AES-GCM
// first only where the CPU accelerates it, the set unchanged, forward secrecy never demoted.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cipher_suites.hpp"

namespace outpost::transport {
namespace {

std::vector<int> defaults() {
    std::vector<int> ids;
    for (const int* id = mbedtls_ssl_list_ciphersuites(); *id != 0; ++id) ids.push_back(*id);
    return ids;
}

std::string name_of(int id) { return mbedtls_ssl_get_ciphersuite_name(id); }
bool is_chacha(int id) { return name_of(id).find("CHACHA20") != std::string::npos; }
bool is_forward_secret_aes_gcm(int id) {
    const std::string name = name_of(id);
    return name.find("-AES-") != std::string::npos && name.find("-GCM-") != std::string::npos &&
           name.find("-PSK-") == std::string::npos &&
           (name.starts_with("TLS1-3-") || name.starts_with("TLS-ECDHE-") || name.starts_with("TLS-DHE-"));
}
std::size_t position(const std::vector<int>& ids, int id) {
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

TEST(CipherSuites, WithoutAesInstructionsMbedTlsOrderIsKept) {
    std::vector<int> expected = defaults();
    expected.push_back(0);
    EXPECT_EQ(cipher_suites_in_preference_order(mbedtls_ssl_list_ciphersuites(), false), expected);
}

TEST(CipherSuites, MbedTlsOffersChaChaFirstSoTheReorderMatters) {
    // If Mbed TLS's own order changes, the rule below may no longer be needed: this says so.
    ASSERT_FALSE(defaults().empty());
    EXPECT_TRUE(is_chacha(defaults().front())) << name_of(defaults().front());
}

TEST(CipherSuites, WithAesInstructionsAesGcmComesFirstAndTheSetIsUnchanged) {
    const std::vector<int> before = defaults();
    std::vector<int> after = cipher_suites_in_preference_order(mbedtls_ssl_list_ciphersuites(), true);
    ASSERT_FALSE(after.empty());
    EXPECT_EQ(after.back(), 0) << "the list Mbed TLS reads must end with 0";
    after.pop_back();

    std::vector<int> sorted_before = before, sorted_after = after;
    std::sort(sorted_before.begin(), sorted_before.end());
    std::sort(sorted_after.begin(), sorted_after.end());
    EXPECT_EQ(sorted_after, sorted_before) << "only the order may change";

    EXPECT_EQ(name_of(after.front()).rfind("TLS1-3-AES-", 0), 0u) << name_of(after.front());
    std::size_t aes_gcm = 0, chacha = 0;
    for (int id : after) {
        aes_gcm += is_forward_secret_aes_gcm(id);
        chacha += is_chacha(id);
    }
    ASSERT_GT(aes_gcm, 0u);
    ASSERT_GT(chacha, 0u);
    for (int a : after) {
        for (int b : after) {
            const std::size_t pa = position(after, a), pb = position(after, b);
            if (is_forward_secret_aes_gcm(a) && is_chacha(b)) {
                EXPECT_LT(pa, pb) << name_of(a) << " should come before " << name_of(b);
            }
            // Apart from AES-GCM overtaking, no suite overtakes one it followed.
            const bool overtaking_allowed = is_forward_secret_aes_gcm(b) && !is_forward_secret_aes_gcm(a);
            if (position(before, a) < position(before, b) && !overtaking_allowed) {
                EXPECT_LT(pa, pb) << name_of(b) << " overtook " << name_of(a);
            }
        }
    }
}

TEST(CipherSuites, DetectsTheInstructionsTheKernelReports) {
#if defined(__x86_64__)
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    bool aes = false, pclmul = false;
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("flags", 0) != 0) continue;
        std::istringstream flags(line.substr(line.find(':') + 1));
        for (std::string flag; flags >> flag;) {
            aes = aes || flag == "aes";
            pclmul = pclmul || flag == "pclmulqdq";
        }
        break;
    }
    EXPECT_EQ(cpu_accelerates_aes_gcm(), aes && pclmul);
#elif defined(__arm__)
    EXPECT_FALSE(cpu_accelerates_aes_gcm()) << "this Mbed TLS has no 32-bit Crypto Extensions code";
#else
    GTEST_SKIP() << "compared with /proc/cpuinfo on x86-64 only (qemu-user shows the host's)";
#endif
}

}  // namespace
}  // namespace outpost::transport
