// Counters behind GET /admin/stats: what tests assert on ("the agent delivered each picking
// once", "it logged in again after a 401").
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace upstream_sim {

class Stats {
 public:
  // Every API response, just before it is written (so a test that reads the stats after it got
  // its answer sees its own request counted): requests, by_path, and the status classes
  // (401 -> unauthorized, other 4xx except 409 -> rejected, 5xx -> server_errors).
  void on_api_response(const std::string& path, int status);

  void on_login(bool ok);          // credentials accepted / refused or malformed
  void on_accepted(bool in_order); // a new operation applied
  void on_duplicate();             // a known key replayed with the same body

  // Injected faults. A request whose connection is closed without an answer counts in requests
  // and by_path (it arrived) but in no status class (none was sent).
  void on_closed_without_answer(const std::string& path);
  void on_delayed();               // an answer (or hang-up) held back by delay_ms or latency
  void on_tls_refused();           // a handshake aborted by POST /admin/tls {"refuse": true}
  // Every finished handshake by negotiated version ("TLSv1.2"), and every fatal alert the server
  // sent by description ("protocol version"), so tests can tell which refusal happened.
  void on_tls_handshake(const std::string& version);
  void on_tls_alert_sent(const std::string& description);

  // Zeroes the counters (not the accepted data).
  void reset();

  nlohmann::json to_json(bool up) const;

 private:
  void count_path(const std::string& path);  // requests and by_path; caller holds mutex_

  mutable std::mutex mutex_;
  std::uint64_t requests_ = 0;
  std::uint64_t logins_ = 0;
  std::uint64_t login_failures_ = 0;
  std::uint64_t accepted_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t unauthorized_ = 0;
  std::uint64_t server_errors_ = 0;
  std::uint64_t out_of_order_ = 0;
  std::uint64_t closed_without_answer_ = 0;
  std::uint64_t delayed_ = 0;
  std::uint64_t tls_refused_ = 0;
  std::map<std::string, std::uint64_t> by_path_;
  std::map<std::string, std::uint64_t> tls_versions_;
  std::map<std::string, std::uint64_t> tls_alerts_sent_;
};

}  // namespace upstream_sim
