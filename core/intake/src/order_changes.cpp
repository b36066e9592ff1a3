#include "outpost/intake/order_changes.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

#include <nlohmann/json.hpp>

#include "outpost/intake/picking_order.hpp"

namespace outpost::intake {
namespace {

Error invalid(const char* what, const std::string& message) {
    return make_error("intake", std::string("invalid ") + what + ": " + message);
}

// JSON numbers like 2.0 or "2" are not ids or quantities: integers above zero only.
bool is_positive_integer(const nlohmann::json& value) {
    return (value.is_number_unsigned() && value.get<std::uint64_t>() > 0 &&
            value.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) ||
           (value.is_number_integer() && value.get<std::int64_t>() > 0);
}

Expected<void> only_known_fields(const nlohmann::json& object, std::initializer_list<const char*> known,
                                 const char* what, const std::string& where) {
    for (const auto& [name, value] : object.items()) {
        if (std::none_of(known.begin(), known.end(), [&](const char* field) { return name == field; })) {
            std::string list;
            for (const char* field : known) list += (list.empty() ? "" : ", ") + std::string(field);
            return invalid(what, "unknown field " + where + name + " (known: " + list + ")");
        }
    }
    return {};
}

Expected<std::int64_t> order_id_of(const nlohmann::json& body, const char* what) {
    const auto id = body.find("order_id");
    if (id == body.end()) return invalid(what, "order_id is required (the SMILE order id)");
    if (!is_positive_integer(*id)) return invalid(what, "order_id must be a positive integer (got " + id->dump() + ")");
    return id->get<std::int64_t>();
}

outbox::NewOperation operation_for(const char* kind, std::int64_t order_id, const nlohmann::json& payload,
                                   const std::string& idempotency_key) {
    outbox::NewOperation operation;
    operation.idempotency_key = idempotency_key;
    operation.kind = kind;
    operation.upstream = kSmileOrdersUpstream;
    operation.lane = order_lane(order_id);
    operation.payload = payload.dump();
    // A later change of this order must not overtake one the upstream refused.
    operation.blocks_lane = true;
    return operation;
}

Expected<void> check_stock(const nlohmann::json& stock, const std::string& where, std::set<std::string>& batches) {
    constexpr const char* what = "order item stocks";
    if (!stock.is_object()) return invalid(what, where + " must be an object");
    if (auto ok = only_known_fields(stock, {"batch_code", "qty"}, what, where + "."); !ok) return ok;
    const auto batch = stock.find("batch_code");
    if (batch == stock.end()) return invalid(what, where + ".batch_code is required");
    if (!batch->is_string() || batch->get_ref<const std::string&>().empty()) {
        return invalid(what, where + ".batch_code must be a non-empty string");
    }
    if (!batches.insert(batch->get<std::string>()).second) {
        return invalid(what, where + ".batch_code " + batch->dump() + " is listed twice for this order item");
    }
    const auto qty = stock.find("qty");
    if (qty == stock.end()) return invalid(what, where + ".qty is required");
    if (!is_positive_integer(*qty)) return invalid(what, where + ".qty must be a positive integer (got " + qty->dump() + ")");
    return {};
}

Expected<void> check_item(const nlohmann::json& item, const std::string& where, std::set<std::int64_t>& item_ids) {
    constexpr const char* what = "order item stocks";
    if (!item.is_object()) return invalid(what, where + " must be an object");
    if (auto ok = only_known_fields(item, {"order_item_id", "stocks"}, what, where + "."); !ok) return ok;
    const auto id = item.find("order_item_id");
    if (id == item.end()) return invalid(what, where + ".order_item_id is required");
    if (!is_positive_integer(*id)) {
        return invalid(what, where + ".order_item_id must be a positive integer (got " + id->dump() + ")");
    }
    if (!item_ids.insert(id->get<std::int64_t>()).second) {
        return invalid(what, where + ".order_item_id " + id->dump() + " is listed twice");
    }
    const auto stocks = item.find("stocks");
    if (stocks == item.end() || !stocks->is_array() || stocks->empty()) {
        return invalid(what, where + ".stocks must be a non-empty array of {batch_code, qty}");
    }
    std::set<std::string> batches;
    for (std::size_t i = 0; i < stocks->size(); ++i) {
        if (auto ok = check_stock((*stocks)[i], where + ".stocks[" + std::to_string(i) + "]", batches); !ok) return ok;
    }
    return {};
}

}  // namespace

std::string order_lane(std::int64_t order_id) { return std::string(kSmileOrdersUpstream) + "/" + std::to_string(order_id); }

Expected<outbox::NewOperation> prepare_order_status(const nlohmann::json& change, const std::string& idempotency_key) {
    constexpr const char* what = "order status change";
    if (!change.is_object()) return invalid(what, "the body must be a JSON object");
    if (auto ok = only_known_fields(change, {"order_id", "status", "comment", "updated_at"}, what, ""); !ok) {
        return ok.error();
    }
    auto order_id = order_id_of(change, what);
    if (!order_id) return order_id.error();

    std::string actions;
    for (std::string_view action : kOrderStatusActions) actions += (actions.empty() ? "" : ", ") + std::string(action);
    const auto status = change.find("status");
    if (status == change.end()) return invalid(what, "status is required (one of " + actions + ")");
    if (!status->is_string() ||
        std::find(kOrderStatusActions.begin(), kOrderStatusActions.end(), status->get_ref<const std::string&>()) ==
            kOrderStatusActions.end()) {
        return invalid(what, "status must be one of " + actions + " (got " + status->dump() + ")");
    }

    const auto updated_at = change.find("updated_at");
    if (updated_at == change.end()) return invalid(what, "updated_at is required (when the change was made)");
    if (!updated_at->is_string() || !is_rfc3339_with_offset(updated_at->get<std::string>())) {
        return invalid(what, "updated_at must be RFC 3339 with an offset, e.g. 2026-11-23T10:15:00+07:00 (got " +
                                 updated_at->dump() + ")");
    }
    nlohmann::json payload = {{"order_id", *order_id}, {"status", *status}, {"updated_at", *updated_at}};
    if (const auto comment = change.find("comment"); comment != change.end()) {
        if (!comment->is_string()) return invalid(what, "comment must be a string (got " + comment->dump() + ")");
        payload["comment"] = *comment;
    } else {
        payload["comment"] = "";  // the Order API's body always has one
    }
    return operation_for(kOrderStatusKind, *order_id, payload, idempotency_key);
}

Expected<outbox::NewOperation> prepare_order_item_stocks(const nlohmann::json& stocks,
                                                         const std::string& idempotency_key) {
    constexpr const char* what = "order item stocks";
    if (!stocks.is_object()) return invalid(what, "the body must be a JSON object");
    if (auto ok = only_known_fields(stocks, {"order_id", "items"}, what, ""); !ok) return ok.error();
    auto order_id = order_id_of(stocks, what);
    if (!order_id) return order_id.error();
    const auto items = stocks.find("items");
    if (items == stocks.end() || !items->is_array() || items->empty()) {
        return invalid(what, "items must be a non-empty array of {order_item_id, stocks}");
    }
    std::set<std::int64_t> item_ids;
    for (std::size_t i = 0; i < items->size(); ++i) {
        if (auto ok = check_item((*items)[i], "items[" + std::to_string(i) + "]", item_ids); !ok) return ok.error();
    }
    const nlohmann::json payload = {{"order_id", *order_id}, {"items", *items}};
    return operation_for(kOrderItemStocksKind, *order_id, payload, idempotency_key);
}

}  // namespace outpost::intake
