#include "outpost/transport/http_client.hpp"

#include <curl/curl.h>
#include <mbedtls/ssl.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <string_view>

#include "cipher_suites.hpp"
#include "signature_algorithms.hpp"
#include "tls_diagnostics.hpp"

namespace outpost::transport {

const char* to_string(FailureKind kind) {
    switch (kind) {
        case FailureKind::Configuration: return "configuration";
        case FailureKind::Connect: return "connect";
        case FailureKind::TlsHandshake: return "tls-handshake";
        case FailureKind::ServerUntrusted: return "server-untrusted";
        case FailureKind::HostNameMismatch: return "host-name-mismatch";
        case FailureKind::Timeout: return "timeout";
        case FailureKind::Io: return "io";
    }
    return "unknown";
}

namespace {

// Whether libcurl would find a proxy for an https URL in the environment: https_proxy or
// all_proxy, in either case (docs/operations.md).
bool proxy_in_environment() {
    for (const char* name : {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') return true;
    }
    return false;
}

// Upstream answers are small JSON documents; anything larger is a misbehaving server and must
// not exhaust a handheld's memory.
constexpr std::size_t kMaxResponseBytes = 1 << 20;

Error failure(FailureKind kind, std::string message) {
    return make_error("transport", std::move(message), static_cast<int>(kind));
}

size_t collect_body(char* data, size_t size, size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    const size_t bytes = size * count;
    if (body->size() + bytes > kMaxResponseBytes) return 0;  // makes curl fail with WRITE_ERROR
    body->append(data, bytes);
    return bytes;
}

bool header_is(std::string_view line, std::string_view name) {
    if (line.size() <= name.size() || line[name.size()] != ':') return false;
    for (size_t i = 0; i < name.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(line[i])) !=
            std::tolower(static_cast<unsigned char>(name[i]))) {
            return false;
        }
    }
    return true;
}

std::string trimmed(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return std::string(text);
}

size_t collect_header(char* data, size_t size, size_t count, void* user) {
    auto* response = static_cast<Response*>(user);
    const std::string_view line(data, size * count);
    // A new status line (after a 100 Continue, say) starts a new header block.
    if (line.substr(0, 5) == "HTTP/") response->retry_after.reset();
    if (header_is(line, "retry-after")) response->retry_after = trimmed(line.substr(12));
    return size * count;
}

// The hint added to handshake failures that do not name their cause: a refused client
// certificate looks like that from our side.
std::string client_certificate_hint(bool have_client_cert, bool session_ended) {
    if (!have_client_cert) return " (no client certificate was presented; the server may require one)";
    return session_ended ? " (it may not accept this client certificate)"
                         : " (the server may not accept this client certificate)";
}

// Translates a curl failure into a reason an operator can act on. `tls` holds what Mbed TLS
// reported from inside the handshake (certificate checks, the server's alert), when anything.
Error describe_failure(CURLcode code, const char* detail, const std::string& url, bool have_client_cert,
                       const TlsDiagnostics& tls) {
    const std::string what = std::string(detail[0] != '\0' ? detail : curl_easy_strerror(code));
    const std::string where = " (" + url + ")";
    switch (code) {
        case CURLE_PEER_FAILED_VERIFICATION:
            if (const auto why = tls.explain_certificate()) {
                return failure(tls.only_host_name_mismatch() ? FailureKind::HostNameMismatch : FailureKind::ServerUntrusted,
                               "server certificate refused: " + *why + where);
            }
            if (what.find("Common Name") != std::string::npos || what.find("CN") != std::string::npos) {
                return failure(FailureKind::HostNameMismatch,
                               "the server's certificate is not valid for this host name: " + what + where);
            }
            return failure(FailureKind::ServerUntrusted,
                           "the server's certificate is not trusted by the configured CA bundle: " +
                               what + where);
        case CURLE_SSL_CACERT_BADFILE:
            return failure(FailureKind::Configuration, "the CA bundle cannot be used: " + what);
        case CURLE_SSL_CERTPROBLEM:
            return failure(FailureKind::Configuration,
                           "the client certificate or key cannot be used: " + what);
        case CURLE_SSL_CONNECT_ERROR:
            if (const auto why = tls.explain_signature_algorithm()) {
                return failure(FailureKind::TlsHandshake, "TLS handshake failed: " + *why + where);
            }
            if (const auto why = tls.explain_alert()) {
                const bool about_version = tls.alert_received() == MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION;
                return failure(FailureKind::TlsHandshake,
                               "TLS handshake failed: " + *why +
                                   (about_version ? std::string() : client_certificate_hint(have_client_cert, false)) +
                                   where);
            }
            // The server chose a version outside ours (an old server that ignores the versions a
            // client offers): Mbed TLS ends the handshake itself.
            if (what.find("-0x6E00") != std::string::npos) {
                return failure(FailureKind::TlsHandshake,
                               "TLS handshake failed: the server chose a TLS version this agent does not accept "
                               "(TLS 1.2 or 1.3 only; a server limited to TLS 1.0 or 1.1 is refused): " +
                                   what + where);
            }
            return failure(FailureKind::TlsHandshake,
                           "TLS handshake failed: " + what + client_certificate_hint(have_client_cert, false) + where);
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
            return failure(FailureKind::Connect, "cannot connect: " + what + where);
        case CURLE_OPERATION_TIMEDOUT:
            return failure(FailureKind::Timeout, "no answer in time: " + what + where);
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
            // With TLS 1.3 the server checks the client certificate after the handshake, so a
            // refusal shows up as a fatal alert on the first read.
            if (const auto why = tls.explain_alert()) {
                return failure(FailureKind::TlsHandshake, "the server ended the TLS session: " + *why + where);
            }
            if (what.find("alert") != std::string::npos || what.find("SSL") != std::string::npos) {
                return failure(FailureKind::TlsHandshake, "the server ended the TLS session: " + what +
                                                              client_certificate_hint(have_client_cert, true) + where);
            }
            // The alert can also be lost: the server closes right after sending it, and when our
            // request is written first the write fails (EPIPE/ECONNRESET) and the kernel drops the
            // unread alert. Seen on every run under qemu-user (slower client) and now and then on a
            // loaded host. The cause cannot be told apart from a dropped link, so the kind stays
            // Io (retried), but the message names the likely cause when no certificate was sent.
            return failure(FailureKind::Io,
                           "connection lost: " + what +
                               (have_client_cert
                                    ? " (if this repeats right after connecting, the server may be refusing the client certificate)"
                                    : " (no client certificate was presented; the server may require one)") +
                               where);
        case CURLE_WRITE_ERROR:
            return failure(FailureKind::Io, "the server's answer exceeds " +
                                                std::to_string(kMaxResponseBytes) + " bytes" + where);
        case CURLE_UNSUPPORTED_PROTOCOL:
            return failure(FailureKind::Configuration, "only https:// URLs are allowed: " + url);
        default:
            return failure(FailureKind::Io, what + where);
    }
}

// Called by libcurl for each new TLS connection, after it configured Mbed TLS and before the
// handshake (CURLOPT_SSL_CTX_FUNCTION).
CURLcode on_ssl_config(CURL*, void* ssl_config, void* diagnostics) {
    auto& config = *static_cast<mbedtls_ssl_config*>(ssl_config);
    static_cast<TlsDiagnostics*>(diagnostics)->attach(config);
    use_signature_algorithms(config);
    use_cipher_suites(config);
    return CURLE_OK;
}

std::once_flag curl_global_once;
CURLcode curl_global_result = CURLE_OK;

struct HeaderList {
    curl_slist* list = nullptr;
    ~HeaderList() { curl_slist_free_all(list); }
    bool add(const std::string& line) {
        curl_slist* extended = curl_slist_append(list, line.c_str());
        if (extended == nullptr) return false;
        list = extended;
        return true;
    }
};

}  // namespace

struct HttpClient::Impl {
    CURL* easy = nullptr;
    TlsSettings tls;
    TlsDiagnostics diagnostics;  // hooked into every TLS connection of `easy`
    char error_buffer[CURL_ERROR_SIZE] = {};
    ~Impl() { curl_easy_cleanup(easy); }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

Expected<std::unique_ptr<HttpClient>> HttpClient::create(TlsSettings tls, Timeouts timeouts) {
    std::call_once(curl_global_once, [] { curl_global_result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (curl_global_result != CURLE_OK) {
        return failure(FailureKind::Configuration,
                       std::string("initialising libcurl: ") + curl_easy_strerror(curl_global_result));
    }
    if (tls.ca_file.empty()) return failure(FailureKind::Configuration, "no CA bundle configured (tls.ca_file)");
    for (const std::string* file : {&tls.ca_file, &tls.cert_file, &tls.key_file}) {
        if (!file->empty() && access(file->c_str(), R_OK) != 0) {
            return failure(FailureKind::Configuration, "cannot read " + *file);
        }
    }
    if (tls.cert_file.empty() != tls.key_file.empty()) {
        return failure(FailureKind::Configuration,
                       "a client certificate needs its key and a key its certificate (tls.cert_file, tls.key_file)");
    }

    auto impl = std::make_unique<Impl>();
    impl->easy = curl_easy_init();
    if (impl->easy == nullptr) return failure(FailureKind::Configuration, "curl_easy_init failed");
    impl->tls = std::move(tls);
    CURL* easy = impl->easy;

    // Every option below is a security or robustness decision, set once for all requests.
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, impl->error_buffer);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "https");  // never plain HTTP
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);      // a redirect is an error, not a hint
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);            // threads: no SIGALRM for timeouts
    curl_easy_setopt(easy, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(easy, CURLOPT_CAINFO, impl->tls.ca_file.c_str());
    curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);  // the configured bundle only
    if (!impl->tls.cert_file.empty()) {
        curl_easy_setopt(easy, CURLOPT_SSLCERT, impl->tls.cert_file.c_str());
        curl_easy_setopt(easy, CURLOPT_SSLKEY, impl->tls.key_file.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts.connect.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.total.count()));
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    // libcurl looks up six proxy variables for every request (2 % of a delivery's instructions).
    // A daemon's environment does not change while it runs: with none set at start, "no proxy"
    // is said once here; with one set, libcurl keeps reading them (https_proxy, no_proxy).
    if (!proxy_in_environment()) curl_easy_setopt(easy, CURLOPT_PROXY, "");
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, collect_header);
    if (curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, &on_ssl_config) != CURLE_OK ||
        curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, &impl->diagnostics) != CURLE_OK) {
        return failure(FailureKind::Configuration, "this libcurl cannot hook into Mbed TLS (CURLOPT_SSL_CTX_FUNCTION)");
    }
    return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

Expected<Response> HttpClient::perform(const Request& request) {
    CURL* easy = impl_->easy;
    Response response;
    HeaderList headers;
    for (const auto& [name, value] : request.headers) {
        if (!headers.add(name + ": " + value)) return failure(FailureKind::Io, "out of memory building headers");
    }
    // curl adds "Expect: 100-continue" to larger POSTs; that round trip buys nothing here.
    if (!headers.add("Expect:")) return failure(FailureKind::Io, "out of memory building headers");

    impl_->error_buffer[0] = '\0';
    impl_->diagnostics.reset();
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &response);
    if (request.method == "GET") {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, nullptr);
    } else {
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST,
                         request.method == "POST" ? nullptr : request.method.c_str());
    }

    const CURLcode code = curl_easy_perform(easy);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);  // the list dies with this call
    if (code != CURLE_OK) {
        return describe_failure(code, impl_->error_buffer, request.url, !impl_->tls.cert_file.empty(),
                                impl_->diagnostics);
    }
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace outpost::transport
