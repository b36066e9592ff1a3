// Intake against the catalog (a real SQLite catalog file): unknown materials and GTINs, expired
// batches, the stale-catalog policy, disposal cancellations' fields and entity. Also the
// RFC 3339 parser the checks and the WMS pulls rely on.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "outpost/catalog/catalog.hpp"
#include "outpost/common/clock.hpp"
#include "outpost/intake/catalog_checks.hpp"
#include "outpost/intake/disposal_cancellation.hpp"
#include "outpost/intake/operation_kinds.hpp"
#include "temp_dir.hpp"

namespace outpost::intake {
namespace {

// 2026-11-23T10:00:00Z: 17:00 in Jakarta (+07:00).
constexpr UnixMillis kNow = 1'795'428'000'000;
constexpr UnixMillis kHour = 3'600'000;

nlohmann::json order_with(nlohmann::json item, const std::string& picked_at = "2026-11-23T17:00:00+07:00") {
    return {{"key_ssl", "SSL-1"}, {"picking_no", "P-1"}, {"picked_at", picked_at}, {"items", {std::move(item)}}};
}

nlohmann::json item(const std::string& code, const std::string& gtin, const std::string& expiry = "2027-05-31",
                    int qty = 5) {
    nlohmann::json out = {{"batch_code", "B1"}, {"expired_date", expiry}, {"qty", qty}};
    if (!code.empty()) out["material_code"] = code;
    if (!gtin.empty()) out["gtin"] = gtin;
    return out;
}

class CatalogChecks : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = catalog::Catalog::open(dir.file("catalog.db"));
        ASSERT_TRUE(opened) << opened.error().describe();
        store = std::move(*opened);
        catalog::MasterRecord bcg;
        bcg.id = 12;
        bcg.code = "BCG-20";
        bcg.gtin = "08991234567895";
        bcg.updated_at = "2026-11-01T00:00:00Z";
        catalog::MasterRecord dt = bcg;
        dt.id = 13;
        dt.code = "DT-10";
        dt.gtin = "08991234567901";
        ASSERT_TRUE(store->upsert(catalog::EntityType::Materials, std::vector{bcg, dt}));
        catalog::MasterRecord entity;
        entity.id = 12;
        entity.code = "ENT-012";
        entity.updated_at = "2026-11-01T00:00:00Z";
        ASSERT_TRUE(store->upsert(catalog::EntityType::Entities, std::vector{entity}));
        pulled(kNow - kHour);
    }
    void pulled(UnixMillis at) {
        ASSERT_TRUE(store->record_pull("materials", at, "2026-11-01T00:00:00Z"));
        ASSERT_TRUE(store->record_pull("entities", at, "2026-11-01T00:00:00Z"));
    }
    IntakeContext context(bool reject = false) const {
        return IntakeContext{"hh-07", kNow, store.get(), CatalogPolicy{std::chrono::hours(24), reject}};
    }
    outpost::testing::TempDir dir;
    std::unique_ptr<catalog::Catalog> store;
};

TEST_F(CatalogChecks, KnownMaterialsPassUnflaggedByCodeByGtinOrBoth) {
    for (const auto& one : {item("BCG-20", ""), item("", "08991234567895"), item("", "8991234567895"),
                            item("BCG-20", "08991234567895")}) {
        auto verdict = check_picking_items(order_with(one), context());
        ASSERT_TRUE(verdict) << one.dump() << ": " << verdict.error().message;
        EXPECT_EQ(verdict->flag, "") << one.dump();
    }
}

struct Refusal {
    const char* name;
    nlohmann::json item;
    const char* fragment;
};

TEST_F(CatalogChecks, UnknownOrInconsistentMaterialsAreRefusedNamingTheItem) {
    for (const auto& [name, bad, fragment] : std::vector<Refusal>{
             {"unknown code", item("XYZ-1", ""), "items[0] (XYZ-1, batch B1): material_code XYZ-1 is not a known material"},
             {"unknown gtin", item("", "08990000000000"), "items[0] (08990000000000, batch B1): GTIN 08990000000000 is not"},
             {"gtin of another material", item("BCG-20", "08991234567901"), "GTIN 08991234567901 is material DT-10, not BCG-20"},
             {"no material at all", item("", ""), "items[0] (batch B1) names no material"}}) {
        auto verdict = check_picking_items(order_with(bad), context());
        ASSERT_FALSE(verdict) << name;
        EXPECT_NE(verdict.error().message.find(fragment), std::string::npos) << name << ": " << verdict.error().message;
    }
    // The second item is named when it is the bad one.
    auto order = order_with(item("BCG-20", ""));
    order["items"].push_back(item("NOPE", ""));
    auto verdict = check_picking_items(order, context());
    ASSERT_FALSE(verdict);
    EXPECT_NE(verdict.error().message.find("items[1] (NOPE"), std::string::npos) << verdict.error().message;
}

TEST_F(CatalogChecks, AnExpiredBatchIsRefusedEvenWithAStaleCatalog) {
    auto fresh = check_picking_items(order_with(item("BCG-20", "", "2026-11-22")), context());
    ASSERT_FALSE(fresh);
    EXPECT_NE(fresh.error().message.find("items[0] (BCG-20, batch B1) expired on 2026-11-22"), std::string::npos)
        << fresh.error().message;
    pulled(kNow - 100 * kHour);
    EXPECT_FALSE(check_picking_items(order_with(item("BCG-20", "", "2026-11-22")), context()));
    // Expiring today is still usable today.
    EXPECT_TRUE(check_picking_items(order_with(item("BCG-20", "", "2026-11-23")), context()));
}

TEST_F(CatalogChecks, TodayIsTheWarehouseDayOfThePickNotTheDeviceClocksUtcDay) {
    // 2026-11-23T20:00Z is already 2026-11-24 in Jakarta: a batch that expired on the 23rd is
    // expired there, though in UTC it is still the 23rd.
    IntakeContext late = context();
    late.now = kNow + 10 * kHour;
    pulled(late.now - kHour);
    EXPECT_FALSE(check_picking_items(order_with(item("BCG-20", "", "2026-11-23"), "2026-11-24T03:00:00+07:00"), late));
    EXPECT_TRUE(check_picking_items(order_with(item("BCG-20", "", "2026-11-23"), "2026-11-23T20:00:00Z"), late));
}

TEST_F(CatalogChecks, AStaleCatalogAcceptsAndFlagsByDefault) {
    pulled(kNow - 25 * kHour);
    auto verdict = check_picking_items(order_with(item("UNKNOWN-BUT-NEW", "")), context());
    ASSERT_TRUE(verdict) << verdict.error().message;
    EXPECT_NE(verdict->flag.find("materials were last pulled 25 h ago (older than 24 h)"), std::string::npos)
        << verdict->flag;
}

TEST_F(CatalogChecks, AStaleCatalogRefusesWithTheRejectPolicy) {
    pulled(kNow - 25 * kHour);
    auto verdict = check_picking_items(order_with(item("BCG-20", "")), context(/*reject=*/true));
    ASSERT_FALSE(verdict);
    EXPECT_NE(verdict.error().message.find("stale_policy = \"reject\""), std::string::npos) << verdict.error().message;
    EXPECT_NE(verdict.error().message.find("25 h ago"), std::string::npos) << verdict.error().message;
}

TEST_F(CatalogChecks, NoCatalogOrANeverPulledOneIsStale) {
    IntakeContext none = context();
    none.catalog = nullptr;
    auto without = check_picking_items(order_with(item("BCG-20", "")), none);
    ASSERT_TRUE(without);
    EXPECT_NE(without->flag.find("no catalog"), std::string::npos) << without->flag;

    outpost::testing::TempDir other;
    auto empty = catalog::Catalog::open(other.file("catalog.db"));
    ASSERT_TRUE(empty);
    IntakeContext never = context();
    never.catalog = empty->get();
    auto flagged = check_picking_items(order_with(item("BCG-20", "")), never);
    ASSERT_TRUE(flagged);
    EXPECT_NE(flagged->flag.find("materials were never pulled"), std::string::npos) << flagged->flag;
    never.catalog_policy.reject_when_stale = true;
    EXPECT_FALSE(check_picking_items(order_with(item("BCG-20", "")), never));
}

nlohmann::json cancellation() {
    return {{"disposal_instruction_no", "DI-2026-0042"},
            {"entity_id", 12},
            {"reason", "wrong batch"},
            {"cancelled_at", "2026-11-23T11:00:00+07:00"},
            {"cancelled_by", "op-0042"}};
}

TEST_F(CatalogChecks, DisposalCancellationNeedsAKnownEntity) {
    auto known = check_disposal_entity(cancellation(), context());
    ASSERT_TRUE(known) << known.error().message;
    EXPECT_EQ(known->flag, "");
    auto body = cancellation();
    body["entity_id"] = 999;
    auto unknown = check_disposal_entity(body, context());
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("entity_id 999 is not a known entity"), std::string::npos)
        << unknown.error().message;
    pulled(kNow - 30 * kHour);
    auto stale = check_disposal_entity(body, context());
    ASSERT_TRUE(stale);
    EXPECT_NE(stale->flag.find("entities were last pulled"), std::string::npos) << stale->flag;
}

TEST(DisposalCancellationIntake, AValidBodyIsQueuedForWmsInTheInstructionsLane) {
    auto prepared = prepare_disposal_cancellation(cancellation(), "k-1");
    ASSERT_TRUE(prepared) << prepared.error().message;
    EXPECT_EQ(prepared->kind, "disposal-cancellation");
    EXPECT_EQ(prepared->upstream, "wms");
    EXPECT_EQ(prepared->lane, "wms/disposal/DI-2026-0042");
    EXPECT_EQ(prepared->idempotency_key, "k-1");
    EXPECT_EQ(nlohmann::json::parse(prepared->payload), cancellation());
    const OperationKind* kind = find_operation_kind("disposal-cancellation");
    ASSERT_NE(kind, nullptr);
    EXPECT_EQ(kind->upstream, "wms");
    EXPECT_NE(kind->check_catalog, nullptr);
    EXPECT_NE(find_operation_kind("picking-order")->check_catalog, nullptr);
}

TEST(DisposalCancellationIntake, EachRuleNamesItsField) {
    struct Case {
        const char* field;
        nlohmann::json value;  // null: removed
        const char* fragment;
    };
    for (const auto& [field, value, fragment] : std::vector<Case>{
             {"disposal_instruction_no", nullptr, "disposal_instruction_no is required"},
             {"disposal_instruction_no", "", "disposal_instruction_no must be a non-empty string"},
             {"entity_id", 0, "entity_id must be a positive integer (got 0)"},
             {"entity_id", "12", "entity_id must be a positive integer"},
             {"entity_id", 12.5, "entity_id must be a positive integer"},
             {"reason", nullptr, "reason is required"},
             {"cancelled_at", "2026-11-23 11:00", "cancelled_at must be RFC 3339"},
             {"cancelled_at", "2026-11-23T11:00:00", "cancelled_at must be RFC 3339"},
             {"cancelled_by", 42, "cancelled_by must be a non-empty string"}}) {
        auto body = cancellation();
        if (value.is_null()) {
            body.erase(field);
        } else {
            body[field] = value;
        }
        auto prepared = prepare_disposal_cancellation(body, "");
        ASSERT_FALSE(prepared) << field;
        EXPECT_NE(prepared.error().message.find(fragment), std::string::npos) << prepared.error().message;
    }
    EXPECT_FALSE(prepare_disposal_cancellation(nlohmann::json::array(), ""));
}

TEST(Rfc3339, ParsesOffsetsAndFractionsAndRefusesLocalTimes) {
    auto jakarta = parse_rfc3339("2026-11-23T17:00:00+07:00");
    ASSERT_TRUE(jakarta);
    EXPECT_EQ(jakarta->at, kNow);
    EXPECT_EQ(jakarta->offset_minutes, 420);
    auto utc = parse_rfc3339("2026-11-23T10:00:00.250Z");
    ASSERT_TRUE(utc);
    EXPECT_EQ(utc->at, kNow + 250);
    EXPECT_EQ(utc->offset_minutes, 0);
    auto west = parse_rfc3339("2026-11-23T05:00:00-05:00");
    ASSERT_TRUE(west);
    EXPECT_EQ(west->at, kNow);
    EXPECT_EQ(west->offset_minutes, -300);
    EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z")->at, 0);
    for (const char* bad : {"2026-11-23T10:00:00", "2026-11-23", "2026-02-29T00:00:00Z", "2026-11-23T24:00:00Z",
                            "2026-11-23T10:00:00+7:00", "2026-11-23T10:00:00.Z", "", "not a date at all!!"}) {
        EXPECT_FALSE(parse_rfc3339(bad)) << bad;
    }
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(2026, 11, 23), kNow / 86'400'000);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

}  // namespace
}  // namespace outpost::intake
