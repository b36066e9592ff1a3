#pragma once
// Reads a board file and applies its [config] deltas (contract in outpost/config/board.hpp).

#include <string>

#include "toml.hpp"

#include "outpost/common/expected.hpp"
#include "outpost/config/board.hpp"

namespace outpost::config {

// The board file's [config] deltas are applied to `device_config` (the parsed outpostd.toml).
Expected<Board> load_board(const std::string& name, const std::string& boards_dir, toml::table& device_config);

}  // namespace outpost::config
