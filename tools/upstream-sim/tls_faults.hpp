// Faults below HTTP, on the API listener's TLS context: refusing new handshakes (the agent sees a
// handshake failure alert) and dropping the connections already open (the agent's keep-alive
// connection dies under it).
#pragma once

#include "stats.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace upstream_sim {

class TlsFaults {
 public:
  explicit TlsFaults(Stats& stats) : stats_(stats) {}
  TlsFaults(const TlsFaults&) = delete;
  TlsFaults& operator=(const TlsFaults&) = delete;

  // Hooks this object into ctx (which it must outlive). false with error set on failure.
  bool install(SSL_CTX& ctx, std::string& error);

  bool refusing() const { return refuse_; }
  // While on, every new handshake is aborted with a handshake_failure alert.
  void set_refusing(bool refuse) { refuse_ = refuse; }

  // Shuts down the TCP connection under every TLS session still open; returns how many.
  std::size_t drop_connections();

 private:
  static int on_client_hello(SSL* ssl, int* alert, void* self);
  static void on_ssl_free(void* parent, void* ptr, CRYPTO_EX_DATA* data, int index, long argl,
                          void* self);

  Stats& stats_;
  std::atomic<bool> refuse_{false};
  int ex_index_ = -1;
  // Open sessions and their sockets. An entry is added during the handshake and removed when
  // httplib frees the SSL object, which it does before closing the socket: so every fd here is
  // still this connection's, never a number the kernel has handed to someone else.
  std::mutex mutex_;
  std::map<const SSL*, int> open_;
};

}  // namespace upstream_sim
