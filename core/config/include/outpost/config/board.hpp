#pragma once
// A board file (boards/<name>/board.toml, installed under /usr/share/outpost/boards): which HAL
// implementations a device wires, its device paths, and its configuration deltas.
//
// Contract (the loader lives in core/config/src/board_loader.hpp; parse_config() calls it):
// - load_board() reads <boards_dir>/<name>/board.toml; an absent or malformed file is an Error
//   naming the path. The sim board needs no file (its HAL is built in); when one exists it is
//   read like any other.
// - apply_board_deltas() copies each [config] delta ("delivery.first_flush_jitter_ms" = 5000)
//   into the device's configuration where the configuration does not set that key itself: the
//   device's own file wins, the board's deltas win over the built-in defaults. A delta under
//   upstream.<name> applies only when the device configures that upstream.
// - HAL choices are checked against what this build implements (an Error names the key and the
//   known values).

#include <map>
#include <string>


namespace outpost::config {

struct Board {
    std::string name = "sim";
    std::string description;
    std::string file;                            // where it was read from; empty: built in
    std::map<std::string, std::string> hal;      // [hal]: network_link = "linux", watchdog = ...
    std::map<std::string, std::string> devices;  // [devices]: paths, interface names, baud rates
    [[nodiscard]] std::string hal_choice(const std::string& part, const std::string& fallback) const {
        const auto found = hal.find(part);
        return found == hal.end() ? fallback : found->second;
    }
    [[nodiscard]] std::string device(const std::string& key, const std::string& fallback = {}) const {
        const auto found = devices.find(key);
        return found == devices.end() ? fallback : found->second;
    }
};

}  // namespace outpost::config
