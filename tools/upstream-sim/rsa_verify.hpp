// SHA256withRSA signature checks with OpenSSL, against a partner's registered public key: the
// Sales Order API's X-SIGNATURE (seed 003). The agent signs with Mbed TLS; this side shares
// nothing with it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace upstream_sim {

class RsaPublicKey {
 public:
  // A PEM "PUBLIC KEY" (SubjectPublicKeyInfo) holding an RSA key. Throws std::runtime_error
  // naming the file otherwise.
  static RsaPublicKey load(const std::string& pem_file);

  // true when signature_base64 (standard base64, padded) is the RSASSA-PKCS1-v1_5 SHA-256
  // signature of message under this key; false for anything else, malformed base64 included.
  bool verify(std::string_view message, std::string_view signature_base64) const;

 private:
  struct Free {
    void operator()(EVP_PKEY* key) const noexcept;
  };
  explicit RsaPublicKey(EVP_PKEY* key) : key_(key, Free{}) {}
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace upstream_sim
