#include "outpost/catalog/catalog.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <utility>

#include "schema.hpp"
#include "sqlite.hpp"

namespace outpost::catalog {

using detail::exec;
using detail::sqlite_error;

namespace {

// The file cannot be used as it is: damaged, not a database, or from a newer agent.
bool must_start_afresh(const Error& error) {
    const int primary = error.code & 0xFF;
    return error.code == detail::kNewerSchema ||
           (error.code > 0 && (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB));
}

Expected<void> quick_check(sqlite3* db) {
    sqlite3_stmt* statement = nullptr;
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &statement, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db, sqlite3_extended_errcode(db), "checking the catalog");
    rc = sqlite3_step(statement);
    std::string verdict;
    if (rc == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(statement, 0);
        verdict = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    }
    const int extended = sqlite3_extended_errcode(db);
    sqlite3_finalize(statement);
    if (rc != SQLITE_ROW) return sqlite_error(db, extended, "checking the catalog");
    if (verdict != "ok") return make_error("catalog", "the catalog file is damaged: " + verdict, SQLITE_CORRUPT);
    return {};
}

Expected<void> configure(sqlite3* db, const Options& options) {
    sqlite3_busy_timeout(db, options.busy_timeout_ms);
    sqlite3_extended_result_codes(db, 1);
    // WAL: the puller writes pages while intake reads; NORMAL: a cache needs no fsync per
    // commit (see the header: a lost commit is pulled again).
    if (auto wal = exec(db, "PRAGMA journal_mode = WAL", "switching the catalog to WAL mode"); !wal) return wal;
    return exec(db, "PRAGMA synchronous = NORMAL", "setting the catalog sync level");
}

void remove_database_files(const std::string& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ignored);
}

}  // namespace

Catalog::Catalog(sqlite3* db, std::string path)
    : db_(db), statements_(std::make_unique<detail::Statements>(db)), path_(std::move(path)) {}

Catalog::~Catalog() {
    statements_.reset();  // finalized before the connection closes
    sqlite3_close_v2(db_);
}

Expected<std::unique_ptr<Catalog>> Catalog::open(const std::string& path, Options options) {
    auto opened = open_checked(path, options);
    if (opened || !must_start_afresh(opened.error())) return opened;
    // A cache that cannot be read is worth less than the minutes a pull takes to refill it;
    // a device that refuses to start over it stops a warehouse.
    remove_database_files(path);
    auto fresh = open_checked(path, options);
    if (!fresh) return fresh.error().with_context("starting an empty catalog after deleting an unusable one");
    (*fresh)->reset_reason_ = opened.error().message;
    return fresh;
}

Expected<std::unique_ptr<Catalog>> Catalog::open_checked(const std::string& path, const Options& options) {
    if (const int rc = sqlite3_initialize(); rc != SQLITE_OK) {
        return make_error("catalog", std::string("initialising SQLite: ") + sqlite3_errstr(rc), rc);
    }
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr); rc != SQLITE_OK) {
        Error error = sqlite_error(db, rc, "opening the catalog " + path);
        sqlite3_close_v2(db);
        return error;
    }
    std::unique_ptr<Catalog> catalog{new Catalog(db, path)};
    if (auto intact = quick_check(db); !intact) return intact.error().with_context(path);
    if (auto configured = configure(db, options); !configured) return configured.error().with_context(path);
    if (auto migrated = detail::migrate(db); !migrated) return migrated.error().with_context(path);
    return catalog;
}

Expected<PullState> Catalog::pull_state(std::string_view feed) const {
    std::lock_guard lock(mutex_);
    auto query = statements_->get("SELECT last_success_at, watermark FROM pull_state WHERE feed = ?1");
    if (!query) return query.error();
    query->bind(1, feed);
    auto row = query->step("reading the pull state of " + std::string(feed));
    if (!row) return row.error();
    PullState state;
    state.feed = std::string(feed);
    if (*row) {
        if (!query->column_is_null(0)) state.last_success_at = query->column_int(0);
        state.watermark = query->column_text(1);
    }
    return state;
}

Expected<void> Catalog::record_pull(std::string_view feed, UnixMillis finished_at, const std::string& watermark) {
    std::lock_guard lock(mutex_);
    auto upsert = statements_->get(
        "INSERT INTO pull_state (feed, last_success_at, watermark) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (feed) DO UPDATE SET last_success_at = excluded.last_success_at, watermark = excluded.watermark");
    if (!upsert) return upsert.error();
    upsert->bind(1, feed);
    upsert->bind(2, finished_at);
    upsert->bind(3, watermark);
    auto done = upsert->step("recording the pull of " + std::string(feed));
    if (!done) return done.error();
    return {};
}

}  // namespace outpost::catalog
