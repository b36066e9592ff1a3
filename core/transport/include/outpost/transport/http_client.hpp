#pragma once
// HTTPS client for upstream delivery: libcurl on Mbed TLS with mutual TLS.
//
// Contract:
// - Every request is HTTPS, TLS 1.2 or newer. The server certificate is verified against the
//   configured CA bundle ONLY (no system store) and against the URL's host name.
// - The client certificate and key are presented when configured (they always are in the agent;
//   tests leave them out to see the refusal).
// - perform() returns a Response for every request that got an HTTP answer, whatever its status:
//   the caller must look at status (a server that wants a client certificate may complete the
//   handshake and answer 400). It returns an Error only when no HTTP answer arrived, with a
//   message naming the reason (untrusted certificate, host name mismatch, refused, timeout...).
// - The connection is kept alive and reused by the next request to the same host.
// - Not thread-safe: one HttpClient per thread.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "outpost/common/expected.hpp"

namespace outpost::transport {

struct TlsSettings {
    std::string ca_file;    // PEM bundle of the CAs trusted for upstream servers (required)
    std::string cert_file;  // PEM client certificate (mutual TLS); empty: none presented
    std::string key_file;   // PEM private key of cert_file
};

struct Timeouts {
    std::chrono::milliseconds connect{5000};
    std::chrono::milliseconds total{15000};
};

struct Request {
    std::string method = "POST";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct Response {
    long status = 0;
    std::string body;
    std::optional<std::string> retry_after;  // the raw Retry-After header, when present
};

enum class FailureKind {
    Configuration,     // a file or setting the request needs is unusable
    Connect,           // nothing reached the server (refused, unreachable, DNS)
    TlsHandshake,      // the TLS session could not be established or was ended by the server
    ServerUntrusted,   // server certificate not signed by a configured CA, expired, ...
    HostNameMismatch,  // certificate valid but for another host
    Timeout,           // no complete answer in time; the request may have been applied
    Io,                // connection lost mid-request; the request may have been applied
};
const char* to_string(FailureKind kind);

// The Error returned by perform() carries a FailureKind in Error::code.
inline FailureKind failure_kind(const Error& error) { return static_cast<FailureKind>(error.code); }

class HttpClient {
public:
    static Expected<std::unique_ptr<HttpClient>> create(TlsSettings tls, Timeouts timeouts);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    Expected<Response> perform(const Request& request);

private:
    struct Impl;
    explicit HttpClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace outpost::transport
