// The start-up rule: the agent runs only on a libcurl whose TLS backend is Mbed TLS.

#include <gtest/gtest.h>

#include "outpost/transport/library_versions.hpp"

namespace outpost::transport {
namespace {

TEST(TlsBackendCheck, AcceptsMbedTlsOnly) {
    EXPECT_TRUE(check_tls_backend("mbedTLS/3.6.6"));
    for (const char* other : {"OpenSSL/3.0.19", "GnuTLS/3.7.9", "none", "", "(mbedTLS/3.6.6) OpenSSL/3.0", "mbedTLS/3.6.6 (OpenSSL/3.0)"}) {
        auto refused = check_tls_backend(other);
        ASSERT_FALSE(refused) << other;
        EXPECT_NE(refused.error().message.find("not Mbed TLS"), std::string::npos) << refused.error().message;
    }
}

TEST(TlsBackendCheck, ThisBuildIsLinkedWithMbedTls36) {
    const auto versions = library_versions();
    EXPECT_TRUE(require_mbedtls_backend()) << versions.tls_backend;
    EXPECT_EQ(versions.tls_backend.rfind("mbedTLS/3.6.", 0), 0u) << versions.tls_backend;
    EXPECT_EQ(versions.mbedtls.rfind("3.6.", 0), 0u) << versions.mbedtls;
    EXPECT_EQ(versions.libcurl.rfind("8.", 0), 0u) << versions.libcurl;
}

}  // namespace
}  // namespace outpost::transport
