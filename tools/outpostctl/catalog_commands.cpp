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

}  // namespace

void add_catalog_commands(CLI::App& app, CatalogCommands& commands) {
    auto* catalog = app.add_subcommand("catalog", "the local catalog of master data pulled from WMS");
    catalog->require_subcommand(1);
    commands.status = catalog->add_subcommand("status", "records, last pull and age per entity type; pull state");
    commands.status->add_flag("--json", commands.json, "print JSON");
    commands.material = catalog->add_subcommand("material", "look a material up by code or GTIN");
    commands.material->add_option("code", commands.code, "material code, e.g. BCG-20");
    commands.material->add_option("--gtin", commands.gtin, "GTIN (8, 12, 13 or 14 digits)");
    commands.material->add_flag("--json", commands.json, "print JSON");
    commands.pull = catalog->add_subcommand("pull", "pull from the upstreams now (when the link is up)");
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
