#include "catalog_commands.hpp"

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

}  // namespace

std::optional<nlohmann::json> handle_catalog_command(const std::string& command, const nlohmann::json& request,
                                                     const CatalogCommandTargets& targets) {
    if (command == "catalog.status") return status(targets);
    if (command == "catalog.material") return material(request, targets);
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
