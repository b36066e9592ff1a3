#pragma once
// The request that delivers one operation to an upstream: a JSON body, the bearer token, the
// operation's idempotency key (the same on every attempt, so a re-send is recognised) and the
// device id. Connectors add what their upstream needs besides (signatures, a language).

#include <string>
#include <utility>

#include "outpost/transport/http_client.hpp"

namespace outpost::connectors::detail {

inline transport::Request delivery_request(std::string method, std::string url, std::string body,
                                           const std::string& bearer, const std::string& idempotency_key,
                                           const std::string& device_id) {
    transport::Request request;
    request.method = std::move(method);
    request.url = std::move(url);
    request.headers = {{"Content-Type", "application/json"},
                       {"Accept", "application/json"},
                       {"Authorization", "Bearer " + bearer},
                       {"Idempotency-Key", idempotency_key},
                       {"X-Device-Id", device_id}};
    request.body = std::move(body);
    return request;
}

}  // namespace outpost::connectors::detail
