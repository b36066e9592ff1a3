#include "hangup.hpp"

#include <openssl/ssl.h>
#include <sys/socket.h>

namespace upstream_sim {

int connection_socket(const httplib::Request& req) {
  if (req.ssl == nullptr) return -1;
  return SSL_get_fd(req.ssl);
}

void hang_up(int fd) { ::shutdown(fd, SHUT_RDWR); }

}  // namespace upstream_sim
