// Intake of SMILE order status changes and order item stocks: what is queued (kind, upstream,
// lane, lane blocking, payload) and what is refused, naming the field.

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include <nlohmann/json.hpp>

#include "outpost/intake/operation_kinds.hpp"
#include "outpost/intake/order_changes.hpp"

namespace outpost::intake {
namespace {

nlohmann::json status_change(const std::string& status = "ships") {
    return {{"order_id", 48211}, {"status", status}, {"comment", "loaded on truck B 1234 XY"},
            {"updated_at", "2026-11-23T10:15:00+07:00"}};
}

nlohmann::json item_stocks() {
    return nlohmann::json::parse(R"({"order_id": 48211, "items": [
        {"order_item_id": 1, "stocks": [{"batch_code": "B2311A", "qty": 5}, {"batch_code": "B2311B", "qty": 3}]},
        {"order_item_id": 2, "stocks": [{"batch_code": "C0042", "qty": 10}]}]})");
}

TEST(OrderStatusIntake, EachActionOfTheOrderApiBecomesOneLaneBlockingOperationInTheOrdersLane) {
    for (std::string_view action : kOrderStatusActions) {
        auto prepared = prepare_order_status(status_change(std::string(action)), "key-1");
        ASSERT_TRUE(prepared) << action << ": " << prepared.error().message;
        EXPECT_EQ(prepared->kind, "order-status");
        EXPECT_EQ(prepared->upstream, "smile-orders");
        EXPECT_EQ(prepared->lane, "smile-orders/48211");
        EXPECT_EQ(prepared->idempotency_key, "key-1");
        EXPECT_TRUE(prepared->blocks_lane) << "a later status could overtake a refused one";
        EXPECT_TRUE(prepared->coalesce_key.empty()) << "status changes must never be merged";
        const auto payload = nlohmann::json::parse(prepared->payload);
        EXPECT_EQ(payload["status"], action);
        EXPECT_EQ(payload["order_id"], 48211);
        EXPECT_EQ(payload["comment"], "loaded on truck B 1234 XY");
        EXPECT_EQ(payload["updated_at"], "2026-11-23T10:15:00+07:00");
    }
}

TEST(OrderStatusIntake, CommentIsOptionalAndSentEmpty) {
    auto change = status_change("confirms");
    change.erase("comment");
    auto prepared = prepare_order_status(change, "");
    ASSERT_TRUE(prepared) << prepared.error().message;
    EXPECT_EQ(nlohmann::json::parse(prepared->payload)["comment"], "");
}

TEST(OrderItemStocksIntake, PickedBatchesGoToTheSameLaneAsTheOrdersStatusChanges) {
    auto stocks = prepare_order_item_stocks(item_stocks(), "key-2");
    ASSERT_TRUE(stocks) << stocks.error().message;
    auto status = prepare_order_status(status_change(), "key-3");
    ASSERT_TRUE(status);
    EXPECT_EQ(stocks->kind, "order-item-stocks");
    EXPECT_EQ(stocks->upstream, "smile-orders");
    EXPECT_EQ(stocks->lane, status->lane);
    EXPECT_TRUE(stocks->blocks_lane);
    EXPECT_EQ(nlohmann::json::parse(stocks->payload), item_stocks());
}

TEST(OrderKinds, AreRegisteredForTheSmileOrdersUpstream) {
    for (const char* name : {"order-status", "order-item-stocks"}) {
        const OperationKind* kind = find_operation_kind(name);
        ASSERT_NE(kind, nullptr) << name;
        EXPECT_EQ(kind->upstream, "smile-orders");
    }
    auto prepared = find_operation_kind("order-status")->prepare(status_change(), "k", IntakeContext{"hh-07", 0});
    ASSERT_TRUE(prepared);
    EXPECT_EQ(prepared->size(), 1u);
}

struct InvalidCase {
    const char* name;
    const char* json_pointer;  // the field to change
    nlohmann::json value;      // null: remove the field
    const char* expected_fragment;
};

nlohmann::json changed(nlohmann::json body, const InvalidCase& test_case) {
    const nlohmann::json::json_pointer pointer(test_case.json_pointer);
    if (test_case.value.is_null()) {
        body[pointer.parent_pointer()].erase(pointer.back());
    } else {
        body[pointer] = test_case.value;
    }
    return body;
}

// A gtest name from the case's description.
std::string case_name(const ::testing::TestParamInfo<InvalidCase>& param) {
    std::string name = param.param.name;
    for (char& c : name) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
    }
    return name;
}

class InvalidStatusChange : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidStatusChange, IsRefusedNamingTheField) {
    const auto& test_case = GetParam();
    auto prepared = prepare_order_status(changed(status_change(), test_case), "");
    ASSERT_FALSE(prepared) << test_case.name;
    EXPECT_NE(prepared.error().message.find(test_case.expected_fragment), std::string::npos)
        << prepared.error().message;
    EXPECT_NE(prepared.error().message.find("invalid order status change"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InvalidStatusChange,
    ::testing::Values(
        InvalidCase{"missing order_id", "/order_id", nullptr, "order_id is required"},
        InvalidCase{"order_id zero", "/order_id", 0, "order_id must be a positive integer"},
        InvalidCase{"order_id as text", "/order_id", "48211", "order_id must be a positive integer"},
        InvalidCase{"order_id fractional", "/order_id", 48211.5, "order_id must be a positive integer"},
        InvalidCase{"missing status", "/status", nullptr, "status is required"},
        InvalidCase{"a state, not an action", "/status", "shipped", "status must be one of confirms, pendings"},
        InvalidCase{"singular action", "/status", "confirm", "(got \"confirm\")"},
        InvalidCase{"status not a string", "/status", 3, "status must be one of"},
        InvalidCase{"missing updated_at", "/updated_at", nullptr, "updated_at is required"},
        InvalidCase{"updated_at without offset", "/updated_at", "2026-11-23T10:15:00", "updated_at must be RFC 3339"},
        InvalidCase{"updated_at a date", "/updated_at", "2026-11-23", "updated_at must be RFC 3339"},
        InvalidCase{"updated_at impossible", "/updated_at", "2026-02-30T10:15:00Z", "updated_at must be RFC 3339"},
        InvalidCase{"comment not a string", "/comment", 42, "comment must be a string"},
        InvalidCase{"misspelt field", "/updatedAt", "2026-11-23T10:15:00Z", "unknown field updatedAt"}),
    case_name);

class InvalidItemStocks : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidItemStocks, IsRefusedNamingTheField) {
    const auto& test_case = GetParam();
    auto prepared = prepare_order_item_stocks(changed(item_stocks(), test_case), "");
    ASSERT_FALSE(prepared) << test_case.name;
    EXPECT_NE(prepared.error().message.find(test_case.expected_fragment), std::string::npos)
        << prepared.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InvalidItemStocks,
    ::testing::Values(
        InvalidCase{"missing order_id", "/order_id", nullptr, "order_id is required"},
        InvalidCase{"no items", "/items", nlohmann::json::array(), "items must be a non-empty array"},
        InvalidCase{"items not an array", "/items", "1", "items must be a non-empty array"},
        InvalidCase{"item not an object", "/items/0", 7, "items[0] must be an object"},
        InvalidCase{"missing order_item_id", "/items/1/order_item_id", nullptr, "items[1].order_item_id is required"},
        InvalidCase{"negative order_item_id", "/items/1/order_item_id", -2,
                    "items[1].order_item_id must be a positive integer"},
        InvalidCase{"order item twice", "/items/1/order_item_id", 1, "items[1].order_item_id 1 is listed twice"},
        InvalidCase{"no stocks", "/items/0/stocks", nlohmann::json::array(), "items[0].stocks must be a non-empty"},
        InvalidCase{"qty zero", "/items/0/stocks/1/qty", 0, "items[0].stocks[1].qty must be a positive integer"},
        InvalidCase{"qty negative", "/items/0/stocks/0/qty", -5, "items[0].stocks[0].qty must be a positive integer"},
        InvalidCase{"qty fractional", "/items/0/stocks/0/qty", 2.5, "items[0].stocks[0].qty must be a positive integer"},
        InvalidCase{"qty as text", "/items/0/stocks/0/qty", "5", "items[0].stocks[0].qty must be a positive integer"},
        InvalidCase{"missing qty", "/items/0/stocks/0/qty", nullptr, "items[0].stocks[0].qty is required"},
        InvalidCase{"empty batch", "/items/0/stocks/0/batch_code", "", "items[0].stocks[0].batch_code must be a non-empty"},
        InvalidCase{"batch twice", "/items/0/stocks/1/batch_code", "B2311A", "is listed twice for this order item"},
        InvalidCase{"unknown stock field", "/items/0/stocks/0/expiry", "2027-01-01",
                    "unknown field items[0].stocks[0].expiry"},
        InvalidCase{"unknown item field", "/items/0/qty", 5, "unknown field items[0].qty"}),
    case_name);

TEST(OrderChangesIntake, NonObjectBodiesAreRefused) {
    EXPECT_FALSE(prepare_order_status(nlohmann::json::array(), ""));
    EXPECT_FALSE(prepare_order_item_stocks("text", ""));
}

}  // namespace
}  // namespace outpost::intake
