#include "outpost/intake/stock_coalescing.hpp"

#include <cstdint>

#include <nlohmann/json.hpp>

namespace outpost::intake {
namespace {

// Amounts travel as 32-bit integers upstream; a sum past that is sent as the separate deltas.
constexpr std::int64_t kMaxAmount = 2147483647;

Error not_mergeable(const std::string& why) { return make_error("intake", "not coalesced: " + why); }

std::optional<std::int64_t> integer(const nlohmann::json& body, const char* field) {
    const auto found = body.find(field);
    if (found == body.end() || !found->is_number_integer()) return std::nullopt;
    return found->get<std::int64_t>();
}

// The single stock entry's signed amount (ADD positive, SUB negative). The seed's table says
// ADD/SUB, its example "add": any case.
std::optional<std::int64_t> signed_amount(const nlohmann::json& entry) {
    const auto amount = integer(entry, "amount");
    const auto status = entry.find("status");
    if (!amount || *amount < 0 || status == entry.end() || !status->is_string()) return std::nullopt;
    const std::string& text = status->get_ref<const std::string&>();
    if (text.size() != 3) return std::nullopt;
    std::string upper;
    for (char c : text) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (upper == "ADD") return *amount;
    if (upper == "SUB") return -*amount;
    return std::nullopt;
}

std::string text_of(const nlohmann::json& body, const char* field) {
    const auto found = body.find(field);
    return found != body.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// "a; b": b appended unless it is already one of the parts or the result would be too long.
std::string merged_description(const std::string& first, const std::string& second) {
    if (second.empty() || first == second) return first;
    if (first.empty()) return second;
    const std::string wrapped = "; " + first + "; ";
    if (wrapped.find("; " + second + "; ") != std::string::npos) return first;
    std::string merged = first + "; " + second;
    return merged.size() <= kMaxMergedDescription ? merged : first;
}

}  // namespace

std::optional<std::string> stock_sync_coalesce_key(const nlohmann::json& body) {
    if (!body.is_object()) return std::nullopt;
    const auto variation = integer(body, "variation_id");
    if (!variation || !integer(body, "amount")) return std::nullopt;
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
    bool move = false;
    if (const auto flag = body.find("move_warehouse_stock"); flag != body.end()) {
        if (!flag->is_boolean()) return std::nullopt;
        move = flag->get<bool>();
    }
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
    if (net == 0) return not_mergeable("the two updates cancel out (no update carries amount 0)");
    if (net > kMaxAmount || net < -kMaxAmount) return not_mergeable("the sum leaves the 32-bit amount range");
    before["stock"][0]["amount"] = net < 0 ? -net : net;
    before["stock"][0]["status"] = net < 0 ? "SUB" : "ADD";
    const std::string description =
        merged_description(text_of(before, "description"), text_of(after, "description"));
    if (!description.empty()) before["description"] = description;
    return before.dump();
}

}  // namespace outpost::intake
