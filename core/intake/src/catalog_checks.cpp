#include "outpost/intake/catalog_checks.hpp"

#include <nlohmann/json.hpp>

#include "outpost/catalog/catalog.hpp"
#include "outpost/common/clock.hpp"

namespace outpost::intake {
namespace {

Error refused(const std::string& what, const std::string& message) {
    return make_error("intake", "invalid " + what + ": " + message);
}

std::string describe_age(UnixMillis age_ms) {
    const auto minutes = age_ms / 60'000;
    if (minutes < 120) return std::to_string(minutes) + " min";
    if (minutes < 48 * 60) return std::to_string(minutes / 60) + " h";
    return std::to_string(minutes / (24 * 60)) + " days";
}

// What to do with an operation when the catalog cannot vouch for it.
Expected<CatalogVerdict> apply_policy(const std::string& what, const std::string& staleness,
                                      const IntakeContext& context) {
    if (context.catalog_policy.reject_when_stale) {
        return make_error("intake", what + " refused: " + staleness +
                                        ", and [catalog] stale_policy = \"reject\"; nothing was queued");
    }
    return CatalogVerdict{"not checked against the catalog: " + staleness};
}

std::string text_field(const nlohmann::json& item, const char* field) {
    const auto found = item.find(field);
    return found != item.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// "items[1] (BCG-20, batch B2311A)": how an error names an item to the operator.
std::string item_name(const nlohmann::json& item, std::size_t index) {
    std::string name = "items[" + std::to_string(index) + "]";
    std::string detail = text_field(item, "material_code");
    if (detail.empty()) detail = text_field(item, "gtin");
    if (const std::string batch = text_field(item, "batch_code"); !batch.empty()) {
        detail += (detail.empty() ? "" : ", ") + std::string("batch ") + batch;
    }
    return detail.empty() ? name : name + " (" + detail + ")";
}

// The day of intake in the warehouse's calendar: the offset of the order's own picked_at.
std::int64_t intake_day(const nlohmann::json& order, UnixMillis now) {
    int offset_minutes = 0;
    if (auto picked = parse_rfc3339(text_field(order, "picked_at"))) offset_minutes = picked->offset_minutes;
    const UnixMillis local = now + static_cast<UnixMillis>(offset_minutes) * 60'000;
    return local >= 0 ? local / 86'400'000 : (local - 86'399'999) / 86'400'000;
}

std::optional<std::int64_t> day_of(const std::string& date) {
    // YYYY-MM-DD, already validated by prepare_picking_order.
    if (date.size() != 10) return std::nullopt;
    try {
        return days_from_civil(std::stoi(date.substr(0, 4)), std::stoi(date.substr(5, 2)), std::stoi(date.substr(8, 2)));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

Expected<void> check_expiry(const nlohmann::json& order, const IntakeContext& context) {
    const std::int64_t today = intake_day(order, context.now);
    const auto& items = order["items"];
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string expiry = text_field(items[i], "expired_date");
        const auto day = day_of(expiry);
        if (day && *day < today) {
            return refused("picking order", item_name(items[i], i) + " expired on " + expiry +
                                                ": an expired batch cannot be picked");
        }
    }
    return {};
}

// One item against a fresh catalog: a refusal naming it, or nothing.
Expected<void> check_item_material(const catalog::Catalog& catalog, const nlohmann::json& item, std::size_t index) {
    const std::string code = text_field(item, "material_code");
    const std::string gtin = text_field(item, "gtin");
    const std::string name = item_name(item, index);
    if (code.empty() && gtin.empty()) {
        return refused("picking order", name + " names no material (material_code or gtin)");
    }
    std::optional<catalog::Material> by_code;
    if (!code.empty()) {
        auto found = catalog.material_by_code(code);
        if (!found) return found.error();
        if (!found->has_value()) {
            return refused("picking order", name + ": material_code " + code + " is not a known material");
        }
        by_code = **found;
    }
    if (!gtin.empty()) {
        auto found = catalog.material_by_gtin(gtin);
        if (!found) return found.error();
        if (!found->has_value()) return refused("picking order", name + ": GTIN " + gtin + " is not a known material");
        if (by_code && by_code->id != (*found)->id) {
            return refused("picking order", name + ": GTIN " + gtin + " is material " + (*found)->code + ", not " + code);
        }
    }
    return {};
}

}  // namespace

std::optional<std::string> catalog_staleness(const IntakeContext& context, catalog::EntityType type) {
    const std::string name(catalog::to_string(type));
    if (context.catalog == nullptr) return "this agent has no catalog";
    auto state = context.catalog->pull_state(name);
    if (!state) return "the catalog cannot be read (" + state.error().message + ")";
    if (!state->last_success_at) return "the catalog's " + name + " were never pulled from WMS";
    const UnixMillis age = context.now - *state->last_success_at;
    if (age > context.catalog_policy.max_age.count()) {
        return "the catalog's " + name + " were last pulled " + describe_age(age) + " ago (older than " +
               describe_age(context.catalog_policy.max_age.count()) + ")";
    }
    return std::nullopt;
}

Expected<CatalogVerdict> check_picking_items(const nlohmann::json& order, const IntakeContext& context) {
    if (auto fresh = check_expiry(order, context); !fresh) return fresh.error();
    if (auto stale = catalog_staleness(context, catalog::EntityType::Materials)) {
        return apply_policy("picking order", *stale, context);
    }
    const auto& items = order["items"];
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto checked = check_item_material(*context.catalog, items[i], i);
        if (!checked) {
            if (checked.error().module == "intake") return checked.error();
            // The catalog failed to answer (I/O error): it cannot vouch for the order.
            return apply_policy("picking order", "the catalog cannot be read (" + checked.error().message + ")",
                                context);
        }
    }
    return CatalogVerdict{};
}

Expected<CatalogVerdict> check_disposal_entity(const nlohmann::json& cancellation, const IntakeContext& context) {
    if (auto stale = catalog_staleness(context, catalog::EntityType::Entities)) {
        return apply_policy("disposal cancellation", *stale, context);
    }
    const std::int64_t entity_id = cancellation.value("entity_id", std::int64_t{0});
    auto found = context.catalog->find(catalog::EntityType::Entities, entity_id);
    if (!found) {
        return apply_policy("disposal cancellation", "the catalog cannot be read (" + found.error().message + ")",
                            context);
    }
    if (!found->has_value()) {
        return refused("disposal cancellation", "entity_id " + std::to_string(entity_id) + " is not a known entity");
    }
    return CatalogVerdict{};
}

}  // namespace outpost::intake
