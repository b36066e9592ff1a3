#pragma once
// The pick-list table family of the catalog: SMILE orders to be picked offline, as
// GET /v2/order/{key_ssl}/integration and GET /v2/orders?status=... serve them
// (upstream-contract.md, "SMILE order integration (SIHA/SITB) and Order API": an order with
// items[] of material_code, qty and an optional batch_code). Plain types only: the SMILE orders
// connector turns the upstream's JSON into these, the catalog stores them, the pick session (and
// outpostctl catalog order|orders) reads them.

#include <cstdint>
#include <string>
#include <vector>

#include "outpost/common/clock.hpp"

namespace outpost::catalog {

struct PickListItem {
    std::int64_t id = 0;  // the order item's id upstream (order_item_id in order-item-stocks); 0: none sent
    std::string material_code;
    std::int64_t qty = 0;
    std::string batch_code;  // "" when the upstream names none (the picker chooses)
    std::string data;        // the whole item as JSON text, as sent
};

struct PickList {
    std::int64_t order_id = 0;  // the SMILE order id: pick lists are upserted by it
    std::string key_ssl;
    std::string status;      // the order's status when it was pulled
    std::string updated_at;  // as sent
    std::vector<PickListItem> items;  // in the upstream's order
    std::string data;        // the whole order as JSON text, as sent
    UnixMillis pulled_at = 0;  // device clock, when this copy was stored
};

// A stored pick list at a glance, without its item rows (outpostctl catalog orders).
struct PickListSummary {
    std::int64_t order_id = 0;
    std::string key_ssl;
    std::string status;
    std::string updated_at;
    UnixMillis pulled_at = 0;
    std::int64_t items = 0;      // item lines
    std::int64_t total_qty = 0;  // their quantities summed
};

// One bounded page of a listing, and how many lists matched in all.
struct PickListPage {
    std::vector<PickListSummary> lists;
    std::int64_t total = 0;
};

// The pick-list feed names in the catalog's pull state (Catalog::pull_state): one per status
// pulled from GET /v2/orders, e.g. "pick-lists/allocated".
std::string pick_list_feed(const std::string& status);

}  // namespace outpost::catalog
