// JSON in and out of httplib: every response the simulator writes is JSON with
// Content-Type: application/json, errors in the SMILE shape
// {"status": "error", "message": "...", "errors": {"field": ["..."]}}.
#pragma once

#include "validation.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace upstream_sim {

void send_json(httplib::Response& res, int status, const nlohmann::json& body);

void send_error(httplib::Response& res, int status, std::string_view message);

// 422 (or status) with the per-field messages.
void send_validation_error(httplib::Response& res, const FieldErrors& errors,
                           std::string_view message = "validation failed", int status = 422);

// nullopt for anything that is not well-formed JSON (including invalid UTF-8).
std::optional<nlohmann::json> parse_json(const std::string& text);

// The Idempotency-Key of a mutating request (1 to 255 characters), or nullopt after answering
// 400 in the SMILE shape.
std::optional<std::string> idempotency_key(const httplib::Request& req, httplib::Response& res);

// The request's JSON object body, or nullopt after answering 400 in the SMILE shape (malformed
// JSON, or JSON that is not an object).
std::optional<nlohmann::json> object_body(const httplib::Request& req, httplib::Response& res);

// The serialisation used to compare a replayed body with the stored one: keys sorted, no
// whitespace, so formatting differences between two sends of one operation do not matter.
std::string canonical_json(const nlohmann::json& value);

// Adapts handler to httplib's content-reader form, for POST/PUT/PATCH routes. httplib 0.11 waits
// for a body until its read timeout (then answers 400) when such a request carries neither
// Content-Length nor Transfer-Encoding, as `curl -X POST URL` sends it; RFC 9112 section 6.3 says
// that request has no body. So: read the body only when the headers announce one.
httplib::Server::HandlerWithContentReader with_body(httplib::Server::Handler handler);

// JSON bodies for the responses httplib makes up itself (404 for an unknown path, 400 for a
// request it cannot parse, 413 for an oversized body) and a 500 for a handler that threw (a
// SQLite error, say), so no response of ours is ever HTML or empty.
void install_json_error_handlers(httplib::Server& server);

}  // namespace upstream_sim
