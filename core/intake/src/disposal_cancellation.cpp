#include "outpost/intake/disposal_cancellation.hpp"

#include <nlohmann/json.hpp>

#include "outpost/intake/picking_order.hpp"

namespace outpost::intake {
namespace {

Error invalid(const std::string& message) { return make_error("intake", "invalid disposal cancellation: " + message); }

}  // namespace

Expected<outbox::NewOperation> prepare_disposal_cancellation(const nlohmann::json& cancellation,
                                                             const std::string& idempotency_key) {
    if (!cancellation.is_object()) return invalid("the body must be a JSON object");
    for (const char* field : {"disposal_instruction_no", "entity_id", "reason", "cancelled_at", "cancelled_by"}) {
        if (!cancellation.contains(field)) return invalid(std::string(field) + " is required");
    }
    for (const char* field : {"disposal_instruction_no", "reason", "cancelled_at", "cancelled_by"}) {
        const auto& value = cancellation[field];
        if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
            return invalid(std::string(field) + " must be a non-empty string (got " + value.dump() + ")");
        }
    }
    const auto& entity = cancellation["entity_id"];
    const bool positive = (entity.is_number_unsigned() && entity.get<std::uint64_t>() > 0) ||
                          (entity.is_number_integer() && entity.get<std::int64_t>() > 0);
    if (!positive) return invalid("entity_id must be a positive integer (got " + entity.dump() + ")");
    if (!is_rfc3339_with_offset(cancellation["cancelled_at"].get<std::string>())) {
        return invalid("cancelled_at must be RFC 3339 with an offset, e.g. 2026-11-23T11:00:00+07:00 (got " +
                       cancellation["cancelled_at"].dump() + ")");
    }
    outbox::NewOperation operation;
    operation.idempotency_key = idempotency_key;
    operation.kind = kDisposalCancellationKind;
    operation.upstream = kWmsUpstream;
    operation.lane = "wms/disposal/" + cancellation["disposal_instruction_no"].get<std::string>();
    operation.payload = cancellation.dump();
    return operation;
}

}  // namespace outpost::intake
