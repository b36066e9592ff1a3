// stock-opname (POST /api/open/stock-opname) and stock-transfer (POST /api/open/stock-transfer):
// warehouse-level documents over many variations, in one lane, never coalesced; a transfer of
// more than 100 variations is split (smartseller_stock.hpp).

#include <map>

#include "outpost/common/random_id.hpp"
#include "outpost/intake/smartseller_stock.hpp"
#include "smartseller_fields.hpp"

namespace outpost::intake {
namespace {

// Checks stock_adjustment[] entries of {variation_id, <amount_field>}; one variation once (the
// seed does not say which of two entries would win, so the producer must say it in one).
Expected<void> check_adjustments(const smartseller::Fields& fields, const nlohmann::json& adjustments,
                                 const char* amount_field, std::int64_t amount_min) {
    std::map<std::int64_t, std::size_t> seen;
    for (std::size_t i = 0; i < adjustments.size(); ++i) {
        const nlohmann::json& entry = adjustments[i];
        const std::string where = "stock_adjustment[" + std::to_string(i) + "].";
        if (auto ok = fields.object_with(entry, where, {"variation_id", amount_field}); !ok) return ok;
        auto variation = fields.integer(entry, where, "variation_id", 1);
        if (!variation) return variation.error();
        if (auto amount = fields.integer(entry, where, amount_field, amount_min); !amount) return amount.error();
        const auto [earlier, fresh] = seen.emplace(*variation, i);
        if (!fresh) {
            return fields.invalid(where + "variation_id " + std::to_string(*variation) +
                                  " is listed twice (also stock_adjustment[" + std::to_string(earlier->second) +
                                  "]); give each variation once");
        }
    }
    return {};
}

outbox::NewOperation warehouse_operation(const char* kind, std::string key, const nlohmann::json& body) {
    outbox::NewOperation operation;
    operation.idempotency_key = std::move(key);
    operation.kind = kind;
    operation.upstream = kSmartSellerUpstream;
    operation.lane = kWarehouseLane;
    operation.payload = body.dump();
    return operation;
}

}  // namespace

Expected<std::vector<outbox::NewOperation>> prepare_stock_opname(const nlohmann::json& body, const std::string& key) {
    const smartseller::Fields fields(kStockOpnameKind);
    if (auto ok = fields.object_with(body, "", {"warehouse_id", "description", "stock_adjustment"}); !ok) {
        return ok.error();
    }
    if (auto warehouse = fields.integer(body, "", "warehouse_id", 0); !warehouse) return warehouse.error();
    if (auto description = fields.text(body, "", "description"); !description) return description.error();
    // One opname is one document upstream (processed in the background when large): not split.
    auto adjustments = fields.array(body, "stock_adjustment", kMaxTransferTotal);
    if (!adjustments) return adjustments.error();
    if (auto ok = check_adjustments(fields, **adjustments, "warehouse_stock", 0); !ok) return ok.error();
    std::vector<outbox::NewOperation> operations;
    operations.push_back(warehouse_operation(kStockOpnameKind, key, body));
    return operations;
}

Expected<std::vector<outbox::NewOperation>> prepare_stock_transfer(const nlohmann::json& body, const std::string& key) {
    const smartseller::Fields fields(kStockTransferKind);
    if (auto ok = fields.object_with(body, "", {"origin_warehouse_id", "destination_warehouse_id", "description",
                                                "stock_adjustment"});
        !ok) {
        return ok.error();
    }
    auto origin = fields.integer(body, "", "origin_warehouse_id", 0);
    if (!origin) return origin.error();
    auto destination = fields.integer(body, "", "destination_warehouse_id", 0);
    if (!destination) return destination.error();
    if (*origin == *destination) {
        return fields.invalid("destination_warehouse_id must differ from origin_warehouse_id (both " +
                              std::to_string(*origin) + ")");
    }
    auto description = fields.text(body, "", "description");
    if (!description) return description.error();
    auto adjustments = fields.array(body, "stock_adjustment", kMaxTransferTotal);
    if (!adjustments) return adjustments.error();
    if (auto ok = check_adjustments(fields, **adjustments, "transfer_stock", 1); !ok) return ok.error();

    std::vector<outbox::NewOperation> operations;
    const nlohmann::json& all = **adjustments;
    if (all.size() <= kMaxTransferVariations) {
        operations.push_back(warehouse_operation(kStockTransferKind, key, body));
        return operations;
    }
    // Parts keep the producer's order; their keys derive from the producer's, so a producer that
    // retries with its key finds every part already queued.
    const std::string base = key.empty() ? random_uuid() : key;
    const std::size_t parts = (all.size() + kMaxTransferVariations - 1) / kMaxTransferVariations;
    for (std::size_t part = 0; part < parts; ++part) {
        nlohmann::json piece = body;
        piece["stock_adjustment"] = nlohmann::json::array();
        const std::size_t end = std::min(all.size(), (part + 1) * kMaxTransferVariations);
        for (std::size_t i = part * kMaxTransferVariations; i < end; ++i) piece["stock_adjustment"].push_back(all[i]);
        piece["description"] = *description + " (part " + std::to_string(part + 1) + " of " +
                               std::to_string(parts) + ")";
        operations.push_back(
            warehouse_operation(kStockTransferKind, base + ".part-" + std::to_string(part + 1), piece));
    }
    return operations;
}

}  // namespace outpost::intake
