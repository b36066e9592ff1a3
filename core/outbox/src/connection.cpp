// One configured connection to the outbox file (private to the outbox).

#include "connection.hpp"

#include <string>

#include "quarantine.hpp"
#include "schema.hpp"
#include "sqlite_statement.hpp"

namespace outpost::outbox::detail {
namespace {

Expected<void> configure_connection(sqlite3* db, const Options& options) {
    sqlite3_busy_timeout(db, options.busy_timeout_ms);
    // Incremental auto-vacuum lets pruning hand pages back to the file system a few at a time.
    // It can only be chosen before the first table exists, so only a new file gets it.
    std::int64_t page_count = 0;
    {
        auto pages = prepare(db, "PRAGMA page_count");
        if (!pages) return pages.error();
        if (auto row = pages->step("reading the outbox size"); !row) return row.error();
        page_count = pages->column_int(0);
    }  // finalized here: an unfinished statement holds a read transaction, which blocks WAL
    if (page_count == 0) {
        if (auto vacuum = exec(db, "PRAGMA auto_vacuum = INCREMENTAL", "enabling incremental vacuum"); !vacuum) {
            return vacuum;
        }
    }
    // WAL: readers never block the writer, and a commit is one append plus one fsync.
    auto journal = prepare(db, "PRAGMA journal_mode = WAL");
    if (!journal) return journal.error();
    auto row = journal->step("switching the outbox to WAL mode");
    if (!row) return row.error();
    if (journal->column_text(0) != "wal") {
        return make_error("outbox", "the outbox could not be switched to WAL mode (the file system "
                                    "may not support shared memory); got journal_mode=" +
                                        journal->column_text(0));
    }
    // FULL: the WAL is synced at every commit, so an acknowledged operation survives a power
    // cut. NORMAL syncs only at checkpoints: a power cut may lose the latest commits (never
    // corrupt the file); see docs/architecture.md.
    const char* sync = options.sync == SyncLevel::Full ? "PRAGMA synchronous = FULL"
                                                       : "PRAGMA synchronous = NORMAL";
    if (auto synced = exec(db, sync, "setting the outbox sync level"); !synced) return synced;
    // The totals triggers make every INSERT and UPDATE of an operation a statement that may need
    // undoing on its own, so SQLite keeps a statement journal: the original pages touched by
    // that one statement. In a file (the default, above 64 KiB) it tripled the writes of a
    // 1,000-operation group commit; in memory it is a few pages, freed when the statement ends.
    if (auto temp = exec(db, "PRAGMA temp_store = MEMORY", "keeping statement journals in memory"); !temp) {
        return temp;
    }
    // Negative: KiB rather than pages. SQLite's default is 2 MiB per connection.
    const std::string cache = "PRAGMA cache_size = -" + std::to_string(options.cache_kib);
    return exec(db, cache.c_str(), "setting the outbox page cache size");
}

}  // namespace

// Opens one connection: quick_check (when asked), configuration, migration. The caller owns it.
Expected<sqlite3*> open_connection(const std::string& path, const Options& options, bool check) {
    if (const int rc = sqlite3_initialize(); rc != SQLITE_OK) {
        return make_error("outbox", std::string("initialising SQLite: ") + sqlite3_errstr(rc), rc);
    }
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, options.vfs.empty() ? nullptr : options.vfs.c_str());
    if (rc != SQLITE_OK) {
        Error error = sqlite_error(db, rc, "opening the outbox " + path);
        sqlite3_close_v2(db);
        return error;
    }
    sqlite3_extended_result_codes(db, 1);
    auto prepared = [&]() -> Expected<void> {
        if (check) {
            if (auto intact = quick_check(db); !intact) return intact;
        }
        if (auto configured = configure_connection(db, options); !configured) return configured;
        return migrate(db);
    }();
    if (!prepared) {
        // A damaged file is kept as found (with its -wal) for salvage and the post-mortem.
        if (is_corruption(prepared.error())) sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        sqlite3_close_v2(db);
        return prepared.error().with_context(path);
    }
    return db;
}


}  // namespace outpost::outbox::detail
