#pragma once
// The login keys of the upstreams that log in with a username and a password (SMILE DIN, SMILE
// WMS, SMILE orders), read the same way for each: `username` (required), the password from
// `password_file`, and, where real deployments differ, the request's field names and the JSON
// pointers to the token and its expiry, each defaulting to the value already in `settings` (the
// contract's).

#include "outpost/config/upstream_options.hpp"

namespace outpost::connectors::detail {

template <typename Settings>
void read_password_login(config::UpstreamOptions& options, Settings& settings) {
    settings.username = options.string("username", {}, {.required = true});
    settings.password = options.secret("password", true);
    settings.username_field = options.string("username_field", settings.username_field);
    settings.password_field = options.string("password_field", settings.password_field);
    settings.token_pointer = options.json_pointer("token_pointer", settings.token_pointer);
    settings.expiry_pointer = options.json_pointer("expiry_pointer", settings.expiry_pointer);
}

}  // namespace outpost::connectors::detail
