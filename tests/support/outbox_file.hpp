#pragma once
// Reading an agent's outbox file from a test, beside the running agent (read-only, WAL lets the
// agent go on writing): what was queued, as the agent stored it.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace outpost::testing {

// The payloads of the operations of `kind`, oldest first; empty when the file cannot be read.
std::vector<nlohmann::json> queued_payloads(const std::string& outbox_path, const std::string& kind);

// The first row `sql` returns from the file, each column as an integer (nullopt for NULL); empty
// when the file cannot be read or the query returns no row. For recounts beside the outbox API.
std::vector<std::optional<std::int64_t>> first_row_integers(const std::string& path, const std::string& sql);

}  // namespace outpost::testing
