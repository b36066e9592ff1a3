#pragma once
// The catalog schema and its migrations (private). user_version holds the schema version; each
// migration moves one version forward inside one transaction. Every table family appends its
// migrations to the same list; a file from a newer agent (a higher version) is reported with
// kNewerSchema and the catalog starts afresh (it is a cache).

#include <sqlite3.h>

#include "outpost/common/expected.hpp"

namespace outpost::catalog::detail {

inline constexpr int kSchemaVersion = 2;
// Error::code of a file written by a newer agent.
inline constexpr int kNewerSchema = -2000;

Expected<void> migrate(sqlite3* db);

}  // namespace outpost::catalog::detail
