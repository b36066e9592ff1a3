#include "outpost/outbox/outbox.hpp"

#include <sqlite3.h>

#include <string_view>
#include <utility>

#include "outpost/common/random_id.hpp"
#include "schema.hpp"
#include "sqlite_statement.hpp"

namespace outpost::outbox {

using detail::exec;
using detail::sqlite_error;
using detail::Statement;

const char* to_string(State state) {
    switch (state) {
        case State::Pending: return "pending";
        case State::InFlight: return "in_flight";
        case State::Delivered: return "delivered";
        case State::Dead: return "dead";
    }
    return "unknown";
}

namespace {

State parse_state(std::string_view text) {
    if (text == "in_flight") return State::InFlight;
    if (text == "delivered") return State::Delivered;
    if (text == "dead") return State::Dead;
    return State::Pending;
}

constexpr std::string_view kOperationColumns =
    "id, idempotency_key, kind, upstream, lane, payload, created_at, attempts, next_attempt_at, "
    "state, last_error";

// `o` is the head of its lane: nothing older in the same lane is still undelivered.
const std::string kLaneHeadCondition =
    "NOT EXISTS (SELECT 1 FROM operations AS older WHERE older.lane = o.lane AND older.id < o.id "
    "AND older.state IN ('pending', 'in_flight'))";

Operation read_operation(const Statement& row) {
    Operation operation;
    operation.id = row.column_int(0);
    operation.idempotency_key = row.column_text(1);
    operation.kind = row.column_text(2);
    operation.upstream = row.column_text(3);
    operation.lane = row.column_text(4);
    operation.payload = row.column_text(5);
    operation.created_at = row.column_int(6);
    operation.attempts = static_cast<int>(row.column_int(7));
    operation.next_attempt_at = row.column_int(8);
    operation.state = parse_state(row.column_text(9));
    operation.last_error = row.column_text(10);
    return operation;
}

// Runs one UPDATE that must touch exactly one row.
Expected<void> update_one(sqlite3* db, Statement& statement, OperationId id, std::string_view doing) {
    auto done = statement.step(doing);
    if (!done) return done.error();
    if (sqlite3_changes(db) != 1) {
        return make_error("outbox", std::string(doing) + ": operation " + std::to_string(id) +
                                        " is not in flight (settled twice, or unknown)");
    }
    return {};
}

Expected<void> configure_connection(sqlite3* db, const Options& options) {
    sqlite3_busy_timeout(db, options.busy_timeout_ms);
    // WAL: readers never block the writer, and a commit is one append plus one fsync.
    auto journal = Statement::prepare(db, "PRAGMA journal_mode = WAL");
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
    return exec(db, sync, "setting the outbox sync level");
}

}  // namespace

Outbox::Outbox(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

Outbox::~Outbox() { sqlite3_close_v2(db_); }

Expected<std::unique_ptr<Outbox>> Outbox::open(const std::string& path, Options options) {
    if (const int rc = sqlite3_initialize(); rc != SQLITE_OK) {
        return make_error("outbox", std::string("initialising SQLite: ") + sqlite3_errstr(rc), rc);
    }
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        Error error = sqlite_error(db, rc, "opening the outbox " + path);
        sqlite3_close_v2(db);
        return error;
    }
    std::unique_ptr<Outbox> outbox{new Outbox(db, path)};
    sqlite3_extended_result_codes(db, 1);
    if (auto configured = configure_connection(db, options); !configured) {
        return configured.error().with_context(path);
    }
    if (auto migrated = detail::migrate(db); !migrated) return migrated.error().with_context(path);

    // Whatever was in flight when the previous process stopped may or may not have reached the
    // upstream: send it again with the same key; the upstream deduplicates.
    auto recover = Statement::prepare(
        db, "UPDATE operations SET state = 'pending', next_attempt_at = 0 WHERE state = 'in_flight'");
    if (!recover) return recover.error();
    if (auto done = recover->step("recovering operations left in flight"); !done) return done.error();
    outbox->recovered_at_open_ = sqlite3_changes(db);
    return outbox;
}

Expected<EnqueueResult> Outbox::insert_locked(const NewOperation& operation, UnixMillis now) {
    EnqueueResult result;
    result.idempotency_key =
        operation.idempotency_key.empty() ? random_uuid() : operation.idempotency_key;

    auto existing = Statement::prepare(db_, "SELECT id FROM operations WHERE idempotency_key = ?1");
    if (!existing) return existing.error();
    existing->bind(1, result.idempotency_key);
    auto found = existing->step("looking up the idempotency key");
    if (!found) return found.error();
    if (*found) {
        result.id = existing->column_int(0);
        result.duplicate = true;
        return result;
    }

    auto insert = Statement::prepare(
        db_,
        "INSERT INTO operations (idempotency_key, kind, upstream, lane, payload, created_at, "
        "next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)");
    if (!insert) return insert.error();
    insert->bind(1, result.idempotency_key);
    insert->bind(2, operation.kind);
    insert->bind(3, operation.upstream);
    insert->bind(4, operation.lane);
    insert->bind(5, operation.payload);
    insert->bind(6, now);
    if (auto done = insert->step("storing the operation"); !done) return done.error();
    result.id = sqlite3_last_insert_rowid(db_);
    return result;
}

Expected<std::vector<EnqueueResult>> Outbox::enqueue(std::span<const NewOperation> operations) {
    std::lock_guard lock(mutex_);
    const UnixMillis now = wall_clock_now_ms();
    if (auto begun = exec(db_, "BEGIN IMMEDIATE", "starting the enqueue transaction"); !begun) {
        return begun.error();
    }
    std::vector<EnqueueResult> results;
    results.reserve(operations.size());
    for (const NewOperation& operation : operations) {
        auto inserted = insert_locked(operation, now);
        if (!inserted) {
            (void)exec(db_, "ROLLBACK", "rolling back the enqueue");
            return inserted.error();
        }
        results.push_back(std::move(*inserted));
    }
    // The producers are acknowledged only after this returns: COMMIT is the durability point.
    if (auto committed = exec(db_, "COMMIT", "committing the enqueue"); !committed) {
        (void)exec(db_, "ROLLBACK", "rolling back the enqueue");
        return committed.error();
    }
    return results;
}

Expected<EnqueueResult> Outbox::enqueue(const NewOperation& operation) {
    auto results = enqueue(std::span<const NewOperation>(&operation, 1));
    if (!results) return results.error();
    return std::move(results->front());
}

Expected<std::optional<Operation>> Outbox::claim_next(const std::string& upstream, UnixMillis now) {
    std::lock_guard lock(mutex_);
    // The oldest due operation whose lane holds nothing older that is still undelivered: a
    // failed head of lane blocks its own lane only.
    auto select = Statement::prepare(
        db_, std::string("SELECT ") + std::string(kOperationColumns) +
                 " FROM operations AS o WHERE o.upstream = ?1 AND o.state = 'pending' "
                 "AND o.next_attempt_at <= ?2 AND " + kLaneHeadCondition + " ORDER BY o.id LIMIT 1");
    if (!select) return select.error();
    select->bind(1, upstream);
    select->bind(2, now);
    auto row = select->step("finding the next operation to deliver");
    if (!row) return row.error();
    if (!*row) return std::optional<Operation>{};
    Operation operation = read_operation(*select);

    auto claim = Statement::prepare(
        db_, "UPDATE operations SET state = 'in_flight' WHERE id = ?1 AND state = 'pending'");
    if (!claim) return claim.error();
    claim->bind(1, operation.id);
    if (auto claimed = update_one(db_, *claim, operation.id, "claiming an operation"); !claimed) {
        return claimed.error();
    }
    operation.state = State::InFlight;
    return std::optional<Operation>{std::move(operation)};
}

Expected<void> Outbox::mark_delivered(OperationId id, UnixMillis now) {
    std::lock_guard lock(mutex_);
    auto update = Statement::prepare(
        db_,
        "UPDATE operations SET state = 'delivered', delivered_at = ?2, attempts = attempts + 1, "
        "last_error = NULL WHERE id = ?1 AND state = 'in_flight'");
    if (!update) return update.error();
    update->bind(1, id);
    update->bind(2, now);
    return update_one(db_, *update, id, "marking an operation delivered");
}

Expected<void> Outbox::reschedule(OperationId id, UnixMillis next_attempt_at, const std::string& error) {
    std::lock_guard lock(mutex_);
    auto update = Statement::prepare(
        db_,
        "UPDATE operations SET state = 'pending', next_attempt_at = ?2, attempts = attempts + 1, "
        "last_error = ?3 WHERE id = ?1 AND state = 'in_flight'");
    if (!update) return update.error();
    update->bind(1, id);
    update->bind(2, next_attempt_at);
    update->bind(3, error);
    return update_one(db_, *update, id, "rescheduling an operation");
}

Expected<void> Outbox::mark_dead(OperationId id, const std::string& error) {
    std::lock_guard lock(mutex_);
    auto update = Statement::prepare(
        db_,
        "UPDATE operations SET state = 'dead', attempts = attempts + 1, last_error = ?2 "
        "WHERE id = ?1 AND state = 'in_flight'");
    if (!update) return update.error();
    update->bind(1, id);
    update->bind(2, error);
    return update_one(db_, *update, id, "moving an operation to dead letters");
}

Expected<std::optional<UnixMillis>> Outbox::next_due(const std::string& upstream) {
    std::lock_guard lock(mutex_);
    // Only heads of lanes count: an operation queued behind a retrying one is not due before it.
    auto select = Statement::prepare(
        db_, std::string("SELECT min(o.next_attempt_at) FROM operations AS o WHERE o.upstream = ?1 "
                         "AND o.state = 'pending' AND ") + kLaneHeadCondition);
    if (!select) return select.error();
    select->bind(1, upstream);
    auto row = select->step("finding the next due time");
    if (!row) return row.error();
    if (select->column_is_null(0)) return std::optional<UnixMillis>{};
    return std::optional<UnixMillis>{select->column_int(0)};
}

Expected<Counts> Outbox::counts() {
    std::lock_guard lock(mutex_);
    auto select = Statement::prepare(
        db_, "SELECT state, count(*), min(created_at) FROM operations GROUP BY state");
    if (!select) return select.error();
    Counts counts;
    while (true) {
        auto row = select->step("counting operations");
        if (!row) return row.error();
        if (!*row) break;
        const std::int64_t n = select->column_int(1);
        switch (parse_state(select->column_text(0))) {
            case State::Pending:
                counts.pending = n;
                counts.oldest_pending_created_at = select->column_int(2);
                break;
            case State::InFlight: counts.in_flight = n; break;
            case State::Delivered: counts.delivered = n; break;
            case State::Dead: counts.dead = n; break;
        }
    }
    return counts;
}

Expected<std::optional<Operation>> Outbox::find(OperationId id) {
    std::lock_guard lock(mutex_);
    auto select = Statement::prepare(
        db_, std::string("SELECT ") + std::string(kOperationColumns) + " FROM operations WHERE id = ?1");
    if (!select) return select.error();
    select->bind(1, id);
    auto row = select->step("reading an operation");
    if (!row) return row.error();
    if (!*row) return std::optional<Operation>{};
    return std::optional<Operation>{read_operation(*select)};
}

}  // namespace outpost::outbox
