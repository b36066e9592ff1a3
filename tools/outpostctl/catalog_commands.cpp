#include "catalog_commands.hpp"

#include <cstdio>

#include "control_call.hpp"

namespace outpost::ctl {
namespace {

std::string text_of(const nlohmann::json& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
    return value.dump();
}

std::string age_text(const nlohmann::json& seconds) {
    if (!seconds.is_number_integer()) return "never pulled";
    const auto s = seconds.get<long long>();
    if (s < 120) return std::to_string(s) + " s ago";
    if (s < 7200) return std::to_string(s / 60) + " min ago";
    if (s < 172800) return std::to_string(s / 3600) + " h ago";
    return std::to_string(s / 86400) + " days ago";
}

void print_status(const nlohmann::json& answer) {
    std::printf("catalog   %s (stale after %s h: %s)\n", text_of(answer.value("path", nlohmann::json())).c_str(),
                text_of(answer.value("max_age_hours", nlohmann::json())).c_str(),
                text_of(answer.value("stale_policy", nlohmann::json())).c_str());
    const auto types = answer.value("types", nlohmann::json::array());
    for (const auto& type : types) {
        std::printf("  %-13s %8s records, pulled %s%s\n", text_of(type.value("type", nlohmann::json())).c_str(),
                    text_of(type.value("records", nlohmann::json())).c_str(),
                    age_text(type.value("age_s", nlohmann::json())).c_str(), type.value("stale", false) ? " (STALE)" : "");
    }
    const auto pulls = answer.value("pulls", nlohmann::json::object());
    for (const auto& [name, pull] : pulls.items()) {
        std::printf("pull      %s: last success %s, next %s, failures %s, last error %s\n", name.c_str(),
                    text_of(pull.value("last_success_at", nlohmann::json())).c_str(),
                    text_of(pull.value("next_pull_at", nlohmann::json())).c_str(),
                    text_of(pull.value("consecutive_failures", nlohmann::json())).c_str(),
                    text_of(pull.value("last_error", nlohmann::json())).c_str());
    }
    std::printf("flagged   %s operation(s) accepted unchecked since start%s%s\n",
                text_of(answer.value("flagged_since_start", nlohmann::json())).c_str(),
                answer.value("last_flag", std::string()).empty() ? "" : "; last: ",
                answer.value("last_flag", std::string()).c_str());
    if (const auto reset = answer.value("reset_reason", nlohmann::json()); reset.is_string()) {
        std::printf("WARNING   the catalog file was unusable and started empty: %s\n", reset.get<std::string>().c_str());
    }
}

void print_order(const nlohmann::json& order) {
    std::printf("order     %s (id %s), status %s, updated %s, pulled %s (%s)\n", text_of(order["key_ssl"]).c_str(),
                text_of(order["order_id"]).c_str(), text_of(order["status"]).c_str(),
                text_of(order["updated_at"]).c_str(), text_of(order["pulled_at"]).c_str(),
                age_text(order["age_s"]).c_str());
    for (const auto& item : order["items"]) {
        const std::string batch = item.value("batch_code", std::string());
        const auto& material = item["material"];
        const std::string about =
            material.is_object() ? text_of(material["name"]) + " (" + text_of(material["uom"]) + ", GTIN " +
                                       text_of(material["gtin"]) + (material.value("is_batch", false) ? ", batch-managed)" : ")")
                                 : "not in the catalog's materials";
        std::printf("  %-14s qty %-6s %-18s %s\n", text_of(item["material_code"]).c_str(), text_of(item["qty"]).c_str(),
                    batch.empty() ? "any batch" : ("batch " + batch).c_str(), about.c_str());
    }
}

void print_orders(const nlohmann::json& answer) {
    const auto& orders = answer["orders"];
    const std::string status = answer["status"].is_string() ? answer["status"].get<std::string>() : "";
    if (orders.empty()) {
        std::printf("no pick lists stored%s; %s\n", status.empty() ? "" : (" in status " + status).c_str(),
                    answer.value("hint", std::string()).c_str());
    } else {
        std::printf("%-10s %-22s %-12s %5s %7s  %s\n", "ORDER", "KEY_SSL", "STATUS", "LINES", "QTY", "PULLED");
        for (const auto& order : orders) {
            std::printf("%-10s %-22s %-12s %5s %7s  %s\n", text_of(order["order_id"]).c_str(),
                        text_of(order["key_ssl"]).c_str(), text_of(order["status"]).c_str(),
                        text_of(order["items"]).c_str(), text_of(order["total_qty"]).c_str(),
                        age_text(order["age_s"]).c_str());
        }
        std::printf("%zu of %s pick list(s)%s%s\n", orders.size(), text_of(answer["total"]).c_str(),
                    status.empty() ? "" : (" in status " + status).c_str(),
                    answer.value("truncated", false) ? " (--limit N shows more)" : "");
    }
    if (const auto last = answer.find("last_pull_at"); last != answer.end()) {
        std::printf("status %s last pulled: %s\n", status.c_str(), last->is_string() ? last->get<std::string>().c_str() : "never");
    }
}

}  // namespace

void add_catalog_commands(CLI::App& app, CatalogCommands& commands) {
    auto* catalog = app.add_subcommand("catalog", "the local catalog: master data pulled from WMS, pick lists from SMILE");
    catalog->require_subcommand(1);
    commands.status = catalog->add_subcommand("status", "records, last pull and age per entity type; pull state");
    commands.status->add_flag("--json", commands.json, "print JSON");
    commands.material = catalog->add_subcommand("material", "look a material up by code or GTIN");
    commands.material->add_option("code", commands.code, "material code, e.g. BCG-20");
    commands.material->add_option("--gtin", commands.gtin, "GTIN (8, 12, 13 or 14 digits)");
    commands.material->add_flag("--json", commands.json, "print JSON");
    commands.pull = catalog->add_subcommand("pull", "pull from the upstreams now (when the link is up)");
    commands.order = catalog->add_subcommand("order", "a stored pick list with its items, by key_ssl or order id");
    commands.order->add_option("order", commands.order_key, "the order's key_ssl (SSL-2026-000123) or SMILE order id")
        ->required();
    commands.order->add_flag("--json", commands.json, "print JSON");
    commands.orders = catalog->add_subcommand("orders", "the stored pick lists, by order id");
    commands.orders->add_option("--status", commands.status_filter, "only this order status, e.g. allocated");
    commands.orders->add_option("--limit", commands.limit, "at most this many (default 50, at most 500)")
        ->check(CLI::Range(1, 500));
    commands.orders->add_flag("--json", commands.json, "print JSON");
}

std::optional<int> run_catalog_command(const CatalogCommands& commands, const std::string& socket) {
    nlohmann::json answer;
    if (commands.status != nullptr && commands.status->parsed()) {
        if (const int code = call(socket, {{"cmd", "catalog.status"}}, answer); code != 0) return code;
        answer.erase("ok");
        if (commands.json) {
            std::printf("%s\n", answer.dump(2).c_str());
        } else {
            print_status(answer);
        }
        return 0;
    }
    if (commands.material != nullptr && commands.material->parsed()) {
        if (commands.code.empty() == commands.gtin.empty()) {
            std::fprintf(stderr, "outpostctl: give a material code or --gtin GTIN (one of them)\n");
            return kRefused;
        }
        const nlohmann::json request = commands.code.empty()
                                           ? nlohmann::json{{"cmd", "catalog.material"}, {"gtin", commands.gtin}}
                                           : nlohmann::json{{"cmd", "catalog.material"}, {"code", commands.code}};
        if (const int code = call(socket, request, answer); code != 0) return code;
        const auto& material = answer["material"];
        if (commands.json) {
            std::printf("%s\n", material.dump(2).c_str());
        } else {
            std::printf("%s  %s  GTIN %s  %s%s  (id %s, updated %s)\n", text_of(material["code"]).c_str(),
                        text_of(material["name"]).c_str(), text_of(material["gtin"]).c_str(),
                        text_of(material["uom"]).c_str(), material.value("is_batch", false) ? ", batch-managed" : "",
                        text_of(material["id"]).c_str(), text_of(material["updated_at"]).c_str());
        }
        return 0;
    }
    if (commands.order != nullptr && commands.order->parsed()) {
        // Resolved by the agent as the station reads an order label: key_ssl, else order id.
        if (const int code = call(socket, {{"cmd", "catalog.order"}, {"order", commands.order_key}}, answer); code != 0) {
            return code;
        }
        if (commands.json) {
            std::printf("%s\n", answer["order"].dump(2).c_str());
        } else {
            print_order(answer["order"]);
        }
        return 0;
    }
    if (commands.orders != nullptr && commands.orders->parsed()) {
        nlohmann::json request = {{"cmd", "catalog.orders"}};
        if (!commands.status_filter.empty()) request["status"] = commands.status_filter;
        if (commands.limit > 0) request["limit"] = commands.limit;
        if (const int code = call(socket, request, answer); code != 0) return code;
        answer.erase("ok");
        if (commands.json) {
            std::printf("%s\n", answer.dump(2).c_str());
        } else {
            print_orders(answer);
        }
        return 0;
    }
    if (commands.pull != nullptr && commands.pull->parsed()) {
        if (const int code = call(socket, {{"cmd", "catalog.pull"}}, answer); code != 0) return code;
        const bool up = answer.value("link", std::string()) == "up";
        std::printf("pull requested (%s)%s\n", answer["pullers"].dump().c_str(),
                    up ? "" : "; the link is down: it starts when the link comes up");
        return 0;
    }
    return std::nullopt;
}

}  // namespace outpost::ctl
