// stock-update (PATCH /api/open/product/update-stock) and stock-sync (PATCH
// /api/open/product/sync-stock): the kinds that change one variation, laned per variation and
// coalesced by the outbox (smartseller_stock.hpp).

#include <algorithm>
#include <cctype>

#include "outpost/intake/operation_kinds.hpp"
#include "outpost/intake/smartseller_stock.hpp"
#include "outpost/intake/stock_coalescing.hpp"
#include "smartseller_fields.hpp"

namespace outpost::intake {
namespace {

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

outbox::NewOperation variation_operation(const char* kind, const std::string& key, std::int64_t variation,
                                         const nlohmann::json& body) {
    outbox::NewOperation operation;
    operation.idempotency_key = key;
    operation.kind = kind;
    operation.upstream = kSmartSellerUpstream;
    operation.lane = variation_lane(variation);
    operation.payload = body.dump();
    return operation;
}

}  // namespace

std::string variation_lane(std::int64_t variation_id) {
    return "smartseller/variation/" + std::to_string(variation_id);
}

Expected<std::vector<outbox::NewOperation>> prepare_stock_update(const nlohmann::json& body, const std::string& key) {
    const smartseller::Fields fields(kStockUpdateKind);
    if (auto ok = fields.object_with(body, "", {"variation_id", "stock", "description", "move_warehouse_stock"}); !ok) {
        return ok.error();
    }
    auto variation = fields.integer(body, "", "variation_id", 1);
    if (!variation) return variation.error();
    // The seed sets no limit on entries; one per warehouse is what makes sense.
    auto stock = fields.array(body, "stock", 1000);
    if (!stock) return stock.error();
    nlohmann::json normalized = body;
    for (std::size_t i = 0; i < (*stock)->size(); ++i) {
        const nlohmann::json& entry = (**stock)[i];
        const std::string where = "stock[" + std::to_string(i) + "].";
        if (auto ok = fields.object_with(entry, where, {"amount", "status", "warehouse_id"}); !ok) return ok.error();
        // The seed's "New product variant stock" is the amount added or taken: 0 would change nothing.
        if (auto amount = fields.integer(entry, where, "amount", 1); !amount) return amount.error();
        // Warehouse 0 is the main warehouse ("Gudang Utama") every shop has.
        if (auto warehouse = fields.integer(entry, where, "warehouse_id", 0); !warehouse) return warehouse.error();
        auto status = fields.text(entry, where, "status");
        if (!status) return status.error();
        const std::string status_upper = upper(*status);
        if (status_upper != "ADD" && status_upper != "SUB") {
            return fields.invalid(where + "status must be ADD or SUB (got \"" + *status + "\")");
        }
        normalized["stock"][i]["status"] = status_upper;
    }
    if (const auto move = body.find("move_warehouse_stock"); move != body.end() && !move->is_boolean()) {
        return fields.invalid("move_warehouse_stock must be true or false (got " + move->dump() + ")");
    }
    if (auto description = fields.text(body, "", "description"); !description) return description.error();

    auto operation = variation_operation(kStockUpdateKind, key, *variation, normalized);
    if (auto coalesce = stock_delta_coalesce_key(normalized)) {
        operation.coalesce_key = *coalesce;
        operation.merge = merge_stock_delta;
    }
    return single(std::move(operation));
}

Expected<std::vector<outbox::NewOperation>> prepare_stock_sync(const nlohmann::json& body, const std::string& key) {
    const smartseller::Fields fields(kStockSyncKind);
    if (auto ok = fields.object_with(body, "", {"variation_id", "amount", "exceptional_vendor_id"}); !ok) {
        return ok.error();
    }
    auto variation = fields.integer(body, "", "variation_id", 1);
    if (!variation) return variation.error();
    if (auto amount = fields.integer(body, "", "amount", 0); !amount) return amount.error();
    if (auto vendor = fields.optional_integer(body, "", "exceptional_vendor_id", 1); !vendor) return vendor.error();

    auto operation = variation_operation(kStockSyncKind, key, *variation, body);
    if (auto coalesce = stock_sync_coalesce_key(body)) {
        operation.coalesce_key = *coalesce;
        operation.merge = merge_stock_sync;
    }
    return single(std::move(operation));
}

}  // namespace outpost::intake
