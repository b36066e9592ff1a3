// Coalescing rules for SmartSeller stock operations, and their use by the outbox.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "outpost/intake/stock_coalescing.hpp"
#include "outpost/outbox/outbox.hpp"
#include "temp_dir.hpp"

namespace outpost::intake {
namespace {

nlohmann::json delta(int variation, int warehouse, const char* status, int amount, const char* description = "") {
    return {{"variation_id", variation},
            {"stock", {{{"amount", amount}, {"status", status}, {"warehouse_id", warehouse}}}},
            {"description", description}};
}

TEST(StockSync, LaterAbsoluteAmountWins) {
    const nlohmann::json first = {{"variation_id", 1}, {"amount", 20}};
    const nlohmann::json second = {{"variation_id", 1}, {"amount", 17}};
    EXPECT_EQ(stock_sync_coalesce_key(first), "sync-stock/1/-");
    auto merged = merge_stock_sync(first.dump(), second.dump());
    ASSERT_TRUE(merged);
    EXPECT_EQ(nlohmann::json::parse(*merged)["amount"], 17);
}

TEST(StockSync, DifferentVariationsOrVendorsDoNotMerge) {
    const nlohmann::json a = {{"variation_id", 1}, {"amount", 20}};
    const nlohmann::json b = {{"variation_id", 2}, {"amount", 20}};
    const nlohmann::json c = {{"variation_id", 1}, {"amount", 5}, {"exceptional_vendor_id", 9}};
    EXPECT_NE(stock_sync_coalesce_key(a), stock_sync_coalesce_key(b));
    EXPECT_NE(stock_sync_coalesce_key(a), stock_sync_coalesce_key(c));
    EXPECT_FALSE(merge_stock_sync(a.dump(), c.dump()));
    EXPECT_FALSE(stock_sync_coalesce_key(nlohmann::json{{"variation_id", 1}}));
}

TEST(StockDelta, SignedAmountsAreSummed) {
    struct Case { const char* s1; int a1; const char* s2; int a2; const char* status; int amount; };
    for (const Case& c : {Case{"ADD", 5, "ADD", 3, "ADD", 8}, Case{"ADD", 5, "SUB", 8, "SUB", 3},
                          Case{"SUB", 2, "SUB", 2, "SUB", 4}, Case{"add", 2, "sub", 1, "ADD", 1}}) {
        auto merged = merge_stock_delta(delta(7, 3, c.s1, c.a1).dump(), delta(7, 3, c.s2, c.a2).dump());
        ASSERT_TRUE(merged);
        const auto body = nlohmann::json::parse(*merged);
        EXPECT_EQ(body["stock"][0]["status"], c.status) << c.s1 << c.a1 << c.s2 << c.a2;
        EXPECT_EQ(body["stock"][0]["amount"], c.amount) << c.s1 << c.a1 << c.s2 << c.a2;
    }
}

TEST(StockDelta, TheSeedsLowerCaseStatusHasTheSameKey) {
    EXPECT_EQ(stock_delta_coalesce_key(delta(7, 3, "add", 1)), stock_delta_coalesce_key(delta(7, 3, "ADD", 1)));
    EXPECT_EQ(stock_delta_coalesce_key(delta(7, 3, "Sub", 1)), "update-stock/7/3/keep");
}

TEST(StockDelta, DeltasThatCancelOutOrOverflowAreNotMerged) {
    // The seed has no update of amount 0, and an upstream may refuse one: both go as they are.
    EXPECT_FALSE(merge_stock_delta(delta(7, 3, "SUB", 4).dump(), delta(7, 3, "ADD", 4).dump()));
    EXPECT_FALSE(merge_stock_delta(delta(7, 3, "ADD", 2147483647).dump(), delta(7, 3, "ADD", 1).dump()));
    EXPECT_TRUE(merge_stock_delta(delta(7, 3, "SUB", 2147483647).dump(), delta(7, 3, "ADD", 1).dump()));
}

TEST(StockDelta, MoveFlagThatIsNotABooleanHasNoKey) {
    auto odd = delta(7, 3, "ADD", 1);
    odd["move_warehouse_stock"] = "yes";
    EXPECT_FALSE(stock_delta_coalesce_key(odd));
}

TEST(StockDelta, MergedDescriptionsStayBounded) {
    std::string merged = delta(7, 3, "ADD", 1, "scan").dump();
    for (int i = 0; i < 200; ++i) {
        auto next = merge_stock_delta(merged, delta(7, 3, "ADD", 1, ("scan " + std::to_string(i % 50)).c_str()).dump());
        ASSERT_TRUE(next);
        merged = *next;
    }
    const auto body = nlohmann::json::parse(merged);
    EXPECT_EQ(body["stock"][0]["amount"], 201);
    EXPECT_LE(body["description"].get<std::string>().size(), kMaxMergedDescription);
    EXPECT_EQ(body["description"].get<std::string>().rfind("scan; scan 0; scan 1; ", 0), 0u) << body["description"];
    // A description already in the list is not repeated.
    auto again = merge_stock_delta(delta(7, 3, "ADD", 1, "a; b").dump(), delta(7, 3, "ADD", 1, "b").dump());
    EXPECT_EQ(nlohmann::json::parse(*again)["description"], "a; b");
}

TEST(StockDelta, KeepsBothDescriptions) {
    auto merged = merge_stock_delta(delta(7, 3, "ADD", 1, "picked").dump(), delta(7, 3, "ADD", 1, "returned").dump());
    ASSERT_TRUE(merged);
    EXPECT_EQ(nlohmann::json::parse(*merged)["description"], "picked; returned");
}

TEST(StockDelta, OtherWarehousesOptionsOrMultiEntryBodiesDoNotMerge) {
    EXPECT_NE(stock_delta_coalesce_key(delta(7, 3, "ADD", 1)), stock_delta_coalesce_key(delta(7, 4, "ADD", 1)));
    auto moving = delta(7, 3, "ADD", 1);
    moving["move_warehouse_stock"] = true;
    EXPECT_NE(stock_delta_coalesce_key(delta(7, 3, "ADD", 1)), stock_delta_coalesce_key(moving));
    auto two = delta(7, 3, "ADD", 1);
    two["stock"].push_back({{"amount", 1}, {"status", "ADD"}, {"warehouse_id", 4}});
    EXPECT_FALSE(stock_delta_coalesce_key(two));
    EXPECT_FALSE(merge_stock_delta(delta(7, 3, "ADD", 1).dump(), delta(7, 4, "ADD", 1).dump()));
    EXPECT_FALSE(stock_delta_coalesce_key(delta(7, 3, "MUL", 1)));
}

outbox::NewOperation make(const std::string& key, const nlohmann::json& body) {
    outbox::NewOperation operation;
    operation.idempotency_key = key;
    operation.kind = "stock-update";
    operation.upstream = "smartseller";
    operation.lane = "smartseller/variation/7";
    operation.payload = body.dump();
    operation.coalesce_key = *stock_delta_coalesce_key(body);
    operation.merge = merge_stock_delta;
    return operation;
}

TEST(StockDelta, OutboxSumsUnsentDeltasThroughTheRule) {
    outpost::testing::TempDir dir;
    auto outbox = outbox::Outbox::open(dir.file("outbox.db"));
    ASSERT_TRUE(outbox);
    ASSERT_TRUE((*outbox)->enqueue(make("u1", delta(7, 3, "ADD", 10))));
    auto second = (*outbox)->enqueue(make("u2", delta(7, 3, "SUB", 4)));
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->coalesced);
    const auto stored = nlohmann::json::parse((*(*outbox)->find(second->id))->payload);
    EXPECT_EQ(stored["stock"][0]["amount"], 6);
    EXPECT_EQ(stored["stock"][0]["status"], "ADD");
    EXPECT_EQ((*outbox)->counts()->pending, 1);
}

TEST(StockDelta, AnOperationAlreadyHandedOutIsNeverMergedInto) {
    // A timed-out attempt may have been applied upstream: its retry must carry the same body under
    // the same key, so a later delta is queued on its own behind it.
    outpost::testing::TempDir dir;
    auto outbox = outbox::Outbox::open(dir.file("outbox.db"));
    ASSERT_TRUE(outbox);
    auto first = (*outbox)->enqueue(make("u1", delta(7, 3, "ADD", 10)));
    ASSERT_TRUE(first);
    auto claimed = (*outbox)->claim_next("smartseller", 0);
    ASSERT_TRUE(claimed && claimed->has_value());
    ASSERT_TRUE((*outbox)->reschedule(first->id, 0, "no answer in time"));
    auto second = (*outbox)->enqueue(make("u2", delta(7, 3, "ADD", 5)));
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->coalesced);
    EXPECT_EQ(nlohmann::json::parse((*(*outbox)->find(first->id))->payload)["stock"][0]["amount"], 10);
    // Later deltas still merge into the newest one, which was never sent.
    auto third = (*outbox)->enqueue(make("u3", delta(7, 3, "SUB", 1)));
    ASSERT_TRUE(third);
    EXPECT_TRUE(third->coalesced);
    EXPECT_EQ(third->id, second->id);
}

TEST(StockDelta, AnOperationInFlightWhenTheAgentDiedIsNeverMergedInto) {
    outpost::testing::TempDir dir;
    outbox::OperationId id = 0;
    {
        auto outbox = outbox::Outbox::open(dir.file("outbox.db"));
        ASSERT_TRUE(outbox);
        auto first = (*outbox)->enqueue(make("u1", delta(7, 3, "ADD", 10)));
        ASSERT_TRUE(first);
        id = first->id;
        auto claimed = (*outbox)->claim_next("smartseller", 0);
        ASSERT_TRUE(claimed && claimed->has_value());
    }  // closed with the operation in flight, as a crash leaves it
    auto outbox = outbox::Outbox::open(dir.file("outbox.db"));
    ASSERT_TRUE(outbox);
    EXPECT_EQ((*outbox)->recovered_at_open(), 1);
    auto second = (*outbox)->enqueue(make("u2", delta(7, 3, "ADD", 5)));
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->coalesced);
    EXPECT_NE(second->id, id);
}

}  // namespace
}  // namespace outpost::intake
