#include "board_loader.hpp"

#include <filesystem>
#include <set>
#include <sstream>
#include <vector>

namespace outpost::config {
namespace {

Error board_error(const std::string& file, const std::string& message) {
    return make_error("config", "board file " + file + ": " + message);
}

std::vector<std::string> split_dotted(const std::string& key) {
    std::vector<std::string> parts;
    std::stringstream stream(key);
    for (std::string part; std::getline(stream, part, '.');) parts.push_back(part);
    return parts;
}

// What this build implements for each HAL part (hal/linux, hal/sim).
const std::map<std::string, std::set<std::string>>& known_hal() {
    static const std::map<std::string, std::set<std::string>> known = {
        {"network_link", {"sim", "linux"}},
        {"scanner", {"sim", "evdev", "serial", "none"}},
        {"indicator", {"sim", "sysfs-led", "none"}},
        {"watchdog", {"sim", "sd_notify", "dev", "none"}},
        {"power", {"sim", "battery", "mains"}},
        {"storage", {"sim", "statvfs"}},
    };
    return known;
}

Expected<void> apply_delta(const std::string& key, const toml::node& value, toml::table& device, const std::string& file) {
    const auto parts = split_dotted(key);
    if (parts.empty()) return board_error(file, "empty key in [config]");
    toml::table* table = &device;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        toml::node* next = table->get(parts[i]);
        if (next == nullptr) {
            // An upstream the device does not configure stays unconfigured.
            if (i == 0 && parts[i] == "upstream") return {};
            if (i == 1 && parts[0] == "upstream") return {};
            next = &table->insert(parts[i], toml::table{}).first->second;
        }
        table = next->as_table();
        if (table == nullptr) return board_error(file, "[config] '" + key + "': '" + parts[i] + "' is not a table");
    }
    if (!table->contains(parts.back())) {
        table->insert(parts.back(), toml::node_view<const toml::node>(value));
    }
    return {};
}

}  // namespace

Expected<Board> load_board(const std::string& name, const std::string& boards_dir, toml::table& device_config) {
    Board board;
    board.name = name;
    const std::string file = (std::filesystem::path(boards_dir) / name / "board.toml").string();
    if (!std::filesystem::exists(file)) {
        if (name == "sim") return board;  // built in
        return make_error("config", "board '" + name + "': no board file at " + file +
                                        " (boards_dir names the folder holding one folder per board)");
    }
    board.file = file;
    toml::parse_result parsed = toml::parse_file(file);
    if (!parsed) {
        return board_error(file, "line " + std::to_string(parsed.error().source().begin.line) + ": " +
                                     std::string(parsed.error().description()));
    }
    const toml::table& root = parsed.table();
    if (const auto* description = root.get_as<std::string>("description")) board.description = description->get();
    if (const auto* declared = root.get_as<std::string>("name"); declared != nullptr && declared->get() != name) {
        return board_error(file, "name = \"" + declared->get() + "\" but the folder says '" + name + "'");
    }
    if (const auto* hal = root.get_as<toml::table>("hal")) {
        for (const auto& [part, choice] : *hal) {
            const std::string part_name(part.str());
            const auto known = known_hal().find(part_name);
            if (known == known_hal().end()) return board_error(file, "unknown HAL part 'hal." + part_name + "'");
            const auto* text = choice.as_string();
            if (text == nullptr || !known->second.contains(text->get())) {
                std::string names;
                for (const auto& option : known->second) names += (names.empty() ? "" : ", ") + option;
                return board_error(file, "'hal." + part_name + "' must be one of " + names);
            }
            board.hal[part_name] = text->get();
        }
    }
    if (const auto* devices = root.get_as<toml::table>("devices")) {
        // The keys firmware/outpostd/board_hal.cpp reads. A misspelt one ("scanner_buad") would
        // otherwise fall back to a default without a word: a station silently without a scanner.
        static const std::set<std::string> kKnownDevices = {
            "network_interface", "scanner", "scanner_baud", "scanner_gs_key", "led_ok", "led_error",
            "beeper", "watchdog", "watchdog_timeout_s"};
        for (const auto& [key, value] : *devices) {
            if (!kKnownDevices.contains(std::string(key.str()))) {
                std::string names;
                for (const auto& known : kKnownDevices) names += (names.empty() ? "" : ", ") + known;
                return board_error(file, "unknown device key 'devices." + std::string(key.str()) + "' (known: " + names + ")");
            }
            if (const auto* text = value.as_string()) {
                board.devices[std::string(key.str())] = text->get();
            } else if (const auto* number = value.as_integer()) {
                board.devices[std::string(key.str())] = std::to_string(number->get());
            } else {
                return board_error(file, "'devices." + std::string(key.str()) + "' must be a string or an integer");
            }
        }
    }
    if (const auto* deltas = root.get_as<toml::table>("config"); deltas != nullptr) {
        for (const auto& [key, value] : *deltas) {
            if (auto applied = apply_delta(std::string(key.str()), value, device_config, file); !applied) {
                return applied.error();
            }
        }
    }
    return board;
}

}  // namespace outpost::config
