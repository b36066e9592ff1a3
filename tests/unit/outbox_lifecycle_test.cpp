// Outbox limits, pruning, coalescing, quarantine and salvage, on real files.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "outpost/outbox/outbox.hpp"
#include "temp_dir.hpp"

namespace outpost::outbox {
namespace {

using outpost::testing::TempDir;

NewOperation op(const std::string& key, const std::string& lane, const std::string& payload = "{}") {
    NewOperation operation;
    operation.idempotency_key = key;
    operation.kind = "stock-sync";
    operation.upstream = "din";
    operation.lane = lane;
    operation.payload = payload;
    return operation;
}

std::unique_ptr<Outbox> open_at(const std::string& path, Options options = {}) {
    auto opened = Outbox::open(path, options);
    EXPECT_TRUE(opened) << (opened ? "" : opened.error().describe());
    return opened ? std::move(*opened) : nullptr;
}

TEST(OutboxLimits, RefusesNewWorkWhenFullAndNeverEvicts) {
    TempDir dir;
    Options options;
    options.limits = {3, 1 << 20};
    auto outbox = open_at(dir.file("outbox.db"), options);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(outbox->enqueue(op("k" + std::to_string(i), "A")));

    auto refused = outbox->enqueue(op("k3", "A"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, kErrorLimitReached);
    EXPECT_NE(refused.error().message.find("outbox is full"), std::string::npos) << refused.error().message;
    EXPECT_TRUE(outbox->counts()->limit_reached);
    EXPECT_EQ(outbox->counts()->pending, 3);

    // In one batch, only the operation over the limit is refused.
    std::vector<NewOperation> batch = {op("k0", "A"), op("k4", "A")};
    auto mixed = outbox->enqueue(batch);
    ASSERT_TRUE(mixed);
    EXPECT_TRUE((*mixed)[0] && (*mixed)[0]->duplicate);
    EXPECT_FALSE((*mixed)[1]);

    // A delivery makes room.
    auto claimed = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(claimed && claimed->has_value());
    ASSERT_TRUE(outbox->mark_delivered((*claimed)->id, wall_clock_now_ms()));
    EXPECT_FALSE(outbox->counts()->limit_reached);
    EXPECT_TRUE(outbox->enqueue(op("k3", "A")));
}

TEST(OutboxLimits, ByteLimitCountsPayloads) {
    TempDir dir;
    Options options;
    options.limits = {1000, 100};
    auto outbox = open_at(dir.file("outbox.db"), options);
    ASSERT_TRUE(outbox->enqueue(op("a", "A", std::string(60, 'x'))));
    auto refused = outbox->enqueue(op("b", "A", std::string(60, 'x')));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, kErrorLimitReached);
}

TEST(OutboxLimits, TotalsSurviveReopen) {
    TempDir dir;
    Options options;
    options.limits = {2, 1 << 20};
    { auto outbox = open_at(dir.file("outbox.db"), options); ASSERT_TRUE(outbox->enqueue(op("a", "A"))); ASSERT_TRUE(outbox->enqueue(op("b", "A"))); }
    auto reopened = open_at(dir.file("outbox.db"), options);
    EXPECT_FALSE(reopened->enqueue(op("c", "A")));
}

TEST(OutboxPrune, DeletesOnlyDeliveredPastRetentionAndShrinksTheFile) {
    TempDir dir;
    auto outbox = open_at(dir.file("outbox.db"));
    const std::string big(2000, 'p');
    for (int i = 0; i < 400; ++i) ASSERT_TRUE(outbox->enqueue(op("d" + std::to_string(i), "L" + std::to_string(i), big)));
    ASSERT_TRUE(outbox->enqueue(op("pending", "P", big)));
    for (int i = 0; i < 400; ++i) {
        auto claimed = outbox->claim_next("din", wall_clock_now_ms());
        ASSERT_TRUE(claimed && claimed->has_value());
        ASSERT_TRUE(outbox->mark_delivered((*claimed)->id, wall_clock_now_ms()));
    }
    // Claims go in id order, so the 400 delivered are exactly the d* operations.
    const auto size_before = std::filesystem::file_size(dir.file("outbox.db"));

    auto nothing_yet = outbox->prune_delivered(wall_clock_now_ms() - 60'000);
    ASSERT_TRUE(nothing_yet);
    EXPECT_EQ(*nothing_yet, 0) << "pruned operations still within retention";

    std::int64_t pruned = 0;
    for (int round = 0; round < 10; ++round) {
        auto batch = outbox->prune_delivered(wall_clock_now_ms() + 1, 100, 1000);
        ASSERT_TRUE(batch) << batch.error().describe();
        EXPECT_LE(*batch, 100);
        pruned += *batch;
    }
    EXPECT_EQ(pruned, 400);
    auto counts = outbox->counts();
    EXPECT_EQ(counts->delivered, 0);
    EXPECT_EQ(counts->pending + counts->in_flight, 1);
    // Checkpoint the WAL into the file, then the freed pages must have left the file.
    sqlite3* db = nullptr;
    sqlite3_open(dir.file("outbox.db").c_str(), &db);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    outbox.reset();
    EXPECT_LT(std::filesystem::file_size(dir.file("outbox.db")), size_before / 4);
}

Merge keep_newer() {
    return [](const std::string&, const std::string& newer) -> Expected<std::string> { return newer; };
}

TEST(OutboxCoalescing, LaterAbsoluteValueReplacesThePendingOneAndIsAudited) {
    TempDir dir;
    auto outbox = open_at(dir.file("outbox.db"));
    auto first = op("s1", "var-7", R"({"qty":5})");
    first.coalesce_key = "var-7";
    first.merge = keep_newer();
    auto second = first;
    second.idempotency_key = "s2";
    second.payload = R"({"qty":9})";
    auto a = outbox->enqueue(first);
    auto b = outbox->enqueue(second);
    ASSERT_TRUE(a && b);
    EXPECT_TRUE(b->coalesced);
    EXPECT_EQ(b->id, a->id);
    EXPECT_EQ(outbox->counts()->pending, 1);
    EXPECT_EQ((*outbox->find(a->id))->payload, R"({"qty":9})");

    // A producer retrying the absorbed key gets the same answer, not a new operation.
    auto retry = outbox->enqueue(second);
    ASSERT_TRUE(retry);
    EXPECT_TRUE(retry->duplicate);
    EXPECT_EQ(retry->id, a->id);

    sqlite3* db = nullptr;
    sqlite3_open(dir.file("outbox.db").c_str(), &db);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "SELECT before_payload, after_payload FROM coalesce_audit WHERE absorbed_key = 's2'", -1,
                       &statement, nullptr);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), R"({"qty":5})");
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)), R"({"qty":9})");
    sqlite3_finalize(statement);
    sqlite3_close(db);
}

TEST(OutboxCoalescing, NeverMergesIntoAnOperationInFlightOrBehindNewerWork) {
    TempDir dir;
    auto outbox = open_at(dir.file("outbox.db"));
    auto sync = op("s1", "var-7", R"({"qty":5})");
    sync.coalesce_key = "var-7";
    sync.merge = keep_newer();
    ASSERT_TRUE(outbox->enqueue(sync));
    ASSERT_TRUE(outbox->claim_next("din", wall_clock_now_ms()));  // s1 is now being sent
    auto later = sync;
    later.idempotency_key = "s2";
    auto stored = outbox->enqueue(later);
    ASSERT_TRUE(stored);
    EXPECT_FALSE(stored->coalesced) << "merged into an operation already on the wire";

    ASSERT_TRUE(outbox->enqueue(op("other", "var-7", R"({"kind":"transfer"})")));  // newer work in the lane
    auto third = sync;
    third.idempotency_key = "s3";
    auto after_other = outbox->enqueue(third);
    ASSERT_TRUE(after_other);
    EXPECT_FALSE(after_other->coalesced) << "merged ahead of newer work in the same lane";
}

void corrupt_middle(const std::string& path) {
    // Overwrite a few pages in the middle with garbage, as a failing flash cell might.
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(path) / 2));
    const std::string garbage(8192, '\xA5');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

TEST(OutboxQuarantine, CorruptFileIsMovedAsideAndSalvaged) {
    TempDir dir;
    const std::string path = dir.file("outbox.db");
    {
        auto outbox = open_at(path);
        for (int i = 0; i < 300; ++i) {
            ASSERT_TRUE(outbox->enqueue(op("q" + std::to_string(i), "L", std::string(500, 'z'))));
        }
        auto claimed = outbox->claim_next("din", wall_clock_now_ms());
        ASSERT_TRUE(outbox->mark_delivered((*claimed)->id, wall_clock_now_ms()));
    }
    sqlite3* db = nullptr;  // fold the WAL into the file so the damage hits table pages
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    corrupt_middle(path);

    auto outbox = open_at(path);
    ASSERT_TRUE(outbox);
    ASSERT_TRUE(outbox->quarantine().has_value()) << "a damaged file was used as is";
    const std::string moved = outbox->quarantine()->moved_to;
    EXPECT_TRUE(std::filesystem::exists(moved));
    EXPECT_NE(outbox->quarantine()->reason.find("damaged"), std::string::npos) << outbox->quarantine()->reason;
    EXPECT_EQ(outbox->counts()->pending, 0);

    auto report = outbox->salvage(moved, nullptr);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_GT(report->recovered, 100);
    EXPECT_LT(report->recovered, 300);  // some rows sat on the damaged pages
    EXPECT_EQ(outbox->counts()->pending, report->recovered);

    // Salvaging twice adds nothing: keys already in the live outbox are skipped.
    auto again = outbox->salvage(moved, nullptr);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->recovered, 0);
    EXPECT_EQ(again->already_known, report->recovered);
}

}  // namespace
}  // namespace outpost::outbox
