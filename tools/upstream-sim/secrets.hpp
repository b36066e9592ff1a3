// Token material. Tokens are random and opaque; only their hashes are stored, and they are never
// printed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace upstream_sim {

// 32 random bytes from OpenSSL's CSPRNG, hex-encoded. Throws std::runtime_error if the CSPRNG
// fails (nothing sensible to hand out then).
std::string random_token();

// Test mode (--expose-tokens): from this call on, every token an API hands out (each calls
// note_issued_token() when it issues one: DIN, SMILE orders and PMP tokens, Sales Order JWTs) is
// also kept in memory, in the clear, for GET /admin/issued-tokens. A secrets test needs the real
// values to search the agent's logs and files for them; the stores still keep hashes only.
void keep_issued_tokens();
bool keeping_issued_tokens();
void note_issued_token(const std::string& token);  // nothing unless keep_issued_tokens()
std::vector<std::string> issued_tokens();           // oldest first

// Lower-case hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

// Compares without an early exit, so response timing does not leak how much of a password
// matched. (Lengths may differ; that much leaks, which is fine for a dev tool.)
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace upstream_sim
