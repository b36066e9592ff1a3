// The outbox under storage faults, through a fault-injecting SQLite VFS: a full disk, a failing
// card, and power cuts at random moments (unsynced writes lost).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "fault_vfs.hpp"
#include "outpost/outbox/outbox.hpp"
#include "temp_dir.hpp"

namespace outpost::outbox {
namespace {

using outpost::testing::FaultVfs;
using outpost::testing::TempDir;

NewOperation op(const std::string& key, const std::string& lane, std::size_t payload_bytes = 300) {
    NewOperation operation;
    operation.idempotency_key = key;
    operation.kind = "picking-order";
    operation.upstream = "din";
    operation.lane = lane;
    operation.payload = "{\"key\":\"" + key + "\",\"pad\":\"" + std::string(payload_bytes, 'x') + "\"}";
    return operation;
}

class OutboxFaultTest : public ::testing::Test {
protected:
    void SetUp() override {
        FaultVfs::install();
        FaultVfs::reset();
    }
    void TearDown() override { FaultVfs::reset(); }
    std::unique_ptr<Outbox> open_faulty() {
        Options options;
        options.vfs = FaultVfs::kName;
        auto opened = Outbox::open(dir.file("outbox.db"), options);
        EXPECT_TRUE(opened) << (opened ? "" : opened.error().describe());
        return opened ? std::move(*opened) : nullptr;
    }
    TempDir dir;
};

TEST_F(OutboxFaultTest, FullDiskRefusesNewWorkClearlyAndLosesNothing) {
    auto outbox = open_faulty();
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(outbox->enqueue(op("before-" + std::to_string(i), "A")));

    FaultVfs::set_disk_full(true);
    std::vector<NewOperation> big;
    for (int i = 0; i < 50; ++i) big.push_back(op("during-" + std::to_string(i), "B", 4000));
    auto refused = outbox->enqueue(big);
    ASSERT_FALSE(refused) << "a batch that needs new space was stored on a full disk";
    EXPECT_TRUE(is_storage_failure(refused.error())) << refused.error().describe();
    EXPECT_NE(refused.error().message.find("disk"), std::string::npos) << refused.error().message;

    // What was committed before is all there and readable.
    auto counts = outbox->counts();
    ASSERT_TRUE(counts);
    EXPECT_EQ(counts->pending, 20);

    FaultVfs::set_disk_full(false);
    auto after = outbox->enqueue(op("after", "B"));
    ASSERT_TRUE(after) << after.error().describe();
    EXPECT_EQ(outbox->counts()->pending, 21);
}

TEST_F(OutboxFaultTest, IoErrorFailsEnqueueAndDeliveryBookkeepingRecovers) {
    auto outbox = open_faulty();
    auto first = outbox->enqueue(op("k1", "A"));
    ASSERT_TRUE(first);
    auto claimed = outbox->claim_next("din", wall_clock_now_ms());
    ASSERT_TRUE(claimed && claimed->has_value());

    FaultVfs::fail_writes_with(SQLITE_IOERR_WRITE);
    auto refused = outbox->enqueue(op("k2", "A"));
    ASSERT_FALSE(refused);
    EXPECT_TRUE(is_storage_failure(refused.error())) << refused.error().describe();
    EXPECT_FALSE(outbox->mark_delivered(first->id, wall_clock_now_ms()));

    FaultVfs::fail_writes_with(0);
    // The failed settlement left the operation in flight; settling again now works.
    ASSERT_TRUE(outbox->mark_delivered(first->id, wall_clock_now_ms()));
    ASSERT_TRUE(outbox->enqueue(op("k2", "A")));
    EXPECT_EQ(outbox->counts()->delivered, 1);
    EXPECT_EQ(outbox->counts()->pending, 1);
}

TEST_F(OutboxFaultTest, AcknowledgementAfterUnsyncedOutcomesStillSurvivesAPowerCut) {
    const std::string path = dir.file("outbox.db");
    std::int64_t acknowledged = 0;
    {
        auto outbox = open_faulty();
        auto first = outbox->enqueue(op("first", "A"));
        ASSERT_TRUE(first);
        auto claimed = outbox->claim_batch("din", wall_clock_now_ms(), 4);
        ASSERT_TRUE(claimed && claimed->size() == 1);
        const std::vector<Settlement> delivered = {{first->id, Settlement::Kind::Delivered, wall_clock_now_ms(), {}}};
        ASSERT_TRUE(outbox->settle(delivered));  // committed without an fsync
        auto second = outbox->enqueue(op("second", "B"));  // acknowledged: must be synced
        ASSERT_TRUE(second);
        acknowledged = second->id;
        FaultVfs::cut_power_now();
    }
    FaultVfs::reset();
    std::filesystem::remove(path + "-shm");
    auto reopened = Outbox::open(path);
    ASSERT_TRUE(reopened) << reopened.error().describe();
    auto found = (*reopened)->find(acknowledged);
    ASSERT_TRUE(found && found->has_value()) << "an acknowledged operation was lost: the sync level was not restored";
    // The outcome before it was synced by the same fsync (the WAL is appended in order).
    auto first = (*reopened)->enqueue(op("first", "A"));
    ASSERT_TRUE(first && first->duplicate);
    EXPECT_EQ((*(*reopened)->find(first->id))->state, State::Delivered);
}

// One round: producers and a deliverer run until the power is cut at a random I/O call; then
// the file is reopened as after a reboot and must be intact and hold every acknowledged key.
struct RoundResult {
    std::size_t acknowledged = 0;
    std::size_t lost = 0;
    bool intact = false;
};

RoundResult power_cut_round(const TempDir& dir, std::mt19937& random, int round) {
    const std::string path = dir.file("round-" + std::to_string(round) + ".db");
    FaultVfs::reset();
    Options options;
    options.vfs = FaultVfs::kName;
    if (std::getenv("OUTPOST_POWER_CUT_NORMAL") != nullptr) options.sync = SyncLevel::Normal;  // shows the test can fail
    auto opened = Outbox::open(path, options);
    if (!opened) return {};
    std::unique_ptr<Outbox> outbox = std::move(*opened);

    std::mutex acknowledged_mutex;
    std::set<std::string> acknowledged;
    FaultVfs::arm_power_cut(std::uniform_int_distribution<std::int64_t>(1, 400)(random));
    const auto seed = static_cast<unsigned>(random());
    auto producer = [&](int id) {
        std::mt19937 local(seed + static_cast<unsigned>(id));
        for (int batch = 0; !FaultVfs::power_is_cut() && batch < 500; ++batch) {
            std::vector<NewOperation> operations;
            const int size = std::uniform_int_distribution<int>(1, 4)(local);
            for (int i = 0; i < size; ++i) {
                operations.push_back(op("p" + std::to_string(id) + "-" + std::to_string(batch) + "-" + std::to_string(i),
                                        "lane-" + std::to_string(i % 3)));
            }
            auto stored = outbox->enqueue(operations);
            if (!stored) continue;  // not acknowledged: the producer would retry later
            std::lock_guard lock(acknowledged_mutex);
            for (const auto& one : operations) acknowledged.insert(one.idempotency_key);
        }
    };
    std::thread deliverer([&] {
        // As the delivery worker does: a batch claimed, most delivered, the last released
        // (claims and outcomes are committed without an fsync, the enqueues with one).
        while (!FaultVfs::power_is_cut()) {
            auto claimed = outbox->claim_batch("din", wall_clock_now_ms(), 4);
            if (!claimed || claimed->empty()) continue;
            std::vector<Settlement> outcomes;
            for (const auto& operation : *claimed) {
                const bool last = &operation == &claimed->back() && claimed->size() > 1;
                outcomes.push_back({operation.id, last ? Settlement::Kind::Release : Settlement::Kind::Delivered,
                                    wall_clock_now_ms(), {}});
            }
            (void)outbox->settle(outcomes);
        }
    });
    std::thread first(producer, 1);
    std::thread second(producer, 2);
    first.join();
    second.join();
    FaultVfs::cut_power_now();  // if the producers ran out of work first
    deliverer.join();
    outbox.reset();  // the "machine" is gone; nothing written after the cut reached the disk

    FaultVfs::reset();
    std::filesystem::remove(path + "-shm");  // shared memory does not survive a reboot
    RoundResult result;
    result.acknowledged = acknowledged.size();
    auto reopened = Outbox::open(path);  // default VFS, quick_check on
    if (!reopened || (*reopened)->quarantine()) return result;
    result.intact = true;
    for (const auto& key : acknowledged) {
        auto again = (*reopened)->enqueue(op(key, "check"));
        if (!again || !again->duplicate) ++result.lost;
    }
    return result;
}

TEST_F(OutboxFaultTest, PowerCutAtRandomMomentsLosesNoAcknowledgedOperation) {
    const unsigned seed = std::random_device{}();
    std::mt19937 random(seed);
    constexpr int kRounds = 100;
    std::size_t acknowledged = 0;
    std::size_t lost = 0;
    for (int round = 0; round < kRounds; ++round) {
        const RoundResult result = power_cut_round(dir, random, round);
        ASSERT_TRUE(result.intact) << "round " << round << " (seed " << seed << "): the outbox was damaged";
        acknowledged += result.acknowledged;
        lost += result.lost;
    }
    std::printf("power cut: %d rounds, acknowledged %zu, lost %zu (seed %u)\n", kRounds, acknowledged, lost, seed);
    EXPECT_EQ(lost, 0u) << "seed " << seed;
    EXPECT_GT(acknowledged, 0u);
}

}  // namespace
}  // namespace outpost::outbox
