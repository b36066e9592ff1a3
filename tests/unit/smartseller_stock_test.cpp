// Intake of the SmartSeller stock kinds: the seed's bodies accepted as they are, lanes and
// coalescing keys, transfers split per 100 variations, and refusals that name the field.

#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "outpost/intake/operation_kinds.hpp"
#include "outpost/intake/smartseller_stock.hpp"

namespace outpost::intake {
namespace {

// The seed's example bodies (004, "Update Stock", "Sync Stock", "Create Stock Opname",
// "Create Stock Transfer").
nlohmann::json update_example() {
    return nlohmann::json::parse(R"({
      "variation_id": 123,
      "stock": [{"amount": 10, "status": "add", "warehouse_id": 1},
                {"amount": 10, "status": "add", "warehouse_id": 3}],
      "description": "Tambahkan stok bulan ini",
      "move_warehouse_stock": true})");
}
nlohmann::json single_update(const char* status = "ADD") {
    return {{"variation_id", 7},
            {"stock", {{{"amount", 2}, {"status", status}, {"warehouse_id", 3}}}},
            {"description", "scan"}};
}
nlohmann::json sync_example() { return {{"variation_id", 1}, {"amount", 20}}; }
nlohmann::json opname_example() {
    return nlohmann::json::parse(R"({
      "warehouse_id": 0, "description": "Stok opname bulanan",
      "stock_adjustment": [{"variation_id": 10113507, "warehouse_stock": 35},
                           {"variation_id": 10113503, "warehouse_stock": 35}]})");
}
nlohmann::json transfer_of(std::size_t variations) {
    nlohmann::json body = {{"origin_warehouse_id", 4},
                           {"destination_warehouse_id", 5},
                           {"description", "Stok transfer Gudang Surabaya ke gudang Malang"},
                           {"stock_adjustment", nlohmann::json::array()}};
    for (std::size_t i = 0; i < variations; ++i) {
        body["stock_adjustment"].push_back({{"variation_id", 8055000 + i}, {"transfer_stock", 1 + i % 7}});
    }
    return body;
}

TEST(SmartSellerIntake, KindsAreRegisteredForTheSmartSellerUpstream) {
    for (const char* name : {"stock-update", "stock-sync", "stock-opname", "stock-transfer"}) {
        const OperationKind* kind = find_operation_kind(name);
        ASSERT_NE(kind, nullptr) << name;
        EXPECT_EQ(kind->upstream, "smartseller");
        EXPECT_FALSE(kind->description.empty());
    }
}

TEST(SmartSellerIntake, UpdateStockExampleIsQueuedInItsVariationLaneWithStatusInUpperCase) {
    auto prepared = prepare_stock_update(update_example(), "u-1");
    ASSERT_TRUE(prepared) << prepared.error().message;
    ASSERT_EQ(prepared->size(), 1u);
    const auto& operation = prepared->front();
    EXPECT_EQ(operation.kind, "stock-update");
    EXPECT_EQ(operation.upstream, "smartseller");
    EXPECT_EQ(operation.lane, "smartseller/variation/123");
    EXPECT_EQ(operation.idempotency_key, "u-1");
    // Two warehouses in one body: sent as it is, never merged.
    EXPECT_TRUE(operation.coalesce_key.empty());
    auto expected = update_example();
    expected["stock"][0]["status"] = "ADD";
    expected["stock"][1]["status"] = "ADD";
    EXPECT_EQ(nlohmann::json::parse(operation.payload), expected);
}

TEST(SmartSellerIntake, SingleWarehouseUpdateCarriesTheDeltaCoalesceRule) {
    auto prepared = prepare_stock_update(single_update("sub"), "");
    ASSERT_TRUE(prepared) << prepared.error().message;
    EXPECT_EQ(prepared->front().coalesce_key, "update-stock/7/3/keep");
    EXPECT_TRUE(prepared->front().merge);
    EXPECT_EQ(nlohmann::json::parse(prepared->front().payload)["stock"][0]["status"], "SUB");
}

TEST(SmartSellerIntake, SyncIsLanedByVariationAndCoalescedLaterWins) {
    auto prepared = prepare_stock_sync(sync_example(), "s-1");
    ASSERT_TRUE(prepared) << prepared.error().message;
    EXPECT_EQ(prepared->front().lane, "smartseller/variation/1");
    EXPECT_EQ(prepared->front().coalesce_key, "sync-stock/1/-");
    EXPECT_EQ(nlohmann::json::parse(prepared->front().payload), sync_example());
    auto with_vendor = sync_example();
    with_vendor["exceptional_vendor_id"] = 12;
    EXPECT_EQ(prepare_stock_sync(with_vendor, "")->front().coalesce_key, "sync-stock/1/12");
    auto zero = sync_example();
    zero["amount"] = 0;  // an absolute amount of nothing is a real stock level
    EXPECT_TRUE(prepare_stock_sync(zero, ""));
}

TEST(SmartSellerIntake, OpnameIsOneDocumentInTheWarehouseLane) {
    auto prepared = prepare_stock_opname(opname_example(), "o-1");
    ASSERT_TRUE(prepared) << prepared.error().message;
    ASSERT_EQ(prepared->size(), 1u);
    EXPECT_EQ(prepared->front().lane, "smartseller/warehouses");
    EXPECT_TRUE(prepared->front().coalesce_key.empty());
    EXPECT_EQ(nlohmann::json::parse(prepared->front().payload), opname_example());
}

TEST(SmartSellerIntake, TransferOfAtMost100VariationsKeepsKeyAndBody) {
    auto prepared = prepare_stock_transfer(transfer_of(100), "t-1");
    ASSERT_TRUE(prepared) << prepared.error().message;
    ASSERT_EQ(prepared->size(), 1u);
    EXPECT_EQ(prepared->front().idempotency_key, "t-1");
    EXPECT_EQ(prepared->front().lane, "smartseller/warehouses");
    EXPECT_EQ(nlohmann::json::parse(prepared->front().payload), transfer_of(100));
}

TEST(SmartSellerIntake, TransferOf250VariationsBecomesThreeOrderedPartsWithDerivedKeys) {
    const auto body = transfer_of(250);
    auto prepared = prepare_stock_transfer(body, "t-2");
    ASSERT_TRUE(prepared) << prepared.error().message;
    ASSERT_EQ(prepared->size(), 3u);
    std::size_t next = 0;
    for (std::size_t part = 0; part < 3; ++part) {
        const auto& operation = (*prepared)[part];
        EXPECT_EQ(operation.idempotency_key, "t-2.part-" + std::to_string(part + 1));
        EXPECT_EQ(operation.lane, "smartseller/warehouses");
        const auto payload = nlohmann::json::parse(operation.payload);
        EXPECT_EQ(payload["stock_adjustment"].size(), part < 2 ? 100u : 50u);
        EXPECT_EQ(payload["origin_warehouse_id"], 4);
        EXPECT_EQ(payload["destination_warehouse_id"], 5);
        EXPECT_EQ(payload["description"], body["description"].get<std::string>() + " (part " +
                                              std::to_string(part + 1) + " of 3)");
        for (const auto& entry : payload["stock_adjustment"]) EXPECT_EQ(entry, body["stock_adjustment"][next++]);
        // Salvage re-checks each stored part on its own: it must pass as a transfer by itself.
        auto again = prepare_stock_transfer(payload, operation.idempotency_key);
        ASSERT_TRUE(again) << again.error().message;
        EXPECT_EQ(again->size(), 1u);
    }
    EXPECT_EQ(next, 250u);
}

TEST(SmartSellerIntake, SplitTransferWithoutAProducerKeyGetsOneRandomBaseKey) {
    auto prepared = prepare_stock_transfer(transfer_of(201), "");
    ASSERT_TRUE(prepared);
    ASSERT_EQ(prepared->size(), 3u);
    const std::string& first = (*prepared)[0].idempotency_key;
    const std::string base = first.substr(0, first.size() - std::string(".part-1").size());
    EXPECT_GT(base.size(), 30u);
    EXPECT_EQ((*prepared)[2].idempotency_key, base + ".part-3");
}

struct InvalidCase {
    const char* name;
    const char* kind;
    nlohmann::json body;
    const char* expected_fragment;
};

class InvalidStockBody : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidStockBody, IsRefusedNamingTheKindAndField) {
    const InvalidCase& test_case = GetParam();
    const OperationKind* kind = find_operation_kind(test_case.kind);
    ASSERT_NE(kind, nullptr);
    auto prepared = kind->prepare(test_case.body, "k", IntakeContext{"hh-07", 0});
    ASSERT_FALSE(prepared) << test_case.name;
    EXPECT_NE(prepared.error().message.find(std::string("invalid ") + test_case.kind + ": "), std::string::npos)
        << prepared.error().message;
    EXPECT_NE(prepared.error().message.find(test_case.expected_fragment), std::string::npos)
        << prepared.error().message;
}

nlohmann::json with(nlohmann::json body, const char* pointer, nlohmann::json value) {
    const nlohmann::json::json_pointer at(pointer);
    if (value.is_null()) {
        body[at.parent_pointer()].erase(at.back());
    } else {
        body[at] = std::move(value);
    }
    return body;
}

nlohmann::json duplicate_variation(nlohmann::json body) {
    body["stock_adjustment"].push_back(body["stock_adjustment"][0]);
    return body;
}

INSTANTIATE_TEST_SUITE_P(
    SmartSellerIntake, InvalidStockBody,
    ::testing::Values(
        InvalidCase{"not an object", "stock-update", nlohmann::json::array(), "the body must be a JSON object"},
        InvalidCase{"no variation", "stock-update", with(single_update(), "/variation_id", nullptr),
                    "variation_id is required"},
        InvalidCase{"variation as text", "stock-update", with(single_update(), "/variation_id", "7"),
                    "variation_id must be an integer"},
        InvalidCase{"variation zero", "stock-update", with(single_update(), "/variation_id", 0),
                    "variation_id must be an integer from 1"},
        InvalidCase{"no stock", "stock-update", with(single_update(), "/stock", nullptr), "stock is required"},
        InvalidCase{"empty stock", "stock-update", with(single_update(), "/stock", nlohmann::json::array()),
                    "stock must be a non-empty array"},
        InvalidCase{"fractional amount", "stock-update", with(single_update(), "/stock/0/amount", 2.5),
                    "stock[0].amount must be an integer from 1"},
        InvalidCase{"zero amount", "stock-update", with(single_update(), "/stock/0/amount", 0),
                    "stock[0].amount must be an integer from 1"},
        InvalidCase{"negative amount", "stock-update", with(single_update(), "/stock/0/amount", -3),
                    "stock[0].amount"},
        InvalidCase{"huge amount", "stock-update", with(single_update(), "/stock/0/amount", 4294967296LL),
                    "to 2147483647"},
        InvalidCase{"bad status", "stock-update", with(single_update(), "/stock/0/status", "MUL"),
                    "stock[0].status must be ADD or SUB (got \"MUL\")"},
        InvalidCase{"no warehouse", "stock-update", with(single_update(), "/stock/0/warehouse_id", nullptr),
                    "stock[0].warehouse_id is required"},
        InvalidCase{"entry field typo", "stock-update", with(single_update(), "/stock/0/warehouse", 1),
                    "unknown field stock[0].warehouse"},
        InvalidCase{"move as text", "stock-update", with(single_update(), "/move_warehouse_stock", "true"),
                    "move_warehouse_stock must be true or false"},
        InvalidCase{"move typo", "stock-update", with(single_update(), "/move_warehouse_stok", true),
                    "unknown field move_warehouse_stok"},
        InvalidCase{"no description", "stock-update", with(single_update(), "/description", nullptr),
                    "description is required"},
        InvalidCase{"empty description", "stock-update", with(single_update(), "/description", ""),
                    "description must be a non-empty string"},
        InvalidCase{"sync without amount", "stock-sync", with(sync_example(), "/amount", nullptr), "amount is required"},
        InvalidCase{"sync negative", "stock-sync", with(sync_example(), "/amount", -1),
                    "amount must be an integer from 0"},
        InvalidCase{"sync vendor text", "stock-sync", with(sync_example(), "/exceptional_vendor_id", "x"),
                    "exceptional_vendor_id must be an integer"},
        InvalidCase{"sync warehouse", "stock-sync", with(sync_example(), "/warehouse_id", 1),
                    "unknown field warehouse_id"},
        InvalidCase{"opname no warehouse", "stock-opname", with(opname_example(), "/warehouse_id", nullptr),
                    "warehouse_id is required"},
        InvalidCase{"opname negative count", "stock-opname",
                    with(opname_example(), "/stock_adjustment/1/warehouse_stock", -1),
                    "stock_adjustment[1].warehouse_stock must be an integer from 0"},
        InvalidCase{"opname twice", "stock-opname", duplicate_variation(opname_example()),
                    "stock_adjustment[2].variation_id 10113507 is listed twice (also stock_adjustment[0])"},
        InvalidCase{"opname wrong amount field", "stock-opname",
                    with(opname_example(), "/stock_adjustment/0/transfer_stock", 3),
                    "unknown field stock_adjustment[0].transfer_stock"},
        InvalidCase{"transfer same warehouses", "stock-transfer", with(transfer_of(2), "/destination_warehouse_id", 4),
                    "destination_warehouse_id must differ from origin_warehouse_id (both 4)"},
        InvalidCase{"transfer nothing", "stock-transfer",
                    with(transfer_of(2), "/stock_adjustment", nlohmann::json::array()),
                    "stock_adjustment must be a non-empty array"},
        InvalidCase{"transfer zero", "stock-transfer", with(transfer_of(2), "/stock_adjustment/1/transfer_stock", 0),
                    "stock_adjustment[1].transfer_stock must be an integer from 1"},
        InvalidCase{"transfer twice", "stock-transfer", duplicate_variation(transfer_of(150)),
                    "stock_adjustment[150].variation_id 8055000 is listed twice"},
        InvalidCase{"transfer too large", "stock-transfer", transfer_of(10001),
                    "stock_adjustment has 10001 entries, at most 10000"}),
    [](const ::testing::TestParamInfo<InvalidCase>& param) {
        std::string name = param.param.name;
        for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        return name;
    });

}  // namespace
}  // namespace outpost::intake
