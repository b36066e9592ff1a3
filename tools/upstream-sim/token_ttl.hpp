// The lifetime of the tokens login hands out, changeable while the simulator runs
// (POST /admin/token-ttl) so a test can make the next token short-lived, or born expired (0),
// without restarting the simulator. Tokens already issued keep their expiry.
#pragma once

#include <atomic>
#include <cstdint>

namespace upstream_sim {

class TokenTtl {
 public:
  // The longest lifetime accepted, from the command line or the admin API: ten years.
  static constexpr std::int64_t max_seconds = std::int64_t{10} * 365 * 24 * 3600;

  // initial_seconds: --token-ttl, which reset() goes back to.
  explicit TokenTtl(std::int64_t initial_seconds)
      : initial_(initial_seconds), seconds_(initial_seconds) {}

  std::int64_t seconds() const { return seconds_; }
  void set_seconds(std::int64_t seconds) { seconds_ = seconds; }
  void reset() { seconds_ = initial_; }

 private:
  const std::int64_t initial_;
  std::atomic<std::int64_t> seconds_;
};

}  // namespace upstream_sim
