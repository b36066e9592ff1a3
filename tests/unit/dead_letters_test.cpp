// Dead letters in the outbox: retry, drop with a reason and an audit row, parked lanes.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "outpost/outbox/outbox.hpp"
#include "temp_dir.hpp"

namespace outpost::outbox {
namespace {

NewOperation op(const std::string& key, const std::string& lane, bool blocks_lane = false) {
    NewOperation operation;
    operation.idempotency_key = key;
    operation.kind = blocks_lane ? "order-status" : "picking-order";
    operation.upstream = "din";
    operation.lane = lane;
    operation.payload = R"({"k":")" + key + R"("})";
    operation.blocks_lane = blocks_lane;
    return operation;
}

class DeadLetters : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = Outbox::open(dir.file("outbox.db"));
        ASSERT_TRUE(opened);
        outbox = std::move(*opened);
    }
    OperationId kill_next() {
        auto claimed = outbox->claim_next("din", wall_clock_now_ms());
        EXPECT_TRUE(claimed && claimed->has_value());
        EXPECT_TRUE(outbox->mark_dead((*claimed)->id, "HTTP 422: validation failed"));
        return (*claimed)->id;
    }
    outpost::testing::TempDir dir;
    std::unique_ptr<Outbox> outbox;
};

TEST_F(DeadLetters, ListShowsThemAndRetrySendsAgainWithTheSameKey) {
    ASSERT_TRUE(outbox->enqueue(op("a", "L")));
    const OperationId id = kill_next();
    auto dead = outbox->list_dead();
    ASSERT_TRUE(dead);
    ASSERT_EQ(dead->size(), 1u);
    EXPECT_EQ((*dead)[0].last_error, "HTTP 422: validation failed");

    ASSERT_TRUE(outbox->retry_dead(id, "fixed upstream master data"));
    auto again = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(again && again->has_value());
    EXPECT_EQ((*again)->id, id);
    EXPECT_EQ((*again)->idempotency_key, "a");
    EXPECT_FALSE(outbox->retry_dead(id, "x")) << "retried an operation that is not dead";
}

TEST_F(DeadLetters, DropNeedsAReasonAndLeavesAnAuditRow) {
    ASSERT_TRUE(outbox->enqueue(op("a", "L")));
    const OperationId id = kill_next();
    auto refused = outbox->drop_dead(id, "  ");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("needs a reason"), std::string::npos);

    ASSERT_TRUE(outbox->drop_dead(id, "duplicate of PCK-7, entered by hand upstream"));
    EXPECT_EQ(outbox->counts()->dead, 0);
    sqlite3* db = nullptr;
    sqlite3_open(dir.file("outbox.db").c_str(), &db);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "SELECT action, reason, payload, last_error FROM operator_audit WHERE operation_id = ?1", -1,
                       &statement, nullptr);
    sqlite3_bind_int64(statement, 1, id);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "drop");
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)),
                 "duplicate of PCK-7, entered by hand upstream");
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 2)), R"({"k":"a"})");
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 3)), "HTTP 422: validation failed");
    sqlite3_finalize(statement);
    sqlite3_close(db);

    // The producer re-sending the dropped key is told so, instead of queuing it again.
    auto resent = outbox->enqueue(op("a", "L"));
    ASSERT_FALSE(resent);
    EXPECT_EQ(resent.error().code, kErrorDropped);
}

TEST_F(DeadLetters, PickingLaneGoesOnButStatusChainLaneIsParkedUntilResolved) {
    ASSERT_TRUE(outbox->enqueue(op("p1", "picks")));
    ASSERT_TRUE(outbox->enqueue(op("p2", "picks")));
    kill_next();
    auto next = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(next && next->has_value());
    EXPECT_EQ((*next)->idempotency_key, "p2") << "a dead picking held its lane";
    ASSERT_TRUE(outbox->mark_delivered((*next)->id, wall_clock_now_ms()));

    ASSERT_TRUE(outbox->enqueue(op("confirm", "order-9", true)));
    ASSERT_TRUE(outbox->enqueue(op("ship", "order-9", true)));
    const OperationId confirm = kill_next();
    auto blocked = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(blocked);
    EXPECT_FALSE(blocked->has_value()) << "'ship' overtook a failed 'confirm'";
    auto parked = outbox->parked_lanes();
    ASSERT_TRUE(parked);
    ASSERT_EQ(parked->size(), 1u);
    EXPECT_EQ((*parked)[0].lane, "order-9");
    EXPECT_EQ((*parked)[0].dead_operation, confirm);
    EXPECT_FALSE(outbox->next_due("din")->has_value());

    ASSERT_TRUE(outbox->drop_dead(confirm, "confirmed by phone"));
    auto unparked = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(unparked && unparked->has_value());
    EXPECT_EQ((*unparked)->idempotency_key, "ship");
}

}  // namespace
}  // namespace outpost::outbox
