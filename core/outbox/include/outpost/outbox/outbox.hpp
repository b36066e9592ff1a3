#pragma once
// The outbox: the agent's durable queue of operations bound for upstream systems.
//
// Contract:
// - enqueue() returns only after the transaction holding the operation has committed with the
//   configured sync level (FULL by default: the commit survives a power cut). Only then may a
//   producer be told "accepted".
// - An idempotency key is unique across the outbox. Enqueueing a key that is already stored
//   returns the stored operation (duplicate = true) instead of a second copy, so a producer that
//   retries after losing our answer never creates two operations.
// - claim_next() hands out the oldest due operation whose lane has nothing older still
//   undelivered (FIFO per lane) and marks it in flight. Operations in flight when the process
//   died are put back to pending when the outbox is opened again: they will be sent again, with
//   the same idempotency key, which the upstream uses to apply them once.
// - mark_delivered() / reschedule() / mark_dead() settle a claimed operation.
// - The class is thread-safe: one SQLite connection, serialised by a mutex. Calls are short
//   (no network I/O happens under the lock).

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "outpost/common/clock.hpp"
#include "outpost/common/expected.hpp"

struct sqlite3;

namespace outpost::outbox {

enum class SyncLevel { Full, Normal };

struct Options {
    SyncLevel sync = SyncLevel::Full;
    int busy_timeout_ms = 5000;  // another process (outpostctl salvage, a test) may hold the lock
};

enum class State { Pending, InFlight, Delivered, Dead };
const char* to_string(State state);

using OperationId = std::int64_t;

struct NewOperation {
    std::string idempotency_key;  // empty: the outbox generates one
    std::string kind;             // e.g. "picking-order"
    std::string upstream;         // e.g. "din"
    std::string lane;             // ordering key: FIFO within a lane (e.g. an order's key_ssl)
    std::string payload;          // the request body, JSON
};

struct Operation {
    OperationId id = 0;
    std::string idempotency_key;
    std::string kind;
    std::string upstream;
    std::string lane;
    std::string payload;
    UnixMillis created_at = 0;
    int attempts = 0;
    UnixMillis next_attempt_at = 0;
    State state = State::Pending;
    std::string last_error;
};

struct EnqueueResult {
    OperationId id = 0;
    std::string idempotency_key;
    bool duplicate = false;  // the key was already stored; nothing new was written
};

struct Counts {
    std::int64_t pending = 0;
    std::int64_t in_flight = 0;
    std::int64_t delivered = 0;
    std::int64_t dead = 0;
    std::optional<UnixMillis> oldest_pending_created_at;
};

class Outbox {
public:
    // Opens (creating if needed) the outbox at `path`, migrates the schema, and returns
    // operations left in flight by a previous process to pending.
    static Expected<std::unique_ptr<Outbox>> open(const std::string& path, Options options = {});
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // All operations in one transaction (group commit): all are stored or none is.
    Expected<std::vector<EnqueueResult>> enqueue(std::span<const NewOperation> operations);
    Expected<EnqueueResult> enqueue(const NewOperation& operation);

    // The next operation of `upstream` due at `now`, marked in flight; nullopt when none is due.
    Expected<std::optional<Operation>> claim_next(const std::string& upstream, UnixMillis now);

    Expected<void> mark_delivered(OperationId id, UnixMillis now);
    // Back to pending after a transient failure; attempts is incremented.
    Expected<void> reschedule(OperationId id, UnixMillis next_attempt_at, const std::string& error);
    // Permanent failure: kept for operators (dead letters), never sent again automatically.
    Expected<void> mark_dead(OperationId id, const std::string& error);

    // When the earliest pending head of a lane of `upstream` becomes due; nullopt when none.
    Expected<std::optional<UnixMillis>> next_due(const std::string& upstream);
    Expected<Counts> counts();
    Expected<std::optional<Operation>> find(OperationId id);

    // How many in-flight operations were returned to pending when this outbox was opened.
    [[nodiscard]] std::int64_t recovered_at_open() const { return recovered_at_open_; }
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    Outbox(sqlite3* db, std::string path);
    Expected<EnqueueResult> insert_locked(const NewOperation& operation, UnixMillis now);

    std::mutex mutex_;
    sqlite3* db_;
    std::string path_;
    std::int64_t recovered_at_open_ = 0;
};

}  // namespace outpost::outbox
