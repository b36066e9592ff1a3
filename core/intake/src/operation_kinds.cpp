#include "outpost/intake/operation_kinds.hpp"

#include "outpost/intake/order_changes.hpp"
#include "outpost/intake/picking_order.hpp"

namespace outpost::intake {
namespace {

Expected<std::vector<outbox::NewOperation>> prepare_picking(const nlohmann::json& payload, const std::string& key,
                                                              const IntakeContext& context) {
    return single(prepare_picking_order(payload, key, context.device_id));
}

Expected<std::vector<outbox::NewOperation>> prepare_status(const nlohmann::json& payload, const std::string& key,
                                                             const IntakeContext&) {
    return single(prepare_order_status(payload, key));
}

Expected<std::vector<outbox::NewOperation>> prepare_item_stocks(const nlohmann::json& payload,
                                                                  const std::string& key, const IntakeContext&) {
    return single(prepare_order_item_stocks(payload, key));
}

constexpr OperationKind kKinds[] = {
    {kPickingOrderKind, kDinUpstream, "SMILE DIN post-picking order (POST /ssl/ifp/picking/order)", prepare_picking},
    {kOrderStatusKind, kSmileOrdersUpstream,
     "SMILE order status change, in order per order (PUT /orders/{id}/confirms|pendings|allocates|ships|fulfilled|"
     "validate|cancel)",
     prepare_status},
    {kOrderItemStocksKind, kSmileOrdersUpstream,
     "SMILE picked batches of an order, in the order's lane (POST /orders/{id}/order-item-stocks)",
     prepare_item_stocks},
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
