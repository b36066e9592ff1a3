// Outbox unit tests, on a real SQLite file in a temporary directory.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "outbox_file.hpp"
#include "outpost/outbox/outbox.hpp"
#include "temp_dir.hpp"

namespace outpost::outbox {
namespace {

NewOperation picking(const std::string& lane, const std::string& key = "") {
    NewOperation operation;
    operation.idempotency_key = key;
    operation.kind = "picking-order";
    operation.upstream = "din";
    operation.lane = lane;
    operation.payload = R"({"key_ssl":")" + lane + R"("})";
    return operation;
}

class OutboxTest : public ::testing::Test {
protected:
    std::unique_ptr<Outbox> open_outbox() {
        auto opened = Outbox::open(dir.file("outbox.db"));
        EXPECT_TRUE(opened.has_value()) << (opened ? "" : opened.error().describe());
        return opened ? std::move(*opened) : nullptr;
    }
    outpost::testing::TempDir dir;
};

TEST_F(OutboxTest, OpensInWalModeWithFullSync) {
    auto outbox = open_outbox();
    ASSERT_TRUE(outbox);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("outbox.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
    sqlite3_finalize(statement);
    sqlite3_close(db);
}

TEST_F(OutboxTest, EnqueuedOperationIsReadableByAnotherConnectionAfterReturn) {
    auto outbox = open_outbox();
    auto result = outbox->enqueue(picking("SSL-1", "key-1"));
    ASSERT_TRUE(result) << result.error().describe();
    EXPECT_FALSE(result->duplicate);
    EXPECT_EQ(result->idempotency_key, "key-1");

    // Committed means visible to a second, independent connection.
    auto other = Outbox::open(dir.file("outbox.db"));
    ASSERT_TRUE(other);
    auto found = (*other)->find(result->id);
    ASSERT_TRUE(found && found->has_value());
    EXPECT_EQ((*found)->kind, "picking-order");
    EXPECT_EQ((*found)->state, State::Pending);
}

TEST_F(OutboxTest, GeneratesUniqueKeysWhenProducerGivesNone) {
    auto outbox = open_outbox();
    auto first = outbox->enqueue(picking("SSL-1"));
    auto second = outbox->enqueue(picking("SSL-1"));
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->idempotency_key.size(), 36u);
    EXPECT_NE(first->idempotency_key, second->idempotency_key);
    EXPECT_NE(first->id, second->id);
}

TEST_F(OutboxTest, SameKeyTwiceStoresOneOperation) {
    auto outbox = open_outbox();
    auto first = outbox->enqueue(picking("SSL-1", "dup"));
    auto again = outbox->enqueue(picking("SSL-1", "dup"));
    ASSERT_TRUE(first && again);
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->id, first->id);
    EXPECT_EQ(outbox->counts()->pending, 1);
}

TEST_F(OutboxTest, BatchIsAllOrNothing) {
    auto outbox = open_outbox();
    std::vector<NewOperation> batch = {picking("A", "k1"), picking("B", "k2"), picking("C", "k3")};
    auto stored = outbox->enqueue(batch);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->size(), 3u);
    EXPECT_EQ(outbox->counts()->pending, 3);
}

TEST_F(OutboxTest, ClaimIsFifoWithinALaneAndLanesAreIndependent) {
    auto outbox = open_outbox();
    auto a1 = outbox->enqueue(picking("A"));
    auto a2 = outbox->enqueue(picking("A"));
    auto b1 = outbox->enqueue(picking("B"));
    ASSERT_TRUE(a1 && a2 && b1);

    auto first = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(first && first->has_value());
    EXPECT_EQ((*first)->id, a1->id);
    // A1 is in flight: A2 must wait behind it, B1 need not.
    auto second = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(second && second->has_value());
    EXPECT_EQ((*second)->id, b1->id);
    auto none = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());

    ASSERT_TRUE(outbox->mark_delivered(a1->id, wall_clock_now_ms()));
    auto third = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(third && third->has_value());
    EXPECT_EQ((*third)->id, a2->id);
}

TEST_F(OutboxTest, ClaimBatchTakesOneHeadPerLaneOldestFirstUpToTheLimit) {
    auto outbox = open_outbox();
    auto a1 = outbox->enqueue(picking("A"));
    auto a2 = outbox->enqueue(picking("A"));
    auto b1 = outbox->enqueue(picking("B"));
    auto c1 = outbox->enqueue(picking("C"));
    auto d1 = outbox->enqueue(picking("D"));
    ASSERT_TRUE(a1 && a2 && b1 && c1 && d1);

    auto batch = outbox->claim_batch("din", wall_clock_now_ms(), 3);
    ASSERT_TRUE(batch) << batch.error().describe();
    ASSERT_EQ(batch->size(), 3u);
    // A2 is not a head while A1 is undelivered; the limit leaves D1 for later.
    EXPECT_EQ((*batch)[0].id, a1->id);
    EXPECT_EQ((*batch)[1].id, b1->id);
    EXPECT_EQ((*batch)[2].id, c1->id);
    for (const auto& operation : *batch) EXPECT_EQ(operation.state, State::InFlight);
    EXPECT_EQ((*batch)[0].payload, R"({"key_ssl":"A"})");

    auto rest = outbox->claim_batch("din", wall_clock_now_ms(), 10);
    ASSERT_TRUE(rest);
    ASSERT_EQ(rest->size(), 1u);
    EXPECT_EQ(rest->front().id, d1->id);
    auto none = outbox->claim_batch("din", wall_clock_now_ms(), 10);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    EXPECT_EQ(outbox->counts()->in_flight, 4);
}

TEST_F(OutboxTest, SettleRecordsABatchOfMixedOutcomesInOneCall) {
    auto outbox = open_outbox();
    auto a1 = outbox->enqueue(picking("A"));
    auto a2 = outbox->enqueue(picking("A"));
    auto b1 = outbox->enqueue(picking("B"));
    auto c1 = outbox->enqueue(picking("C"));
    auto d1 = outbox->enqueue(picking("D"));
    ASSERT_TRUE(a1 && a2 && b1 && c1 && d1);
    const UnixMillis now = wall_clock_now_ms();
    auto batch = outbox->claim_batch("din", now, 10);
    ASSERT_TRUE(batch);
    ASSERT_EQ(batch->size(), 4u);
    const auto bytes_before = outbox->counts()->undelivered_bytes;

    const std::vector<Settlement> outcomes = {
        {a1->id, Settlement::Kind::Delivered, now, {}},
        {b1->id, Settlement::Kind::Retry, now + 60'000, "HTTP 503"},
        {c1->id, Settlement::Kind::Release, 0, {}},  // claimed, never sent
        {d1->id, Settlement::Kind::Dead, 0, "HTTP 422"},
    };
    auto settled = outbox->settle(outcomes);
    ASSERT_TRUE(settled) << settled.error().describe();
    for (const auto& one : *settled) EXPECT_TRUE(one) << one.error().describe();

    auto a1_now = outbox->find(a1->id);
    EXPECT_EQ((*a1_now)->state, State::Delivered);
    EXPECT_EQ((*a1_now)->attempts, 1);
    auto b1_now = outbox->find(b1->id);
    EXPECT_EQ((*b1_now)->state, State::Pending);
    EXPECT_EQ((*b1_now)->attempts, 1);
    EXPECT_EQ((*b1_now)->next_attempt_at, now + 60'000);
    EXPECT_EQ((*b1_now)->last_error, "HTTP 503");
    auto c1_now = outbox->find(c1->id);
    EXPECT_EQ((*c1_now)->state, State::Pending);
    EXPECT_EQ((*c1_now)->attempts, 0) << "a released operation was never sent: no attempt counted";
    EXPECT_EQ((*outbox->find(d1->id))->state, State::Dead);
    const auto counts = outbox->counts();
    EXPECT_EQ(counts->delivered, 1);
    EXPECT_EQ(counts->undelivered_bytes, bytes_before - static_cast<std::int64_t>(std::string(R"({"key_ssl":"A"})").size()));

    // The delivery unblocked A2, the release made C1 claimable again; B1 waits for its retry.
    auto next = outbox->claim_batch("din", now, 10);
    ASSERT_TRUE(next);
    ASSERT_EQ(next->size(), 2u);
    EXPECT_EQ((*next)[0].id, a2->id);
    EXPECT_EQ((*next)[1].id, c1->id);
}

TEST_F(OutboxTest, SettleNamesAnOperationNotInFlightAndRecordsTheOthers) {
    auto outbox = open_outbox();
    auto a1 = outbox->enqueue(picking("A"));
    auto b1 = outbox->enqueue(picking("B"));
    ASSERT_TRUE(a1 && b1);
    ASSERT_TRUE(outbox->claim_next("din", wall_clock_now_ms()));  // A1 only
    const std::vector<Settlement> outcomes = {
        {a1->id, Settlement::Kind::Delivered, wall_clock_now_ms(), {}},
        {b1->id, Settlement::Kind::Delivered, wall_clock_now_ms(), {}},  // never claimed
    };
    auto settled = outbox->settle(outcomes);
    ASSERT_TRUE(settled) << settled.error().describe();
    EXPECT_TRUE((*settled)[0]);
    ASSERT_FALSE((*settled)[1]);
    EXPECT_NE((*settled)[1].error().message.find("operation " + std::to_string(b1->id) + " is not in flight"),
              std::string::npos)
        << (*settled)[1].error().describe();
    EXPECT_EQ((*outbox->find(a1->id))->state, State::Delivered);
    EXPECT_EQ((*outbox->find(b1->id))->state, State::Pending);
    EXPECT_EQ(outbox->counts()->delivered, 1);
}

// The deliveries are marked 32 to a statement: a call with more spans several, and an id that is
// not in flight in the middle of one is named without affecting its neighbours.
TEST_F(OutboxTest, SettleMarksMoreDeliveriesThanOneStatementHolds) {
    auto outbox = open_outbox();
    constexpr int kOperations = 70;
    for (int i = 0; i < kOperations; ++i) ASSERT_TRUE(outbox->enqueue(picking("lane-" + std::to_string(i))));
    auto stray = outbox->enqueue(picking("lane-0"));  // behind lane-0's head: never claimed
    ASSERT_TRUE(stray);
    const UnixMillis now = wall_clock_now_ms();
    auto batch = outbox->claim_batch("din", now, 100);
    ASSERT_TRUE(batch) << batch.error().describe();
    ASSERT_EQ(batch->size(), static_cast<std::size_t>(kOperations));

    std::vector<Settlement> outcomes;
    for (const auto& operation : *batch) outcomes.push_back({operation.id, Settlement::Kind::Delivered, now, {}});
    outcomes.insert(outcomes.begin() + 40, Settlement{stray->id, Settlement::Kind::Delivered, now, {}});
    auto settled = outbox->settle(outcomes);
    ASSERT_TRUE(settled) << settled.error().describe();
    for (std::size_t i = 0; i < settled->size(); ++i) {
        if (i == 40) {
            EXPECT_FALSE((*settled)[i]) << "the stray was never claimed";
        } else {
            EXPECT_TRUE((*settled)[i]) << "outcome " << i << ": " << (*settled)[i].error().describe();
        }
    }
    for (const auto& operation : *batch) EXPECT_EQ((*outbox->find(operation.id))->state, State::Delivered);
    EXPECT_EQ((*outbox->find(stray->id))->state, State::Pending);
    const auto counts = outbox->counts();
    EXPECT_EQ(counts->delivered, kOperations);
    EXPECT_EQ(counts->in_flight, 0);
    EXPECT_EQ(counts->pending, 1);
}

TEST_F(OutboxTest, RescheduledOperationWaitsUntilDueAndBlocksItsLane) {
    auto outbox = open_outbox();
    auto a1 = outbox->enqueue(picking("A"));
    auto a2 = outbox->enqueue(picking("A"));
    ASSERT_TRUE(a1 && a2);
    const UnixMillis now = wall_clock_now_ms();
    auto claimed = outbox->claim_next("din", now);
    ASSERT_TRUE(claimed && claimed->has_value());
    ASSERT_TRUE(outbox->reschedule(a1->id, now + 60'000, "HTTP 503"));

    auto nothing = outbox->claim_next("din", now);
    ASSERT_TRUE(nothing);
    EXPECT_FALSE(nothing->has_value()) << "A2 overtook A1 in lane A";
    auto due = outbox->next_due("din");
    ASSERT_TRUE(due && due->has_value());
    EXPECT_EQ(**due, now + 60'000);

    auto later = outbox->claim_next("din", now + 60'000);
    ASSERT_TRUE(later && later->has_value());
    EXPECT_EQ((*later)->id, a1->id);
    EXPECT_EQ((*later)->attempts, 1);
    EXPECT_EQ((*later)->last_error, "HTTP 503");
}

TEST_F(OutboxTest, DeadOperationNoLongerBlocksItsLane) {
    auto outbox = open_outbox();
    auto a1 = outbox->enqueue(picking("A"));
    auto a2 = outbox->enqueue(picking("A"));
    ASSERT_TRUE(a1 && a2);
    ASSERT_TRUE(outbox->claim_next("din", wall_clock_now_ms()));
    ASSERT_TRUE(outbox->mark_dead(a1->id, "HTTP 422: validation failed"));
    auto next = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(next && next->has_value());
    EXPECT_EQ((*next)->id, a2->id);
    EXPECT_EQ(outbox->counts()->dead, 1);
}

TEST_F(OutboxTest, SettlingAnOperationTwiceIsAnError) {
    auto outbox = open_outbox();
    auto a1 = outbox->enqueue(picking("A"));
    ASSERT_TRUE(outbox->claim_next("din", wall_clock_now_ms()));
    ASSERT_TRUE(outbox->mark_delivered(a1->id, wall_clock_now_ms()));
    auto twice = outbox->mark_delivered(a1->id, wall_clock_now_ms());
    ASSERT_FALSE(twice);
    EXPECT_NE(twice.error().message.find("not in flight"), std::string::npos);
}

TEST_F(OutboxTest, InFlightOperationsReturnToPendingOnReopen) {
    OperationId id = 0;
    {
        auto outbox = open_outbox();
        auto a1 = outbox->enqueue(picking("A", "crash-key"));
        ASSERT_TRUE(a1);
        id = a1->id;
        auto claimed = outbox->claim_next("din", wall_clock_now_ms());
        ASSERT_TRUE(claimed && claimed->has_value());
        // The process "dies" here: the outbox is closed with the operation in flight.
    }
    auto reopened = open_outbox();
    EXPECT_EQ(reopened->recovered_at_open(), 1);
    auto again = reopened->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(again && again->has_value());
    EXPECT_EQ((*again)->id, id);
    EXPECT_EQ((*again)->idempotency_key, "crash-key");
}

TEST_F(OutboxTest, RefusesADatabaseFromANewerAgent) {
    { ASSERT_TRUE(open_outbox()); }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("outbox.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto refused = Outbox::open(dir.file("outbox.db"));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("newer Outpost"), std::string::npos) << refused.error().message;
}

// Schema 7 narrowed the claim and next-due indexes to pending operations and keyed the lane index
// on delivered_at; schema 8 left moves into and out of 'in_flight' out of the totals trigger. A
// file written by a schema 6 agent, holding delivered, in-flight and pending operations, upgrades
// in place, keeps its totals and delivers in the same order.
TEST_F(OutboxTest, UpgradesASchema6FileInPlaceKeepingItsBacklogAndOrder) {
    std::vector<OperationId> ids;
    {
        auto outbox = open_outbox();
        for (const char* lane : {"SSL-1", "SSL-2", "SSL-1", "SSL-3"}) ids.push_back(outbox->enqueue(picking(lane))->id);
        auto first = outbox->claim_next("din", wall_clock_now_ms());
        ASSERT_TRUE(first && first->has_value());
        ASSERT_EQ((*first)->id, ids[0]);
        ASSERT_TRUE(outbox->mark_delivered(ids[0], wall_clock_now_ms()));
        auto second = outbox->claim_next("din", wall_clock_now_ms());
        ASSERT_TRUE(second && second->has_value());
        ASSERT_EQ((*second)->id, ids[1]);  // left in flight: the agent "dies" here
    }
    {
        // Schema 6's indexes, exactly as its migration 3 -> 4 made them, and its totals trigger
        // (migration 4 -> 5).
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(dir.file("outbox.db").c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db,
                               "DROP INDEX operations_fifo; DROP INDEX operations_due; DROP INDEX operations_lane_open; "
                               "CREATE INDEX operations_fifo ON operations (upstream, state, id); "
                               "CREATE INDEX operations_due ON operations (upstream, state, next_attempt_at); "
                               "CREATE INDEX operations_lane_open ON operations (lane, id) "
                               "WHERE state IN ('pending', 'in_flight') OR (state = 'dead' AND blocks_lane = 1); "
                               "DROP TRIGGER operation_totals_update; "
                               "CREATE TRIGGER operation_totals_update AFTER UPDATE OF upstream, state, payload "
                               "ON operations BEGIN "
                               "UPDATE operation_totals SET operations = operations - 1, "
                               "bytes = bytes - octet_length(old.payload) "
                               "WHERE upstream = old.upstream AND state = old.state; "
                               "INSERT INTO operation_totals (upstream, state, operations, bytes) "
                               "VALUES (new.upstream, new.state, 1, octet_length(new.payload)) "
                               "ON CONFLICT DO UPDATE SET operations = operations + 1, bytes = bytes + excluded.bytes; "
                               "END; "
                               "PRAGMA user_version = 6;",
                               nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(db);
    }
    auto outbox = open_outbox();
    ASSERT_TRUE(outbox);
    EXPECT_EQ(outbox->recovered_at_open(), 1);
    const auto schema = testing::first_row_integers(
        dir.file("outbox.db"),
        "SELECT (SELECT user_version FROM pragma_user_version), count(*) FROM sqlite_schema "
        "WHERE (name IN ('operations_fifo', 'operations_due') AND sql LIKE '%WHERE state = ''pending''') "
        "OR (name = 'operations_lane_open' AND sql LIKE '%WHERE delivered_at IS NULL') "
        "OR (name = 'operation_totals_update' AND sql LIKE '%WHEN old.state != ''in_flight''%')");
    ASSERT_EQ(schema.size(), 2u);
    EXPECT_EQ(schema[0], 8);
    EXPECT_EQ(schema[1], 4) << "schema 7's definitions of the three indexes, schema 8's totals trigger";
    const auto counts = outbox->counts();
    ASSERT_TRUE(counts);
    EXPECT_EQ(counts->pending, 3);
    EXPECT_EQ(counts->in_flight, 0);
    EXPECT_EQ(counts->delivered, 1);
    // The recovered operation first, then the rest in order; SSL-1's second waits for nothing
    // older in its lane (its first was delivered).
    auto batch = outbox->claim_batch("din", wall_clock_now_ms(), 16);
    ASSERT_TRUE(batch);
    std::vector<OperationId> claimed;
    for (const auto& operation : *batch) claimed.push_back(operation.id);
    EXPECT_EQ(claimed, (std::vector<OperationId>{ids[1], ids[2], ids[3]}));
    auto due = outbox->next_due("din");
    ASSERT_TRUE(due);
    EXPECT_FALSE(due->has_value()) << "nothing pending is left";
}

TEST_F(OutboxTest, UnopenablePathIsAClearError) {
    auto refused = Outbox::open(dir.file("missing-dir/outbox.db"));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("missing-dir/outbox.db"), std::string::npos) << refused.error().message;
}

TEST_F(OutboxTest, ConcurrentProducersLoseNothing) {
    auto outbox = open_outbox();
    constexpr int kThreads = 4;
    constexpr int kEach = 50;
    std::vector<std::thread> producers;
    for (int t = 0; t < kThreads; ++t) {
        producers.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                auto stored = outbox->enqueue(picking("L" + std::to_string(t), "t" + std::to_string(t) + "-" + std::to_string(i)));
                ASSERT_TRUE(stored);
            }
        });
    }
    for (auto& producer : producers) producer.join();
    EXPECT_EQ(outbox->counts()->pending, kThreads * kEach);
}

}  // namespace
}  // namespace outpost::outbox
