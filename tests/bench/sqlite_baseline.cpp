// The bare baseline of tools/bench: one ~310-byte row per transaction, WAL mode, the given
// synchronous level, on the directory given (the same disk as the agent's outbox). Nothing else:
// no JSON, no socket, no idempotency lookup. This is what "one fsync per acknowledgement" costs.
//
//   sqlite_baseline --dir DIR --sync full|normal --seconds S

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "latency_report.hpp"

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& doing) {
    std::fprintf(stderr, "sqlite_baseline: %s: %s\n", doing.c_str(), db != nullptr ? sqlite3_errmsg(db) : "");
    std::exit(1);
}

void exec(sqlite3* db, const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, sql);
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir;
    std::string sync = "full";
    double seconds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--dir") dir = argv[i + 1];
        else if (option == "--sync") sync = argv[i + 1];
        else if (option == "--seconds") seconds = std::stod(argv[i + 1]);
        else {
            std::fprintf(stderr, "usage: sqlite_baseline --dir DIR --sync full|normal --seconds S\n");
            return 2;
        }
    }
    if (dir.empty() || (sync != "full" && sync != "normal")) {
        std::fprintf(stderr, "usage: sqlite_baseline --dir DIR --sync full|normal --seconds S\n");
        return 2;
    }

    const std::string path = dir + "/baseline-" + sync + ".db";
    std::remove(path.c_str());
    std::remove((path + "-wal").c_str());
    std::remove((path + "-shm").c_str());
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) fail(db, "opening " + path);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, sync == "full" ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    exec(db, "CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
    sqlite3_stmt* insert = nullptr;
    if (sqlite3_prepare_v2(db, "INSERT INTO rows (payload) VALUES (?1)", -1, &insert, nullptr) != SQLITE_OK) {
        fail(db, "preparing the insert");
    }
    // About the size of one picking order as the outbox stores it.
    const std::string payload(310, 'x');

    outpost::bench::Row row{"sqlite", sync, 1, {}, 0};
    const auto start = std::chrono::steady_clock::now();
    const auto stop = start + std::chrono::duration<double>(seconds);
    auto now = start;
    while (now < stop) {
        const auto before = now;
        // Autocommit: each INSERT is its own transaction, committed (and synced) before step returns.
        sqlite3_bind_text(insert, 1, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) fail(db, "inserting a row");
        sqlite3_reset(insert);
        now = std::chrono::steady_clock::now();
        row.latencies_us.push_back(outpost::bench::Micros(now - before).count());
    }
    row.seconds = std::chrono::duration<double>(now - start).count();
    row.commits = row.latencies_us.size();
    sqlite3_finalize(insert);
    sqlite3_close(db);
    outpost::bench::print(std::move(row));
    return 0;
}
