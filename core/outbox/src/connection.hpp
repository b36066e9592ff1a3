#pragma once
// Opening one connection to the outbox file (private to the outbox): quick_check when asked,
// then WAL, the sync level, the page cache size and the schema migrations.

#include <sqlite3.h>

#include <string>

#include "outpost/common/expected.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::outbox::detail {

// The caller owns the connection (sqlite3_close_v2). A damaged file fails with an error that
// is_corruption() recognises, whether quick_check or the first read found it.
Expected<sqlite3*> open_connection(const std::string& path, const Options& options, bool check);

}  // namespace outpost::outbox::detail
