#pragma once
// Detecting a damaged outbox file and moving it aside (private to the outbox).

#include <sqlite3.h>

#include <string>

#include "outpost/common/expected.hpp"

namespace outpost::outbox::detail {

// PRAGMA quick_check: an Error (with an SQLITE_CORRUPT code) naming the first problem found.
Expected<void> quick_check(sqlite3* db);

// True when `error` says the file is not a usable database (corrupt, not a database).
bool is_corruption(const Error& error);

// Renames `path` (and its -wal and -shm companions) to "<path>.corrupt-<UTC time>"; returns
// the new name of the main file.
Expected<std::string> quarantine_file(const std::string& path);

}  // namespace outpost::outbox::detail
