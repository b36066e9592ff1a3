#include "rsa_verify.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <vector>

namespace upstream_sim {
namespace {

// Strict standard base64 (RFC 4648 section 4): padded to a multiple of 4, no whitespace.
std::optional<std::vector<unsigned char>> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3);
  const int size = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                   static_cast<int>(text.size()));
  if (size < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  const auto padding = static_cast<std::size_t>(std::count(text.end() - 2, text.end(), '='));
  if (padding > 0 && text.find('=') < text.size() - padding) return std::nullopt;
  out.resize(static_cast<std::size_t>(size) - padding);
  return out;
}

}  // namespace

void RsaPublicKey::Free::operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }

RsaPublicKey RsaPublicKey::load(const std::string& pem_file) {
  std::FILE* file = std::fopen(pem_file.c_str(), "rb");
  if (file == nullptr) throw std::runtime_error("cannot read public key " + pem_file);
  EVP_PKEY* key = PEM_read_PUBKEY(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (key == nullptr) throw std::runtime_error(pem_file + " is not a PEM public key");
  if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    throw std::runtime_error(pem_file + " is not an RSA public key");
  }
  return RsaPublicKey(key);
}

bool RsaPublicKey::verify(std::string_view message, std::string_view signature_base64) const {
  const auto signature = base64_decode(signature_base64);
  if (!signature) return false;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  if (context == nullptr) return false;
  // RSA keys default to PKCS#1 v1.5 padding, which is what SHA256withRSA means.
  const bool ok =
      EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(context, signature->data(), signature->size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(context);
  return ok;
}

}  // namespace upstream_sim
