#include "secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <mutex>
#include <stdexcept>

namespace upstream_sim {
namespace {

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(digits[data[i] >> 4U]);
    out.push_back(digits[data[i] & 0x0fU]);
  }
  return out;
}

std::atomic<bool> keep_tokens{false};
std::mutex kept_mutex;
std::vector<std::string> kept_tokens;  // guarded by kept_mutex

}  // namespace

void keep_issued_tokens() { keep_tokens = true; }
bool keeping_issued_tokens() { return keep_tokens; }

void note_issued_token(const std::string& token) {
  if (!keep_tokens) return;
  std::lock_guard lock(kept_mutex);
  kept_tokens.push_back(token);
}

std::vector<std::string> issued_tokens() {
  std::lock_guard lock(kept_mutex);
  return kept_tokens;
}

std::string random_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return to_hex(bytes.data(), bytes.size());
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return to_hex(digest.data(), size);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace upstream_sim
