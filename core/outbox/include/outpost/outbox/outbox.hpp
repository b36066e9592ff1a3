#pragma once
// The outbox: the agent's durable queue of operations bound for upstream systems.
//
// Contract:
// - enqueue() returns only after the transaction holding the operations has committed with the
//   configured sync level (FULL by default: the commit survives a power cut). Only then may a
//   producer be told "accepted". A storage failure (full disk, I/O error) fails the whole call and
//   stores nothing; a limit refusal (back-pressure) fails only the operation it concerns.
// - An idempotency key is unique across the outbox. Enqueueing a key that is already stored (or
//   that was coalesced into another operation) returns that operation (duplicate = true) instead
//   of a second copy, so a producer that retries after losing our answer never creates two.
// - Nothing acknowledged is evicted: when the undelivered operations (pending, in flight, dead)
//   reach Limits, new operations are refused with kErrorLimitReached until deliveries make room.
// - claim_next() hands out the oldest due operation whose lane has nothing older still
//   undelivered (FIFO per lane) and marks it in flight; claim_batch() up to N of them, each the
//   head of a different lane, in one transaction. Operations in flight when the process died are
//   put back to pending when the outbox is opened again: they will be sent again, with the same
//   idempotency key, which the upstream uses to apply them once.
// - mark_delivered() / reschedule() / mark_dead() settle a claimed operation; settle() records
//   the outcomes of several in one transaction, and can also release an operation that was
//   claimed but not sent (back to pending, unchanged). Claims and outcomes are committed without
//   waiting for an fsync even at SyncLevel::Full: a power cut may undo the latest of them (never
//   an acknowledged operation), which costs a re-send with the same idempotency key.
// - prune_delivered() deletes delivered operations past their retention in small batches and
//   returns the freed pages to the file system (incremental vacuum), so no call pauses long.
// - The file is checked (PRAGMA quick_check). A corrupt file is moved aside under a new name and a
//   fresh outbox is started; quarantine() says so. salvage() copies what can still be read from
//   such a file back into the live outbox, skipping keys it already holds. When the check runs
//   depends on Options::integrity (see IntegrityCheck and docs/architecture.md, "Corruption"):
//   with Auto, after an unclean shutdown open() checks before it returns; after a clean one
//   open() returns at once and a background thread checks while producers may already enqueue.
//   Until that check has passed, nothing is handed out for delivery, nothing is coalesced or
//   pruned, and operator actions on dead letters and salvage are refused; the operations stored
//   meanwhile are also kept in memory (bounded by Options::unverified_bytes_limit, beyond which
//   enqueues are refused as back-pressure) so that, if the file turns out damaged, they are
//   carried into the fresh outbox with their ids and keys instead of waiting for a salvage.
// - counts() and the limits read per-state totals kept by triggers in the same transactions as
//   the operations (schema 5): no call scans the queue, so their cost does not grow with it.
// - The class is thread-safe: one SQLite connection, serialised by a mutex. Calls are short
//   (no network I/O happens under the lock).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "outpost/common/clock.hpp"
#include "outpost/common/expected.hpp"

struct sqlite3;

namespace outpost::outbox::detail {
class StatementCache;
class TotalsDelta;
}
namespace outpost::outbox {

// Error::code of a back-pressure refusal (other codes are SQLite's extended result codes).
inline constexpr int kErrorLimitReached = -1000;
// Error::code when a producer re-sends the key of an operation an operator dropped.
inline constexpr int kErrorDropped = -1001;
// True for the storage failures an operator must act on: a full disk or an I/O error.
bool is_storage_failure(const Error& error);

enum class SyncLevel { Full, Normal };

struct Limits {
    std::int64_t max_operations = 100'000;    // undelivered operations (pending, in flight, dead)
    std::int64_t max_bytes = 64LL << 20;      // their payload bytes
};

enum class IntegrityCheck {
    AtOpen,  // quick_check before open() returns, every time: start-up reads the whole file
    Auto,    // AtOpen after an unclean shutdown (a -wal file was left behind), else in the
             // background before delivery starts: start-up does not grow with the backlog
    Off,     // never (tools and tests that have just written the file themselves)
};

struct Options {
    SyncLevel sync = SyncLevel::Full;
    Limits limits;
    int busy_timeout_ms = 5000;  // another process (a salvage, a test) may hold the lock
    std::string vfs;             // SQLite VFS name; empty: the default. Tests inject faults here.
    IntegrityCheck integrity = IntegrityCheck::AtOpen;
    // While a background check runs: payload bytes of operations stored since open that are also
    // kept in memory (to be carried over if the file is damaged). Beyond it, enqueue refuses.
    std::int64_t unverified_bytes_limit = 1 << 20;
    // SQLite's page cache for the connection, KiB. The queries seek indexes and never scan, so a
    // small cache costs little speed and bounds the agent's memory (docs/footprint.md).
    int cache_kib = 512;
    // Tests: called on the background check's thread before it reads, so a test can act while
    // the check is known to be running. Empty in the agent.
    std::function<void()> background_check_started;
};

// Where the integrity check stands (status).
enum class Integrity {
    Checking,   // the background check is running; delivery waits for it
    Verified,   // checked (or created empty) since open
    Unchecked,  // not checked: IntegrityCheck::Off, or the check could not run (logged)
};
const char* to_string(Integrity integrity);

enum class State { Pending, InFlight, Delivered, Dead };
const char* to_string(State state);

using OperationId = std::int64_t;

// Merges a newer payload into an older, still unsent one (coalescing); returns the payload that
// replaces the older one. An error means "these cannot be merged": the newer one is queued as is.
using Merge = std::function<Expected<std::string>(const std::string& older, const std::string& newer)>;

struct NewOperation {
    std::string idempotency_key;  // empty: the outbox generates one
    std::string kind;             // e.g. "picking-order"
    std::string upstream;         // e.g. "din"
    std::string lane;             // ordering key: FIFO within a lane (e.g. an order's key_ssl)
    std::string payload;          // the request body, JSON
    // Coalescing (optional): a pending operation of the same upstream, kind and coalesce_key
    // that is the newest in its lane absorbs this one through `merge`; audited.
    std::string coalesce_key;
    Merge merge;
    // When this operation fails permanently, park its lane instead of skipping it (kinds where
    // a later step must not overtake a failed one, e.g. order status chains).
    bool blocks_lane = false;
    // The wall clock was earlier than the agent's build when this was queued: created_at (and
    // any time the producer took from the device clock) may be wrong. Kept for operators.
    bool clock_unreliable = false;
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
    bool clock_unreliable = false;
};

// The outcome of one claimed (in-flight) operation, for settle().
struct Settlement {
    enum class Kind {
        Delivered,  // at: when; attempts + 1
        Retry,      // back to pending, due at `at`; attempts + 1; `error` kept
        Dead,       // to dead letters; attempts + 1; `error` kept
        Release,    // claimed but never sent: back to pending as it was (attempts unchanged)
    };
    OperationId id = 0;
    Kind kind = Kind::Delivered;
    UnixMillis at = 0;
    std::string error;
};

struct EnqueueResult {
    OperationId id = 0;
    std::string idempotency_key;
    bool duplicate = false;  // the key was already stored; nothing new was written
    bool coalesced = false;  // merged into the pending operation `id`
};

struct Counts {
    std::int64_t pending = 0;
    std::int64_t in_flight = 0;
    std::int64_t delivered = 0;
    std::int64_t dead = 0;
    std::int64_t undelivered_bytes = 0;
    std::optional<UnixMillis> oldest_pending_created_at;
    Limits limits;
    bool limit_reached = false;
    // Since open: enqueue transactions committed, and operations they stored. Their ratio shows
    // how well group commit batches concurrent producers.
    std::int64_t enqueue_commits = 0;
    std::int64_t enqueued_operations = 0;
    Integrity integrity = Integrity::Verified;
};

struct ParkedLane {
    std::string lane;
    OperationId dead_operation = 0;  // the dead operation holding it
    std::string reason;              // its last error
};

struct Quarantine {
    std::string moved_to;  // where the corrupt file now is
    std::string reason;    // what quick_check or SQLite said
};

struct SalvageReport {
    std::int64_t recovered = 0;      // queued again in the live outbox
    std::int64_t already_known = 0;  // keys the live outbox holds already
    std::int64_t delivered_skipped = 0;
    std::int64_t unreadable = 0;     // rows (or ranges) that could not be read
    std::int64_t rejected = 0;       // read, but refused by the caller's check (damaged content)
};

class Outbox {
public:
    // Opens (creating if needed) the outbox at `path`, migrates the schema, and returns
    // operations left in flight by a previous process to pending. Nothing here reads the whole
    // file except a quick_check at open (IntegrityCheck::AtOpen, or Auto after a crash).
    static Expected<std::unique_ptr<Outbox>> open(const std::string& path, Options options = {});
    ~Outbox();  // interrupts a background check still running and joins it
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // All operations in one transaction (group commit). The outer error: nothing was stored.
    // Inner errors: that operation was refused (limits), the others were stored.
    Expected<std::vector<Expected<EnqueueResult>>> enqueue(std::span<const NewOperation> operations);
    Expected<EnqueueResult> enqueue(const NewOperation& operation);

    // The next operation of `upstream` due at `now`, marked in flight; nullopt when none is due.
    Expected<std::optional<Operation>> claim_next(const std::string& upstream, UnixMillis now);
    // Up to `max` such operations, oldest first, each the head of its own lane, marked in flight
    // in one transaction; empty when none is due.
    Expected<std::vector<Operation>> claim_batch(const std::string& upstream, UnixMillis now, int max);

    // Records the outcomes of claimed operations in one transaction. The outer error: nothing was
    // recorded (storage failure; try again). Inner errors: that operation was not in flight
    // (settled twice, or unknown); the others were recorded.
    Expected<std::vector<Expected<void>>> settle(std::span<const Settlement> settlements);

    Expected<void> mark_delivered(OperationId id, UnixMillis now);
    // Back to pending after a transient failure; attempts is incremented.
    Expected<void> reschedule(OperationId id, UnixMillis next_attempt_at, const std::string& error);
    // Permanent failure: kept for operators (dead letters), never sent again automatically.
    Expected<void> mark_dead(OperationId id, const std::string& error);

    // Every pending operation of `upstream` waiting for a later retry becomes due at `now`
    // (the upstream answers again). Returns how many were moved forward.
    Expected<std::int64_t> make_due(const std::string& upstream, UnixMillis now);

    // When the earliest pending head of a lane of `upstream` becomes due; nullopt when none.
    Expected<std::optional<UnixMillis>> next_due(const std::string& upstream);
    Expected<Counts> counts();
    Expected<std::optional<Operation>> find(OperationId id);

    // Deletes up to `max_rows` operations delivered before `delivered_before`, then returns up
    // to `max_pages` free pages to the file system. Returns how many operations were deleted.
    Expected<std::int64_t> prune_delivered(UnixMillis delivered_before, int max_rows = 500, int max_pages = 256);

    // Copies the undelivered operations still readable in `path` (a quarantined outbox) into
    // this one, keeping their idempotency keys; keys already here are skipped. A readable row may
    // still hold damaged bytes: `accept` (intake's validation) decides what is queued again.
    using SalvageCheck = std::function<bool(const NewOperation&)>;
    Expected<SalvageReport> salvage(const std::string& path, const SalvageCheck& accept);

    // Dead letters, oldest first.
    Expected<std::vector<Operation>> list_dead(int limit = 100);
    // Sends a dead operation again (same key): back to pending, due now. Audited.
    Expected<void> retry_dead(OperationId id, const std::string& reason);
    // Removes a dead operation for good; `reason` is required and kept with the operation's
    // content in the audit table. A producer retrying its key is told it was dropped.
    Expected<void> drop_dead(OperationId id, const std::string& reason);
    // Lanes held back by a dead operation of a lane-blocking kind.
    Expected<std::vector<ParkedLane>> parked_lanes();

    // How many in-flight operations were returned to pending when this outbox was opened.
    [[nodiscard]] std::int64_t recovered_at_open() const { return recovered_at_open_; }
    // Set when the file was found damaged, at open or by the background check.
    [[nodiscard]] std::optional<Quarantine> quarantine();
    // Waits until no integrity check is running, at most `timeout`; true when none is.
    bool wait_until_checked(std::chrono::milliseconds timeout);
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    // An operation stored while the background check runs, as it must be carried over.
    struct Unverified {
        OperationId id = 0;
        std::string idempotency_key, kind, upstream, lane, payload, coalesce_key;
        UnixMillis created_at = 0;
        bool blocks_lane = false;
        bool clock_unreliable = false;
    };

    Outbox(sqlite3* db, std::string path, Options options);
    static Expected<std::unique_ptr<Outbox>> open_checked(const std::string& path, const Options& options, bool check);
    Expected<EnqueueResult> insert_locked(const NewOperation& operation, UnixMillis now);
    Expected<std::optional<EnqueueResult>> coalesce_locked(const NewOperation& operation,
                                                           const std::string& key, UnixMillis now);
    Expected<void> load_totals_locked();
    Expected<void> refuse_while_checking_locked(const char* what) const;
    // integrity.cpp: the background check and what follows a damaged verdict.
    void start_background_check();
    void run_background_check();
    void finish_check(const Expected<void>& verdict);
    void quarantine_at_runtime_locked(const std::string& reason);
    Expected<std::int64_t> carry_over_locked();
    Expected<void> settle_one_locked(const Settlement& settlement, detail::TotalsDelta& totals);  // not Delivered
    // At open: operations left in flight by the previous process become pending again.
    Expected<std::int64_t> recover_in_flight();
    Expected<void> settle_single(Settlement settlement);

    class RelaxedSync;  // claims and outcomes commit without an fsync (see outbox.cpp)

    std::mutex mutex_;
    sqlite3* db_;
    bool sync_relaxed_ = false;  // a RelaxedSync failed to restore FULL; enqueue() restores it
    std::unique_ptr<detail::StatementCache> statements_;
    std::string path_;
    Options options_;
    std::int64_t recovered_at_open_ = 0;
    std::optional<Quarantine> quarantine_;
    // Undelivered totals for the limit checks of one enqueue call: read from operation_totals at
    // the start of its transaction, then moved by each operation it stores.
    std::int64_t undelivered_count_ = 0;
    std::int64_t undelivered_bytes_ = 0;
    std::int64_t enqueue_commits_ = 0;
    std::int64_t enqueued_operations_ = 0;

    Integrity integrity_ = Integrity::Verified;
    std::condition_variable checked_;  // with mutex_: integrity_ left Checking
    std::vector<Unverified> unverified_;
    std::int64_t unverified_bytes_ = 0;
    std::thread checker_;
    std::mutex checker_mutex_;           // guards the two below, shared with the destructor
    sqlite3* checker_db_ = nullptr;      // the check's own read-only connection, while it runs
    bool closing_ = false;
};

}  // namespace outpost::outbox
