#include "tls.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <array>

namespace upstream_sim {
namespace {

// Drains OpenSSL's error queue into one line, behind what we were doing.
std::string openssl_error(const std::string& what) {
  std::string text = what;
  const char* separator = ": ";
  while (const unsigned long code = ERR_get_error()) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    text += separator;
    text += buffer.data();
    separator = "; ";
  }
  return text;
}

}  // namespace

bool configure_server_tls(SSL_CTX& ctx, const TlsFiles& files, ClientAuth client_auth,
                          std::string& error) {
  ERR_clear_error();
  // The contract says TLS 1.2 or newer; refusing older versions here lets a test prove the
  // agent never offers them.
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1) {
    error = openssl_error("cannot set TLS 1.2 as the minimum version");
    return false;
  }
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);

  if (SSL_CTX_use_certificate_chain_file(&ctx, files.cert.c_str()) != 1) {
    error = openssl_error("cannot load --cert " + files.cert);
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, files.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    error = openssl_error("cannot load --key " + files.key);
    return false;
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) {
    error = openssl_error("--key does not match --cert");
    return false;
  }
  if (client_auth == ClientAuth::none) {
    // No CertificateRequest at all: after the handshake a request costs what it costs on the
    // mutual-TLS port (same cipher suites, same handlers).
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_NONE, nullptr);
    return true;
  }
  if (SSL_CTX_load_verify_locations(&ctx, files.client_ca.c_str(), nullptr) != 1) {
    error = openssl_error("cannot load --client-ca " + files.client_ca);
    return false;
  }
  // Name the acceptable CAs in the CertificateRequest so a client holding several certificates
  // can pick the right one.
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str());
  if (names == nullptr) {
    error = openssl_error("no CA certificate in --client-ca " + files.client_ca);
    return false;
  }
  SSL_CTX_set_client_CA_list(&ctx, names);  // takes ownership

  // A client certificate is mandatory. OpenSSL checks it against the "sslclient" purpose on a
  // server, so a certificate without clientAuth in its extended key usage is refused too.
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);

  // Clients resume sessions when they reconnect (curl does, on both its OpenSSL and Mbed TLS
  // backends). With client certificates verified, OpenSSL refuses to resume a session that
  // carries no session ID context and aborts that handshake with an internal_error alert: every
  // reconnection after a closed keep-alive connection would fail. Any fixed value will do.
  static constexpr unsigned char session_context[] = "upstream-sim";
  if (SSL_CTX_set_session_id_context(&ctx, session_context, sizeof session_context - 1) != 1) {
    error = openssl_error("cannot set the TLS session ID context");
    return false;
  }
  return true;
}

}  // namespace upstream_sim
