#include "quarantine.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "outpost/common/clock.hpp"
#include "sqlite_statement.hpp"

namespace outpost::outbox::detail {

Expected<void> quick_check(sqlite3* db) {
    auto check = prepare(db, "PRAGMA quick_check(1)");
    if (!check) return check.error();
    auto row = check->step("checking the outbox (quick_check)");
    if (!row) return row.error();
    const std::string verdict = check->column_text(0);
    if (verdict != "ok") {
        return make_error("outbox", "the outbox file is damaged (quick_check: " + verdict + ")", SQLITE_CORRUPT);
    }
    return {};
}

bool is_corruption(const Error& error) {
    const int primary = error.code & 0xFF;
    return error.code > 0 && (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB);
}

Expected<std::string> quarantine_file(const std::string& path) {
    std::string stamp = format_rfc3339_utc(wall_clock_now_ms());
    for (char& c : stamp) c = (c == ':') ? '-' : c;  // portable file names
    const std::string target = path + ".corrupt-" + stamp;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::string from = path + suffix;
        if (!std::filesystem::exists(from)) continue;
        if (std::rename(from.c_str(), (target + suffix).c_str()) != 0) {
            return make_error("outbox", "cannot move the damaged outbox " + from + " aside: " + std::strerror(errno));
        }
    }
    return target;
}

}  // namespace outpost::outbox::detail
