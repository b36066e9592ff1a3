// Intake validation of DIN picking orders: table-driven, valid and invalid cases.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "outpost/intake/picking_order.hpp"

namespace outpost::intake {
namespace {

nlohmann::json valid_order() {
    return nlohmann::json::parse(R"({
      "key_ssl": "SSL-2026-000123", "order_id": 48211, "picking_no": "PCK-2026-11-23-0007",
      "warehouse_code": "WH-JKT-01", "picker": "op-0042", "picked_at": "2026-11-23T10:15:00+07:00",
      "items": [{"material_code": "BCG-20", "gtin": "08991234567895", "batch_code": "B2311A",
                 "expired_date": "2027-05-31", "qty": 20, "uom": "vial", "bin": "A-03-2"}]})");
}

TEST(PickingOrderIntake, ValidOrderBecomesADinOperationLanedByKeySsl) {
    auto prepared = prepare_picking_order(valid_order(), "k-1", "hh-07");
    ASSERT_TRUE(prepared) << prepared.error().message;
    EXPECT_EQ(prepared->kind, "picking-order");
    EXPECT_EQ(prepared->upstream, "din");
    EXPECT_EQ(prepared->lane, "din/SSL-2026-000123");
    EXPECT_EQ(prepared->idempotency_key, "k-1");
    EXPECT_EQ(nlohmann::json::parse(prepared->payload)["device_id"], "hh-07");
}

TEST(PickingOrderIntake, ProducerDeviceIdIsKept) {
    auto order = valid_order();
    order["device_id"] = "station-3";
    auto prepared = prepare_picking_order(order, "", "hh-07");
    ASSERT_TRUE(prepared);
    EXPECT_EQ(nlohmann::json::parse(prepared->payload)["device_id"], "station-3");
}

struct InvalidCase {
    const char* name;
    const char* json_pointer;  // field to change
    nlohmann::json value;      // null: remove the field
    const char* expected_fragment;
};

class InvalidPickingOrder : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidPickingOrder, IsRefusedNamingTheField) {
    const auto& test_case = GetParam();
    auto order = valid_order();
    const nlohmann::json::json_pointer pointer(test_case.json_pointer);
    if (test_case.value.is_null()) {
        order[pointer.parent_pointer()].erase(pointer.back());
    } else {
        order[pointer] = test_case.value;
    }
    auto prepared = prepare_picking_order(order, "", "hh-07");
    ASSERT_FALSE(prepared) << test_case.name;
    EXPECT_NE(prepared.error().message.find(test_case.expected_fragment), std::string::npos)
        << prepared.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InvalidPickingOrder,
    ::testing::Values(
        InvalidCase{"missing key_ssl", "/key_ssl", nullptr, "key_ssl is required"},
        InvalidCase{"empty picking_no", "/picking_no", "", "picking_no must be a non-empty string"},
        InvalidCase{"missing picked_at", "/picked_at", nullptr, "picked_at is required"},
        InvalidCase{"picked_at without offset", "/picked_at", "2026-11-23T10:15:00", "picked_at must be RFC 3339"},
        InvalidCase{"picked_at impossible date", "/picked_at", "2026-02-30T10:15:00Z", "picked_at must be RFC 3339"},
        InvalidCase{"empty items", "/items", nlohmann::json::array(), "items must be a non-empty array"},
        InvalidCase{"items not array", "/items", "x", "items must be a non-empty array"},
        InvalidCase{"qty zero", "/items/0/qty", 0, "items[0].qty must be a positive integer"},
        InvalidCase{"qty negative", "/items/0/qty", -3, "items[0].qty must be a positive integer"},
        InvalidCase{"qty fractional", "/items/0/qty", 2.5, "items[0].qty must be a positive integer"},
        InvalidCase{"qty string", "/items/0/qty", "20", "items[0].qty must be a positive integer"},
        InvalidCase{"missing qty", "/items/0/qty", nullptr, "items[0].qty is required"},
        InvalidCase{"expired_date format", "/items/0/expired_date", "31-05-2027", "items[0].expired_date"},
        InvalidCase{"expired_date not a day", "/items/0/expired_date", "2027-13-01", "items[0].expired_date"},
        InvalidCase{"order_id string", "/order_id", "48211", "order_id must be an integer"}),
    [](const auto& test_info) {
        std::string name = test_info.param.name;
        for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        return name;
    });

TEST(PickingOrderIntake, NonObjectBodyIsRefused) {
    EXPECT_FALSE(prepare_picking_order(nlohmann::json::array(), "", "hh-07"));
}

TEST(Formats, CalendarDates) {
    EXPECT_TRUE(is_calendar_date("2024-02-29"));
    EXPECT_FALSE(is_calendar_date("2023-02-29"));
    EXPECT_FALSE(is_calendar_date("2023-04-31"));
    EXPECT_FALSE(is_calendar_date("2023-4-01"));
}

TEST(Formats, Rfc3339WithOffset) {
    EXPECT_TRUE(is_rfc3339_with_offset("2026-11-23T10:15:00+07:00"));
    EXPECT_TRUE(is_rfc3339_with_offset("2026-11-23T10:15:00Z"));
    EXPECT_TRUE(is_rfc3339_with_offset("2026-11-23T10:15:00.123-03:30"));
    EXPECT_FALSE(is_rfc3339_with_offset("2026-11-23 10:15:00+07:00"));
    EXPECT_FALSE(is_rfc3339_with_offset("2026-11-23T25:15:00Z"));
    EXPECT_FALSE(is_rfc3339_with_offset("2026-11-23T10:15:00+0700"));
    EXPECT_FALSE(is_rfc3339_with_offset("2026-11-23T10:15:00."));
}

}  // namespace
}  // namespace outpost::intake
