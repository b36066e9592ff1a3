#pragma once
// The agent's configuration, read from one TOML file (firmware/outpostd.toml documents every key).
//
// Contract: load_config() either returns a complete, validated Config or an Error naming the file,
// the key and what is wrong with it. Unknown keys are errors (a typo must not silently fall back
// to a default). Relative paths are resolved against the config file's directory. Secrets may be
// given inline or, better, through *_file keys pointing at files readable only by the agent.

#include <chrono>
#include <cstdint>
#include <string>

#include "outpost/common/expected.hpp"

namespace outpost::config {

struct TlsConfig {
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
};

struct DinConfig {
    std::string base_url;  // e.g. https://din.example.com
    std::string username;
    std::string password;  // secret: never logged
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds request_timeout{15000};
    int concurrency = 2;  // parallel lanes, one kept-alive connection each
};

struct DeliveryConfig {
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_cap{60000};
    std::chrono::milliseconds first_flush_jitter{3000};     // 0..this after the link comes back
    int breaker_threshold = 5;                              // consecutive transient failures
    std::chrono::milliseconds breaker_probe_interval{5000};  // open 50..100 % of this, then probe
};

struct Config {
    std::string source_path;  // the file this was read from
    std::string device_id;
    std::string board = "sim";
    bool sim_link_initially_up = false;  // [sim] link_up: the sim board's link at start
    std::string outbox_path;
    bool sync_full = true;  // [storage] sync = "full" | "normal"
    std::int64_t max_operations = 100'000;  // [storage] undelivered operations before back-pressure
    std::int64_t max_bytes = 64LL << 20;    // [storage] their payload bytes
    std::chrono::hours retention{168};      // [storage] retention_hours: delivered operations kept
    std::string control_socket;
    std::string log_level = "info";
    TlsConfig tls;
    DinConfig din;
    DeliveryConfig delivery;
};

Expected<Config> load_config(const std::string& path);
Expected<Config> parse_config(const std::string& toml_text, const std::string& source_path);

}  // namespace outpost::config
