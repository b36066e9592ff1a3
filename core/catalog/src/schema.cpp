#include "schema.hpp"

#include <array>
#include <string>

#include "sqlite.hpp"

namespace outpost::catalog::detail {
namespace {

// Index i moves the schema from version i to version i + 1. Append, never edit: a device in the
// field may be at any earlier version.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    // 0 -> 1: pull bookkeeping and the master-data family (master_data.cpp).
    R"sql(
    -- One row per feed (an entity type, later a pick-list source).
    CREATE TABLE pull_state (
        feed            TEXT    PRIMARY KEY,
        last_success_at INTEGER,                 -- Unix ms, device clock: the catalog's age
        watermark       TEXT    NOT NULL DEFAULT ''  -- upstream's newest updated_at seen, as sent
    ) STRICT;
    -- The six master-data types share one shape: the upstream's id, code, name, updated_at, a
    -- parent where the type has one, and the whole record as JSON (data).
    CREATE TABLE provinces (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL,
        updated_at TEXT NOT NULL, data TEXT NOT NULL
    ) STRICT;
    CREATE TABLE regencies (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL, province_id INTEGER,
        updated_at TEXT NOT NULL, data TEXT NOT NULL
    ) STRICT;
    CREATE TABLE subdistricts (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL, regency_id INTEGER,
        updated_at TEXT NOT NULL, data TEXT NOT NULL
    ) STRICT;
    CREATE TABLE entities (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL, regency_id INTEGER,
        updated_at TEXT NOT NULL, data TEXT NOT NULL
    ) STRICT;
    CREATE TABLE entity_tags (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL,
        updated_at TEXT NOT NULL, data TEXT NOT NULL
    ) STRICT;
    CREATE TABLE materials (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL,
        gtin TEXT NOT NULL,           -- as sent
        gtin14 TEXT NOT NULL,         -- normalize_gtin(gtin): what lookups compare
        uom TEXT NOT NULL, is_batch INTEGER NOT NULL,
        updated_at TEXT NOT NULL, data TEXT NOT NULL
    ) STRICT;
    -- Not UNIQUE: one bad upstream record must not make a whole page fail to store.
    CREATE INDEX materials_code ON materials (code);
    CREATE INDEX materials_gtin14 ON materials (gtin14) WHERE gtin14 != '';
    )sql",
    // 1 -> 2: the pick-list family (pick_lists.cpp).
    R"sql(
    -- One row per SMILE order pulled for offline picking; its items in pick_list_items.
    CREATE TABLE pick_lists (
        order_id   INTEGER PRIMARY KEY,
        key_ssl    TEXT    NOT NULL,
        status     TEXT    NOT NULL,
        updated_at TEXT    NOT NULL,
        data       TEXT    NOT NULL,   -- the whole order as sent
        pulled_at  INTEGER NOT NULL    -- Unix ms, device clock
    ) STRICT;
    -- Not UNIQUE: an upstream listing a key_ssl twice must not make a whole page fail to store.
    CREATE INDEX pick_lists_key_ssl ON pick_lists (key_ssl);
    CREATE INDEX pick_lists_status ON pick_lists (status, order_id);
    CREATE TABLE pick_list_items (
        order_id      INTEGER NOT NULL,
        position      INTEGER NOT NULL,  -- the upstream's order of items
        item_id       INTEGER NOT NULL,  -- 0: the upstream sent none
        material_code TEXT    NOT NULL,
        qty           INTEGER NOT NULL,
        batch_code    TEXT    NOT NULL,  -- '': none named
        data          TEXT    NOT NULL,
        PRIMARY KEY (order_id, position)
    ) STRICT;
    )sql",
};

Expected<int> read_user_version(sqlite3* db) {
    sqlite3_stmt* statement = nullptr;
    if (const int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr); rc != SQLITE_OK) {
        return sqlite_error(db, rc, "reading the catalog schema version");
    }
    const int rc = sqlite3_step(statement);
    const int version = rc == SQLITE_ROW ? sqlite3_column_int(statement, 0) : 0;
    sqlite3_finalize(statement);
    if (rc != SQLITE_ROW) return sqlite_error(db, rc, "reading the catalog schema version");
    return version;
}

}  // namespace

Expected<void> migrate(sqlite3* db) {
    auto transaction = Transaction::begin(db, "starting the catalog schema migration", kOwner);
    if (!transaction) return transaction.error();
    auto version = read_user_version(db);
    if (!version) return version.error();
    if (*version > kSchemaVersion) {
        return make_error("catalog",
                          "the catalog was written by a newer Outpost (schema version " + std::to_string(*version) +
                              ", this agent knows up to " + std::to_string(kSchemaVersion) + ")",
                          kNewerSchema);
    }
    for (int from = *version; from < kSchemaVersion; ++from) {
        if (auto applied = exec(db, kMigrations[static_cast<std::size_t>(from)],
                                "migrating the catalog schema from version " + std::to_string(from));
            !applied) {
            return applied;
        }
    }
    const std::string set_version = "PRAGMA user_version = " + std::to_string(kSchemaVersion);
    if (auto set = exec(db, set_version.c_str(), "recording the catalog schema version"); !set) return set;
    return transaction->commit();
}

}  // namespace outpost::catalog::detail
