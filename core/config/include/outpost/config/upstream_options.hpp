#pragma once
// Reads the connector-specific keys of one [upstream.<name>] table (UpstreamConfig::options and
// ::secrets) with errors that name the config file and the key, the same way parse_config() does.
//
// Contract: each getter records the key as known and returns the value or the fallback; the first
// problem (missing required key, wrong type, bad JSON pointer) is kept and every later getter
// returns its fallback. finish() returns that problem, or an error for the first key of the table
// no getter asked for (a typo must fail at start, not fall back to a default), or success.
//
//   config::UpstreamOptions options(upstream, config.source_path);
//   const std::string user = options.string("username", {.required = true});
//   const std::string pointer = options.json_pointer("token_pointer", "/data/token");
//   const std::string password = options.secret("password", true);
//   if (auto ok = options.finish(); !ok) return ok.error();

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "outpost/common/expected.hpp"
#include "outpost/config/config.hpp"

namespace outpost::config {

struct OptionRules {
    bool required = false;
};

class UpstreamOptions {
public:
    UpstreamOptions(const UpstreamConfig& upstream, std::string source_path);

    std::string string(const std::string& key, const std::string& fallback = {}, OptionRules rules = {});
    std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max);
    bool boolean(const std::string& key, bool fallback);
    std::vector<std::string> strings(const std::string& key, const std::vector<std::string>& fallback = {});
    // A JSON pointer (RFC 6901) such as "/data/token": where a deployment puts a field.
    std::string json_pointer(const std::string& key, const std::string& fallback);
    // A path option (keys ending in _file are already resolved against the config's directory).
    std::string path(const std::string& key, OptionRules rules = {});
    // password, client_secret or api_key (config.hpp's kSecretKeys), inline or from its _file.
    std::string secret(const std::string& name, bool required);

    [[nodiscard]] Expected<void> finish() const;
    // "upstream.<name>.<key>", for messages.
    [[nodiscard]] std::string where(const std::string& key) const;

private:
    const nlohmann::json* find(const std::string& key);
    void fail(const std::string& message);

    const UpstreamConfig& upstream_;
    std::string source_;
    std::set<std::string> asked_;
    std::set<std::string> asked_secrets_;
    std::optional<Error> problem_;
};

}  // namespace outpost::config
