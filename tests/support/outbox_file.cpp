#include "outbox_file.hpp"

#include <sqlite3.h>

namespace outpost::testing {

std::vector<nlohmann::json> queued_payloads(const std::string& outbox_path, const std::string& kind) {
    sqlite3* db = nullptr;
    std::vector<nlohmann::json> payloads;
    if (sqlite3_open_v2(outbox_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* select = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT payload FROM operations WHERE kind = ?1 ORDER BY id", -1, &select,
                               nullptr) == SQLITE_OK) {
            sqlite3_bind_text(select, 1, kind.c_str(), -1, SQLITE_TRANSIENT);
            while (sqlite3_step(select) == SQLITE_ROW) {
                payloads.push_back(nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(select, 0))));
            }
        }
        sqlite3_finalize(select);
    }
    sqlite3_close(db);
    return payloads;
}

std::vector<std::optional<std::int64_t>> first_row_integers(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    std::vector<std::optional<std::int64_t>> columns;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* select = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &select, nullptr) == SQLITE_OK &&
            sqlite3_step(select) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(select); ++i) {
                if (sqlite3_column_type(select, i) == SQLITE_NULL) {
                    columns.emplace_back(std::nullopt);
                } else {
                    columns.emplace_back(sqlite3_column_int64(select, i));
                }
            }
        }
        sqlite3_finalize(select);
    }
    sqlite3_close(db);
    return columns;
}

}  // namespace outpost::testing
