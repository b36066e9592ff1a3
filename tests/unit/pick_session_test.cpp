// The pick session's state machine on a real catalog file and a real outbox, with a fake clock
// and the sim indicator (the HAL boundary): the happy path, each refusal (unknown order, wrong
// item, wrong batch, missing batch, expired batch, over-pick), partial confirms, cancel, and a
// confirm that queues exactly one operation, passing intake's picking-order rules, and says
// "done" only after the commit.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hal/sim/sim_indicator.hpp"
#include "outpost/catalog/catalog.hpp"
#include "outpost/intake/picking_order.hpp"
#include "outpost/outbox/outbox.hpp"
#include "outpost/picking/pick_session.hpp"
#include "temp_dir.hpp"

namespace outpost::picking {
namespace {

constexpr UnixMillis kNow = 1795403700000;  // 2026-11-23T03:15:00Z, 10:15 in the warehouse (+07:00)
constexpr const char* kBcg = "08991234567891";  // (the contract's example, 08991234567895, fails its check digit)
constexpr const char* kDpt = "08991234567907";
constexpr const char* kPolio = "08991234567914";  // in the catalog, on no order
constexpr const char* kUnknown = "08991234567921";  // not in the catalog
const std::string GS = "\x1d";

catalog::MasterRecord material(std::int64_t id, const std::string& code, const std::string& gtin, bool is_batch) {
    catalog::MasterRecord record;
    record.id = id;
    record.code = code;
    record.name = "Material " + code;
    record.gtin = gtin;
    record.uom = "vial";
    record.is_batch = is_batch;
    record.updated_at = "2026-11-01T00:00:00Z";
    record.data = "{}";
    return record;
}

// GS1-128 as a scanner sends it: (01) GTIN, (17) expiry, (10) batch last (variable length).
std::string item_scan(const std::string& gtin, const std::string& expiry = "", const std::string& batch = "",
                      const std::string& count = "") {
    std::string raw = "]C101" + gtin;
    if (!expiry.empty()) raw += "17" + expiry;
    if (!count.empty()) raw += "30" + count + GS;
    if (!batch.empty()) raw += "10" + batch;
    return raw;
}

class PickSessionTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = catalog::Catalog::open(dir.file("catalog.db"));
        ASSERT_TRUE(opened) << opened.error().describe();
        catalog = std::move(*opened);
        ASSERT_TRUE(catalog->upsert(catalog::EntityType::Materials,
                                    std::vector{material(1, "BCG-20", kBcg, true), material(2, "DPT-10", kDpt, false),
                                                material(3, "POLIO-5", kPolio, true)}));
        catalog::PickList list;
        list.order_id = 48211;
        list.key_ssl = "SSL-2026-000123";
        list.status = "allocated";
        list.items = {{1, "BCG-20", 3, "B2311A", "{}"}, {2, "DPT-10", 2, "", "{}"}};
        list.data = "{}";
        ASSERT_TRUE(catalog->upsert_pick_lists(std::vector{list}));

        auto outbox_opened = outbox::Outbox::open(dir.file("outbox.db"));
        ASSERT_TRUE(outbox_opened) << outbox_opened.error().describe();
        outbox = std::move(*outbox_opened);

        PickSessionOptions options;
        options.device_id = "st-01";
        options.utc_offset_minutes = 7 * 60;
        session = std::make_unique<PickSession>(
            *catalog, indicator,
            [this](const nlohmann::json& payload, const std::string& key) -> Expected<std::int64_t> {
                ++enqueue_calls;
                beeps_at_enqueue = indicator.beeps().size();
                if (!enqueue_failure.empty()) return make_error("outbox", enqueue_failure);
                auto operation = intake::prepare_picking_order(payload, key, "st-01");
                if (!operation) return operation.error();
                auto stored = outbox->enqueue(*operation);
                if (!stored) return stored.error();
                return stored->id;
            },
            [this] { return now; }, options);
    }

    void expect_refused(const std::string& raw, const std::string& message_part) {
        const auto beeps = indicator.beeps().size();
        const auto outcome = session->handle_scan(raw);
        EXPECT_EQ(outcome.verdict, Verdict::refused) << outcome.message;
        EXPECT_NE(outcome.message.find(message_part), std::string::npos) << outcome.message;
        ASSERT_EQ(indicator.beeps().size(), beeps + 1);
        EXPECT_EQ(indicator.beeps().back(), hal::BeepPattern::error);
    }
    void expect_accepted(const std::string& raw) {
        const auto outcome = session->handle_scan(raw);
        EXPECT_EQ(outcome.verdict, Verdict::accepted) << outcome.message;
        ASSERT_FALSE(indicator.beeps().empty());
        EXPECT_EQ(indicator.beeps().back(), hal::BeepPattern::ok);
    }
    std::int64_t pending() {
        auto counts = outbox->counts();
        EXPECT_TRUE(counts);
        return counts ? counts->pending : -1;
    }

    outpost::testing::TempDir dir;
    std::unique_ptr<catalog::Catalog> catalog;
    std::unique_ptr<outbox::Outbox> outbox;
    hal::sim::SimIndicator indicator;
    UnixMillis now = kNow;
    int enqueue_calls = 0;
    std::size_t beeps_at_enqueue = 0;
    std::string enqueue_failure;
    std::unique_ptr<PickSession> session;
};

TEST_F(PickSessionTest, HappyPathQueuesOnePickingOrderAndSaysDoneAfterTheCommit) {
    expect_accepted("]C0SSL-2026-000123");
    EXPECT_EQ(indicator.led().mode, hal::LedState::Mode::blink);
    EXPECT_EQ(session->status()["state"], "picking");
    EXPECT_EQ(session->status()["lines_remaining"], 2);

    expect_accepted(item_scan(kBcg, "270531", "B2311A"));
    expect_accepted(item_scan(kBcg, "270531", "B2311A", "2"));  // (30) count 2
    expect_accepted(item_scan(kDpt));                           // not batch-managed: GTIN only
    expect_accepted("]E0" + std::string(kDpt).substr(1));       // the EAN-13 on the vial
    EXPECT_EQ(session->status()["lines_picked"], 2);
    EXPECT_EQ(session->status()["lines_remaining"], 0);

    const auto done = session->handle_scan("]C0CONFIRM");
    ASSERT_EQ(done.verdict, Verdict::queued) << done.message;
    ASSERT_TRUE(done.operation_id.has_value());
    EXPECT_EQ(enqueue_calls, 1);
    // "done" (steady LED, OK beep) came after the enqueue returned, not before.
    EXPECT_EQ(indicator.led(), hal::LedState::on());
    EXPECT_EQ(indicator.beeps().size(), beeps_at_enqueue + 1);
    EXPECT_EQ(pending(), 1);

    auto stored = outbox->find(*done.operation_id);
    ASSERT_TRUE(stored && stored->has_value());
    EXPECT_EQ((*stored)->kind, "picking-order");
    EXPECT_EQ((*stored)->lane, "din/SSL-2026-000123");
    const auto payload = nlohmann::json::parse((*stored)->payload);
    EXPECT_EQ(payload["key_ssl"], "SSL-2026-000123");
    EXPECT_EQ(payload["order_id"], 48211);
    EXPECT_EQ(payload["picked_at"], "2026-11-23T10:15:00+07:00");
    ASSERT_EQ(payload["items"].size(), 2u);
    EXPECT_EQ(payload["items"][0],
              (nlohmann::json{{"material_code", "BCG-20"}, {"gtin", kBcg}, {"batch_code", "B2311A"},
                              {"expired_date", "2027-05-31"}, {"qty", 3}, {"uom", "vial"}}));
    EXPECT_EQ(payload["items"][1], (nlohmann::json{{"material_code", "DPT-10"}, {"gtin", kDpt}, {"qty", 2}, {"uom", "vial"}}));
    EXPECT_EQ(session->status()["state"], "idle");
    EXPECT_EQ(session->status()["last_order"], "SSL-2026-000123");
}

TEST_F(PickSessionTest, AnOrderIsAlsoFoundByItsSmileOrderId) { expect_accepted("48211"); }

TEST_F(PickSessionTest, AnUnknownOrderIsRefused) {
    expect_refused("]C0SSL-2026-999999", "unknown order 'SSL-2026-999999'");
    EXPECT_EQ(session->status()["state"], "idle");
    expect_refused(item_scan(kBcg, "270531", "B2311A"), "unknown order");  // no order open: not an order code
}

TEST_F(PickSessionTest, WrongItemsAreRefusedAndChangeNothing) {
    expect_accepted("SSL-2026-000123");
    expect_refused(item_scan(kPolio, "270531", "P1"), "wrong item: POLIO-5");
    expect_refused(item_scan(kUnknown), "GTIN 08991234567921 is not a material");
    expect_refused(item_scan(kBcg, "270531", "OTHER"), "wrong batch");
    expect_refused(item_scan(kBcg, "270531"), "batch missing");
    expect_refused("]C101" + std::string(kBcg).substr(0, 13) + "4", "check digit");
    expect_refused("]C0SSL-2026-000124", "no GTIN");
    const auto status = session->status();  // kept: a range over a temporary's member would dangle
    for (const auto& line : status["lines"]) EXPECT_EQ(line["picked"], 0);
}

TEST_F(PickSessionTest, AnExpiredBatchIsRefusedInTheWarehousesDay) {
    expect_accepted("SSL-2026-000123");
    expect_refused(item_scan(kBcg, "261122", "B2311A"), "expired batch B2311A of BCG-20: expired 2026-11-22");
    // Day 00 is the month's last day: 2026-10-31, expired.
    expect_refused(item_scan(kBcg, "261000", "B2311A"), "expired 2026-10-31");
    // Expiring today is still usable; day 00 of this month (the 30th) too.
    expect_accepted(item_scan(kBcg, "261123", "B2311A"));
    expect_accepted(item_scan(kBcg, "261100", "B2311A"));
    // 23:30 UTC on the 23rd is already the 24th in the warehouse (+07:00).
    now = kNow + (20 * 60 + 15) * 60'000LL;
    expect_refused(item_scan(kBcg, "261123", "B2311A"), "expired 2026-11-23");
}

TEST_F(PickSessionTest, OverPicksAreRefused) {
    expect_accepted("SSL-2026-000123");
    expect_refused(item_scan(kBcg, "270531", "B2311A", "4"), "over-pick: BCG-20 batch B2311A: 0 of 3");
    expect_accepted(item_scan(kBcg, "270531", "B2311A", "3"));
    expect_refused(item_scan(kBcg, "270531", "B2311A"), "over-pick: BCG-20 batch B2311A: 3 of 3 already picked");
    expect_accepted(item_scan(kDpt));
    expect_accepted(item_scan(kDpt));
    expect_refused(item_scan(kDpt), "over-pick: DPT-10: 2 of 2");
}

TEST_F(PickSessionTest, ConfirmQueuesExactlyOneOperationAndAFailedEnqueueKeepsThePicks) {
    expect_refused("CONFIRM", "nothing to confirm");
    expect_accepted("SSL-2026-000123");
    EXPECT_EQ(session->handle_confirm().verdict, Verdict::refused);  // nothing picked yet
    EXPECT_EQ(enqueue_calls, 0);
    expect_accepted(item_scan(kBcg, "270531", "B2311A"));

    enqueue_failure = "the outbox is full";
    const auto failed = session->handle_confirm();
    EXPECT_EQ(failed.verdict, Verdict::refused);
    EXPECT_NE(failed.message.find("not queued: the outbox is full"), std::string::npos) << failed.message;
    EXPECT_EQ(indicator.beeps().back(), hal::BeepPattern::error);
    EXPECT_NE(indicator.led(), hal::LedState::on());
    EXPECT_EQ(session->status()["state"], "picking");
    EXPECT_EQ(pending(), 0);

    enqueue_failure.clear();
    const auto queued = session->handle_confirm();  // a partial pick: legal, and said so
    ASSERT_EQ(queued.verdict, Verdict::queued) << queued.message;
    EXPECT_NE(queued.message.find("partial: 4 unit(s) left"), std::string::npos) << queued.message;
    EXPECT_EQ(pending(), 1);
    EXPECT_EQ(enqueue_calls, 2);
    // A second confirm has no session to confirm: still one operation.
    EXPECT_EQ(session->handle_confirm().verdict, Verdict::refused);
    EXPECT_EQ(enqueue_calls, 2);
    EXPECT_EQ(pending(), 1);
}

TEST_F(PickSessionTest, CancelDropsThePicks) {
    expect_accepted("SSL-2026-000123");
    expect_accepted(item_scan(kDpt));
    const auto cancelled = session->handle_scan("]C0CANCEL");
    EXPECT_EQ(cancelled.verdict, Verdict::cancelled);
    EXPECT_EQ(indicator.led(), hal::LedState::off());
    EXPECT_EQ(session->status()["state"], "idle");
    EXPECT_EQ(enqueue_calls, 0);
    expect_accepted("SSL-2026-000123");  // a fresh session: nothing picked
    EXPECT_EQ(session->status()["lines"][1]["picked"], 0);
}

}  // namespace
}  // namespace outpost::picking
