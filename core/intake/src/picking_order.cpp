#include "outpost/intake/picking_order.hpp"

#include <nlohmann/json.hpp>

namespace outpost::intake {
namespace {

Error invalid(const std::string& message) { return make_error("intake", "invalid picking order: " + message); }

Expected<void> require_text(const nlohmann::json& object, const char* field, const std::string& where) {
    const auto found = object.find(field);
    if (found == object.end()) return invalid(where + field + " is required");
    if (!found->is_string() || found->get_ref<const std::string&>().empty()) {
        return invalid(where + field + " must be a non-empty string");
    }
    return {};
}

Expected<void> check_item(const nlohmann::json& item, std::size_t index) {
    const std::string where = "items[" + std::to_string(index) + "].";
    if (!item.is_object()) return invalid("items[" + std::to_string(index) + "] must be an object");
    const auto qty = item.find("qty");
    if (qty == item.end()) return invalid(where + "qty is required");
    // JSON numbers like 2.0 are not quantities of vials: integers only.
    const bool positive_integer = (qty->is_number_unsigned() && qty->get<std::uint64_t>() > 0) ||
                                  (qty->is_number_integer() && qty->get<std::int64_t>() > 0);
    if (!positive_integer) return invalid(where + "qty must be a positive integer (got " + qty->dump() + ")");
    if (const auto expiry = item.find("expired_date"); expiry != item.end()) {
        if (!expiry->is_string() || !is_calendar_date(expiry->get<std::string>())) {
            return invalid(where + "expired_date must be a date as YYYY-MM-DD (got " + expiry->dump() + ")");
        }
    }
    for (const char* field : {"material_code", "gtin", "batch_code", "uom", "bin"}) {
        if (const auto value = item.find(field); value != item.end() && !value->is_string()) {
            return invalid(where + field + " must be a string");
        }
    }
    return {};
}

}  // namespace

Expected<outbox::NewOperation> prepare_picking_order(const nlohmann::json& order,
                                                     const std::string& idempotency_key,
                                                     const std::string& device_id) {
    if (!order.is_object()) return invalid("the body must be a JSON object");
    for (const char* field : {"key_ssl", "picking_no", "picked_at"}) {
        if (auto ok = require_text(order, field, ""); !ok) return ok.error();
    }
    if (!is_rfc3339_with_offset(order["picked_at"].get<std::string>())) {
        return invalid("picked_at must be RFC 3339 with an offset, e.g. 2026-11-23T10:15:00+07:00 (got " +
                       order["picked_at"].dump() + ")");
    }
    if (const auto id = order.find("order_id"); id != order.end() && !id->is_number_integer()) {
        return invalid("order_id must be an integer");
    }
    const auto items = order.find("items");
    if (items == order.end() || !items->is_array() || items->empty()) {
        return invalid("items must be a non-empty array");
    }
    for (std::size_t i = 0; i < items->size(); ++i) {
        if (auto ok = check_item((*items)[i], i); !ok) return ok.error();
    }

    nlohmann::json body = order;
    if (!body.contains("device_id")) body["device_id"] = device_id;
    outbox::NewOperation operation;
    operation.idempotency_key = idempotency_key;
    operation.kind = kPickingOrderKind;
    operation.upstream = kDinUpstream;
    operation.lane = "din/" + order["key_ssl"].get<std::string>();
    operation.payload = body.dump();
    return operation;
}

}  // namespace outpost::intake
