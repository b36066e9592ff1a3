#include "outpost/intake/operation_kinds.hpp"

#include "outpost/intake/catalog_checks.hpp"
#include "outpost/intake/disposal_cancellation.hpp"
#include "outpost/intake/order_changes.hpp"
#include "outpost/intake/picking_order.hpp"
#include "outpost/intake/pmp_order.hpp"
#include "outpost/intake/sales_order.hpp"
#include "outpost/intake/smartseller_stock.hpp"

namespace outpost::intake {
namespace {

Expected<std::vector<outbox::NewOperation>> prepare_picking(const nlohmann::json& payload, const std::string& key,
                                                              const IntakeContext& context) {
    return single(prepare_picking_order(payload, key, context.device_id));
}

// SmartSeller kinds need neither the device id nor the clock.
template <Expected<std::vector<outbox::NewOperation>> (*Prepare)(const nlohmann::json&, const std::string&)>
Expected<std::vector<outbox::NewOperation>> without_context(const nlohmann::json& payload, const std::string& key,
                                                            const IntakeContext&) {
    return Prepare(payload, key);
}

Expected<std::vector<outbox::NewOperation>> prepare_status(const nlohmann::json& payload, const std::string& key,
                                                             const IntakeContext&) {
    return single(prepare_order_status(payload, key));
}

Expected<std::vector<outbox::NewOperation>> prepare_item_stocks(const nlohmann::json& payload,
                                                                  const std::string& key, const IntakeContext&) {
    return single(prepare_order_item_stocks(payload, key));
}

Expected<std::vector<outbox::NewOperation>> prepare_disposal(const nlohmann::json& payload, const std::string& key,
                                                               const IntakeContext&) {
    return single(prepare_disposal_cancellation(payload, key));
}

constexpr OperationKind kKinds[] = {
    {kPickingOrderKind, kDinUpstream, "SMILE DIN post-picking order (POST /ssl/ifp/picking/order)", prepare_picking,
     check_picking_items},
    {kSalesOrderKind, kSalesOrderUpstream, "Sales Order API: create a sales order (POST /api/v1/sales-orders, RSA-signed)",
     prepare_sales_order},
    {kPmpInsertKind, kPmpUpstream, "PMP Smart: insert a JSON order (POST /api/v1/json/order)", prepare_pmp_insert},
    {kPmpUpdateKind, kPmpUpstream, "PMP Smart: update a JSON order (POST /api/v1/json/order/update)", prepare_pmp_update},
    {kStockUpdateKind, kSmartSellerUpstream,
     "SmartSeller stock delta ADD/SUB per warehouse (PATCH /api/open/product/update-stock)",
     without_context<prepare_stock_update>},
    {kStockSyncKind, kSmartSellerUpstream, "SmartSeller absolute stock of a variation (PATCH /api/open/product/sync-stock)",
     without_context<prepare_stock_sync>},
    {kStockOpnameKind, kSmartSellerUpstream, "SmartSeller stock count of a warehouse (POST /api/open/stock-opname)",
     without_context<prepare_stock_opname>},
    {kStockTransferKind, kSmartSellerUpstream,
     "SmartSeller transfer between warehouses, split per 100 variations (POST /api/open/stock-transfer)",
     without_context<prepare_stock_transfer>},
    {kOrderStatusKind, kSmileOrdersUpstream,
     "SMILE order status change, in order per order (PUT /orders/{id}/confirms|pendings|allocates|ships|fulfilled|"
     "validate|cancel)",
     prepare_status},
    {kOrderItemStocksKind, kSmileOrdersUpstream,
     "SMILE picked batches of an order, in the order's lane (POST /orders/{id}/order-item-stocks)",
     prepare_item_stocks},
    {kDisposalCancellationKind, kWmsUpstream, "SMILE WMS disposal cancellation (POST /wms/disposal/cancellation)",
     prepare_disposal, check_disposal_entity},
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
