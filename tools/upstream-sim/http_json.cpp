#include "http_json.hpp"

#include <cstdio>
#include <exception>

namespace upstream_sim {
namespace {

// For the errors httplib raises itself (the reason phrase is not in its public header).
std::string describe_status(int status) {
  switch (status) {
    case 400: return "bad request";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 413: return "payload too large";
    case 414: return "URI too long";
    case 416: return "range not satisfiable";
    case 431: return "request header fields too large";
    case 500: return "internal server error";
    case 503: return "service unavailable";
    default: return "HTTP error " + std::to_string(status);
  }
}

}  // namespace

std::string canonical_json(const nlohmann::json& value) {
  // nlohmann::json keeps object members in a std::map, so dump() is already sorted. Replace,
  // don't throw, on invalid UTF-8: header values we echo back are not validated.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(canonical_json(body), "application/json");
}

void send_error(httplib::Response& res, int status, std::string_view message) {
  send_json(res, status, nlohmann::json{{"status", "error"}, {"message", message}});
}

void send_validation_error(httplib::Response& res, const FieldErrors& errors,
                           std::string_view message, int status) {
  send_json(res, status,
            nlohmann::json{{"status", "error"}, {"message", message}, {"errors", errors}});
}

std::optional<nlohmann::json> parse_json(const std::string& text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

httplib::Server::HandlerWithContentReader with_body(httplib::Server::Handler handler) {
  return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                        const httplib::ContentReader& read) {
    httplib::Request with_content = req;
    if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) {
      std::string body;
      const bool complete = read([&body](const char* data, std::size_t size) {
        body.append(data, size);
        return true;
      });
      if (!complete) {
        // httplib has set 400 (cut short) or 413 (over the payload limit).
        send_error(res, res.status >= 400 ? res.status : 400, "cannot read the request body");
        return;
      }
      with_content.body = std::move(body);
    }
    handler(with_content, res);
  };
}

void install_json_error_handlers(httplib::Server& server) {
  // httplib calls the error handler for every status >= 400, including the ones our handlers
  // already answered: only fill in a body when there is none.
  const httplib::Server::HandlerWithResponse on_error = [](const httplib::Request&,
                                                           httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    send_error(res, res.status, describe_status(res.status));
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(on_error);

  server.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, const std::exception_ptr& error) {
        std::string what = "unknown exception";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        std::fprintf(stderr, "upstream-sim: %s %s failed: %s\n", req.method.c_str(),
                     req.path.c_str(), what.c_str());
        send_error(res, 500, "internal error in the simulator");
      });
}

std::optional<std::string> idempotency_key(const httplib::Request& req, httplib::Response& res) {
  constexpr std::size_t max_length = 255;
  std::string key = req.get_header_value("Idempotency-Key");
  if (key.empty()) {
    send_error(res, 400, "missing Idempotency-Key header");
    return std::nullopt;
  }
  if (key.size() > max_length) {
    send_error(res, 400, "Idempotency-Key longer than 255 characters");
    return std::nullopt;
  }
  return key;
}

std::optional<nlohmann::json> object_body(const httplib::Request& req, httplib::Response& res) {
  auto body = parse_json(req.body);
  if (!body) {
    send_error(res, 400, "malformed JSON");
    return std::nullopt;
  }
  if (!body->is_object()) {
    send_error(res, 400, "request body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

}  // namespace upstream_sim
