// Mbed TLS's own known-answer tests (NIST vectors) for the ciphers the agent's TLS records use,
// run against the library as tools/bootstrap built it for this target: tools/patches/mbedtls
// changes the AES-NI GCM multiplication, and each target has its own AES code (AES-NI on x86-64,
// the ARMv8 Crypto Extensions on aarch64, plain C on armhf).

#include <gtest/gtest.h>
#include <mbedtls/aes.h>
#include <mbedtls/chachapoly.h>
#include <mbedtls/gcm.h>

namespace {

TEST(CryptoSelfTest, AesMatchesTheNistVectors) { EXPECT_EQ(mbedtls_aes_self_test(0), 0); }

TEST(CryptoSelfTest, GcmMatchesTheNistVectors) { EXPECT_EQ(mbedtls_gcm_self_test(0), 0); }

TEST(CryptoSelfTest, ChaCha20Poly1305MatchesTheRfc8439Vectors) { EXPECT_EQ(mbedtls_chachapoly_self_test(0), 0); }

}  // namespace
