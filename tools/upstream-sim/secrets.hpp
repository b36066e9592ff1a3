// Token material. Tokens are random and opaque; only their hashes are stored, and they are never
// printed.
#pragma once

#include <string>
#include <string_view>

namespace upstream_sim {

// 32 random bytes from OpenSSL's CSPRNG, hex-encoded. Throws std::runtime_error if the CSPRNG
// fails (nothing sensible to hand out then).
std::string random_token();

// Lower-case hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

// Compares without an early exit, so response timing does not leak how much of a password
// matched. (Lengths may differ; that much leaks, which is fine for a dev tool.)
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace upstream_sim
