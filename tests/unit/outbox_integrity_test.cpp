// When and how the outbox checks its file (IntegrityCheck::Auto), and the totals that replaced
// the scans at open and in counts(): on real files, with real damage.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "outbox_file.hpp"
#include "outpost/outbox/outbox.hpp"
#include "temp_dir.hpp"

namespace outpost::outbox {
namespace {

using outpost::testing::TempDir;
using namespace std::chrono_literals;

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
    auto opened = Outbox::open(path, std::move(options));
    EXPECT_TRUE(opened) << (opened ? "" : opened.error().describe());
    return opened ? std::move(*opened) : nullptr;
}

Options automatic() {
    Options options;
    options.integrity = IntegrityCheck::Auto;
    return options;
}

// 300 pending operations of 500 bytes, closed cleanly (the WAL folded into the file and deleted),
// then a few pages in the middle overwritten, as a failing flash cell might.
void write_then_damage(const std::string& path) {
    {
        std::vector<NewOperation> operations;
        for (int i = 0; i < 300; ++i) operations.push_back(op("old" + std::to_string(i), "L", std::string(500, 'z')));
        ASSERT_TRUE(open_at(path)->enqueue(operations));
    }
    ASSERT_FALSE(std::filesystem::exists(path + "-wal")) << "a clean close leaves no WAL";
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(path) / 2));
    const std::string garbage(8192, '\xA5');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

// Holds the background check at its start until released.
struct CheckGate {
    std::mutex mutex;
    std::condition_variable changed;
    bool started = false;
    bool released = false;

    std::function<void()> hook() {
        return [this] {
            std::unique_lock lock(mutex);
            started = true;
            changed.notify_all();
            changed.wait(lock, [this] { return released; });
        };
    }
    bool wait_started() {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, 10s, [this] { return started; });
    }
    void release() {
        std::lock_guard lock(mutex);
        released = true;
        changed.notify_all();
    }
};

TEST(OutboxIntegrity, AfterACrashTheCheckRunsBeforeOpenReturns) {
    TempDir dir;
    const std::string path = dir.file("outbox.db");
    write_then_damage(path);
    std::ofstream(path + "-wal").flush();  // what a killed process leaves behind

    auto outbox = open_at(path, automatic());
    ASSERT_TRUE(outbox);
    ASSERT_TRUE(outbox->quarantine().has_value()) << "damage after a crash must be found at open";
    EXPECT_EQ(outbox->counts()->integrity, Integrity::Verified);
    EXPECT_EQ(outbox->counts()->pending, 0);
    EXPECT_TRUE(std::filesystem::exists(outbox->quarantine()->moved_to));
}

TEST(OutboxIntegrity, AfterACleanStopDamageIsFoundInTheBackgroundAndWorkAcceptedMeanwhileIsKept) {
    TempDir dir;
    const std::string path = dir.file("outbox.db");
    write_then_damage(path);

    CheckGate gate;
    Options options = automatic();
    options.background_check_started = gate.hook();
    auto outbox = open_at(path, options);
    ASSERT_TRUE(outbox);
    ASSERT_TRUE(gate.wait_started());
    EXPECT_FALSE(outbox->quarantine().has_value());
    EXPECT_EQ(outbox->counts()->integrity, Integrity::Checking);

    // While the file is unverified: producers are served, nothing is handed out for delivery,
    // and operator actions that change older operations wait.
    std::map<std::string, OperationId> accepted;
    for (int i = 0; i < 20; ++i) {
        auto stored = outbox->enqueue(op("new" + std::to_string(i), "N" + std::to_string(i % 3), "{\"n\":" + std::to_string(i) + "}"));
        ASSERT_TRUE(stored) << stored.error().describe();
        accepted[stored->idempotency_key] = stored->id;
    }
    auto claimed = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(claimed);
    EXPECT_FALSE(claimed->has_value()) << "an operation left an unverified file";
    auto retried = outbox->retry_dead(1, "operator");
    ASSERT_FALSE(retried);
    EXPECT_NE(retried.error().message.find("integrity check"), std::string::npos) << retried.error().message;

    gate.release();
    ASSERT_TRUE(outbox->wait_until_checked(30s));
    ASSERT_TRUE(outbox->quarantine().has_value()) << "the background check missed the damage";
    EXPECT_NE(outbox->quarantine()->reason.find("damaged"), std::string::npos) << outbox->quarantine()->reason;
    const std::string moved = outbox->quarantine()->moved_to;
    EXPECT_TRUE(std::filesystem::exists(moved));

    // The operations accepted while checking are in the fresh outbox, same ids, same keys.
    auto counts = outbox->counts();
    EXPECT_EQ(counts->pending, 20);
    EXPECT_EQ(counts->integrity, Integrity::Verified);
    for (const auto& [key, id] : accepted) {
        auto found = outbox->find(id);
        ASSERT_TRUE(found && found->has_value()) << key;
        EXPECT_EQ((*found)->idempotency_key, key);
        auto again = outbox->enqueue(op(key, "x"));
        ASSERT_TRUE(again);
        EXPECT_TRUE(again->duplicate) << key << " would be queued twice";
        EXPECT_EQ(again->id, id);
    }

    // The older ones come back through salvage, as after a quarantine at open.
    auto report = outbox->salvage(moved, nullptr);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_GT(report->recovered, 100);
    EXPECT_LT(report->recovered, 300);
    EXPECT_EQ(outbox->counts()->pending, 20 + report->recovered);

    // And delivery goes on.
    auto next = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(next && next->has_value());
}

TEST(OutboxIntegrity, AnIntactFileIsVerifiedInTheBackgroundAndThenDelivers) {
    TempDir dir;
    const std::string path = dir.file("outbox.db");
    { ASSERT_TRUE(open_at(path)->enqueue(op("a", "A"))); }

    CheckGate gate;
    Options options = automatic();
    options.background_check_started = gate.hook();
    options.unverified_bytes_limit = 10;
    auto outbox = open_at(path, options);
    ASSERT_TRUE(gate.wait_started());
    ASSERT_TRUE(outbox->enqueue(op("b", "B", "0123456789")));
    // What is kept in memory for a carry-over is bounded: beyond it, back-pressure.
    auto refused = outbox->enqueue(op("c", "C", "x"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, kErrorLimitReached);
    EXPECT_NE(refused.error().message.find("integrity check"), std::string::npos) << refused.error().message;

    gate.release();
    ASSERT_TRUE(outbox->wait_until_checked(30s));
    EXPECT_FALSE(outbox->quarantine().has_value());
    EXPECT_EQ(outbox->counts()->integrity, Integrity::Verified);
    EXPECT_TRUE(outbox->enqueue(op("c", "C", "x")));
    EXPECT_EQ(outbox->counts()->pending, 3);
    auto claimed = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(claimed && claimed->has_value());
    EXPECT_EQ((*claimed)->idempotency_key, "a");
}

TEST(OutboxIntegrity, ClosingJustAfterTheCheckStartedIsSafe) {
    TempDir dir;
    const std::string path = dir.file("outbox.db");
    { ASSERT_TRUE(open_at(path)->enqueue(op("a", "A"))); }
    CheckGate gate;
    Options options = automatic();
    options.background_check_started = gate.hook();
    auto outbox = open_at(path, options);
    ASSERT_TRUE(gate.wait_started());
    gate.release();
    outbox.reset();  // interrupts the check (or finds it finished) and joins its thread
    auto reopened = open_at(path, automatic());
    ASSERT_TRUE(reopened->wait_until_checked(30s));
    EXPECT_FALSE(reopened->quarantine().has_value());
    EXPECT_EQ(reopened->counts()->pending, 1);
}

// The totals kept by triggers must equal a recount after every kind of change.
void expect_totals_match_a_recount(Outbox& outbox, const std::string& path) {
    auto counts = outbox.counts();
    ASSERT_TRUE(counts);
    const auto recount = testing::first_row_integers(
        path,
        "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'in_flight'), 0), "
        "coalesce(sum(state = 'delivered'), 0), coalesce(sum(state = 'dead'), 0), "
        "coalesce(sum(CASE WHEN state != 'delivered' THEN octet_length(payload) END), 0), "
        "(SELECT min(created_at) FROM operations WHERE state = 'pending') FROM operations");
    ASSERT_EQ(recount.size(), 6u);
    EXPECT_EQ(counts->pending, recount[0]);
    EXPECT_EQ(counts->in_flight, recount[1]);
    EXPECT_EQ(counts->delivered, recount[2]);
    EXPECT_EQ(counts->dead, recount[3]);
    EXPECT_EQ(counts->undelivered_bytes, recount[4]);
    EXPECT_EQ(counts->oldest_pending_created_at, recount[5]);
}

TEST(OutboxTotals, MatchARecountAfterEveryKindOfChangeAndAcrossTheMigration) {
    TempDir dir;
    const std::string path = dir.file("outbox.db");
    auto outbox = open_at(path);
    // Multi-byte payloads: the limits count bytes, not characters.
    for (int i = 0; i < 12; ++i) {
        ASSERT_TRUE(outbox->enqueue(op("k" + std::to_string(i), "L" + std::to_string(i), "{\"who\":\"Sâlmân ✓\"}")));
    }
    auto sum = op("c1", "var", R"({"qty":1})");
    sum.coalesce_key = "var";
    sum.merge = [](const std::string&, const std::string&) -> Expected<std::string> { return std::string(R"({"qty":12345})"); };
    ASSERT_TRUE(outbox->enqueue(sum));
    auto merged = sum;
    merged.idempotency_key = "c2";
    ASSERT_TRUE(outbox->enqueue(merged)->coalesced);
    expect_totals_match_a_recount(*outbox, path);

    const UnixMillis now = wall_clock_now_ms();
    std::vector<OperationId> claimed;
    for (int i = 0; i < 6; ++i) {
        auto next = outbox->claim_next("din", now);
        ASSERT_TRUE(next && next->has_value());
        claimed.push_back((*next)->id);
    }
    expect_totals_match_a_recount(*outbox, path);  // in flight
    ASSERT_TRUE(outbox->mark_delivered(claimed[0], now));
    ASSERT_TRUE(outbox->mark_delivered(claimed[1], now));
    ASSERT_TRUE(outbox->reschedule(claimed[2], now + 60'000, "later"));
    ASSERT_TRUE(outbox->mark_dead(claimed[3], "no"));
    ASSERT_TRUE(outbox->mark_dead(claimed[4], "no"));
    expect_totals_match_a_recount(*outbox, path);
    // A batch's outcomes of every kind in one transaction (the delivery worker's way).
    auto batch = outbox->claim_batch("din", now, 4);
    ASSERT_TRUE(batch);
    ASSERT_EQ(batch->size(), 4u);
    expect_totals_match_a_recount(*outbox, path);
    const std::vector<Settlement> outcomes = {{(*batch)[0].id, Settlement::Kind::Delivered, now, {}},
                                              {(*batch)[1].id, Settlement::Kind::Retry, now + 60'000, "later"},
                                              {(*batch)[2].id, Settlement::Kind::Dead, now, "no"},
                                              {(*batch)[3].id, Settlement::Kind::Release, now, {}}};
    auto settled = outbox->settle(outcomes);
    ASSERT_TRUE(settled);
    for (const auto& result : *settled) EXPECT_TRUE(result);
    expect_totals_match_a_recount(*outbox, path);
    ASSERT_TRUE(outbox->retry_dead(claimed[3], "again"));
    ASSERT_TRUE(outbox->drop_dead(claimed[4], "obsolete"));
    ASSERT_TRUE(outbox->prune_delivered(now + 1));
    expect_totals_match_a_recount(*outbox, path);

    // Reopened with one left in flight: recovery moves it back to pending.
    outbox.reset();
    outbox = open_at(path);
    EXPECT_EQ(outbox->recovered_at_open(), 1);
    expect_totals_match_a_recount(*outbox, path);

    // A schema 4 file (no totals) gets them from one count at migration.
    outbox.reset();
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db,
                               "DROP TRIGGER operation_totals_insert; DROP TRIGGER operation_totals_delete; "
                               "DROP TRIGGER operation_totals_update; DROP TABLE operation_totals; "
                               "UPDATE operations SET state = 'delivered' WHERE idempotency_key = 'k11'; "
                               "ALTER TABLE operations DROP COLUMN clock_unreliable; "
                               "PRAGMA user_version = 4;",
                               nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(db);
    }
    outbox = open_at(path);
    expect_totals_match_a_recount(*outbox, path);
}

TEST(OutboxTotals, ByteLimitIsExactInBytesAcrossDeliveryAndReopen) {
    TempDir dir;
    const std::string path = dir.file("outbox.db");
    Options options;
    options.limits = {1000, 20};
    const std::string twelve_bytes = "\"ééééé\"";  // 7 characters, 12 bytes
    ASSERT_EQ(twelve_bytes.size(), 12u);
    auto outbox = open_at(path, options);
    ASSERT_TRUE(outbox->enqueue(op("a", "A", twelve_bytes)));
    auto refused = outbox->enqueue(op("b", "B", twelve_bytes));
    ASSERT_FALSE(refused) << "20 bytes allowed, 24 would be stored";
    EXPECT_EQ(refused.error().code, kErrorLimitReached);
    EXPECT_TRUE(outbox->enqueue(op("b", "B", "\"12345\"")));  // 12 + 7 = 19
    EXPECT_EQ(outbox->counts()->undelivered_bytes, 19);

    auto claimed = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(claimed && claimed->has_value());
    ASSERT_TRUE(outbox->mark_delivered((*claimed)->id, wall_clock_now_ms()));
    outbox.reset();
    outbox = open_at(path, options);
    EXPECT_EQ(outbox->counts()->undelivered_bytes, 7);
    EXPECT_TRUE(outbox->enqueue(op("c", "C", twelve_bytes)));   // 19
    EXPECT_FALSE(outbox->enqueue(op("d", "D", "\"xx\"")));  // 23
}

}  // namespace
}  // namespace outpost::outbox
