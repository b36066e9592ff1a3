#include "stats.hpp"

namespace upstream_sim {
namespace {

// A scanner hitting random paths must not grow the map without bound.
constexpr std::size_t max_distinct_paths = 256;

}  // namespace

void Stats::count_path(const std::string& path) {
  ++requests_;
  if (by_path_.size() < max_distinct_paths || by_path_.count(path) != 0) {
    ++by_path_[path];
  } else {
    ++by_path_["(other)"];
  }
}

void Stats::on_api_response(const std::string& path, int status) {
  std::lock_guard lock(mutex_);
  count_path(path);
  if (status == 401) {
    ++unauthorized_;
  } else if (status >= 400 && status < 500 && status != 409) {
    ++rejected_;
  } else if (status >= 500) {
    ++server_errors_;
  }
}

void Stats::on_login(bool ok) {
  std::lock_guard lock(mutex_);
  ++(ok ? logins_ : login_failures_);
}

void Stats::on_accepted(bool in_order) {
  std::lock_guard lock(mutex_);
  ++accepted_;
  if (!in_order) ++out_of_order_;
}

void Stats::on_duplicate() {
  std::lock_guard lock(mutex_);
  ++duplicates_;
}

void Stats::on_closed_without_answer(const std::string& path) {
  std::lock_guard lock(mutex_);
  count_path(path);
  ++closed_without_answer_;
}

void Stats::on_delayed() {
  std::lock_guard lock(mutex_);
  ++delayed_;
}

void Stats::on_tls_refused() {
  std::lock_guard lock(mutex_);
  ++tls_refused_;
}

void Stats::on_tls_handshake(const std::string& version) {
  std::lock_guard lock(mutex_);
  ++tls_versions_[version];  // a handful of names: OpenSSL's own strings
}

void Stats::on_tls_alert_sent(const std::string& description) {
  std::lock_guard lock(mutex_);
  ++tls_alerts_sent_[description];  // bounded: OpenSSL's fixed alert descriptions
}

void Stats::reset() {
  std::lock_guard lock(mutex_);
  requests_ = logins_ = login_failures_ = accepted_ = duplicates_ = 0;
  rejected_ = unauthorized_ = server_errors_ = out_of_order_ = 0;
  closed_without_answer_ = delayed_ = tls_refused_ = 0;
  by_path_.clear();
  tls_versions_.clear();
  tls_alerts_sent_.clear();
}

nlohmann::json Stats::to_json(bool up) const {
  std::lock_guard lock(mutex_);
  return nlohmann::json{
      {"requests", requests_},
      {"logins", logins_},
      {"login_failures", login_failures_},
      {"accepted", accepted_},
      {"duplicates", duplicates_},
      {"rejected", rejected_},
      {"unauthorized", unauthorized_},
      {"server_errors", server_errors_},
      {"out_of_order", out_of_order_},
      {"closed_without_answer", closed_without_answer_},
      {"delayed", delayed_},
      {"tls_refused", tls_refused_},
      {"up", up},
      {"by_path", by_path_},
      {"tls_versions", tls_versions_},
      {"tls_alerts_sent", tls_alerts_sent_},
  };
}

}  // namespace upstream_sim
