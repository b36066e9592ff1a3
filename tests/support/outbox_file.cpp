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

}  // namespace outpost::testing
