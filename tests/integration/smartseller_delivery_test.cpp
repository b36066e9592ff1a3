// SmartSeller stock kinds end to end: outpostd delivers each kind to its endpoint over mutual TLS
// and the simulator's stock table shows the result; invalid bodies are refused at enqueue; a
// transfer of 250 variations arrives as 3 requests; deltas queued offline are coalesced (with
// audit rows) and applied once; an offline-then-online day with a crash in between.

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <set>

#include "smartseller_fixture.hpp"
#include "wait_for.hpp"

namespace outpost::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUpdatePath = "/api/open/product/update-stock";

// The applied request with this idempotency key, or null.
nlohmann::json applied(const nlohmann::json& requests, const std::string& key) {
    for (const auto& request : requests) {
        if (request["idempotency_key"] == key) return request;
    }
    return nullptr;
}

TEST(SmartSellerDelivery, StockUpdateAddsPerWarehouse) {
    SmartSellerFixture f({.link_up = true});
    f.set_stock({{{"variation_id", 1001}, {"warehouse_id", 1}, {"stock", 10}}});
    // The seed's example sends the status in lower case.
    const nlohmann::json body = {{"variation_id", 1001},
                                 {"stock",
                                  {{{"amount", 5}, {"status", "add"}, {"warehouse_id", 1}},
                                   {{"amount", 7}, {"status", "add"}, {"warehouse_id", 2}}}},
                                 {"description", "Tambahkan stok bulan ini"}};
    const auto answer = f.enqueue("stock-update", body, "upd-1");
    ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 1; })) << f.diagnostics();
    EXPECT_EQ(f.stock(1001, 1), 15);
    EXPECT_EQ(f.stock(1001, 2), 7);
    const auto request = applied(f.requests(), "upd-1");
    ASSERT_FALSE(request.is_null()) << f.requests().dump();
    EXPECT_EQ(request["endpoint"], "update-stock");
    EXPECT_EQ(request["device_id"], "test-device");
    EXPECT_EQ(request["body"]["stock"][0]["status"], "ADD");
    EXPECT_EQ(f.requests_to(kUpdatePath), 1);
    // The outbox records the delivery a moment before the dispatcher records the outcome.
    EXPECT_TRUE(wait_until([&] { return f.upstream()["auth"] == "ok"; })) << f.upstream().dump();
}

TEST(SmartSellerDelivery, MoveWarehouseStockMovesFromTheMainWarehouse) {
    SmartSellerFixture f({.link_up = true});
    f.set_stock({{{"variation_id", 1002}, {"warehouse_id", 0}, {"stock", 20}},
                 {{"variation_id", 1002}, {"warehouse_id", 4}, {"stock", 3}}});
    auto body = stock_delta(1002, 3, "ADD", 5, "ke gudang 3");
    body["stock"].push_back({{"amount", 2}, {"status", "SUB"}, {"warehouse_id", 4}});
    body["move_warehouse_stock"] = true;
    ASSERT_TRUE(f.enqueue("stock-update", body).value("ok", false));
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 1; })) << f.diagnostics();
    // 5 from the main warehouse to 3, 2 from 4 back to the main one: the total stays 23.
    EXPECT_EQ(f.stock(1002, 0), 17);
    EXPECT_EQ(f.stock(1002, 3), 5);
    EXPECT_EQ(f.stock(1002, 4), 1);
}

TEST(SmartSellerDelivery, StockSyncSetsTheAbsoluteAmount) {
    SmartSellerFixture f({.link_up = true});
    f.set_stock({{{"variation_id", 1003}, {"warehouse_id", 0}, {"stock", 99}}});
    ASSERT_TRUE(f.enqueue("stock-sync", {{"variation_id", 1003}, {"amount", 42}}, "sync-1").value("ok", false));
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 1; })) << f.diagnostics();
    EXPECT_EQ(f.stock(1003, 0), 42);
    EXPECT_EQ(applied(f.requests(), "sync-1")["endpoint"], "sync-stock");
}

TEST(SmartSellerDelivery, StockOpnameSetsTheCountedStockOfAWarehouse) {
    SmartSellerFixture f({.link_up = true});
    f.set_stock({{{"variation_id", 1004}, {"warehouse_id", 2}, {"stock", 10}}});
    const nlohmann::json body = {{"warehouse_id", 2},
                                 {"description", "Stok opname bulanan"},
                                 {"stock_adjustment",
                                  {{{"variation_id", 1004}, {"warehouse_stock", 35}},
                                   {{"variation_id", 1005}, {"warehouse_stock", 0}}}}};
    ASSERT_TRUE(f.enqueue("stock-opname", body, "op-1").value("ok", false));
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 1; })) << f.diagnostics();
    EXPECT_EQ(f.stock(1004, 2), 35);
    EXPECT_EQ(applied(f.requests(), "op-1")["endpoint"], "stock-opname");
}

TEST(SmartSellerDelivery, StockTransferMovesBetweenWarehousesAndItsSuksesCountsAsSuccess) {
    SmartSellerFixture f({.link_up = true});
    f.set_stock({{{"variation_id", 1006}, {"warehouse_id", 4}, {"stock", 300}}});
    const nlohmann::json body = {{"origin_warehouse_id", 4},
                                 {"destination_warehouse_id", 5},
                                 {"description", "Stok transfer Gudang Surabaya ke gudang Malang"},
                                 {"stock_adjustment", {{{"variation_id", 1006}, {"transfer_stock", 120}}}}};
    ASSERT_TRUE(f.enqueue("stock-transfer", body, "tr-small").value("ok", false));
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 1; })) << f.diagnostics();
    EXPECT_EQ(f.stock(1006, 4), 180);
    EXPECT_EQ(f.stock(1006, 5), 120);
    EXPECT_EQ(f.status()["outbox"]["dead"], 0);
    EXPECT_EQ(f.requests().size(), 1u) << "a \"Sukses\" answer was not taken as success";
}

TEST(SmartSellerDelivery, InvalidBodiesAreRefusedAtEnqueueNamingTheField) {
    SmartSellerFixture f({.link_up = true});
    struct Case {
        const char* kind;
        nlohmann::json payload;
        const char* fragment;
    };
    const Case cases[] = {
        {"stock-update", stock_delta(1, 1, "MUL", 1), "stock[0].status must be ADD or SUB"},
        {"stock-update", stock_delta(1, 1, "ADD", 0), "stock[0].amount must be an integer from 1"},
        {"stock-sync", {{"variation_id", 1}}, "invalid stock-sync: amount is required"},
        {"stock-opname", {{"warehouse_id", 1}, {"description", "x"}}, "stock_adjustment is required"},
        {"stock-transfer",
         {{"origin_warehouse_id", 1},
          {"destination_warehouse_id", 1},
          {"description", "x"},
          {"stock_adjustment", {{{"variation_id", 1}, {"transfer_stock", 1}}}}},
         "destination_warehouse_id must differ"},
    };
    for (const Case& c : cases) {
        const auto answer = f.enqueue(c.kind, c.payload);
        EXPECT_FALSE(answer.value("ok", true)) << answer.dump();
        EXPECT_NE(answer.value("error", "").find(c.fragment), std::string::npos) << answer.dump();
    }
    EXPECT_EQ(f.status()["outbox"]["pending"], 0);
    EXPECT_EQ(f.sim().stats()["requests"], 0) << "an invalid operation reached the upstream";
}

TEST(SmartSellerDelivery, RefusalByTheServerIsADeadLetterWithItsFieldMessages) {
    SmartSellerFixture f({.link_up = true});
    f.set_stock({{{"variation_id", 1007}, {"warehouse_id", 1}, {"stock", 2}}});
    ASSERT_TRUE(f.enqueue("stock-update", stock_delta(1007, 1, "SUB", 5)).value("ok", false));
    ASSERT_TRUE(wait_until([&] { return f.status()["outbox"]["dead"] == 1; })) << f.diagnostics();
    // The dead letter keeps the server's message for the operator (outpostctl dead list).
    const auto dead = f.agent().call({{"cmd", "dead.list"}});
    ASSERT_EQ(dead["dead"].size(), 1u) << dead.dump();
    const std::string error = dead["dead"][0]["last_error"];
    EXPECT_NE(error.find("HTTP 400"), std::string::npos) << error;
    EXPECT_NE(error.find("stock.0.amount: Insufficient stock"), std::string::npos) << error;
    EXPECT_EQ(f.stock(1007, 1), 2);
}

TEST(SmartSellerDelivery, TransferOf250VariationsArrivesAsThreeRequests) {
    SmartSellerFixture f;  // offline: the three parts are queued before anything is sent
    nlohmann::json levels = nlohmann::json::array();
    nlohmann::json body = {{"origin_warehouse_id", 1},
                           {"destination_warehouse_id", 2},
                           {"description", "rebalancing"},
                           {"stock_adjustment", nlohmann::json::array()}};
    for (int i = 0; i < 250; ++i) {
        levels.push_back({{"variation_id", 20000 + i}, {"warehouse_id", 1}, {"stock", 50}});
        body["stock_adjustment"].push_back({{"variation_id", 20000 + i}, {"transfer_stock", 1 + i % 5}});
    }
    f.set_stock(levels);
    const auto answer = f.enqueue("stock-transfer", body, "tr-250");
    ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
    ASSERT_EQ(answer["ids"].size(), 3u) << answer.dump();
    EXPECT_EQ(f.status()["outbox"]["pending"], 3);
    // The producer retrying with its key finds every part queued.
    const auto again = f.enqueue("stock-transfer", body, "tr-250");
    EXPECT_TRUE(again.value("duplicate", false)) << again.dump();
    EXPECT_EQ(again["ids"], answer["ids"]);

    f.set_link(true);
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 3; }, 30s)) << f.diagnostics();
    const auto requests = f.requests();
    ASSERT_EQ(requests.size(), 3u);
    for (std::size_t part = 0; part < 3; ++part) {
        EXPECT_EQ(requests[part]["endpoint"], "stock-transfer");
        EXPECT_EQ(requests[part]["idempotency_key"], "tr-250.part-" + std::to_string(part + 1)) << "out of order";
        EXPECT_EQ(requests[part]["body"]["stock_adjustment"].size(), part < 2 ? 100u : 50u);
    }
    EXPECT_EQ(f.requests_to("/api/open/stock-transfer"), 3);
    for (int i = 0; i < 250; i += 37) {
        EXPECT_EQ(f.stock(20000 + i, 1), 50 - (1 + i % 5)) << i;
        EXPECT_EQ(f.stock(20000 + i, 2), 1 + i % 5) << i;
    }
}

// Rows of the outbox's coalesce_audit table (read-only, beside the running agent: WAL allows it).
nlohmann::json audit_rows(const std::string& outbox_path) {
    sqlite3* db = nullptr;
    nlohmann::json rows = nlohmann::json::array();
    if (sqlite3_open_v2(outbox_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + outbox_path);
    }
    sqlite3_stmt* query = nullptr;
    sqlite3_prepare_v2(db, "SELECT operation_id, absorbed_key, before_payload, absorbed_payload, after_payload "
                           "FROM coalesce_audit ORDER BY rowid", -1, &query, nullptr);
    while (query != nullptr && sqlite3_step(query) == SQLITE_ROW) {
        auto text = [&](int column) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(query, column))); };
        rows.push_back({{"operation_id", sqlite3_column_int64(query, 0)},
                        {"absorbed_key", text(1)},
                        {"before", nlohmann::json::parse(text(2))},
                        {"absorbed", nlohmann::json::parse(text(3))},
                        {"after", nlohmann::json::parse(text(4))}});
    }
    sqlite3_finalize(query);
    sqlite3_close(db);
    return rows;
}

TEST(SmartSellerDelivery, DeltasQueuedOfflineArriveAsOneSummedRequestWithAuditRows) {
    SmartSellerFixture f;
    f.set_stock({{{"variation_id", 3001}, {"warehouse_id", 1}, {"stock", 100}},
                 {{"variation_id", 3002}, {"warehouse_id", 1}, {"stock", 100}}});
    const auto first = f.enqueue("stock-update", stock_delta(3001, 1, "ADD", 5, "received"), "d-1");
    ASSERT_TRUE(first.value("ok", false)) << first.dump();
    // Another variation scanned in between: its own lane, so it does not stop the merging.
    const struct {
        long long variation;
        const char* status;
        int amount;
        const char* key;
    } later[] = {{3001, "ADD", 3, "d-2"}, {3002, "SUB", 1, "d-3"}, {3001, "sub", 2, "d-4"}, {3001, "ADD", 4, "d-5"}};
    for (const auto& delta : later) {
        const auto answer = f.enqueue("stock-update", stock_delta(delta.variation, 1, delta.status, delta.amount), delta.key);
        ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
        EXPECT_EQ(answer.value("coalesced", false), delta.variation == 3001) << delta.key;
        if (delta.variation == 3001) {
            EXPECT_EQ(answer["id"], first["id"]) << delta.key;
        }
    }
    EXPECT_EQ(f.status()["outbox"]["pending"], 2);
    // A producer retrying an absorbed key is answered with the operation that absorbed it.
    const auto retried = f.enqueue("stock-update", stock_delta(3001, 1, "ADD", 3), "d-2");
    EXPECT_TRUE(retried.value("duplicate", false)) << retried.dump();
    EXPECT_EQ(retried["id"], first["id"]);

    const auto audit = audit_rows(f.dir().file("outbox.db"));
    ASSERT_EQ(audit.size(), 3u) << audit.dump(2);
    EXPECT_EQ(audit[0]["absorbed_key"], "d-2");
    EXPECT_EQ(audit[0]["before"]["stock"][0]["amount"], 5);
    EXPECT_EQ(audit[0]["after"]["stock"][0]["amount"], 8);
    EXPECT_EQ(audit[1]["absorbed"]["stock"][0]["status"], "SUB");
    EXPECT_EQ(audit[2]["after"]["stock"][0]["amount"], 10);
    for (const auto& row : audit) EXPECT_EQ(row["operation_id"], first["id"]);

    f.set_link(true);
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 2; })) << f.diagnostics();
    EXPECT_EQ(f.requests_to(kUpdatePath), 2) << "the deltas of 3001 were not sent as one request";
    const auto request = applied(f.requests(), "d-1");
    EXPECT_EQ(request["body"]["stock"][0]["amount"], 10);
    EXPECT_EQ(request["body"]["stock"][0]["status"], "ADD");
    EXPECT_EQ(request["body"]["description"], "received; scan");
    EXPECT_EQ(f.stock(3001, 1), 110);
    EXPECT_EQ(f.stock(3002, 1), 99);
}

TEST(SmartSellerDelivery, OfflineDayWithACrashThenOnlineGivesTheRightStock) {
    SmartSellerFixture f;
    f.set_stock({{{"variation_id", 5001}, {"warehouse_id", 1}, {"stock", 50}},
                 {{"variation_id", 5002}, {"warehouse_id", 0}, {"stock", 5}},
                 {{"variation_id", 5003}, {"warehouse_id", 1}, {"stock", 30}}});
    auto queue = [&](const char* kind, const nlohmann::json& payload, const char* key) {
        const auto answer = f.enqueue(kind, payload, key);
        ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
    };
    queue("stock-update", stock_delta(5001, 1, "SUB", 5, "picked"), "day-1");
    queue("stock-sync", {{"variation_id", 5002}, {"amount", 30}}, "day-2");
    queue("stock-update", stock_delta(5001, 1, "SUB", 3, "picked"), "day-3");
    queue("stock-opname",
          {{"warehouse_id", 2}, {"description", "hitung"}, {"stock_adjustment", {{{"variation_id", 5004}, {"warehouse_stock", 12}}}}},
          "day-4");
    queue("stock-sync", {{"variation_id", 5002}, {"amount", 25}}, "day-5");
    queue("stock-transfer",
          {{"origin_warehouse_id", 1},
           {"destination_warehouse_id", 2},
           {"description", "ke Malang"},
           {"stock_adjustment", {{{"variation_id", 5003}, {"transfer_stock", 10}}}}},
          "day-6");
    queue("stock-update", stock_delta(5001, 1, "ADD", 4, "returned"), "day-7");
    EXPECT_EQ(f.status()["outbox"]["pending"], 4);

    f.restart_hard();  // acknowledged means durable: nothing of the day may be lost
    EXPECT_EQ(f.status()["outbox"]["pending"], 4);
    // The first update is applied but its answer lost (twice: libcurl re-sends once by itself);
    // the retry carries the same key and must not be applied again.
    f.sim().admin_post("/admin/faults", {{"path", kUpdatePath}, {"steps", {{{"apply_then_close", true}, {"repeat", 2}}}}});
    f.set_link(true);
    ASSERT_TRUE(wait_until([&] { return f.delivered() == 4; }, 30s)) << f.diagnostics();
    EXPECT_EQ(f.status()["outbox"]["dead"], 0);
    EXPECT_EQ(f.stock(5001, 1), 50 - 5 - 3 + 4);
    EXPECT_EQ(f.stock(5002, 0), 25);
    EXPECT_EQ(f.stock(5003, 1), 20);
    EXPECT_EQ(f.stock(5003, 2), 10);
    EXPECT_EQ(f.stock(5004, 2), 12);
    const auto stats = f.sim().stats();
    EXPECT_EQ(stats["accepted"], 4);
    EXPECT_GE(stats["duplicates"].get<int>(), 1) << "the retry did not reuse the idempotency key";
    std::set<std::string> endpoints;
    for (const auto& request : f.requests()) endpoints.insert(request["endpoint"].get<std::string>());
    EXPECT_EQ(endpoints, (std::set<std::string>{"update-stock", "sync-stock", "stock-opname", "stock-transfer"}));
}

}  // namespace
}  // namespace outpost::testing
