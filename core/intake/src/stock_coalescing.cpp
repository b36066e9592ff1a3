#include "outpost/intake/stock_coalescing.hpp"

#include <nlohmann/json.hpp>

namespace outpost::intake {
namespace {

Error not_mergeable(const std::string& why) { return make_error("intake", "not coalesced: " + why); }

std::optional<std::int64_t> integer(const nlohmann::json& body, const char* field) {
    const auto found = body.find(field);
    if (found == body.end() || !found->is_number_integer()) return std::nullopt;
    return found->get<std::int64_t>();
}

// The single stock entry's signed amount (ADD positive, SUB negative).
std::optional<std::int64_t> signed_amount(const nlohmann::json& entry) {
    const auto amount = integer(entry, "amount");
    const auto status = entry.find("status");
    if (!amount || status == entry.end() || !status->is_string()) return std::nullopt;
    if (*status == "ADD") return *amount;
    if (*status == "SUB") return -*amount;
    return std::nullopt;
}

}  // namespace

std::optional<std::string> stock_sync_coalesce_key(const nlohmann::json& body) {
    const auto variation = integer(body, "variation_id");
    if (!body.is_object() || !variation || !integer(body, "amount")) return std::nullopt;
    const auto vendor = integer(body, "exceptional_vendor_id");
    return "sync-stock/" + std::to_string(*variation) + "/" + (vendor ? std::to_string(*vendor) : "-");
}

Expected<std::string> merge_stock_sync(const std::string& older, const std::string& newer) {
    const auto before = nlohmann::json::parse(older, nullptr, false);
    const auto after = nlohmann::json::parse(newer, nullptr, false);
    const auto key_before = stock_sync_coalesce_key(before);
    if (!key_before || key_before != stock_sync_coalesce_key(after)) {
        return not_mergeable("the two syncs are for different variations or vendors");
    }
    return newer;
}

std::optional<std::string> stock_delta_coalesce_key(const nlohmann::json& body) {
    if (!body.is_object()) return std::nullopt;
    const auto variation = integer(body, "variation_id");
    const auto stock = body.find("stock");
    if (!variation || stock == body.end() || !stock->is_array() || stock->size() != 1) return std::nullopt;
    const auto warehouse = integer((*stock)[0], "warehouse_id");
    if (!warehouse || !signed_amount((*stock)[0])) return std::nullopt;
    const bool move = body.value("move_warehouse_stock", false);
    return "update-stock/" + std::to_string(*variation) + "/" + std::to_string(*warehouse) + "/" +
           (move ? "move" : "keep");
}

Expected<std::string> merge_stock_delta(const std::string& older, const std::string& newer) {
    auto before = nlohmann::json::parse(older, nullptr, false);
    const auto after = nlohmann::json::parse(newer, nullptr, false);
    const auto key_before = stock_delta_coalesce_key(before);
    if (!key_before || key_before != stock_delta_coalesce_key(after)) {
        return not_mergeable("the two updates are for different variations, warehouses or options");
    }
    const std::int64_t net = *signed_amount(before["stock"][0]) + *signed_amount(after["stock"][0]);
    before["stock"][0]["amount"] = net < 0 ? -net : net;
    before["stock"][0]["status"] = net < 0 ? "SUB" : "ADD";
    // Both descriptions stay visible upstream; the audit table keeps the original bodies.
    const std::string first = before.value("description", "");
    const std::string second = after.value("description", "");
    if (!second.empty() && second != first) before["description"] = first.empty() ? second : first + "; " + second;
    return before.dump();
}

}  // namespace outpost::intake
