#include "outpost/intake/operation_kinds.hpp"

#include "outpost/intake/picking_order.hpp"

namespace outpost::intake {
namespace {

Expected<std::vector<outbox::NewOperation>> prepare_picking(const nlohmann::json& payload, const std::string& key,
                                                              const IntakeContext& context) {
    return single(prepare_picking_order(payload, key, context.device_id));
}

constexpr OperationKind kKinds[] = {
    {kPickingOrderKind, kDinUpstream, "SMILE DIN post-picking order (POST /ssl/ifp/picking/order)", prepare_picking},
};

}  // namespace

Expected<std::vector<outbox::NewOperation>> single(Expected<outbox::NewOperation> operation) {
    if (!operation) return operation.error();
    std::vector<outbox::NewOperation> operations;
    operations.push_back(std::move(*operation));
    return operations;
}

std::span<const OperationKind> operation_kinds() { return kKinds; }

const OperationKind* find_operation_kind(std::string_view name) {
    for (const OperationKind& kind : kKinds) {
        if (kind.name == name) return &kind;
    }
    return nullptr;
}

}  // namespace outpost::intake
