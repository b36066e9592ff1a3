#pragma once
// The outbox schema and its migrations. user_version holds the schema version; each migration
// moves one version forward inside the caller's transaction. A database whose version is newer
// than this build knows is refused: an older agent must not write to a newer layout.

#include <sqlite3.h>

#include "outpost/common/expected.hpp"

namespace outpost::outbox::detail {

inline constexpr int kSchemaVersion = 8;

// Brings the database to kSchemaVersion in one transaction, or explains why it cannot.
Expected<void> migrate(sqlite3* db);

}  // namespace outpost::outbox::detail
