#pragma once
// Renders the status document for people (outpostctl status without --json).

#include <string>

#include <nlohmann/json.hpp>

namespace outpost::ctl {

std::string status_text(const nlohmann::json& status);

}  // namespace outpost::ctl
