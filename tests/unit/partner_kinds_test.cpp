// Intake for the Sales Order API and PMP Smart kinds: the seeds' bodies checked at enqueue with
// the offending field named, lanes, PMP's json_data serialised, and the insert's lane blocking.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "outpost/intake/operation_kinds.hpp"
#include "outpost/intake/pmp_order.hpp"
#include "outpost/intake/sales_order.hpp"

namespace outpost::intake {
namespace {

const IntakeContext kContext{"hh-07", 0};

nlohmann::json sales_order() {
    return nlohmann::json::parse(R"({
        "customer_code": "CUST-001", "site_code": "SITE-001", "sales_name": "John Doe",
        "address": "Jl. Sudirman No. 1, Jakarta", "purchase_order_no": "PO-2025-00001",
        "products": [{"product_code": "PROD-001", "quantity": 10}]})");
}

std::string sales_error(const nlohmann::json& order) {
    auto prepared = prepare_sales_order(order, "k", kContext);
    return prepared ? std::string("(accepted)") : prepared.error().message;
}

TEST(SalesOrderKind, TheSeedsExampleIsQueuedAsIsInItsCustomersLane) {
    const OperationKind* kind = find_operation_kind("sales-order");
    ASSERT_NE(kind, nullptr);
    EXPECT_EQ(kind->upstream, "sales-order");
    auto prepared = kind->prepare(sales_order(), "key-1", kContext);
    ASSERT_TRUE(prepared) << prepared.error().message;
    ASSERT_EQ(prepared->size(), 1u);
    const auto& operation = prepared->front();
    EXPECT_EQ(operation.kind, "sales-order");
    EXPECT_EQ(operation.upstream, "sales-order");
    EXPECT_EQ(operation.idempotency_key, "key-1");
    EXPECT_EQ(operation.lane, "sales-order/CUST-001");
    EXPECT_FALSE(operation.blocks_lane);
    EXPECT_EQ(nlohmann::json::parse(operation.payload), sales_order()) << "the body was changed";

    auto without_po = sales_order();
    without_po.erase("purchase_order_no");
    EXPECT_EQ(sales_error(without_po), "(accepted)");
    auto null_po = sales_order();
    null_po["purchase_order_no"] = nullptr;
    EXPECT_EQ(sales_error(null_po), "(accepted)");
}

TEST(SalesOrderKind, EachRuleNamesTheField) {
    const auto with = [](const std::function<void(nlohmann::json&)>& change) {
        auto order = sales_order();
        change(order);
        return order;
    };
    const std::vector<std::pair<nlohmann::json, std::string>> cases = {
        {nlohmann::json::array(), "the body must be a JSON object"},
        {with([](auto& o) { o.erase("customer_code"); }), "customer_code is required"},
        {with([](auto& o) { o["site_code"] = ""; }), "site_code must be a non-empty string"},
        {with([](auto& o) { o["sales_name"] = 7; }), "sales_name must be a non-empty string"},
        {with([](auto& o) { o.erase("address"); }), "address is required"},
        {with([](auto& o) { o["purchase_order_no"] = 5; }), "purchase_order_no must be a string or null"},
        {with([](auto& o) { o.erase("products"); }), "products is required"},
        {with([](auto& o) { o["products"] = nlohmann::json::array(); }), "products must be a non-empty array"},
        {with([](auto& o) { o["products"][0] = "PROD-001"; }), "products[0] must be an object"},
        {with([](auto& o) { o["products"][0].erase("product_code"); }), "products[0].product_code is required"},
        {with([](auto& o) { o["products"][0]["quantity"] = 0; }), "products[0].quantity must be a positive integer"},
        {with([](auto& o) { o["products"][0]["quantity"] = 2.5; }), "products[0].quantity must be a positive integer"},
        {with([](auto& o) { o["products"][0]["quantity"] = "10"; }), "products[0].quantity must be a positive integer"},
        {with([](auto& o) { o["products"].push_back({{"product_code", "P2"}}); }), "products[1].quantity is required"},
    };
    for (const auto& [order, expected] : cases) {
        const std::string message = sales_error(order);
        EXPECT_NE(message.find("invalid sales order: " + expected), std::string::npos)
            << "for " << order.dump() << ": " << message;
    }
}

nlohmann::json pmp_order() {
    return {{"kode_order", "PMP-3903001"}, {"json_data", {{"key", "value"}, {"items", {1, 2}}}}, {"status", "completed"}};
}

std::string pmp_error(const nlohmann::json& order) {
    auto prepared = prepare_pmp_insert(order, "k", kContext);
    return prepared ? std::string("(accepted)") : prepared.error().message;
}

TEST(PmpKinds, JsonDataIsSerialisedIntoTheStringTheApiWants) {
    const OperationKind* insert = find_operation_kind("pmp-order-insert");
    const OperationKind* update = find_operation_kind("pmp-order-update");
    ASSERT_NE(insert, nullptr);
    ASSERT_NE(update, nullptr);
    EXPECT_EQ(insert->upstream, "pmp");
    EXPECT_EQ(update->upstream, "pmp");

    auto inserted = insert->prepare(pmp_order(), "i-1", kContext);
    ASSERT_TRUE(inserted) << inserted.error().message;
    const auto& operation = inserted->front();
    EXPECT_EQ(operation.kind, "pmp-order-insert");
    EXPECT_EQ(operation.lane, "pmp/PMP-3903001");
    const auto body = nlohmann::json::parse(operation.payload);
    ASSERT_TRUE(body["json_data"].is_string()) << body.dump();
    EXPECT_EQ(nlohmann::json::parse(body["json_data"].get<std::string>()), pmp_order()["json_data"]);
    EXPECT_EQ(body["kode_order"], "PMP-3903001");
    EXPECT_EQ(body["status"], "completed");
    EXPECT_EQ(body.size(), 3u);

    // The stored payload passes the check again unchanged (salvage re-checks stored operations).
    auto again = insert->prepare(body, "i-1", kContext);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->front().payload, operation.payload);

    auto updated = update->prepare(pmp_order(), "u-1", kContext);
    ASSERT_TRUE(updated) << updated.error().message;
    EXPECT_EQ(updated->front().kind, "pmp-order-update");
    EXPECT_EQ(updated->front().lane, operation.lane) << "an update must share its insert's lane";
}

TEST(PmpKinds, AnInsertBlocksItsLaneWhenItFailsAnUpdateDoesNot) {
    auto inserted = prepare_pmp_insert(pmp_order(), "i", kContext);
    auto updated = prepare_pmp_update(pmp_order(), "u", kContext);
    ASSERT_TRUE(inserted && updated);
    EXPECT_TRUE(inserted->front().blocks_lane);
    EXPECT_FALSE(updated->front().blocks_lane);
}

TEST(PmpKinds, EachRuleNamesTheField) {
    const auto with = [](const std::function<void(nlohmann::json&)>& change) {
        auto order = pmp_order();
        change(order);
        return order;
    };
    const std::vector<std::pair<nlohmann::json, std::string>> cases = {
        {"PMP-1", "the body must be a JSON object"},
        {with([](auto& o) { o.erase("kode_order"); }), "kode_order is required"},
        {with([](auto& o) { o["kode_order"] = ""; }), "kode_order must be a non-empty string"},
        {with([](auto& o) { o.erase("status"); }), "status is required"},
        {with([](auto& o) { o["status"] = 3; }), "status must be a non-empty string"},
        {with([](auto& o) { o.erase("json_data"); }), "json_data is required"},
        {with([](auto& o) { o["json_data"] = 5; }), "json_data must be a JSON object"},
        {with([](auto& o) { o["json_data"] = nlohmann::json::array({1}); }), "json_data must be a JSON object"},
        {with([](auto& o) { o["json_data"] = "{not json"; }), "json_data must be a JSON object (or a string holding one)"},
        {with([](auto& o) { o["json_data"] = "[1, 2]"; }), "json_data must be a JSON object (or a string holding one)"},
        {with([](auto& o) { o["kode_outlet"] = "OUT-1"; }), "unknown member 'kode_outlet'"},
    };
    for (const auto& [order, expected] : cases) {
        const std::string message = pmp_error(order);
        EXPECT_NE(message.find("invalid PMP order: " + expected), std::string::npos)
            << "for " << order.dump() << ": " << message;
    }
    // A string holding an object is taken as it is.
    EXPECT_EQ(pmp_error(with([](auto& o) { o["json_data"] = R"({"key": "value"})"; })), "(accepted)");
}

}  // namespace
}  // namespace outpost::intake
