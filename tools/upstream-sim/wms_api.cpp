#include "wms_api.hpp"

#include "http_json.hpp"
#include "smile_login.hpp"
#include "unix_time.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace upstream_sim {
namespace {

constexpr std::int64_t max_paginate = 500;  // the contract's limit
constexpr std::size_t max_logged_requests = 1000;

// A positive integer query parameter, its default when absent, nullopt when malformed.
std::optional<std::int64_t> integer_param(const httplib::Request& req, const char* name,
                                          std::int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const std::int64_t value = std::stoll(text);
  return value >= 1 ? std::optional<std::int64_t>(value) : std::nullopt;
}

void get_master_data(const httplib::Request& req, httplib::Response& res, const std::string& type,
                     const WmsTargets& targets) {
  if (!require_bearer_token(req, res, targets.store)) return;
  FieldErrors errors;
  const auto page = integer_param(req, "page", 1);
  if (!page) errors["page"].emplace_back("must be a positive integer");
  const auto paginate = integer_param(req, "paginate", max_paginate);
  if (!paginate || *paginate > max_paginate) {
    errors["paginate"].emplace_back("must be an integer from 1 to 500");
  }
  std::optional<std::int64_t> since_ms;
  const std::string since = req.get_param_value("updated_since");
  if (req.has_param("updated_since")) {
    since_ms = parse_rfc3339_ms(since);
    if (!since_ms) errors["updated_since"].emplace_back("must be RFC 3339 with an offset");
  }
  if (!errors.empty()) {
    send_validation_error(res, errors);
    return;
  }
  const WmsPage result = targets.data.page(type, since_ms, *page, *paginate);
  targets.requests.add({{"type", type},
                        {"page", *page},
                        {"paginate", *paginate},
                        {"updated_since", req.has_param("updated_since") ? nlohmann::json(since) : nlohmann::json(nullptr)},
                        {"returned", result.records.size()}});
  send_json(res, 200,
            nlohmann::json{{"status", "success"},
                           {"data", result.records},
                           {"meta",
                            {{"page", *page},
                             {"paginate", *paginate},
                             {"total_page", result.total_page},
                             {"total_item", result.total_item}}}});
}

nlohmann::json cancelled_resource(const std::string& number) {
  return nlohmann::json{{"status", "success"},
                        {"data", {{"disposal_instruction_no", number}, {"status", "cancelled"}}}};
}

void post_cancellation(const httplib::Request& req, httplib::Response& res, const WmsTargets& targets) {
  if (!require_bearer_token(req, res, targets.store)) return;
  const auto key = idempotency_key(req, res);
  if (!key) return;
  const auto body = object_body(req, res);
  if (!body) return;
  if (const FieldErrors errors = validate_disposal_cancellation(*body); !errors.empty()) {
    send_validation_error(res, errors);
    return;
  }
  const CancelResult result =
      targets.disposals.cancel(*key, *body, req.get_header_value("X-Device-Id"), unix_now());
  switch (result.outcome) {
    case CancelOutcome::cancelled:
      targets.stats.on_accepted(true);
      send_json(res, 200, cancelled_resource(result.number));
      return;
    case CancelOutcome::duplicate:
      targets.stats.on_duplicate();
      send_json(res, 409, cancelled_resource(result.number));
      return;
    case CancelOutcome::key_conflict:
      send_validation_error(res, FieldErrors{{"Idempotency-Key", {"was already used for another cancellation"}}},
                            "idempotency key reused with a different body");
      return;
    case CancelOutcome::unknown_instruction:
      send_error(res, 404, "disposal instruction " + result.number + " not found");
      return;
    case CancelOutcome::executed:
      send_validation_error(res, FieldErrors{{"disposal_instruction_no", {"is already executed"}}},
                            "disposal instruction " + result.number + " is already executed");
      return;
    case CancelOutcome::already_cancelled:
      send_validation_error(res, FieldErrors{{"disposal_instruction_no", {"is already cancelled"}}},
                            "disposal instruction " + result.number + " was cancelled by another request");
      return;
    case CancelOutcome::entity_mismatch:
      send_validation_error(res, FieldErrors{{"entity_id", {"is not the instruction's entity"}}});
      return;
  }
}

}  // namespace

void WmsRequestLog::add(nlohmann::json entry) {
  std::lock_guard lock(mutex_);
  entries_.push_back(std::move(entry));
  while (entries_.size() > max_logged_requests) entries_.pop_front();
}

nlohmann::json WmsRequestLog::to_json() const {
  std::lock_guard lock(mutex_);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& entry : entries_) list.push_back(entry);
  return nlohmann::json{{"requests", list}};
}

void WmsRequestLog::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

void register_wms_api(httplib::Server& server, const ApiGate& gate, const WmsTargets& targets) {
  for (const std::string& type : wms_types()) {
    const httplib::Server::Handler handler = [type, targets](const httplib::Request& req,
                                                             httplib::Response& res) {
      get_master_data(req, res, type, targets);
    };
    server.Get("/v2/" + type, gate.guard(handler));
  }
  const httplib::Server::Handler cancel = [targets](const httplib::Request& req, httplib::Response& res) {
    post_cancellation(req, res, targets);
  };
  server.Post("/wms/disposal/cancellation", with_body(gate.guard(cancel)));
}

}  // namespace upstream_sim
