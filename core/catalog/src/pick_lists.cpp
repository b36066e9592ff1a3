// The pick-list table family: pick_lists (one row per SMILE order) and pick_list_items (schema.cpp,
// migration 2). An order's stored copy is replaced as a whole on every pull of it.

#include <string>

#include "outpost/catalog/catalog.hpp"
#include "sqlite.hpp"

namespace outpost::catalog {
namespace {

constexpr const char* kListColumns = "order_id, key_ssl, status, updated_at, data, pulled_at";

PickList read_list(const detail::Statement& row) {
    PickList list;
    list.order_id = row.column_int(0);
    list.key_ssl = row.column_text(1);
    list.status = row.column_text(2);
    list.updated_at = row.column_text(3);
    list.data = row.column_text(4);
    list.pulled_at = row.column_int(5);
    return list;
}

// Reads the items of `list` (the caller holds the catalog's mutex).
Expected<void> read_items(detail::Statements& statements, PickList& list) {
    auto query = statements.get(
        "SELECT item_id, material_code, qty, batch_code, data FROM pick_list_items WHERE order_id = ?1 "
        "ORDER BY position");
    if (!query) return query.error();
    query->bind(1, list.order_id);
    while (true) {
        auto row = query->step("reading the items of pick list " + std::to_string(list.order_id));
        if (!row) return row.error();
        if (!*row) return {};
        list.items.push_back(PickListItem{query->column_int(0), query->column_text(1), query->column_int(2),
                                          query->column_text(3), query->column_text(4)});
    }
}

}  // namespace

std::string pick_list_feed(const std::string& status) { return "pick-lists/" + status; }

Expected<void> Catalog::upsert_pick_lists(std::span<const PickList> lists) {
    std::lock_guard lock(mutex_);
    auto transaction = detail::Transaction::begin(db_, "storing pick lists", detail::kOwner);
    if (!transaction) return transaction.error();
    for (const PickList& list : lists) {
        const std::string doing = "storing pick list " + std::to_string(list.order_id);
        auto upsert = statements_->get(
            "INSERT INTO pick_lists (order_id, key_ssl, status, updated_at, data, pulled_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (order_id) DO UPDATE SET key_ssl = excluded.key_ssl, "
            "status = excluded.status, updated_at = excluded.updated_at, data = excluded.data, "
            "pulled_at = excluded.pulled_at");
        if (!upsert) return upsert.error();
        upsert->bind(1, list.order_id);
        upsert->bind(2, list.key_ssl);
        upsert->bind(3, list.status);
        upsert->bind(4, list.updated_at);
        upsert->bind(5, list.data.empty() ? std::string_view("{}") : std::string_view(list.data));
        upsert->bind(6, list.pulled_at);
        if (auto done = upsert->step(doing); !done) return done.error();

        // The upstream's item list replaces the stored one: an item it dropped must not linger.
        auto clear = statements_->get("DELETE FROM pick_list_items WHERE order_id = ?1");
        if (!clear) return clear.error();
        clear->bind(1, list.order_id);
        if (auto done = clear->step(doing); !done) return done.error();
        std::int64_t position = 0;
        for (const PickListItem& item : list.items) {
            auto insert = statements_->get(
                "INSERT INTO pick_list_items (order_id, position, item_id, material_code, qty, batch_code, data) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
            if (!insert) return insert.error();
            insert->bind(1, list.order_id);
            insert->bind(2, position++);
            insert->bind(3, item.id);
            insert->bind(4, item.material_code);
            insert->bind(5, item.qty);
            insert->bind(6, item.batch_code);
            insert->bind(7, item.data.empty() ? std::string_view("{}") : std::string_view(item.data));
            if (auto done = insert->step(doing); !done) return done.error();
        }
    }
    return transaction->commit();
}

Expected<void> Catalog::remove_pick_list(std::int64_t order_id) {
    std::lock_guard lock(mutex_);
    auto transaction =
        detail::Transaction::begin(db_, "removing pick list " + std::to_string(order_id), detail::kOwner);
    if (!transaction) return transaction.error();
    for (const char* sql : {"DELETE FROM pick_list_items WHERE order_id = ?1", "DELETE FROM pick_lists WHERE order_id = ?1"}) {
        auto statement = statements_->get(sql);
        if (!statement) return statement.error();
        statement->bind(1, order_id);
        if (auto done = statement->step("removing pick list " + std::to_string(order_id)); !done) return done.error();
    }
    return transaction->commit();
}

Expected<std::optional<PickList>> Catalog::pick_list_where(const char* condition, std::string_view text,
                                                           std::int64_t number) const {
    std::lock_guard lock(mutex_);
    PickList list;
    {
        // The most recently pulled, should the upstream list one key_ssl under two orders.
        auto query = statements_->get(std::string("SELECT ") + kListColumns + " FROM pick_lists WHERE " + condition +
                                      " ORDER BY pulled_at DESC, order_id DESC LIMIT 1");
        if (!query) return query.error();
        if (text.empty()) {
            query->bind(1, number);
        } else {
            query->bind(1, text);
        }
        auto row = query->step("looking up a pick list");
        if (!row) return row.error();
        if (!*row) return std::optional<PickList>{};
        list = read_list(*query);
    }
    if (auto items = read_items(*statements_, list); !items) return items.error();
    return std::optional<PickList>{std::move(list)};
}

Expected<std::optional<PickList>> Catalog::pick_list(std::string_view key_ssl) const {
    if (key_ssl.empty()) return std::optional<PickList>{};
    return pick_list_where("key_ssl = ?1", key_ssl, 0);
}

Expected<std::optional<PickList>> Catalog::pick_list_by_order(std::int64_t order_id) const {
    return pick_list_where("order_id = ?1", {}, order_id);
}

Expected<std::vector<PickList>> Catalog::pick_lists(std::string_view status) const {
    std::lock_guard lock(mutex_);
    std::vector<PickList> lists;
    {
        auto query = statements_->get(std::string("SELECT ") + kListColumns +
                                      " FROM pick_lists WHERE ?1 = '' OR status = ?1 ORDER BY order_id");
        if (!query) return query.error();
        query->bind(1, status);
        while (true) {
            auto row = query->step("listing pick lists");
            if (!row) return row.error();
            if (!*row) break;
            lists.push_back(read_list(*query));
        }
    }
    for (PickList& list : lists) {
        if (auto items = read_items(*statements_, list); !items) return items.error();
    }
    return lists;
}

Expected<PickListPage> Catalog::pick_list_page(std::string_view status, std::int64_t limit) const {
    std::lock_guard lock(mutex_);
    PickListPage page;
    {
        auto count = statements_->get("SELECT COUNT(*) FROM pick_lists WHERE ?1 = '' OR status = ?1");
        if (!count) return count.error();
        count->bind(1, status);
        auto row = count->step("counting pick lists");
        if (!row) return row.error();
        page.total = *row ? count->column_int(0) : 0;
    }
    auto query = statements_->get(
        "SELECT p.order_id, p.key_ssl, p.status, p.updated_at, p.pulled_at, COUNT(i.order_id), "
        "COALESCE(SUM(i.qty), 0) FROM pick_lists p LEFT JOIN pick_list_items i ON i.order_id = p.order_id "
        "WHERE ?1 = '' OR p.status = ?1 GROUP BY p.order_id ORDER BY p.order_id LIMIT ?2");
    if (!query) return query.error();
    query->bind(1, status);
    query->bind(2, limit < 1 ? std::int64_t{1} : limit);
    while (true) {
        auto row = query->step("listing pick lists");
        if (!row) return row.error();
        if (!*row) break;
        page.lists.push_back(PickListSummary{query->column_int(0), query->column_text(1), query->column_text(2),
                                             query->column_text(3), query->column_int(4), query->column_int(5),
                                             query->column_int(6)});
    }
    return page;
}

}  // namespace outpost::catalog
