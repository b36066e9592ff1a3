#pragma once
// The upstreams that log in with a username and a password (SMILE DIN, SMILE WMS, SMILE orders)
// share their login keys and their login request; each gives only its label and login URL.

#include <nlohmann/json.hpp>

#include <string>
#include <utility>

#include "outpost/config/upstream_options.hpp"
#include "outpost/connectors/token_session.hpp"

namespace outpost::connectors::detail {

// The login keys, read the same way for each: `username` (required), the password from
// `password_file`, and, where real deployments differ, the request's field names and the JSON
// pointers to the token and its expiry, each defaulting to the value already in `settings` (the
// contract's).
template <typename Settings>
void read_password_login(config::UpstreamOptions& options, Settings& settings) {
    settings.username = options.string("username", {}, {.required = true});
    settings.password = options.secret("password", true);
    settings.username_field = options.string("username_field", settings.username_field);
    settings.password_field = options.string("password_field", settings.password_field);
    settings.token_pointer = options.json_pointer("token_pointer", settings.token_pointer);
    settings.expiry_pointer = options.json_pointer("expiry_pointer", settings.expiry_pointer);
}

// The login request: the two fields as JSON, the device id, the token and expiry read where the
// settings say. `label` names it in messages ("DIN login").
template <typename Settings>
JsonLogin password_json_login(std::string label, std::string url, const Settings& settings) {
    JsonLogin login;
    login.label = std::move(label);
    login.url = std::move(url);
    login.headers = {{"X-Device-Id", settings.device_id}};
    login.body = nlohmann::json{{settings.username_field, settings.username},
                                {settings.password_field, settings.password}}
                     .dump();
    login.token_pointer = settings.token_pointer;
    login.expiry_pointer = settings.expiry_pointer;
    return login;
}

}  // namespace outpost::connectors::detail
