#include "outpost/intake/sales_order.hpp"

#include <nlohmann/json.hpp>

namespace outpost::intake {
namespace {

Error invalid(const std::string& message) { return make_error("intake", "invalid sales order: " + message); }

Expected<void> require_text(const nlohmann::json& object, const char* field, const std::string& where) {
    const auto found = object.find(field);
    if (found == object.end()) return invalid(where + field + " is required");
    if (!found->is_string() || found->get_ref<const std::string&>().empty()) {
        return invalid(where + field + " must be a non-empty string (got " + found->dump() + ")");
    }
    return {};
}

bool is_positive_integer(const nlohmann::json& value) {
    return (value.is_number_unsigned() && value.get<std::uint64_t>() > 0) ||
           (value.is_number_integer() && value.get<std::int64_t>() > 0);
}

Expected<outbox::NewOperation> prepare_one(const nlohmann::json& order, const std::string& idempotency_key) {
    if (!order.is_object()) return invalid("the body must be a JSON object");
    for (const char* field : {"customer_code", "site_code", "sales_name", "address"}) {
        if (auto ok = require_text(order, field, ""); !ok) return ok.error();
    }
    if (const auto po = order.find("purchase_order_no"); po != order.end() && !po->is_string() && !po->is_null()) {
        return invalid("purchase_order_no must be a string or null (got " + po->dump() + ")");
    }
    const auto products = order.find("products");
    if (products == order.end()) return invalid("products is required");
    if (!products->is_array() || products->empty()) return invalid("products must be a non-empty array");
    for (std::size_t i = 0; i < products->size(); ++i) {
        const nlohmann::json& product = (*products)[i];
        const std::string where = "products[" + std::to_string(i) + "].";
        if (!product.is_object()) return invalid("products[" + std::to_string(i) + "] must be an object");
        if (auto ok = require_text(product, "product_code", where); !ok) return ok.error();
        const auto quantity = product.find("quantity");
        if (quantity == product.end()) return invalid(where + "quantity is required");
        if (!is_positive_integer(*quantity)) {
            return invalid(where + "quantity must be a positive integer (got " + quantity->dump() + ")");
        }
    }
    outbox::NewOperation operation;
    operation.idempotency_key = idempotency_key;
    operation.kind = kSalesOrderKind;
    operation.upstream = kSalesOrderUpstream;
    operation.lane = "sales-order/" + order["customer_code"].get<std::string>();
    operation.payload = order.dump();
    return operation;
}

}  // namespace

Expected<std::vector<outbox::NewOperation>> prepare_sales_order(const nlohmann::json& order,
                                                                const std::string& idempotency_key,
                                                                const IntakeContext&) {
    return single(prepare_one(order, idempotency_key));
}

}  // namespace outpost::intake
