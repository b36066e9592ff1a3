#pragma once
// Reading an agent's outbox file from a test, beside the running agent (read-only, WAL lets the
// agent go on writing): what was queued, as the agent stored it.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace outpost::testing {

// The payloads of the operations of `kind`, oldest first; empty when the file cannot be read.
std::vector<nlohmann::json> queued_payloads(const std::string& outbox_path, const std::string& kind);

}  // namespace outpost::testing
