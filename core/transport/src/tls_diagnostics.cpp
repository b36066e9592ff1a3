#include "tls_diagnostics.hpp"

#include <mbedtls/debug.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "outpost/common/clock.hpp"
#include "x509_text.hpp"

namespace outpost::transport {
namespace {

// Mbed TLS's level 1 is "error": it prints on failures only, among them the alert received.
// The threshold is global to Mbed TLS; nothing else in the agent installs a debug callback.
constexpr int kDebugThreshold = 1;
constexpr const char* kAlertMarker = "is a fatal alert message (msg ";
constexpr const char* kSignatureAlgorithmMarker = "Server used unsupported value in SigAlg extension 0x";

std::string joined(const std::vector<std::string>& parts, const char* separator) {
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : separator) + part;
    return out;
}

const char* alert_name(int alert) {
    switch (alert) {
        case MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE: return "handshake_failure";
        case MBEDTLS_SSL_ALERT_MSG_BAD_CERT: return "bad_certificate";
        case MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT: return "unsupported_certificate";
        case MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED: return "certificate_revoked";
        case MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED: return "certificate_expired";
        case MBEDTLS_SSL_ALERT_MSG_CERT_UNKNOWN: return "certificate_unknown";
        case MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER: return "illegal_parameter";
        case MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA: return "unknown_ca";
        case MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED: return "access_denied";
        case MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR: return "decode_error";
        case MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR: return "decrypt_error";
        case MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION: return "protocol_version";
        case MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY: return "insufficient_security";
        case MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR: return "internal_error";
        case MBEDTLS_SSL_ALERT_MSG_INAPROPRIATE_FALLBACK: return "inappropriate_fallback";
        case MBEDTLS_SSL_ALERT_MSG_MISSING_EXTENSION: return "missing_extension";
        case MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME: return "unrecognized_name";
        case MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED: return "certificate_required";
        default: return nullptr;
    }
}

}  // namespace

void TlsDiagnostics::reset() {
    problems_.clear();
    alert_.reset();
    refused_signature_algorithm_.reset();
}

// libcurl's own verify callback, replaced here, only formats a message (and clears flags for
// checks switched off, which the agent never switches off): nothing is lost.
void TlsDiagnostics::attach(mbedtls_ssl_config& config) {
    static std::once_flag threshold_once;
    std::call_once(threshold_once, [] { mbedtls_debug_set_threshold(kDebugThreshold); });
    mbedtls_ssl_conf_verify(&config, &TlsDiagnostics::on_verify, this);
    mbedtls_ssl_conf_dbg(&config, &TlsDiagnostics::on_debug, this);
}

int TlsDiagnostics::on_verify(void* self, mbedtls_x509_crt* certificate, int depth, std::uint32_t* flags) {
    // Returning 0 with the flags untouched lets Mbed TLS decide: any flag fails the handshake.
    if (*flags == 0 || certificate == nullptr) return 0;
    Problem problem;
    problem.depth = depth;
    problem.flags = *flags;
    problem.subject = x509::distinguished_name(certificate->subject);
    problem.issuer = x509::distinguished_name(certificate->issuer);
    problem.valid_from = x509::format_time(certificate->valid_from);
    problem.valid_to = x509::format_time(certificate->valid_to);
    problem.self_issued = x509::self_issued(*certificate);
    problem.names = x509::alternative_names(*certificate);
    static_cast<TlsDiagnostics*>(self)->problems_.push_back(std::move(problem));
    return 0;
}

void TlsDiagnostics::on_debug(void* self, int, const char*, int, const char* message) {
    auto& diagnostics = *static_cast<TlsDiagnostics*>(self);
    if (const char* marker = std::strstr(message, kAlertMarker)) {
        diagnostics.alert_ = std::atoi(marker + std::strlen(kAlertMarker));
    } else if (const char* sig_alg = std::strstr(message, kSignatureAlgorithmMarker)) {
        diagnostics.refused_signature_algorithm_ =
            static_cast<unsigned>(std::strtoul(sig_alg + std::strlen(kSignatureAlgorithmMarker), nullptr, 16));
    }
}

bool TlsDiagnostics::only_host_name_mismatch() const {
    return problems_.size() == 1 && problems_.front().depth == 0 &&
           problems_.front().flags == MBEDTLS_X509_BADCERT_CN_MISMATCH;
}

std::optional<std::string> TlsDiagnostics::explain_certificate() const {
    if (problems_.empty()) return std::nullopt;
    std::vector<std::string> reasons;
    for (const Problem& problem : problems_) {
        const std::string which = problem.depth == 0 ? "the server's certificate (" + problem.subject + ")"
                                                     : "the CA certificate " + problem.subject + " in the server's chain";
        std::uint32_t left = problem.flags;
        const auto take = [&left](std::uint32_t flag) {
            const bool set = (left & flag) != 0;
            left &= ~flag;
            return set;
        };
        if (take(MBEDTLS_X509_BADCERT_EXPIRED)) {
            reasons.push_back(which + " has expired: it was valid until " + problem.valid_to);
        }
        if (take(MBEDTLS_X509_BADCERT_FUTURE)) {
            reasons.push_back(which + " is not valid yet: it is valid from " + problem.valid_from +
                              ", and this device's clock says " + format_rfc3339_utc(wall_clock_now_ms()) +
                              " (if the clock is wrong, set it)");
        }
        if (take(MBEDTLS_X509_BADCERT_NOT_TRUSTED)) {
            // A server may send its root CA along; then the chain's top is what is not trusted.
            if (problem.self_issued && problem.depth == 0) {
                reasons.push_back(which + " is self-signed and not in the configured CA bundle (tls.ca_file): not trusted");
            } else if (problem.self_issued) {
                reasons.push_back("the server's certificate chain ends in the CA " + problem.subject +
                                  ", which is not in the configured CA bundle (tls.ca_file): not trusted");
            } else {
                reasons.push_back(which + " is not trusted: its issuer " + problem.issuer +
                                  " is not in the configured CA bundle (tls.ca_file)");
            }
        }
        if (take(MBEDTLS_X509_BADCERT_CN_MISMATCH)) {
            reasons.push_back(which + " is not valid for this host name; it names " +
                              (problem.names.empty() ? "no alternative names" : joined(problem.names, ", ")));
        }
        if (take(MBEDTLS_X509_BADCERT_REVOKED)) reasons.push_back(which + " has been revoked");
        if (left != 0) {
            char info[512] = {};
            mbedtls_x509_crt_verify_info(info, sizeof info, "", left);
            std::string text = info;
            for (char& c : text) c = c == '\n' ? ';' : c;
            while (!text.empty() && (text.back() == ';' || text.back() == ' ')) text.pop_back();
            reasons.push_back(which + ": " + text);
        }
    }
    return joined(reasons, "; ");
}

std::optional<std::string> TlsDiagnostics::explain_signature_algorithm() const {
    if (!refused_signature_algorithm_) return std::nullopt;
    char code[8];
    std::snprintf(code, sizeof code, "0x%04x", *refused_signature_algorithm_);
    const bool pss = (*refused_signature_algorithm_ & 0xff00U) == 0x0800U;
    return std::string("the server signed its key exchange with signature algorithm ") + code +
           (pss ? " (RSA-PSS), which this build's Mbed TLS refuses in TLS 1.2 although it offers it (a regression of "
                  "Mbed TLS 3.6.6, fixed by Mbed-TLS/mbedtls#10674; see docs/tls.md)"
                : ", which this agent does not accept");
}

std::optional<std::string> TlsDiagnostics::explain_alert() const {
    if (!alert_) return std::nullopt;
    const char* name = alert_name(*alert_);
    const std::string named = std::string("the server sent the fatal alert ") +
                              (name != nullptr ? name : "number " + std::to_string(*alert_));
    switch (*alert_) {
        case MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION:
            return named + ": it offers no TLS version this agent accepts (TLS 1.2 or 1.3); a server "
                           "limited to TLS 1.0 or 1.1 is refused";
        case MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY:
        case MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE:
            return named + ": it shares no cipher suite or signature algorithm with this agent, or it "
                           "refuses this client";
        case MBEDTLS_SSL_ALERT_MSG_BAD_CERT:
        case MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT:
        case MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED:
        case MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED:
        case MBEDTLS_SSL_ALERT_MSG_CERT_UNKNOWN:
        case MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA:
        case MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED:
        case MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED:
            return named + ": it does not accept this device's client certificate (tls.cert_file)";
        default:
            return named;
    }
}

}  // namespace outpost::transport
