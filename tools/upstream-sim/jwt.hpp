// JSON Web Tokens as the Sales Order API hands them out (seed 003: "JWT access token"): HS256
// (RFC 7519 / RFC 7515, HMAC-SHA256 with OpenSSL), signed with a key made at start-up, so a
// restarted simulator does not accept the tokens of the one before (the client logs in again).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace upstream_sim {

class JwtSigner {
 public:
  JwtSigner();  // 32 random bytes of key; throws std::runtime_error if the CSPRNG fails

  // header.payload.signature, each part base64url without padding.
  std::string issue(const nlohmann::json& claims) const;

  // The claims of a token this signer issued, whatever its "exp" (the caller decides what
  // expiry means: the refresh endpoint accepts expired tokens); nullopt for anything else
  // (malformed, another algorithm, a signature that does not match).
  std::optional<nlohmann::json> verify(std::string_view token) const;

 private:
  std::string key_;
};

}  // namespace upstream_sim
