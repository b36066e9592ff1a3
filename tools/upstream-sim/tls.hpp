// The API listener's TLS context.
#pragma once

#include <openssl/ssl.h>

#include <string>

namespace upstream_sim {

struct TlsFiles {
  std::string cert;       // server certificate chain (PEM)
  std::string key;        // its private key (PEM, unencrypted)
  std::string client_ca;  // CA(s) whose client certificates are accepted (PEM)
};

enum class ClientAuth {
  required,  // the API port: a client certificate chaining to client_ca, with clientAuth usage
  none,      // --open-tls-port, for load generators (wrk) that cannot present one
};

// Sets up ctx: TLS 1.2 or newer, our certificate and key, and (ClientAuth::required) a client
// certificate that must be presented and must chain to files.client_ca with clientAuth usage.
// Every step is checked (cpp-httplib's file-path constructor ignores a failure to load the
// client CA, which would silently reject every client). On failure returns false and puts
// OpenSSL's reason in error.
bool configure_server_tls(SSL_CTX& ctx, const TlsFiles& files, ClientAuth client_auth,
                          std::string& error);

}  // namespace upstream_sim
