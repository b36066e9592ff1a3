#include "outpost/auth/rsa_signer.hpp"

#include <mbedtls/base64.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include <array>
#include <fstream>
#include <iterator>
#include <mutex>
#include <vector>

namespace outpost::auth {
namespace {

// Keys below this are refused: NIST and the CA/Browser forum retired RSA-1024 a decade ago.
constexpr std::size_t kMinimumBits = 2048;

std::string describe(int code) {
    std::array<char, 160> text{};
    mbedtls_strerror(code, text.data(), text.size());
    return std::string(text.data());
}

Error signer_error(const std::string& message) { return make_error("auth", message); }

}  // namespace

struct RsaSigner::Impl {
    Impl() {
        mbedtls_entropy_init(&entropy);
        mbedtls_ctr_drbg_init(&drbg);
        mbedtls_pk_init(&key);
    }
    ~Impl() {
        mbedtls_pk_free(&key);
        mbedtls_ctr_drbg_free(&drbg);
        mbedtls_entropy_free(&entropy);
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    mutable std::mutex mutex;  // the DRBG and the RSA context are not thread-safe
    mbedtls_entropy_context entropy{};
    mutable mbedtls_ctr_drbg_context drbg{};
    mbedtls_pk_context key{};
};

RsaSigner::RsaSigner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RsaSigner::RsaSigner(RsaSigner&&) noexcept = default;
RsaSigner& RsaSigner::operator=(RsaSigner&&) noexcept = default;
RsaSigner::~RsaSigner() = default;

Expected<RsaSigner> RsaSigner::load(std::string_view pem, const std::string& source) {
    auto impl = std::make_unique<Impl>();
    static constexpr char kPersonalisation[] = "outpost request signer";
    int rc = mbedtls_ctr_drbg_seed(&impl->drbg, mbedtls_entropy_func, &impl->entropy,
                                   reinterpret_cast<const unsigned char*>(kPersonalisation), sizeof kPersonalisation - 1);
    if (rc != 0) return signer_error("seeding the random generator for " + source + " failed: " + describe(rc));

    // mbedtls_pk_parse_key wants PEM NUL-terminated and the terminator counted in the length.
    std::vector<unsigned char> text(pem.begin(), pem.end());
    text.push_back('\0');
    rc = mbedtls_pk_parse_key(&impl->key, text.data(), text.size(), nullptr, 0, mbedtls_ctr_drbg_random, &impl->drbg);
    mbedtls_platform_zeroize(text.data(), text.size());
    if (rc == MBEDTLS_ERR_PK_PASSWORD_REQUIRED || rc == MBEDTLS_ERR_PK_PASSWORD_MISMATCH) {
        return signer_error(source + " is an encrypted private key; the agent needs it unencrypted (and mode 0600)");
    }
    if (rc != 0) return signer_error(source + " is not a usable PEM private key: " + describe(rc));
    if (mbedtls_pk_get_type(&impl->key) != MBEDTLS_PK_RSA) {
        return signer_error(source + " holds a " + std::string(mbedtls_pk_get_name(&impl->key)) +
                            " key; SHA256withRSA signatures need an RSA key");
    }
    const std::size_t bits = mbedtls_pk_get_bitlen(&impl->key);
    if (bits < kMinimumBits) {
        return signer_error(source + " is a " + std::to_string(bits) + "-bit RSA key; at least " +
                            std::to_string(kMinimumBits) + " bits are required");
    }
    return RsaSigner(std::move(impl));
}

Expected<RsaSigner> RsaSigner::load_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return signer_error("cannot read the signing key " + path);
    std::string pem((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    auto signer = load(pem, "the signing key " + path);
    mbedtls_platform_zeroize(pem.data(), pem.size());
    return signer;
}

std::size_t RsaSigner::key_bits() const { return mbedtls_pk_get_bitlen(&impl_->key); }

Expected<std::string> RsaSigner::sign_base64(std::string_view message) const {
    std::array<unsigned char, 32> digest{};
    int rc = mbedtls_sha256(reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
                            /*is224=*/0);
    if (rc != 0) return signer_error("SHA-256 failed: " + describe(rc));

    std::array<unsigned char, MBEDTLS_PK_SIGNATURE_MAX_SIZE> signature{};
    std::size_t signature_size = 0;
    {
        std::lock_guard lock(impl_->mutex);
        rc = mbedtls_pk_sign(&impl_->key, MBEDTLS_MD_SHA256, digest.data(), digest.size(), signature.data(),
                             signature.size(), &signature_size, mbedtls_ctr_drbg_random, &impl_->drbg);
    }
    if (rc != 0) return signer_error("RSA signing failed: " + describe(rc));

    std::string encoded(4 * ((signature_size + 2) / 3) + 1, '\0');
    std::size_t encoded_size = 0;
    rc = mbedtls_base64_encode(reinterpret_cast<unsigned char*>(encoded.data()), encoded.size(), &encoded_size,
                               signature.data(), signature_size);
    if (rc != 0) return signer_error("base64 encoding of the signature failed: " + describe(rc));
    encoded.resize(encoded_size);
    return encoded;
}

}  // namespace outpost::auth
