#include "catalog_commands.hpp"

#include <string_view>

#include "outpost/common/clock.hpp"

namespace outpost::agent {
namespace {

nlohmann::json failure(const std::string& message) { return {{"ok", false}, {"error", message}}; }

nlohmann::json optional_time(const std::optional<UnixMillis>& at) {
    return at ? nlohmann::json(format_rfc3339_utc(*at)) : nlohmann::json(nullptr);
}

nlohmann::json pull_json(const PullStatus& status) {
    return {{"pulling", status.pulling},
            {"last_success_at", optional_time(status.last_success_at)},
            {"last_attempt_at", optional_time(status.last_attempt_at)},
            {"next_pull_at", optional_time(status.next_pull_at)},
            {"consecutive_failures", status.consecutive_failures},
            {"pulls_completed", status.pulls_completed},
            {"last_result", status.last_result},
            {"last_error", status.last_error}};
}

nlohmann::json pulls_json(const std::vector<PullWorker*>& pullers) {
    nlohmann::json pulls = nlohmann::json::object();
    for (const auto& puller : pullers) {
        const PullStatus status = puller->status();
        pulls[status.name] = pull_json(status);
    }
    return pulls;
}

nlohmann::json material_json(const catalog::Material& material) {
    return {{"id", material.id},          {"code", material.code}, {"name", material.name},
            {"gtin", material.gtin},      {"uom", material.uom},   {"is_batch", material.is_batch},
            {"updated_at", material.updated_at}};
}

nlohmann::json status(const CatalogCommandTargets& targets) {
    auto summary = targets.catalog.master_data_summary();
    if (!summary) return failure(summary.error().message);
    const UnixMillis now = wall_clock_now_ms();
    const auto max_age_ms = std::chrono::duration_cast<std::chrono::milliseconds>(targets.policy.max_age).count();
    nlohmann::json types = nlohmann::json::array();
    for (const auto& type : *summary) {
        const auto& last = type.pull.last_success_at;
        types.push_back({{"type", catalog::to_string(type.type)},
                         {"records", type.records},
                         {"last_pull_at", optional_time(last)},
                         {"age_s", last ? nlohmann::json((now - *last) / 1000) : nlohmann::json(nullptr)},
                         {"watermark", type.pull.watermark},
                         {"stale", !last || now - *last > max_age_ms}});
    }
    return {{"ok", true},
            {"path", targets.catalog.path()},
            {"reset_reason", targets.catalog.reset_reason() ? nlohmann::json(*targets.catalog.reset_reason())
                                                            : nlohmann::json(nullptr)},
            {"max_age_hours", targets.policy.max_age.count()},
            {"stale_policy", targets.policy.reject_when_stale ? "reject" : "accept-and-flag"},
            {"types", types},
            {"pulls", pulls_json(targets.pullers)},
            {"flagged_since_start", targets.flagged_since_start},
            {"last_flag", targets.last_flag}};
}

nlohmann::json material(const nlohmann::json& request, const CatalogCommandTargets& targets) {
    const auto code = request.find("code");
    const auto gtin = request.find("gtin");
    const bool by_code = code != request.end() && code->is_string() && !code->get_ref<const std::string&>().empty();
    const bool by_gtin = gtin != request.end() && gtin->is_string() && !gtin->get_ref<const std::string&>().empty();
    if (by_code == by_gtin) return failure("catalog.material needs exactly one of \"code\" and \"gtin\"");
    const std::string asked = by_code ? code->get<std::string>() : gtin->get<std::string>();
    auto found = by_code ? targets.catalog.material_by_code(asked) : targets.catalog.material_by_gtin(asked);
    if (!found) return failure(found.error().message);
    if (!found->has_value()) {
        return failure(std::string("no material with ") + (by_code ? "code " : "GTIN ") + asked + " in the catalog");
    }
    return {{"ok", true}, {"material", material_json(**found)}};
}

// How pick lists reach this catalog, for a refusal or an empty listing to say.
std::string pick_list_hint(const CatalogCommandTargets& targets) {
    constexpr std::string_view kSuffix = "/pick-lists";
    for (const auto& puller : targets.pullers) {
        const std::string name = puller->status().name;
        if (name.size() >= kSuffix.size() && name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
            return std::string("pick lists are pulled from SMILE for the statuses in [upstream.smile-orders] "
                               "pick_list_statuses; `outpostctl catalog pull` pulls now") +
                   (targets.link_up ? "" : " (the link is down: it starts when the link comes up)");
        }
    }
    return "nothing pulls pick lists on this device: set pick_list_statuses in [upstream.smile-orders]";
}

bool all_digits(const std::string& text) {
    if (text.empty() || text.size() > 18) return false;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

nlohmann::json pulled_json(UnixMillis pulled_at, UnixMillis now) {
    return {{"pulled_at", format_rfc3339_utc(pulled_at)}, {"age_s", (now - pulled_at) / 1000}};
}

// A non-empty string field, absent, or a refusal naming it.
std::optional<std::string> text_field(const nlohmann::json& request, const char* name, std::string& error) {
    const auto field = request.find(name);
    if (field == request.end()) return std::nullopt;
    if (!field->is_string() || field->get_ref<const std::string&>().empty()) {
        error = std::string("\"") + name + "\" must be a non-empty string";
        return std::nullopt;
    }
    return field->get<std::string>();
}

nlohmann::json order(const nlohmann::json& request, const CatalogCommandTargets& targets) {
    std::string error;
    const auto key_ssl = text_field(request, "key_ssl", error);
    const auto typed = text_field(request, "order", error);
    if (!error.empty()) return failure("catalog.order: " + error);
    std::optional<std::int64_t> order_id;
    if (const auto id = request.find("order_id"); id != request.end()) {
        if (!id->is_number_integer() || id->get<std::int64_t>() <= 0) {
            return failure("catalog.order: \"order_id\" must be a positive integer");
        }
        order_id = id->get<std::int64_t>();
    }
    if (int{key_ssl.has_value()} + int{typed.has_value()} + int{order_id.has_value()} != 1) {
        return failure("catalog.order needs exactly one of \"key_ssl\", \"order_id\" and \"order\"");
    }

    std::string asked;
    Expected<std::optional<catalog::PickList>> found = std::optional<catalog::PickList>{};
    if (key_ssl) {
        asked = "key_ssl '" + *key_ssl + "'";
        found = targets.catalog.pick_list(*key_ssl);
    } else if (order_id) {
        asked = "order id " + std::to_string(*order_id);
        found = targets.catalog.pick_list_by_order(*order_id);
    } else {
        // As the station reads an order label (core/picking): the key_ssl, else the order id.
        asked = "order '" + *typed + "'";
        found = targets.catalog.pick_list(*typed);
        if (found && !found->has_value() && all_digits(*typed)) {
            found = targets.catalog.pick_list_by_order(std::stoll(*typed));
        }
    }
    if (!found) return failure(found.error().message);
    if (!found->has_value()) return failure("no pick list for " + asked + " in the catalog: " + pick_list_hint(targets));

    const catalog::PickList& list = **found;
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : list.items) {
        auto material = targets.catalog.material_by_code(item.material_code);
        if (!material) return failure(material.error().message);
        items.push_back({{"id", item.id},
                         {"material_code", item.material_code},
                         {"qty", item.qty},
                         {"batch_code", item.batch_code},
                         {"material", material->has_value() ? material_json(**material) : nlohmann::json(nullptr)}});
    }
    nlohmann::json out = {{"order_id", list.order_id}, {"key_ssl", list.key_ssl}, {"status", list.status},
                          {"updated_at", list.updated_at}, {"items", items}};
    out.update(pulled_json(list.pulled_at, wall_clock_now_ms()));
    return {{"ok", true}, {"order", out}};
}

nlohmann::json orders(const nlohmann::json& request, const CatalogCommandTargets& targets) {
    std::string status;
    if (const auto field = request.find("status"); field != request.end()) {
        if (!field->is_string()) return failure("catalog.orders: \"status\" must be a string (\"\": every status)");
        status = field->get<std::string>();
    }
    // "limit" is type-checked by the control protocol (requests.hpp): an integer from 1.
    const std::int64_t limit = request.value("limit", kDefaultOrdersLimit);
    if (limit > kMaxOrdersLimit) {
        return failure("catalog.orders: \"limit\" must be at most " + std::to_string(kMaxOrdersLimit));
    }
    auto page = targets.catalog.pick_list_page(status, limit);
    if (!page) return failure(page.error().message);
    const UnixMillis now = wall_clock_now_ms();
    nlohmann::json lists = nlohmann::json::array();
    for (const auto& list : page->lists) {
        nlohmann::json entry = {{"order_id", list.order_id}, {"key_ssl", list.key_ssl}, {"status", list.status},
                                {"updated_at", list.updated_at}, {"items", list.items}, {"total_qty", list.total_qty}};
        entry.update(pulled_json(list.pulled_at, now));
        lists.push_back(std::move(entry));
    }
    nlohmann::json out = {{"ok", true},
                          {"status", status.empty() ? nlohmann::json(nullptr) : nlohmann::json(status)},
                          {"limit", limit},
                          {"total", page->total},
                          {"truncated", page->total > static_cast<std::int64_t>(page->lists.size())},
                          {"orders", lists}};
    if (!status.empty()) {
        // When this status's lists were last pulled: an empty listing of a status pulled a
        // minute ago means something else than one never pulled.
        auto pull = targets.catalog.pull_state(catalog::pick_list_feed(status));
        if (!pull) return failure(pull.error().message);
        out["last_pull_at"] = optional_time(pull->last_success_at);
    }
    if (page->total == 0) out["hint"] = pick_list_hint(targets);
    return out;
}

}  // namespace

std::optional<nlohmann::json> handle_catalog_command(const std::string& command, const nlohmann::json& request,
                                                     const CatalogCommandTargets& targets) {
    if (command == "catalog.status") return status(targets);
    if (command == "catalog.material") return material(request, targets);
    if (command == "catalog.order") return order(request, targets);
    if (command == "catalog.orders") return orders(request, targets);
    if (command == "catalog.pull") {
        if (targets.pullers.empty()) {
            return failure("nothing pulls into the catalog: no upstream with pulls is configured (e.g. [upstream.wms])");
        }
        nlohmann::json names = nlohmann::json::array();
        for (const auto& puller : targets.pullers) {
            puller->pull_now();
            names.push_back(puller->status().name);
        }
        return nlohmann::json{{"ok", true}, {"pullers", names}, {"link", targets.link_up ? "up" : "down"}};
    }
    return std::nullopt;
}

nlohmann::json catalog_status_section(const CatalogCommandTargets& targets) {
    return {{"pulls", pulls_json(targets.pullers)},
            {"flagged_since_start", targets.flagged_since_start},
            {"last_flag", targets.last_flag}};
}

}  // namespace outpost::agent
