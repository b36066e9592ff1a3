// The catalog's pick-list family on real SQLite files: upserted by order id with their items
// replaced as a whole, found by key_ssl and order id, listed by status (whole, or as a bounded
// page of summaries), removed, kept across a reopen, and added to a catalog written before the
// family existed without losing its master data.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "catalog_file_test.hpp"
#include "outpost/catalog/catalog.hpp"
#include "temp_dir.hpp"

namespace outpost::catalog {
namespace {

PickList order(std::int64_t id, const std::string& status, std::vector<PickListItem> items, UnixMillis pulled_at = 1000) {
    PickList list;
    list.order_id = id;
    list.key_ssl = "SSL-2026-" + std::to_string(id);
    list.status = status;
    list.updated_at = "2026-11-23T10:00:00+07:00";
    list.items = std::move(items);
    list.data = R"({"id":)" + std::to_string(id) + "}";
    list.pulled_at = pulled_at;
    return list;
}

PickListItem item(std::int64_t id, const std::string& material, std::int64_t qty, const std::string& batch = "") {
    return PickListItem{id, material, qty, batch, R"({"id":)" + std::to_string(id) + "}"};
}

class PickListsTest : public outpost::testing::CatalogFileTest {};

TEST_F(PickListsTest, ANewCatalogHasNone) {
    auto found = catalog->pick_list("SSL-2026-1");
    ASSERT_TRUE(found) << found.error().describe();
    EXPECT_FALSE(found->has_value());
    auto all = catalog->pick_lists("");
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->empty());
}

TEST_F(PickListsTest, ListsAreFoundByKeySslAndOrderIdWithTheirItemsInOrder) {
    const PickList lists[] = {
        order(48211, "allocated", {item(1, "BCG-20", 20, "B2311A"), item(2, "DPT-10", 10)}),
        order(48212, "confirmed", {item(7, "POLIO-5", 5)}),
    };
    ASSERT_TRUE(catalog->upsert_pick_lists(lists));

    auto found = catalog->pick_list("SSL-2026-48211");
    ASSERT_TRUE(found && found->has_value());
    const PickList& list = **found;
    EXPECT_EQ(list.order_id, 48211);
    EXPECT_EQ(list.status, "allocated");
    EXPECT_EQ(list.updated_at, "2026-11-23T10:00:00+07:00");
    EXPECT_EQ(list.data, R"({"id":48211})");
    EXPECT_EQ(list.pulled_at, 1000);
    ASSERT_EQ(list.items.size(), 2u);
    EXPECT_EQ(list.items[0].id, 1);
    EXPECT_EQ(list.items[0].material_code, "BCG-20");
    EXPECT_EQ(list.items[0].qty, 20);
    EXPECT_EQ(list.items[0].batch_code, "B2311A");
    EXPECT_EQ(list.items[1].batch_code, "") << "no batch named: the picker chooses";

    auto by_id = catalog->pick_list_by_order(48212);
    ASSERT_TRUE(by_id && by_id->has_value());
    EXPECT_EQ((*by_id)->key_ssl, "SSL-2026-48212");
    ASSERT_EQ((*by_id)->items.size(), 1u);

    auto allocated = catalog->pick_lists("allocated");
    ASSERT_TRUE(allocated);
    ASSERT_EQ(allocated->size(), 1u);
    EXPECT_EQ((*allocated)[0].order_id, 48211);
    EXPECT_EQ((*allocated)[0].items.size(), 2u);
    EXPECT_EQ(catalog->pick_lists("")->size(), 2u);
}

TEST_F(PickListsTest, APageSummarisesListsByOrderIdBoundedWithTheTotal) {
    const PickList lists[] = {
        order(30, "allocated", {item(1, "BCG-20", 20, "B2311A"), item(2, "DPT-10", 10)}, 3000),
        order(10, "allocated", {item(1, "POLIO-5", 5)}),
        order(20, "confirmed", {item(1, "BCG-20", 1)}),
        order(40, "allocated", {}),
    };
    ASSERT_TRUE(catalog->upsert_pick_lists(lists));

    auto first = catalog->pick_list_page("allocated", 2);
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_EQ(first->total, 3);
    ASSERT_EQ(first->lists.size(), 2u);
    EXPECT_EQ(first->lists[0].order_id, 10);
    EXPECT_EQ(first->lists[0].items, 1);
    EXPECT_EQ(first->lists[1].order_id, 30);
    EXPECT_EQ(first->lists[1].key_ssl, "SSL-2026-30");
    EXPECT_EQ(first->lists[1].status, "allocated");
    EXPECT_EQ(first->lists[1].pulled_at, 3000);
    EXPECT_EQ(first->lists[1].items, 2);
    EXPECT_EQ(first->lists[1].total_qty, 30);

    auto all = catalog->pick_list_page("", 100);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->total, 4);
    ASSERT_EQ(all->lists.size(), 4u);
    EXPECT_EQ(all->lists[3].order_id, 40);
    EXPECT_EQ(all->lists[3].items, 0) << "a list without items is still listed";
    EXPECT_EQ(all->lists[3].total_qty, 0);

    auto none = catalog->pick_list_page("shipped", 10);
    ASSERT_TRUE(none);
    EXPECT_EQ(none->total, 0);
    EXPECT_TRUE(none->lists.empty());
}

TEST_F(PickListsTest, APullOfAnOrderReplacesItsStoredCopyItemsIncluded) {
    const PickList before[] = {order(1, "confirmed", {item(1, "BCG-20", 20), item(2, "DPT-10", 10)})};
    ASSERT_TRUE(catalog->upsert_pick_lists(before));
    const PickList after[] = {order(1, "allocated", {item(1, "BCG-20", 15, "B2311A")}, 2000)};
    ASSERT_TRUE(catalog->upsert_pick_lists(after));
    auto found = catalog->pick_list_by_order(1);
    ASSERT_TRUE(found && found->has_value());
    EXPECT_EQ((*found)->status, "allocated");
    EXPECT_EQ((*found)->pulled_at, 2000);
    ASSERT_EQ((*found)->items.size(), 1u) << "an item the upstream dropped lingered";
    EXPECT_EQ((*found)->items[0].qty, 15);
    EXPECT_EQ((*found)->items[0].batch_code, "B2311A");
}

TEST_F(PickListsTest, RemovedListsAreGoneAndOthersStay) {
    const PickList lists[] = {order(1, "allocated", {item(1, "A", 1)}), order(2, "allocated", {item(1, "B", 2)})};
    ASSERT_TRUE(catalog->upsert_pick_lists(lists));
    ASSERT_TRUE(catalog->remove_pick_list(1));
    EXPECT_FALSE(catalog->pick_list_by_order(1)->has_value());
    EXPECT_TRUE(catalog->pick_list_by_order(2)->has_value());
    EXPECT_TRUE(catalog->remove_pick_list(99)) << "removing an unknown order is not an error";
}

TEST_F(PickListsTest, ListsAndTheirPullStateSurviveAReopen) {
    const PickList lists[] = {order(5, "allocated", {item(1, "BCG-20", 20)})};
    ASSERT_TRUE(catalog->upsert_pick_lists(lists));
    ASSERT_TRUE(catalog->record_pull(pick_list_feed("allocated"), 4242, ""));
    reopen();
    auto found = catalog->pick_list("SSL-2026-5");
    ASSERT_TRUE(found && found->has_value());
    EXPECT_EQ((*found)->items.size(), 1u);
    auto state = catalog->pull_state("pick-lists/allocated");
    ASSERT_TRUE(state);
    EXPECT_EQ(state->last_success_at, 4242);
}

TEST_F(PickListsTest, ACatalogFromBeforePickListsIsUpgradedKeepingItsMasterData) {
    MasterRecord material;
    material.id = 12;
    material.code = "BCG-20";
    material.name = "Vaksin BCG";
    material.gtin = "08991234567895";
    material.updated_at = "2026-11-01T00:00:00Z";
    const MasterRecord records[] = {material};
    ASSERT_TRUE(catalog->upsert(EntityType::Materials, records));
    catalog.reset();
    // Back to schema version 1: the file as an agent without pick lists left it.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("catalog.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE pick_list_items; DROP TABLE pick_lists; PRAGMA user_version = 1", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);

    reopen();
    EXPECT_FALSE(catalog->reset_reason()) << "an older catalog was thrown away instead of upgraded";
    EXPECT_TRUE(catalog->material_by_code("BCG-20")->has_value());
    const PickList lists[] = {order(1, "allocated", {item(1, "BCG-20", 1)})};
    EXPECT_TRUE(catalog->upsert_pick_lists(lists));
}

}  // namespace
}  // namespace outpost::catalog
