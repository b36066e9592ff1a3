#include "api_hooks.hpp"

#include "hangup.hpp"
#include "http_json.hpp"
#include "unix_time.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

namespace upstream_sim {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "application/json" with optional parameters ("; charset=utf-8"), any case.
bool is_json_media_type(const std::string& content_type) {
  std::string type = lower(content_type.substr(0, content_type.find(';')));
  const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
  type.erase(type.begin(), std::find_if(type.begin(), type.end(), not_space));
  type.erase(std::find_if(type.rbegin(), type.rend(), not_space).base(), type.end());
  return type == "application/json";
}

bool is_blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

// The status a hung-up request's response carries, so the post-routing hook knows it was
// already counted and logged (hang_up_on) and that nothing will be sent. Never on the wire.
constexpr int status_hung_up = 0;

}  // namespace

void ApiGate::install_hooks(httplib::Server& server) const {
  install_json_error_handlers(server);
  // httplib runs this just before it writes the response, so a test reading /admin/stats after
  // getting its answer always sees its own request counted.
  server.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (res.status == status_hung_up) return;
    stats_.on_api_response(req.path, res.status);
    timeline_.on_request(req.get_header_value("X-Device-Id"), unix_now_ms());
    if (request_log_) {
      std::fprintf(stderr, "upstream-sim: %s %s -> %d\n", req.method.c_str(), req.path.c_str(),
                   res.status);
    }
  });
}

void ApiGate::serve(const httplib::Request& req, httplib::Response& res,
                    const httplib::Server::Handler& handler) const {
  const FaultDecision decision = faults_.take(req.path);
  const Hangup hangup = decision.step ? decision.step->hangup : Hangup::none;
  // after_applying runs the endpoint as usual (the operation is stored, the counters move) and
  // only throws its answer away.
  if (hangup != Hangup::without_applying && !intercept(req, res, decision)) handler(req, res);
  hold(decision);
  if (hangup != Hangup::none) hang_up_on(req, res);
}

bool ApiGate::intercept(const httplib::Request& req, httplib::Response& res,
                        const FaultDecision& decision) const {
  if (decision.down) {
    res.set_header("Retry-After", "1");
    send_error(res, 503, "upstream down (simulated)");
    return true;
  }
  if (decision.step && decision.step->status) {
    const int status = *decision.step->status;
    if (decision.step->retry_after) res.set_header("Retry-After", *decision.step->retry_after);
    send_error(res, status, "simulated fault (HTTP " + std::to_string(status) + ")");
    return true;
  }
  if (device_header_required_ && is_blank(req.get_header_value("X-Device-Id"))) {
    send_error(res, 400, "missing X-Device-Id header");
    return true;
  }
  if (!req.body.empty() && !is_json_media_type(req.get_header_value("Content-Type"))) {
    send_error(res, 415, "Content-Type must be application/json");
    return true;
  }
  return false;
}

// The delay comes after the endpoint ran: a client that times out while waiting has had its
// request applied all the same, which is the case an agent's retry must survive.
void ApiGate::hold(const FaultDecision& decision) const {
  const std::int64_t delay_ms =
      decision.latency_ms + (decision.step ? decision.step->delay_ms : 0);
  if (delay_ms <= 0) return;
  stats_.on_delayed();
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
}

void ApiGate::hang_up_on(const httplib::Request& req, httplib::Response& res) const {
  const int fd = connection_socket(req);
  if (fd < 0) {
    send_error(res, 500, "the simulator cannot close this connection (not TLS)");
    return;
  }
  // Counted before the connection goes, so a test that sees the hang-up sees it counted.
  stats_.on_closed_without_answer(req.path);
  timeline_.on_request(req.get_header_value("X-Device-Id"), unix_now_ms());
  if (request_log_) {
    std::fprintf(stderr, "upstream-sim: %s %s -> closed without answer\n", req.method.c_str(),
                 req.path.c_str());
  }
  res.status = status_hung_up;
  hang_up(fd);
}

httplib::Server::Handler ApiGate::guard(httplib::Server::Handler handler) const {
  return [this, handler = std::move(handler)](const httplib::Request& req,
                                              httplib::Response& res) {
    serve(req, res, handler);
  };
}

void ApiGate::install_fallback(httplib::Server& server) const {
  const auto not_found = guard([](const httplib::Request&, httplib::Response& res) {
    send_error(res, 404, "not found");
  });
  server.Get(".*", not_found);
  server.Post(".*", with_body(not_found));
  server.Put(".*", with_body(not_found));
  server.Patch(".*", with_body(not_found));
  server.Delete(".*", not_found);
}

}  // namespace upstream_sim
