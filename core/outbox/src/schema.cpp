#include "schema.hpp"

#include <array>
#include <string>

#include "sqlite_statement.hpp"

namespace outpost::outbox::detail {
namespace {

// Index i moves the schema from version i to version i + 1. Append, never edit: a device in the
// field may be at any earlier version.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    // 0 -> 1: the operations queue.
    R"sql(
    CREATE TABLE operations (
        id              INTEGER PRIMARY KEY,
        idempotency_key TEXT    NOT NULL UNIQUE,
        kind            TEXT    NOT NULL,
        upstream        TEXT    NOT NULL,
        lane            TEXT    NOT NULL,
        payload         TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,            -- Unix ms, wall clock
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,  -- Unix ms
        state           TEXT    NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'in_flight', 'delivered', 'dead')),
        last_error      TEXT,
        delivered_at    INTEGER
    ) STRICT;
    -- claim_next: the oldest due operation of an upstream.
    CREATE INDEX operations_due ON operations (upstream, state, next_attempt_at, id);
    -- FIFO per lane: is anything older in this lane still undelivered?
    CREATE INDEX operations_lane ON operations (lane, id) WHERE state IN ('pending', 'in_flight');
    )sql",
    // 1 -> 2: coalescing with its audit trail; pruning of delivered operations.
    R"sql(
    ALTER TABLE operations ADD COLUMN coalesce_key TEXT;
    CREATE INDEX operations_coalesce ON operations (upstream, kind, coalesce_key)
        WHERE state = 'pending' AND coalesce_key IS NOT NULL;
    CREATE INDEX operations_delivered ON operations (delivered_at) WHERE state = 'delivered';
    -- One row per merge: which operation absorbed which producer's operation, and the payloads
    -- before and after, so an operator can see exactly what was sent instead of what.
    CREATE TABLE coalesce_audit (
        id               INTEGER PRIMARY KEY,
        at               INTEGER NOT NULL,         -- Unix ms
        operation_id     INTEGER NOT NULL,         -- the operation that absorbed
        absorbed_key     TEXT    NOT NULL UNIQUE,  -- the absorbed operation's idempotency key
        before_payload   TEXT    NOT NULL,
        absorbed_payload TEXT    NOT NULL,
        after_payload    TEXT    NOT NULL
    ) STRICT;
    CREATE INDEX coalesce_audit_operation ON coalesce_audit (operation_id);
    )sql",
    // 2 -> 3: dead letters an operator acts on; lanes a dead operation must hold back.
    R"sql(
    -- 1: when this operation is dead, later operations of its lane wait (e.g. order status
    -- chains, where skipping one step would be wrong); 0: the lane goes on without it.
    ALTER TABLE operations ADD COLUMN blocks_lane INTEGER NOT NULL DEFAULT 0;
    -- What operators did to dead letters, and why. A dropped operation lives on only here.
    CREATE TABLE operator_audit (
        id              INTEGER PRIMARY KEY,
        at              INTEGER NOT NULL,                              -- Unix ms
        operation_id    INTEGER NOT NULL,
        idempotency_key TEXT    NOT NULL,
        action          TEXT    NOT NULL CHECK (action IN ('retry', 'drop')),
        reason          TEXT    NOT NULL,
        kind            TEXT    NOT NULL,
        upstream        TEXT    NOT NULL,
        payload         TEXT    NOT NULL,
        last_error      TEXT
    ) STRICT;
    CREATE INDEX operator_audit_key ON operator_audit (idempotency_key) WHERE action = 'drop';
    CREATE INDEX operations_dead ON operations (id) WHERE state = 'dead';
    )sql",
    // 3 -> 4: indexes that keep claiming cheap with a large backlog (docs/performance.md):
    // claim walks one upstream's pending operations in id order and stops at the first due lane
    // head; next_due walks them in due order; the lane-head check seeks only undelivered rows.
    R"sql(
    DROP INDEX operations_due;
    DROP INDEX operations_lane;
    CREATE INDEX operations_fifo ON operations (upstream, state, id);
    CREATE INDEX operations_due ON operations (upstream, state, next_attempt_at);
    CREATE INDEX operations_lane_open ON operations (lane, id)
        WHERE state IN ('pending', 'in_flight') OR (state = 'dead' AND blocks_lane = 1);
    CREATE INDEX operations_in_flight ON operations (id) WHERE state = 'in_flight';
    )sql",
    // 4 -> 5: totals per upstream and state, kept by triggers in the same transaction as every
    // change to an operation, so status counts and the limits' undelivered totals are read from
    // a few rows instead of a scan of the whole table (docs/footprint.md). Bytes are payload
    // bytes (octet_length), the unit the limits use. Rows may fall to zero; they are kept.
    R"sql(
    CREATE TABLE operation_totals (
        upstream   TEXT    NOT NULL,
        state      TEXT    NOT NULL,
        operations INTEGER NOT NULL,
        bytes      INTEGER NOT NULL,
        PRIMARY KEY (upstream, state)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO operation_totals (upstream, state, operations, bytes)
        SELECT upstream, state, count(*), sum(octet_length(payload)) FROM operations GROUP BY upstream, state;
    CREATE TRIGGER operation_totals_insert AFTER INSERT ON operations BEGIN
        INSERT INTO operation_totals (upstream, state, operations, bytes)
            VALUES (new.upstream, new.state, 1, octet_length(new.payload))
            ON CONFLICT DO UPDATE SET operations = operations + 1, bytes = bytes + excluded.bytes;
    END;
    CREATE TRIGGER operation_totals_delete AFTER DELETE ON operations BEGIN
        UPDATE operation_totals SET operations = operations - 1, bytes = bytes - octet_length(old.payload)
            WHERE upstream = old.upstream AND state = old.state;
    END;
    CREATE TRIGGER operation_totals_update AFTER UPDATE OF upstream, state, payload ON operations BEGIN
        UPDATE operation_totals SET operations = operations - 1, bytes = bytes - octet_length(old.payload)
            WHERE upstream = old.upstream AND state = old.state;
        INSERT INTO operation_totals (upstream, state, operations, bytes)
            VALUES (new.upstream, new.state, 1, octet_length(new.payload))
            ON CONFLICT DO UPDATE SET operations = operations + 1, bytes = bytes + excluded.bytes;
    END;
    )sql",
    // 5 -> 6: operations queued while the wall clock was implausible (earlier than the agent's
    // build) keep that fact: their created_at, and any time in the payload, may be wrong.
    R"sql(
    ALTER TABLE operations ADD COLUMN clock_unreliable INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 6 -> 7: claiming and settling rewrite fewer index entries (docs/performance.md). The claim
    // and next-due indexes hold pending operations only, the only ones their queries read: an
    // operation leaves both at its claim. The lane index holds every undelivered operation and no
    // longer names the state, so a claim (pending -> in flight) does not rewrite its entry, which
    // sits on a page of its own for every lane of a batch; delivered_at is set exactly when an
    // operation is delivered. The lane-head check reads the state from the row of an entry found.
    R"sql(
    DROP INDEX operations_fifo;
    DROP INDEX operations_due;
    DROP INDEX operations_lane_open;
    CREATE INDEX operations_fifo ON operations (upstream, id) WHERE state = 'pending';
    CREATE INDEX operations_due ON operations (upstream, next_attempt_at) WHERE state = 'pending';
    CREATE INDEX operations_lane_open ON operations (lane, id) WHERE delivered_at IS NULL;
    )sql",
    // 7 -> 8: moves into and out of 'in_flight' (claims, outcomes, recovery at open) update the
    // totals in bulk, one statement per upstream and state for a whole batch (totals_delta.hpp),
    // instead of two trigger statements per operation: they were 8 % of a delivery's
    // instructions (docs/performance.md). Every other change still goes through the triggers.
    // The body is 4 -> 5's, repeated on purpose: a migration's text is history and never shares
    // a definition another migration could change.
    R"sql(
    DROP TRIGGER operation_totals_update;
    CREATE TRIGGER operation_totals_update AFTER UPDATE OF upstream, state, payload ON operations
    WHEN old.state != 'in_flight' AND new.state != 'in_flight' BEGIN
        UPDATE operation_totals SET operations = operations - 1, bytes = bytes - octet_length(old.payload)
            WHERE upstream = old.upstream AND state = old.state;
        INSERT INTO operation_totals (upstream, state, operations, bytes)
            VALUES (new.upstream, new.state, 1, octet_length(new.payload))
            ON CONFLICT DO UPDATE SET operations = operations + 1, bytes = bytes + excluded.bytes;
    END;
    )sql",
};

Expected<int> read_user_version(sqlite3* db) {
    auto statement = prepare(db, "PRAGMA user_version");
    if (!statement) return statement.error();
    auto row = statement->step("reading the schema version");
    if (!row) return row.error();
    return static_cast<int>(statement->column_int(0));
}

}  // namespace

Expected<void> migrate(sqlite3* db) {
    // BEGIN IMMEDIATE: two processes opening one fresh file must not both run migration 0.
    if (auto begun = exec(db, "BEGIN IMMEDIATE", "starting the schema migration"); !begun) return begun;
    auto version = read_user_version(db);
    if (!version) {
        (void)exec(db, "ROLLBACK", "rolling back");
        return version.error();
    }
    if (*version > kSchemaVersion) {
        (void)exec(db, "ROLLBACK", "rolling back");
        return make_error("outbox", "the outbox was written by a newer Outpost (schema version " +
                                        std::to_string(*version) + ", this agent knows up to " +
                                        std::to_string(kSchemaVersion) +
                                        "); refusing to open it. Upgrade the agent, or move the "
                                        "file aside to start with an empty outbox.");
    }
    for (int from = *version; from < kSchemaVersion; ++from) {
        auto applied = exec(db, kMigrations[static_cast<std::size_t>(from)],
                            "migrating the outbox schema from version " + std::to_string(from));
        if (!applied) {
            (void)exec(db, "ROLLBACK", "rolling back");
            return applied;
        }
    }
    const std::string set_version = "PRAGMA user_version = " + std::to_string(kSchemaVersion);
    if (auto set = exec(db, set_version.c_str(), "recording the schema version"); !set) {
        (void)exec(db, "ROLLBACK", "rolling back");
        return set;
    }
    return exec(db, "COMMIT", "committing the schema migration");
}

}  // namespace outpost::outbox::detail
