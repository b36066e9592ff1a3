#pragma once
// One request to outpostd and the exit code it earns (main.cpp lists the codes).

#include <string>

#include <nlohmann/json.hpp>

namespace outpost::ctl {

inline constexpr int kRefused = 1;
inline constexpr int kUnreachable = 2;

// Sends one request; prints the error and returns the exit code on failure, 0 with `answer`
// filled on success.
int call(const std::string& socket, const nlohmann::json& request, nlohmann::json& answer);

}  // namespace outpost::ctl
