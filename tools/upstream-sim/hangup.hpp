// Closing a request's connection from inside its handler, without answering: the client sees
// end-of-file right after sending its request (curl: exit 52, "Empty reply from server"), so it
// cannot tell whether the request was applied.
#pragma once

#include <httplib.h>

namespace upstream_sim {

// The socket under req, or -1. httplib 0.11 gives a handler no socket, but on a TLS listener it
// gives the session (req.ssl), and the session knows its socket. -1 when req did not come over
// TLS (the API listener always does).
int connection_socket(const httplib::Request& req);

// Shuts down the connection on fd (FIN, both directions). shutdown() rather than close(): the
// descriptor stays httplib's, which then fails to write the response, ends the connection and
// closes it as usual.
void hang_up(int fd);

}  // namespace upstream_sim
