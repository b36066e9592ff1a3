#include "tls_faults.hpp"

#include <sys/socket.h>

#include <cstdio>

namespace upstream_sim {

bool TlsFaults::install(SSL_CTX& ctx, std::string& error) {
  // The ex_data slot exists only for its free callback: it tells us when a session is gone.
  ex_index_ = SSL_get_ex_new_index(0, this, nullptr, nullptr, &TlsFaults::on_ssl_free);
  if (ex_index_ < 0) {
    error = "cannot allocate an OpenSSL ex_data index";
    return false;
  }
  // The ClientHello callback runs first in every handshake, before any certificate work, so a
  // refusal costs nothing and looks to the client like a server that will not negotiate.
  SSL_CTX_set_client_hello_cb(&ctx, &TlsFaults::on_client_hello, this);
  return true;
}

int TlsFaults::on_client_hello(SSL* ssl, int* alert, void* self) {
  auto& faults = *static_cast<TlsFaults*>(self);
  if (faults.refuse_) {
    faults.stats_.on_tls_refused();
    std::fprintf(stderr, "upstream-sim: TLS handshake refused (simulated)\n");
    *alert = SSL_AD_HANDSHAKE_FAILURE;
    return SSL_CLIENT_HELLO_ERROR;
  }
  const int fd = SSL_get_fd(ssl);
  if (fd >= 0) {
    std::lock_guard lock(faults.mutex_);
    faults.open_[ssl] = fd;
    // Any non-null value: it makes OpenSSL call on_ssl_free with it when ssl is freed.
    SSL_set_ex_data(ssl, faults.ex_index_, self);
  }
  return SSL_CLIENT_HELLO_SUCCESS;
}

void TlsFaults::on_ssl_free(void* parent, void* ptr, CRYPTO_EX_DATA*, int, long, void* self) {
  // Called for every SSL object freed; ptr is null for sessions never registered (refused).
  if (ptr == nullptr || self == nullptr) return;
  auto& faults = *static_cast<TlsFaults*>(self);
  std::lock_guard lock(faults.mutex_);
  faults.open_.erase(static_cast<const SSL*>(parent));
}

std::size_t TlsFaults::drop_connections() {
  std::lock_guard lock(mutex_);
  // shutdown(), not close(): the fd stays httplib's to close, and its connection thread sees
  // end-of-file (or a failed write), finishes, and frees the session as usual.
  for (const auto& [ssl, fd] : open_) ::shutdown(fd, SHUT_RDWR);
  const std::size_t dropped = open_.size();
  // Forgotten at once, so a second drop counts only connections opened since.
  open_.clear();
  std::fprintf(stderr, "upstream-sim: dropped %zu TLS connection(s) (simulated)\n", dropped);
  return dropped;
}

}  // namespace upstream_sim
