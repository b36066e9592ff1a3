// The request signer (core/auth): SHA256withRSA with Mbed TLS, checked against OpenSSL, the
// other implementation the upstream (and the simulator) verify with.

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "outpost/auth/rsa_signer.hpp"
#include "simulator.hpp"  // pki_file
#include "temp_dir.hpp"

namespace outpost::auth {
namespace {

using testing::TempDir;

// A throwaway key made for this test only (openssl genpkey -algorithm RSA 2048), and the
// signature OpenSSL made with it: printf 'partner-client-001|1704067200' | openssl dgst -sha256
// -sign key.pem | base64 -w0. PKCS#1 v1.5 is deterministic, so Mbed TLS must produce it exactly.
constexpr const char* kVectorKey = R"(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCgKaZN6yGy36Qm
IiWGNPYYCRRnjUKtDbiNZ9amZwoJQJd3UhabAbBqEw3Q8yLeoanox+M3lUMq1VOz
3jUItHhSzMtw51fk2+9CjcT+DnAxMHtJvQhgF195Tsrm8iAZmD33Fopad9R/9BYJ
uEL0/5pjOmGk0J/v7R/h7RRJCKdUCrKahV/rk9atlgygyecYstCgdwwDvoEeKtlz
mjuG98GvdGAkA4rPiljNuWi4AORgIgMBHo7JxFoeRcMLqhz8R3xK09pkxA1Hz+vg
s+iM6bOJ/bAwIQDg32/t9IYeVfcYXWTxDpm8sL2hEGN7ALwNRD4qJ/+hBdMY/2Bf
UfHB1SYPAgMBAAECggEAOZaQNg8YCFWSk6WOgYGUhRLqs8sekNPQqoOOMjn1aVtA
uwYYm7aRRKrCOoHZ5VwSmGEbCXbRdlrLJG7++bjOVNNPSTLdrywHjRIlpUXywDUS
93IRS1/ME/WpTj38HcfYa/o+WAYjMbjFncwTwz0OuaQZzOW4xE+qOZWByDrk03oN
CgYXIglAowpEcdaYqq9EoJjGiRmn2198ccL3yMXTUKcduXv8T4jLV6JdEc/1mfb1
x0kl3GuoPmfamURmliz4IfYvH1RXWTkwsfZz3P7htjETDWRVbo0sa4rWYDKr9GvO
5n2n86OG2Rgfon3IyTY9p44f+2eg22BH1IuG0QOQDQKBgQDdUfrhzQ5bIr2eJtS7
yondQb0ICVLEkFjTL/wiSCyNO80WccOIIonbGHre9w+kgB8Va5HTudmxy11ZMS8i
3BPGXUuiXzLQqGDBicvKrZJIqyJLLDOXpC4BfgJtOUD3aHPYpe86NNzAraIq/Sif
L71bLXCCdGJC9srkm7wY6w97nQKBgQC5QmbK4acdcqRVmN7EmIzwDBNtuOvBikfP
z+RTv+oNO9M9HAdQg8MFAw839rI2l76pqTmRFW4IGpbAETZTKicSnPURWLKQpIjM
pf5Z8cIliBLpUKd6L5RPsL1yXQBmPCfZMe3FCelUhc3j5jw9yyaGtlfs1m2T9Sa+
cqmWiswmmwKBgFzzBS639AOKf6BgJpAH7AakiUNKxxwOk39+c6HiNfPK3cNDXB9c
ghEmItRpZoRr2qIgX0pQj4EAK+A9q9I0I4n3vMAgwzKmxJwDxzcD1p/2X5y6n6Bc
L4Yo6dP9a698isq+Rc5oTR4OzkDHubvBTQFyAAKJ5orBI00HquO8NPBxAoGAac9C
FIgzQX9z2qu4OEME5CmRgy6GAIFxKIENYMQQ8sQDjziN+O94mEk6DPWqrcGXlSFh
DrtVn+1HwqVSCMffjyL0WZb2TeSbeX8pOcf54iPI4Vc+gGviYm2IlmQF0V50R/nb
WpmhmbPed1bNe2GnPHOy3kNOTJ5NJaMptyDJHxcCgYEA2BB9mx+LVrmmZBDwxg9Y
ZF04YKdYLVvEzQ2U/w+VR/BeYQZ9pyf3dqrWevUwWZqAah08iEUFGzF7xX7YNa4+
2Cdy6pVutFq8yKRHNZTvLKapTvzdxgNlFaEexpQBP+nlKwjNpT0sxE9fy5+O/57Q
BfOkQ4br4auOTaU6+Xfnrdc=
-----END PRIVATE KEY-----
)";
constexpr const char* kVectorMessage = "partner-client-001|1704067200";
constexpr const char* kVectorSignature =
    "IxJgo8pgWlndgVXAvyEgc4UVI+pwkbPWymVDN+B3wPSMwNoLajVlsci70rRouj6F6ERr4Q4UvAqYtsqHWXOeiMjEiP4QPRsHMEKmalGrlK2Gcv1axqxAbCDla1aT6e86tGjf9qGAv8o0pW+QU1KpvIDxfOUfV7INEIkP8ZSwyvhVHEIs31FtiNErdKgwF08xJplkx7bAjgl81p4HYi5ck/+aDIYLTmv5+bMvg8VT64S7jHsvy5LR1vOwZLLGIvvU6D+7fFihGzAd8sOq3Jwmup4sw9lbKNN7SBAXbyhpT0ae7JdljJyY8lzTOICw3TuAXRTYSp/j+sUy4iLB0/fixg==";

std::string read_all(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

int run(const std::string& command) {
    const int status = std::system((command + " > /dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// OpenSSL checks a signature made by the signer: base64 decoded by openssl, verified with the
// public key. Returns openssl's exit status (0: "Verified OK").
int openssl_verify(const TempDir& dir, const std::string& public_key, const std::string& message,
                   const std::string& signature_base64) {
    std::ofstream(dir.file("message")) << message;
    std::ofstream(dir.file("signature.b64")) << signature_base64 << "\n";
    if (run("openssl base64 -d -A -in " + dir.file("signature.b64") + " -out " + dir.file("signature")) != 0) return -1;
    return run("openssl dgst -sha256 -verify " + public_key + " -signature " + dir.file("signature") + " " +
               dir.file("message"));
}

TEST(RsaSigner, MatchesOpenSslsSignatureForAFixedKeyAndMessage) {
    auto signer = RsaSigner::load(kVectorKey, "the test vector key");
    ASSERT_TRUE(signer) << signer.error().message;
    EXPECT_EQ(signer->key_bits(), 2048u);
    auto signature = signer->sign_base64(kVectorMessage);
    ASSERT_TRUE(signature) << signature.error().message;
    EXPECT_EQ(*signature, kVectorSignature);
    // A different message gives a different signature.
    auto other = signer->sign_base64("partner-client-001|1704067201");
    ASSERT_TRUE(other);
    EXPECT_NE(*other, kVectorSignature);
}

TEST(RsaSigner, OpenSslVerifiesWithTheRegisteredPublicKeyAndRejectsATamperedMessage) {
    TempDir dir;
    auto signer = RsaSigner::load_file(testing::pki_file("signing.key"));
    ASSERT_TRUE(signer) << signer.error().message;
    const std::string message = "partner-client-001|1767225600";
    auto signature = signer->sign_base64(message);
    ASSERT_TRUE(signature) << signature.error().message;
    EXPECT_EQ(signature->size(), 344u) << "base64 of 256 bytes, padded, one line";
    const std::string public_key = testing::pki_file("signing.pub");
    EXPECT_EQ(openssl_verify(dir, public_key, message, *signature), 0) << "OpenSSL did not verify " << *signature;
    EXPECT_NE(openssl_verify(dir, public_key, "partner-client-001|1767225601", *signature), 0)
        << "OpenSSL accepted the signature for another timestamp";

    // Signed with a key nobody registered: the registered public key does not verify it.
    auto stranger = RsaSigner::load_file(testing::pki_file("other-signing.key"));
    ASSERT_TRUE(stranger) << stranger.error().message;
    auto foreign = stranger->sign_base64(message);
    ASSERT_TRUE(foreign);
    EXPECT_NE(openssl_verify(dir, public_key, message, *foreign), 0);
}

TEST(RsaSigner, ThreadsSigningAtOnceAllGetTheSameValidSignature) {
    auto signer = RsaSigner::load(kVectorKey, "the test vector key");
    ASSERT_TRUE(signer);
    std::vector<std::string> results(4 * 8);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 8; ++i) {
                auto signature = signer->sign_base64(kVectorMessage);
                results[static_cast<std::size_t>(t * 8 + i)] = signature ? *signature : signature.error().message;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(std::set<std::string>(results.begin(), results.end()), std::set<std::string>{kVectorSignature});
}

TEST(RsaSigner, RefusesWhatIsNotAnUnencryptedRsaKeyOfAtLeast2048BitsWithoutQuotingIt) {
    TempDir dir;
    ASSERT_EQ(run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + dir.file("ec.key")), 0);
    ASSERT_EQ(run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out " + dir.file("small.key")), 0);
    ASSERT_EQ(run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes256 -pass pass:secret -out " +
                  dir.file("encrypted.key")),
              0);
    std::ofstream(dir.file("garbage.key")) << "not a key at all\n";

    auto ec = RsaSigner::load_file(dir.file("ec.key"));
    ASSERT_FALSE(ec);
    EXPECT_NE(ec.error().message.find("RSA key"), std::string::npos) << ec.error().message;
    auto small = RsaSigner::load_file(dir.file("small.key"));
    ASSERT_FALSE(small);
    EXPECT_NE(small.error().message.find("1024-bit"), std::string::npos) << small.error().message;
    auto encrypted = RsaSigner::load_file(dir.file("encrypted.key"));
    ASSERT_FALSE(encrypted);
    EXPECT_NE(encrypted.error().message.find("encrypted"), std::string::npos) << encrypted.error().message;
    auto garbage = RsaSigner::load_file(dir.file("garbage.key"));
    ASSERT_FALSE(garbage);
    EXPECT_NE(garbage.error().message.find(dir.file("garbage.key")), std::string::npos) << garbage.error().message;
    EXPECT_EQ(garbage.error().message.find("not a key at all"), std::string::npos) << "the file's content was quoted";
    auto missing = RsaSigner::load_file(dir.file("none.key"));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);

    // Errors about a real key never carry its lines.
    const std::string small_pem = read_all(dir.file("small.key"));
    const std::string line = small_pem.substr(small_pem.find('\n') + 1, 40);
    EXPECT_EQ(small.error().message.find(line), std::string::npos);
}

}  // namespace
}  // namespace outpost::auth
