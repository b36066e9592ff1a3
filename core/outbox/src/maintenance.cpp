// Pruning: delivered operations leave the outbox after their retention, a batch at a time.

#include <sqlite3.h>

#include "outpost/outbox/outbox.hpp"
#include "sqlite_statement.hpp"

namespace outpost::outbox {

using detail::exec;
using detail::Statement;

Expected<std::int64_t> Outbox::prune_delivered(UnixMillis delivered_before, int max_rows, int max_pages) {
    std::lock_guard lock(mutex_);
    // Maintenance writes wait until the file has passed its check (the delivery threads that
    // call this are held back until then anyway).
    if (integrity_ == Integrity::Checking) return std::int64_t{0};
    // Small batches keep each transaction, and so the pause it causes producers, short.
    static constexpr const char* kBatch =
        "SELECT id FROM operations WHERE state = 'delivered' AND delivered_at < ?1 ORDER BY delivered_at LIMIT ?2";
    if (auto begun = exec(db_, "BEGIN IMMEDIATE", "starting to prune"); !begun) return begun.error();
    auto audit = statements_->get(std::string("DELETE FROM coalesce_audit WHERE operation_id IN (") + kBatch + ")");
    auto operations = statements_->get(std::string("DELETE FROM operations WHERE id IN (") + kBatch + ")");
    if (!audit || !operations) {
        (void)exec(db_, "ROLLBACK", "rolling back");
        return !audit ? audit.error() : operations.error();
    }
    for (Statement* statement : {&*audit, &*operations}) {
        statement->bind(1, delivered_before);
        statement->bind(2, static_cast<std::int64_t>(max_rows));
        if (auto done = statement->step("pruning delivered operations"); !done) {
            (void)exec(db_, "ROLLBACK", "rolling back");
            return done.error();
        }
    }
    const std::int64_t pruned = sqlite3_changes(db_);
    if (auto committed = exec(db_, "COMMIT", "committing the prune"); !committed) {
        (void)exec(db_, "ROLLBACK", "rolling back");
        return committed.error();
    }
    // Hand freed pages back to the file system, a bounded number per call (no-op on files
    // created before incremental auto-vacuum was enabled: their free pages are reused instead).
    const std::string vacuum = "PRAGMA incremental_vacuum(" + std::to_string(max_pages) + ")";
    if (auto vacuumed = exec(db_, vacuum.c_str(), "returning free pages"); !vacuumed) return vacuumed.error();
    return pruned;
}

}  // namespace outpost::outbox
