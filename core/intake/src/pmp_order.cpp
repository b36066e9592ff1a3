#include "outpost/intake/pmp_order.hpp"

#include <nlohmann/json.hpp>

namespace outpost::intake {
namespace {

Error invalid(const std::string& message) { return make_error("intake", "invalid PMP order: " + message); }

enum class PmpOrderAction { Insert, Update };

Expected<outbox::NewOperation> prepare_pmp_order(const nlohmann::json& order, const std::string& idempotency_key,
                                                 PmpOrderAction action) {
    if (!order.is_object()) return invalid("the body must be a JSON object");
    for (const char* field : {"kode_order", "status"}) {
        const auto found = order.find(field);
        if (found == order.end()) return invalid(std::string(field) + " is required");
        if (!found->is_string() || found->get_ref<const std::string&>().empty()) {
            return invalid(std::string(field) + " must be a non-empty string (got " + found->dump() + ")");
        }
    }
    const auto data = order.find("json_data");
    if (data == order.end()) return invalid("json_data is required");
    std::string json_data;
    if (data->is_object()) {
        json_data = data->dump();
    } else if (data->is_string()) {
        // Already serialised (a stored operation checked again by salvage, or a producer that did
        // it itself): accepted when it holds a JSON object, and kept byte for byte.
        const auto inner = nlohmann::json::parse(data->get_ref<const std::string&>(), nullptr, false);
        if (!inner.is_object()) {
            return invalid("json_data must be a JSON object (or a string holding one); this string is not: " +
                           data->dump().substr(0, 80));
        }
        json_data = data->get<std::string>();
    } else {
        return invalid("json_data must be a JSON object (got " + data->dump().substr(0, 80) + ")");
    }
    for (const auto& [key, value] : order.items()) {
        if (key != "kode_order" && key != "json_data" && key != "status") {
            return invalid("unknown member '" + key + "' (the API takes kode_order, json_data and status)");
        }
    }
    const std::string kode_order = order["kode_order"].get<std::string>();
    const nlohmann::json body{{"kode_order", kode_order},
                              {"json_data", json_data},
                              {"status", order["status"].get<std::string>()}};
    outbox::NewOperation operation;
    operation.idempotency_key = idempotency_key;
    operation.kind = action == PmpOrderAction::Insert ? kPmpInsertKind : kPmpUpdateKind;
    operation.upstream = kPmpUpstream;
    operation.lane = "pmp/" + kode_order;
    operation.payload = body.dump();
    operation.blocks_lane = action == PmpOrderAction::Insert;
    return operation;
}

}  // namespace

Expected<std::vector<outbox::NewOperation>> prepare_pmp_insert(const nlohmann::json& order,
                                                               const std::string& idempotency_key,
                                                               const IntakeContext&) {
    return single(prepare_pmp_order(order, idempotency_key, PmpOrderAction::Insert));
}

Expected<std::vector<outbox::NewOperation>> prepare_pmp_update(const nlohmann::json& order,
                                                               const std::string& idempotency_key,
                                                               const IntakeContext&) {
    return single(prepare_pmp_order(order, idempotency_key, PmpOrderAction::Update));
}

}  // namespace outpost::intake
