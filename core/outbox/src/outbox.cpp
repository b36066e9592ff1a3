#include "outpost/outbox/outbox.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <algorithm>
#include <string_view>
#include <utility>

#include "outpost/common/random_id.hpp"
#include "connection.hpp"
#include "quarantine.hpp"
#include "schema.hpp"
#include "sqlite_statement.hpp"
#include "totals_delta.hpp"

namespace outpost::outbox {

using detail::exec;
using detail::sqlite_error;
using detail::prepare;
using detail::Statement;

bool is_storage_failure(const Error& error) {
    const int primary = error.code & 0xFF;
    return error.code > 0 && (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_READONLY ||
                              primary == SQLITE_CANTOPEN);
}

const char* to_string(Integrity integrity) {
    switch (integrity) {
        case Integrity::Checking: return "checking";
        case Integrity::Verified: return "verified";
        case Integrity::Unchecked: return "unchecked";
    }
    return "unknown";
}

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
    "state, last_error, clock_unreliable";

// Another operation of o's lane, on the `side` ("<": older, ">": newer), that holds the lane:
// pending, in flight, or dead with blocks_lane. operations_lane_open holds every undelivered
// operation (delivered_at IS NULL, schema 7), so it answers with one seek whatever the lane's
// history; the state is read from the row only for an entry found, usually none. The index does
// not name the state, so claiming (pending -> in flight) leaves it untouched.
std::string lane_holder_exists(const char* alias, const char* side) {
    const std::string a = alias;
    return "EXISTS (SELECT 1 FROM operations AS " + a + " INDEXED BY operations_lane_open WHERE " + a +
           ".lane = o.lane AND " + a + ".id " + side + " o.id AND " + a + ".delivered_at IS NULL AND (" + a +
           ".state IN ('pending', 'in_flight') OR (" + a + ".state = 'dead' AND " + a + ".blocks_lane = 1)))";
}

// `o` is the head of its lane: nothing older in the same lane is still undelivered.
const std::string kLaneHeadCondition = "NOT " + lane_holder_exists("older", "<");

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
    operation.clock_unreliable = row.column_int(11) != 0;
    return operation;
}

// An outcome for an operation that is not in flight: settled twice, or unknown.
Error not_in_flight(std::string_view doing, OperationId id) {
    return make_error("outbox", std::string(doing) + ": operation " + std::to_string(id) +
                                    " is not in flight (settled twice, or unknown)");
}

// How many deliveries one UPDATE marks: a fixed list of placeholders (`id IN (?2, ..., ?33)`),
// so the statement is prepared once. A list, not json_each(): SQLite is built without its JSON
// functions (tools/bootstrap, for the aarch64 size budget). 32 is the delivery threads' batch.
constexpr std::size_t kIdsPerDeliveredUpdate = 32;

const std::string& delivered_update_sql() {
    static const std::string sql = [] {
        std::string text = "UPDATE operations SET state = 'delivered', delivered_at = ?1, attempts = attempts + 1, "
                           "last_error = NULL WHERE state = 'in_flight' AND id IN (";
        for (std::size_t k = 0; k < kIdsPerDeliveredUpdate; ++k) {
            text += (k == 0 ? "?" : ", ?") + std::to_string(k + 2);
        }
        return text + ") RETURNING id, upstream, octet_length(payload)";
    }();
    return sql;
}

// Runs one change of a dead letter (`... WHERE id = ? AND state = 'dead'`) that must touch
// exactly one row.
Expected<void> update_one(sqlite3* db, Statement& statement, OperationId id, std::string_view doing) {
    auto done = statement.step(doing);
    if (!done) return done.error();
    if (sqlite3_changes(db) != 1) {
        return make_error("outbox", std::string(doing) + ": operation " + std::to_string(id) + " is not a dead letter");
    }
    return {};
}

// Runs one UPDATE of an in-flight operation (`... WHERE id = ? AND state = 'in_flight' RETURNING
// upstream, octet_length(payload)`) and adds its move to `totals`.
Expected<void> settle_in_flight(Statement& statement, OperationId id, std::string_view doing, State to,
                                detail::TotalsDelta& totals) {
    auto row = statement.step(doing);
    if (!row) return row.error();
    if (!*row) return not_in_flight(doing, id);
    totals.move(statement.column_text(0), to_string(State::InFlight), to_string(to), statement.column_int(1));
    if (auto done = statement.step(doing); !done) return done.error();
    return {};
}

// After a clean shutdown the last connection checkpoints the write-ahead log into the file and
// deletes it; a -wal file left behind means the previous process died (or another one still has
// the file open): the case where a disk that lies about syncs may have torn pages.
bool previous_run_unclean(const std::string& path) {
    std::error_code error;
    return std::filesystem::exists(path + "-wal", error) || error;
}

bool file_is_new(const std::string& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    return error || size == 0;
}

}  // namespace


Outbox::Outbox(sqlite3* db, std::string path, Options options)
    : db_(db),
      statements_(std::make_unique<detail::StatementCache>(db)),
      path_(std::move(path)),
      options_(std::move(options)) {}

Outbox::~Outbox() {
    if (checker_.joinable()) {
        // A check of a large file takes seconds on a device: interrupt it rather than wait.
        // sqlite3_interrupt() before quick_check has started is forgotten, so repeat it until
        // the thread is gone.
        {
            std::lock_guard lock(checker_mutex_);
            closing_ = true;
        }
        std::unique_lock lock(mutex_);
        while (integrity_ == Integrity::Checking) {
            {
                std::lock_guard checker(checker_mutex_);
                if (checker_db_ != nullptr) sqlite3_interrupt(checker_db_);
            }
            checked_.wait_for(lock, std::chrono::milliseconds(5));
        }
        lock.unlock();
        checker_.join();
    }
    statements_.reset();  // finalized before the connection closes
    sqlite3_close_v2(db_);
}

Expected<std::unique_ptr<Outbox>> Outbox::open(const std::string& path, Options options) {
    const bool is_new = file_is_new(path);
    const bool check_now = !is_new && (options.integrity == IntegrityCheck::AtOpen ||
                                       (options.integrity == IntegrityCheck::Auto && previous_run_unclean(path)));
    auto opened = open_checked(path, options, check_now);
    if (opened) {
        if (options.integrity == IntegrityCheck::Off) {
            (*opened)->integrity_ = Integrity::Unchecked;
        } else if (options.integrity == IntegrityCheck::Auto && !check_now && !is_new) {
            (*opened)->start_background_check();
        }
        return opened;
    }
    if (!detail::is_corruption(opened.error())) return opened;

    // The file is damaged. Keep it for salvage and for the post-mortem, start afresh: a
    // device that cannot queue work stops a warehouse; one that starts empty does not.
    auto moved = detail::quarantine_file(path);
    if (!moved) return moved.error();
    auto fresh = open_checked(path, options, false);
    if (!fresh) return fresh.error().with_context("starting a fresh outbox after quarantine");
    (*fresh)->quarantine_ = Quarantine{*moved, opened.error().message};
    return fresh;
}

Expected<std::unique_ptr<Outbox>> Outbox::open_checked(const std::string& path, const Options& options, bool check) {
    auto db = detail::open_connection(path, options, check);
    if (!db) return db.error();
    std::unique_ptr<Outbox> outbox{new Outbox(*db, path, options)};
    // Whatever was in flight when the previous process stopped may or may not have reached the
    // upstream: send it again with the same key; the upstream deduplicates. It counts as an
    // attempt, so coalescing never changes its body (see coalesce_locked). operations_in_flight
    // (a partial index) finds them without reading the queue.
    auto recovered = outbox->recover_in_flight();
    if (!recovered) return recovered.error();
    outbox->recovered_at_open_ = *recovered;
    return outbox;
}

Expected<std::int64_t> Outbox::recover_in_flight() {
    if (auto begun = exec(db_, "BEGIN IMMEDIATE", "starting to recover operations left in flight"); !begun) {
        return begun.error();
    }
    const auto rollback = [this](Error error) -> Expected<std::int64_t> {
        (void)exec(db_, "ROLLBACK", "rolling back the recovery");
        return error;
    };
    auto recover = statements_->get("UPDATE operations SET state = 'pending', next_attempt_at = 0, "
                                    "attempts = attempts + 1 WHERE state = 'in_flight' "
                                    "RETURNING upstream, octet_length(payload)");
    if (!recover) return rollback(recover.error());
    detail::TotalsDelta totals;
    std::int64_t recovered = 0;
    while (true) {
        auto row = recover->step("recovering operations left in flight");
        if (!row) return rollback(row.error());
        if (!*row) break;
        totals.move(recover->column_text(0), to_string(State::InFlight), to_string(State::Pending), recover->column_int(1));
        ++recovered;
    }
    if (auto applied = totals.apply(*statements_); !applied) return rollback(applied.error());
    if (auto committed = exec(db_, "COMMIT", "committing the recovery"); !committed) return rollback(committed.error());
    return recovered;
}

Expected<void> Outbox::load_totals_locked() {
    auto totals = statements_->get("SELECT coalesce(sum(operations), 0), coalesce(sum(bytes), 0) FROM operation_totals "
                                   "WHERE state != 'delivered'");
    if (!totals) return totals.error();
    if (auto row = totals->step("reading the undelivered totals"); !row) return row.error();
    undelivered_count_ = totals->column_int(0);
    undelivered_bytes_ = totals->column_int(1);
    return {};
}

Expected<void> Outbox::refuse_while_checking_locked(const char* what) const {
    if (integrity_ != Integrity::Checking) return {};
    return make_error("outbox", std::string(what) + " waits until the outbox's integrity check after start has "
                                                    "finished (status shows integrity \"checking\"); try again in a moment");
}

Expected<EnqueueResult> Outbox::insert_locked(const NewOperation& operation, UnixMillis now) {
    EnqueueResult result;
    result.idempotency_key =
        operation.idempotency_key.empty() ? random_uuid() : operation.idempotency_key;

    // A key seen before, as an operation or as one coalesced into another: the same answer again.
    auto existing = statements_->get("SELECT id, 0 FROM operations WHERE idempotency_key = ?1 "
             "UNION ALL SELECT operation_id, 1 FROM coalesce_audit WHERE absorbed_key = ?1 "
             "UNION ALL SELECT operation_id, 2 FROM operator_audit WHERE idempotency_key = ?1 AND action = 'drop' "
             "LIMIT 1");
    if (!existing) return existing.error();
    existing->bind(1, result.idempotency_key);
    auto found = existing->step("looking up the idempotency key");
    if (!found) return found.error();
    if (*found) {
        result.id = existing->column_int(0);
        result.coalesced = existing->column_int(1) == 1;
        if (existing->column_int(1) == 2) {
            return make_error("outbox", "operation " + std::to_string(result.id) + " with key " + result.idempotency_key +
                                            " was dropped from dead letters by an operator; not queued again",
                              kErrorDropped);
        }
        result.duplicate = true;
        return result;
    }

    // While the file is unverified nothing merges into an older operation: every operation stored
    // then is a row of its own, which is what carrying it over (integrity.cpp) can reproduce.
    const bool checking = integrity_ == Integrity::Checking;
    if (!operation.coalesce_key.empty() && operation.merge && !checking) {
        auto merged = coalesce_locked(operation, result.idempotency_key, now);
        if (!merged) return merged.error();
        if (merged->has_value()) return std::move(**merged);
    }

    const auto bytes = static_cast<std::int64_t>(operation.payload.size());
    if (undelivered_count_ + 1 > options_.limits.max_operations ||
        undelivered_bytes_ + bytes > options_.limits.max_bytes) {
        return make_error("outbox",
                          "the outbox is full (" + std::to_string(undelivered_count_) + " undelivered operations, " +
                              std::to_string(undelivered_bytes_) + " bytes; limits " +
                              std::to_string(options_.limits.max_operations) + " operations, " +
                              std::to_string(options_.limits.max_bytes) +
                              " bytes): not queued; retry once deliveries have made room",
                          kErrorLimitReached);
    }
    if (checking && unverified_bytes_ + bytes > options_.unverified_bytes_limit) {
        return make_error("outbox", "the outbox's integrity check after start has not finished and " +
                                        std::to_string(unverified_.size()) +
                                        " operations are waiting for it: not queued; retry in a moment",
                          kErrorLimitReached);
    }

    auto insert = statements_->get("INSERT INTO operations (idempotency_key, kind, upstream, lane, payload, created_at, "
        "next_attempt_at, coalesce_key, blocks_lane, clock_unreliable) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9)");
    if (!insert) return insert.error();
    insert->bind(1, result.idempotency_key);
    insert->bind(2, operation.kind);
    insert->bind(3, operation.upstream);
    insert->bind(4, operation.lane);
    insert->bind(5, operation.payload);
    insert->bind(6, now);
    if (operation.coalesce_key.empty()) {
        insert->bind_null(7);
    } else {
        insert->bind(7, operation.coalesce_key);
    }
    insert->bind(8, std::int64_t{operation.blocks_lane ? 1 : 0});
    insert->bind(9, std::int64_t{operation.clock_unreliable ? 1 : 0});
    if (auto done = insert->step("storing the operation"); !done) return done.error();
    result.id = sqlite3_last_insert_rowid(db_);
    undelivered_count_ += 1;
    undelivered_bytes_ += bytes;
    if (checking) {
        unverified_.push_back(Unverified{result.id, result.idempotency_key, operation.kind, operation.upstream,
                                         operation.lane, operation.payload, operation.coalesce_key, now,
                                         operation.blocks_lane, operation.clock_unreliable});
        unverified_bytes_ += bytes;
    }
    return result;
}

Expected<std::optional<EnqueueResult>> Outbox::coalesce_locked(const NewOperation& operation,
                                                                const std::string& key, UnixMillis now) {
    // The candidate must be pending (not being sent) and the newest operation of its lane:
    // merging into anything older would move this change ahead of later ones. And it must never
    // have been handed out: an attempt that timed out may have been applied upstream, and its
    // retry must carry the same body under the same key (a changed body would be refused as a
    // reused key, or answered with the first success, losing what was merged in).
    static const std::string kCandidate =
        "SELECT o.id, o.payload FROM operations AS o WHERE o.upstream = ?1 AND o.kind = ?2 "
        "AND o.coalesce_key = ?3 AND o.state = 'pending' AND o.attempts = 0 AND NOT " +
        lane_holder_exists("newer", ">") + " ORDER BY o.id DESC LIMIT 1";
    auto candidate = statements_->get(kCandidate);
    if (!candidate) return candidate.error();
    candidate->bind(1, operation.upstream);
    candidate->bind(2, operation.kind);
    candidate->bind(3, operation.coalesce_key);
    auto row = candidate->step("looking for an operation to coalesce with");
    if (!row) return row.error();
    if (!*row) return std::optional<EnqueueResult>{};
    const OperationId target = candidate->column_int(0);
    const std::string before = candidate->column_text(1);
    auto merged = operation.merge(before, operation.payload);
    if (!merged) return std::optional<EnqueueResult>{};  // not mergeable: queue it on its own

    auto update = statements_->get("UPDATE operations SET payload = ?2 WHERE id = ?1");
    if (!update) return update.error();
    update->bind(1, target);
    update->bind(2, *merged);
    if (auto done = update->step("coalescing the operation"); !done) return done.error();
    auto audit = statements_->get("INSERT INTO coalesce_audit (at, operation_id, absorbed_key, before_payload, absorbed_payload, "
             "after_payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!audit) return audit.error();
    audit->bind(1, now);
    audit->bind(2, target);
    audit->bind(3, key);
    audit->bind(4, before);
    audit->bind(5, operation.payload);
    audit->bind(6, *merged);
    if (auto done = audit->step("recording the coalescing"); !done) return done.error();
    undelivered_bytes_ += static_cast<std::int64_t>(merged->size()) - static_cast<std::int64_t>(before.size());
    return std::optional<EnqueueResult>{EnqueueResult{target, key, false, true}};
}

Expected<std::vector<Expected<EnqueueResult>>> Outbox::enqueue(std::span<const NewOperation> operations) {
    std::lock_guard lock(mutex_);
    if (sync_relaxed_) {
        // A claim or settle could not put the sync level back (see RelaxedSync): an
        // acknowledgement must not be committed without its fsync.
        auto full = statements_->get("PRAGMA synchronous = FULL");
        if (!full) return full.error();
        if (auto set = full->step("restoring the sync level"); !set) return set.error();
        sync_relaxed_ = false;
    }
    const UnixMillis now = wall_clock_now_ms();
    const auto unverified_before = unverified_.size();
    const auto unverified_bytes_before = unverified_bytes_;
    auto forget_unverified = [&] {
        unverified_.resize(unverified_before);
        unverified_bytes_ = unverified_bytes_before;
    };
    if (auto begun = exec(db_, "BEGIN IMMEDIATE", "starting the enqueue transaction"); !begun) {
        return begun.error();
    }
    // Inside the write transaction: exactly what is stored, whoever changed it last.
    if (auto totals = load_totals_locked(); !totals) {
        (void)exec(db_, "ROLLBACK", "rolling back the enqueue");
        return totals.error();
    }
    std::vector<Expected<EnqueueResult>> results;
    results.reserve(operations.size());
    for (const NewOperation& operation : operations) {
        auto inserted = insert_locked(operation, now);
        if (!inserted && inserted.error().code != kErrorLimitReached && inserted.error().code != kErrorDropped) {
            (void)exec(db_, "ROLLBACK", "rolling back the enqueue");
            forget_unverified();
            return inserted.error();
        }
        results.push_back(std::move(inserted));
    }
    // The producers are acknowledged only after this returns: COMMIT is the durability point.
    if (auto committed = exec(db_, "COMMIT", "committing the enqueue"); !committed) {
        (void)exec(db_, "ROLLBACK", "rolling back the enqueue");
        forget_unverified();
        return committed.error();
    }
    ++enqueue_commits_;
    for (const auto& result : results) {
        if (result && !result->duplicate) ++enqueued_operations_;
    }
    return results;
}

Expected<EnqueueResult> Outbox::enqueue(const NewOperation& operation) {
    auto results = enqueue(std::span<const NewOperation>(&operation, 1));
    if (!results) return results.error();
    return std::move(results->front());
}

Expected<std::optional<Operation>> Outbox::claim_next(const std::string& upstream, UnixMillis now) {
    auto claimed = claim_batch(upstream, now, 1);
    if (!claimed) return claimed.error();
    if (claimed->empty()) return std::optional<Operation>{};
    return std::optional<Operation>{std::move(claimed->front())};
}

// Claims and outcomes are bookkeeping, not acknowledgements: with sync FULL they are committed
// without waiting for the disk (synchronous = NORMAL for that one transaction). A power cut may
// undo the latest of them, never an acknowledged operation, because the WAL is appended in
// order and every later FULL commit (the next enqueue) syncs everything written before it. What
// an undone claim or outcome costs is a re-send with the same idempotency key, which the
// upstream answers as already delivered. Waiting for an fsync here would leave the connection
// idle for every batch: milliseconds each on a handheld's flash.
class Outbox::RelaxedSync {
public:
    explicit RelaxedSync(Outbox& outbox) : outbox_(outbox) {
        if (outbox_.options_.sync == SyncLevel::Full) relaxed_ = set("PRAGMA synchronous = NORMAL");
    }
    ~RelaxedSync() {
        // Back to FULL before anyone else can commit (the caller still holds the mutex). A
        // failure here would leave acknowledgements unsynced: enqueue() checks and retries.
        if (relaxed_) outbox_.sync_relaxed_ = !set("PRAGMA synchronous = FULL");
    }
    RelaxedSync(const RelaxedSync&) = delete;
    RelaxedSync& operator=(const RelaxedSync&) = delete;

private:
    bool set(const char* pragma) {
        auto statement = outbox_.statements_->get(pragma);
        return statement && statement->step("setting the sync level").has_value();
    }
    Outbox& outbox_;
    bool relaxed_ = false;
};

Expected<std::vector<Operation>> Outbox::claim_batch(const std::string& upstream, UnixMillis now, int max) {
    std::unique_lock lock(mutex_);
    // Nothing leaves an unverified file: wait a little for the check, then let the caller come
    // back (a delivery thread polls; stopping it is never delayed by more than this).
    if (!checked_.wait_for(lock, std::chrono::milliseconds(100), [this] { return integrity_ != Integrity::Checking; })) {
        return std::vector<Operation>{};
    }
    const RelaxedSync relaxed(*this);
    if (auto begun = exec(db_, "BEGIN IMMEDIATE", "starting to claim operations"); !begun) return begun.error();
    const auto rollback = [this](Error error) -> Expected<std::vector<Operation>> {
        (void)exec(db_, "ROLLBACK", "rolling back the claim");
        return error;
    };
    // The oldest due operations whose lanes hold nothing older that is still undelivered: a
    // failed head of lane blocks its own lane only. Two operations of one lane are never both
    // heads, so a batch holds at most one per lane and FIFO within each lane is kept.
    // One statement for the whole batch: SQLite materialises the subquery's ids first, then
    // updates those rows.
    auto claim = statements_->get(std::string("UPDATE operations SET state = 'in_flight' WHERE id IN (SELECT o.id "
                 "FROM operations AS o INDEXED BY operations_fifo WHERE o.upstream = ?1 AND o.state = 'pending' "
                 "AND o.next_attempt_at <= ?2 AND ") + kLaneHeadCondition + " ORDER BY o.id LIMIT ?3) RETURNING " +
                 std::string(kOperationColumns));
    if (!claim) return rollback(claim.error());
    claim->bind(1, upstream);
    claim->bind(2, now);
    claim->bind(3, static_cast<std::int64_t>(std::max(max, 1)));
    std::vector<Operation> operations;
    detail::TotalsDelta totals;
    while (true) {
        auto row = claim->step("claiming the next operations to deliver");
        if (!row) return rollback(row.error());
        if (!*row) break;
        operations.push_back(read_operation(*claim));
        totals.move(upstream, to_string(State::Pending), to_string(State::InFlight),
                    static_cast<std::int64_t>(operations.back().payload.size()));
    }
    if (auto applied = totals.apply(*statements_); !applied) return rollback(applied.error());
    if (auto committed = exec(db_, "COMMIT", "committing the claim"); !committed) return rollback(committed.error());
    // RETURNING gives the rows in no promised order; they are sent oldest first.
    std::sort(operations.begin(), operations.end(),
              [](const Operation& a, const Operation& b) { return a.id < b.id; });
    return operations;
}

Expected<void> Outbox::settle_one_locked(const Settlement& settlement, detail::TotalsDelta& totals) {
    constexpr const char* kReturning = " RETURNING upstream, octet_length(payload)";
    switch (settlement.kind) {
        case Settlement::Kind::Delivered:
            // settle() marks every delivery of a batch in one statement, never one by one.
            return make_error("outbox", "internal: a delivery reached settle_one_locked");
        case Settlement::Kind::Retry: {
            auto update = statements_->get(std::string("UPDATE operations SET state = 'pending', next_attempt_at = ?2, "
                                           "attempts = attempts + 1, last_error = ?3 WHERE id = ?1 AND state = 'in_flight'") +
                                           kReturning);
            if (!update) return update.error();
            update->bind(1, settlement.id);
            update->bind(2, settlement.at);
            update->bind(3, settlement.error);
            return settle_in_flight(*update, settlement.id, "rescheduling an operation", State::Pending, totals);
        }
        case Settlement::Kind::Dead: {
            auto update = statements_->get(std::string("UPDATE operations SET state = 'dead', attempts = attempts + 1, "
                                           "last_error = ?2 WHERE id = ?1 AND state = 'in_flight'") + kReturning);
            if (!update) return update.error();
            update->bind(1, settlement.id);
            update->bind(2, settlement.error);
            return settle_in_flight(*update, settlement.id, "moving an operation to dead letters", State::Dead, totals);
        }
        case Settlement::Kind::Release: {
            auto update = statements_->get(
                std::string("UPDATE operations SET state = 'pending' WHERE id = ?1 AND state = 'in_flight'") + kReturning);
            if (!update) return update.error();
            update->bind(1, settlement.id);
            return settle_in_flight(*update, settlement.id, "releasing an unsent operation", State::Pending, totals);
        }
    }
    return make_error("outbox", "unknown settlement kind");
}

Expected<std::vector<Expected<void>>> Outbox::settle(std::span<const Settlement> settlements) {
    std::lock_guard lock(mutex_);
    std::vector<Expected<void>> results(settlements.size());
    if (settlements.empty()) return results;
    const RelaxedSync relaxed(*this);
    if (auto begun = exec(db_, "BEGIN IMMEDIATE", "starting to record outcomes"); !begun) return begun.error();
    const auto rollback = [this](Error error) -> Expected<std::vector<Expected<void>>> {
        (void)exec(db_, "ROLLBACK", "rolling back the outcomes");
        return error;
    };

    detail::TotalsDelta totals;
    // The deliveries, the common case, in one statement per kIdsPerDeliveredUpdate (a batch's
    // usual outcome): per-statement costs are paid once per chunk, not per operation.
    std::vector<OperationId> delivered_ids;
    UnixMillis delivered_at = 0;
    for (const Settlement& settlement : settlements) {
        if (settlement.kind != Settlement::Kind::Delivered) continue;
        delivered_ids.push_back(settlement.id);
        delivered_at = std::max(delivered_at, settlement.at);
    }
    std::vector<OperationId> updated;
    for (std::size_t first = 0; first < delivered_ids.size(); first += kIdsPerDeliveredUpdate) {
        auto update = statements_->get(delivered_update_sql());
        if (!update) return rollback(update.error());
        update->bind(1, delivered_at);
        // Placeholders past the last id stay unbound, which SQLite reads as NULL: they match nothing.
        const std::size_t count = std::min(kIdsPerDeliveredUpdate, delivered_ids.size() - first);
        for (std::size_t k = 0; k < count; ++k) update->bind(static_cast<int>(k) + 2, delivered_ids[first + k]);
        while (true) {
            auto row = update->step("marking operations delivered");
            if (!row) return rollback(row.error());
            if (!*row) break;
            updated.push_back(update->column_int(0));
            totals.move(update->column_text(1), to_string(State::InFlight), to_string(State::Delivered),
                        update->column_int(2));
        }
    }
    for (std::size_t i = 0; i < settlements.size(); ++i) {
        const Settlement& settlement = settlements[i];
        if (settlement.kind != Settlement::Kind::Delivered) continue;
        if (std::find(updated.begin(), updated.end(), settlement.id) == updated.end()) {
            results[i] = not_in_flight("marking an operation delivered", settlement.id);
        }
    }
    // Retries, dead letters and releases: rare, one statement each.
    for (std::size_t i = 0; i < settlements.size(); ++i) {
        if (settlements[i].kind == Settlement::Kind::Delivered) continue;
        auto settled = settle_one_locked(settlements[i], totals);
        if (!settled && settled.error().code > 0) return rollback(settled.error());  // SQLite failed
        results[i] = std::move(settled);
    }
    if (auto applied = totals.apply(*statements_); !applied) return rollback(applied.error());
    if (auto committed = exec(db_, "COMMIT", "committing the outcomes"); !committed) return rollback(committed.error());
    return results;
}

Expected<void> Outbox::settle_single(Settlement settlement) {
    auto settled = settle(std::span<const Settlement>(&settlement, 1));
    if (!settled) return settled.error();
    return std::move(settled->front());
}

Expected<void> Outbox::mark_delivered(OperationId id, UnixMillis now) {
    return settle_single(Settlement{id, Settlement::Kind::Delivered, now, {}});
}

Expected<void> Outbox::reschedule(OperationId id, UnixMillis next_attempt_at, const std::string& error) {
    return settle_single(Settlement{id, Settlement::Kind::Retry, next_attempt_at, error});
}

Expected<void> Outbox::mark_dead(OperationId id, const std::string& error) {
    return settle_single(Settlement{id, Settlement::Kind::Dead, 0, error});
}

Expected<std::int64_t> Outbox::make_due(const std::string& upstream, UnixMillis now) {
    std::lock_guard lock(mutex_);
    auto update = statements_->get("UPDATE operations SET next_attempt_at = ?2 WHERE upstream = ?1 AND state = 'pending' "
             "AND next_attempt_at > ?2");
    if (!update) return update.error();
    update->bind(1, upstream);
    update->bind(2, now);
    if (auto done = update->step("making retries due"); !done) return done.error();
    return static_cast<std::int64_t>(sqlite3_changes(db_));
}

Expected<std::optional<UnixMillis>> Outbox::next_due(const std::string& upstream) {
    std::lock_guard lock(mutex_);
    // Only heads of lanes count: an operation queued behind a retrying one is not due before it.
    auto select = statements_->get(
        std::string("SELECT o.next_attempt_at FROM operations AS o INDEXED BY operations_due WHERE o.upstream = ?1 "
                    "AND o.state = 'pending' AND ") + kLaneHeadCondition + " ORDER BY o.next_attempt_at LIMIT 1");
    if (!select) return select.error();
    select->bind(1, upstream);
    auto row = select->step("finding the next due time");
    if (!row) return row.error();
    if (!*row) return std::optional<UnixMillis>{};
    return std::optional<UnixMillis>{select->column_int(0)};
}

Expected<Counts> Outbox::counts() {
    std::lock_guard lock(mutex_);
    // A few rows per upstream, kept by triggers: the cost does not depend on the backlog.
    auto select = statements_->get("SELECT state, sum(operations), sum(bytes) FROM operation_totals GROUP BY state");
    if (!select) return select.error();
    Counts counts;
    while (true) {
        auto row = select->step("counting operations");
        if (!row) return row.error();
        if (!*row) break;
        const std::int64_t n = select->column_int(1);
        const State state = parse_state(select->column_text(0));
        if (state != State::Delivered) counts.undelivered_bytes += select->column_int(2);
        switch (state) {
            case State::Pending: counts.pending = n; break;
            case State::InFlight: counts.in_flight = n; break;
            case State::Delivered: counts.delivered = n; break;
            case State::Dead: counts.dead = n; break;
        }
    }
    // The oldest pending operation is the first one queued: per upstream, the first entry of
    // operations_fifo in the pending range (ids grow in enqueue order), one seek each.
    auto oldest = statements_->get(
        "SELECT min((SELECT o.created_at FROM operations AS o INDEXED BY operations_fifo WHERE o.upstream = t.upstream "
        "AND o.state = 'pending' ORDER BY o.id LIMIT 1)) FROM operation_totals AS t "
        "WHERE t.state = 'pending' AND t.operations > 0");
    if (!oldest) return oldest.error();
    auto row = oldest->step("finding the oldest pending operation");
    if (!row) return row.error();
    if (*row && !oldest->column_is_null(0)) counts.oldest_pending_created_at = oldest->column_int(0);
    const std::int64_t undelivered = counts.pending + counts.in_flight + counts.dead;
    counts.enqueue_commits = enqueue_commits_;
    counts.enqueued_operations = enqueued_operations_;
    counts.limits = options_.limits;
    counts.limit_reached = undelivered >= options_.limits.max_operations ||
                           counts.undelivered_bytes >= options_.limits.max_bytes;
    counts.integrity = integrity_;
    return counts;
}

std::optional<Quarantine> Outbox::quarantine() {
    std::lock_guard lock(mutex_);
    return quarantine_;
}

bool Outbox::wait_until_checked(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return checked_.wait_for(lock, timeout, [this] { return integrity_ != Integrity::Checking; });
}

Expected<std::optional<Operation>> Outbox::find(OperationId id) {
    std::lock_guard lock(mutex_);
    auto select = statements_->get(std::string("SELECT ") + std::string(kOperationColumns) + " FROM operations WHERE id = ?1");
    if (!select) return select.error();
    select->bind(1, id);
    auto row = select->step("reading an operation");
    if (!row) return row.error();
    if (!*row) return std::optional<Operation>{};
    return std::optional<Operation>{read_operation(*select)};
}

Expected<std::vector<Operation>> Outbox::list_dead(int limit) {
    std::lock_guard lock(mutex_);
    auto select = statements_->get(std::string("SELECT ") + std::string(kOperationColumns) +
                                              " FROM operations WHERE state = 'dead' ORDER BY id LIMIT ?1");
    if (!select) return select.error();
    select->bind(1, static_cast<std::int64_t>(limit));
    std::vector<Operation> dead;
    while (true) {
        auto row = select->step("listing dead letters");
        if (!row) return row.error();
        if (!*row) return dead;
        dead.push_back(read_operation(*select));
    }
}

namespace {

// Records an operator's action on dead operation `id` in the same transaction as the action.
Expected<void> audit_operator_action(sqlite3* db, OperationId id, const char* action, const std::string& reason,
                                     UnixMillis now) {
    auto audit = prepare(
        db, "INSERT INTO operator_audit (at, operation_id, idempotency_key, action, reason, kind, upstream, payload, "
            "last_error) SELECT ?1, id, idempotency_key, ?2, ?3, kind, upstream, payload, last_error "
            "FROM operations WHERE id = ?4 AND state = 'dead'");
    if (!audit) return audit.error();
    audit->bind(1, now);
    audit->bind(2, std::string_view(action));
    audit->bind(3, reason);
    audit->bind(4, id);
    if (auto done = audit->step("auditing the operator's action"); !done) return done.error();
    if (sqlite3_changes(db) != 1) {
        return make_error("outbox", "operation " + std::to_string(id) + " is not a dead letter");
    }
    return {};
}

}  // namespace

Expected<void> Outbox::retry_dead(OperationId id, const std::string& reason) {
    std::lock_guard lock(mutex_);
    if (auto refused = refuse_while_checking_locked("retrying a dead letter"); !refused) return refused;
    if (auto begun = exec(db_, "BEGIN IMMEDIATE", "starting the retry"); !begun) return begun;
    auto audited = audit_operator_action(db_, id, "retry", reason, wall_clock_now_ms());
    if (audited) {
        auto update = statements_->get("UPDATE operations SET state = 'pending', next_attempt_at = 0 WHERE id = ?1 AND state = 'dead'");
        if (!update) {
            audited = update.error();
        } else {
            update->bind(1, id);
            audited = update_one(db_, *update, id, "retrying a dead letter");
        }
    }
    if (!audited) {
        (void)exec(db_, "ROLLBACK", "rolling back");
        return audited;
    }
    return exec(db_, "COMMIT", "committing the retry");
}

Expected<void> Outbox::drop_dead(OperationId id, const std::string& reason) {
    if (reason.find_first_not_of(" \t\n") == std::string::npos) {
        return make_error("outbox", "dropping a dead letter needs a reason (it is kept in the audit table)");
    }
    std::lock_guard lock(mutex_);
    if (auto refused = refuse_while_checking_locked("dropping a dead letter"); !refused) return refused;
    if (auto begun = exec(db_, "BEGIN IMMEDIATE", "starting the drop"); !begun) return begun;
    auto audited = audit_operator_action(db_, id, "drop", reason, wall_clock_now_ms());
    if (audited) {
        auto remove = statements_->get("DELETE FROM operations WHERE id = ?1 AND state = 'dead'");
        if (!remove) {
            audited = remove.error();
        } else {
            remove->bind(1, id);
            audited = update_one(db_, *remove, id, "dropping a dead letter");
        }
    }
    if (!audited) {
        (void)exec(db_, "ROLLBACK", "rolling back");
        return audited;
    }
    if (auto committed = exec(db_, "COMMIT", "committing the drop"); !committed) {
        (void)exec(db_, "ROLLBACK", "rolling back");
        return committed;
    }
    return {};
}

Expected<std::vector<ParkedLane>> Outbox::parked_lanes() {
    std::lock_guard lock(mutex_);
    auto select = statements_->get("SELECT lane, min(id), last_error FROM operations WHERE state = 'dead' AND blocks_lane = 1 "
             "GROUP BY lane ORDER BY min(id)");
    if (!select) return select.error();
    std::vector<ParkedLane> lanes;
    while (true) {
        auto row = select->step("listing parked lanes");
        if (!row) return row.error();
        if (!*row) return lanes;
        lanes.push_back(ParkedLane{select->column_text(0), select->column_int(1), select->column_text(2)});
    }
}

}  // namespace outpost::outbox
