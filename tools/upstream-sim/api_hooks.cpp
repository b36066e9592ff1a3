#include "api_hooks.hpp"

#include "http_json.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

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

}  // namespace

void ApiGate::install_hooks(httplib::Server& server) const {
  install_json_error_handlers(server);
  // httplib runs this just before it writes the response, so a test reading /admin/stats after
  // getting its answer always sees its own request counted.
  server.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    stats_.on_api_response(req.path, res.status);
    std::fprintf(stderr, "upstream-sim: %s %s -> %d\n", req.method.c_str(), req.path.c_str(),
                 res.status);
  });
}

bool ApiGate::intercept(const httplib::Request& req, httplib::Response& res) const {
  if (!faults_.up()) {
    res.set_header("Retry-After", "1");
    send_error(res, 503, "upstream down (simulated)");
    return true;
  }
  if (const auto status = faults_.take(req.path)) {
    if (*status == 429 || *status == 503) res.set_header("Retry-After", "1");
    send_error(res, *status, "simulated fault (HTTP " + std::to_string(*status) + ")");
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

httplib::Server::Handler ApiGate::guard(httplib::Server::Handler handler) const {
  return [this, handler = std::move(handler)](const httplib::Request& req,
                                              httplib::Response& res) {
    if (!intercept(req, res)) handler(req, res);
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
