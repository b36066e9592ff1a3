// Salvage: reading what is still readable from a damaged (quarantined) outbox file.

#include <sqlite3.h>

#include <vector>

#include "outpost/outbox/outbox.hpp"
#include "sqlite_statement.hpp"

namespace outpost::outbox {

using detail::prepare;
using detail::Statement;

namespace {

struct SalvagedRow {
    OperationId id = 0;
    NewOperation operation;
    bool delivered = false;
};

constexpr const char* kColumns = "SELECT id, idempotency_key, kind, upstream, lane, payload, state FROM operations ";

SalvagedRow read_row(const Statement& row) {
    SalvagedRow salvaged;
    salvaged.id = row.column_int(0);
    salvaged.operation.idempotency_key = row.column_text(1);
    salvaged.operation.kind = row.column_text(2);
    salvaged.operation.upstream = row.column_text(3);
    salvaged.operation.lane = row.column_text(4);
    salvaged.operation.payload = row.column_text(5);
    salvaged.delivered = row.column_text(6) == "delivered";
    return salvaged;
}

// Reads rows with id > after, in id order, until one fails; returns whether the scan ended
// cleanly (true) or hit damage (false).
bool read_run(sqlite3* db, OperationId after, std::vector<SalvagedRow>& rows) {
    auto scan = prepare(db, std::string(kColumns) + "WHERE id > ?1 ORDER BY id");
    if (!scan) return false;
    scan->bind(1, after);
    while (true) {
        auto row = scan->step("salvaging");
        if (!row) return false;
        if (!*row) return true;
        rows.push_back(read_row(*scan));
    }
}

// Past damage, single rows may still be reachable by id.
std::optional<SalvagedRow> read_one(sqlite3* db, OperationId id, bool& damaged) {
    auto one = prepare(db, std::string(kColumns) + "WHERE id = ?1");
    if (!one) {
        damaged = true;
        return std::nullopt;
    }
    one->bind(1, id);
    auto row = one->step("salvaging");
    damaged = !row;
    if (!row || !*row) return std::nullopt;
    return read_row(*one);
}

}  // namespace

Expected<SalvageReport> Outbox::salvage(const std::string& path, const SalvageCheck& accept) {
    {
        std::lock_guard lock(mutex_);
        if (auto refused = refuse_while_checking_locked("a salvage"); !refused) return refused.error();
    }
    sqlite3* source = nullptr;
    if (sqlite3_open_v2(path.c_str(), &source, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        Error error = detail::sqlite_error(source, sqlite3_errcode(source), "opening " + path + " for salvage");
        sqlite3_close_v2(source);
        return error;
    }
    SalvageReport report;
    std::vector<SalvagedRow> rows;
    OperationId cursor = 0;
    // The highest id tells how far to probe past damage; if even that is unreadable, probe a
    // generous window.
    OperationId highest = 0;
    if (auto max = prepare(source, "SELECT max(id) FROM operations"); max) {
        if (auto row = max->step("salvaging"); row && *row) highest = max->column_int(0);
    }
    constexpr OperationId kBlindWindow = 100'000;
    while (true) {
        const std::size_t before = rows.size();
        if (read_run(source, cursor, rows)) break;
        if (rows.size() > before) cursor = rows.back().id;
        // Damage after `cursor`: step over it one id at a time until a run reads again.
        const OperationId limit = highest > cursor ? highest : cursor + kBlindWindow;
        bool resumed = false;
        for (OperationId id = cursor + 1; id <= limit; ++id) {
            bool damaged = false;
            auto one = read_one(source, id, damaged);
            if (damaged) {
                ++report.unreadable;
                continue;
            }
            if (one) {
                rows.push_back(std::move(*one));
                cursor = id;
                resumed = true;
                break;
            }
        }
        if (!resumed) break;
    }
    sqlite3_close_v2(source);

    std::vector<NewOperation> to_queue;
    for (auto& row : rows) {
        if (row.delivered) {
            ++report.delivered_skipped;
        } else if (accept && !accept(row.operation)) {
            ++report.rejected;
        } else {
            to_queue.push_back(std::move(row.operation));
        }
    }
    if (to_queue.empty()) return report;
    auto stored = enqueue(to_queue);
    if (!stored) return stored.error().with_context("queueing salvaged operations");
    for (const auto& result : *stored) {
        if (!result) {
            return result.error().with_context("queueing salvaged operations (" + std::to_string(report.recovered) +
                                               " recovered so far)");
        }
        if (result->duplicate) {
            ++report.already_known;
        } else {
            ++report.recovered;
        }
    }
    return report;
}

}  // namespace outpost::outbox
