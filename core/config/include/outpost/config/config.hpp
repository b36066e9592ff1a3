#pragma once
// The agent's configuration, read from one TOML file (firmware/outpostd.toml documents every key).
//
// Contract: load_config() either returns a complete, validated Config or an Error naming the file,
// the key and what is wrong with it. Unknown keys are errors (a typo must not silently fall back
// to a default). Relative paths are resolved against the config file's directory. Secrets may be
// given inline or, better, through *_file keys pointing at files readable only by the agent.
// Numbers are bounded so that arithmetic on them cannot overflow: *_ms at most one day,
// retention_hours at most ten years, breaker_threshold at most 1,000,000.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "outpost/common/expected.hpp"
#include "outpost/config/board.hpp"

namespace outpost::config {

struct TlsConfig {
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    // Warn (status and log) when the client certificate expires within this many days; 0 warns
    // only once it has expired. Checked at start and every client_cert_check_interval.
    int client_cert_warn_days = 30;
    std::chrono::seconds client_cert_check_interval{6 * 3600};
};

// One [upstream.<name>] table. The keys every upstream has are checked here; the rest belong to
// the upstream's connector, which reads them through UpstreamOptions (upstream_options.hpp) and
// rejects what it does not know, so a typo still fails at start with the key's name.
struct UpstreamConfig {
    std::string name;      // the table's name: din, wms, smile-orders, smartseller, sales-order, pmp
    std::string base_url;  // https:// only, without a trailing slash
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds request_timeout{15000};
    int concurrency = 2;  // parallel lanes, one kept-alive connection each
    // Secrets (password, client_secret, api_key), given inline or, better, as <name>_file: a file
    // readable only by the agent. Never logged.
    std::map<std::string, std::string> secrets;
    // Every other key of the table, as JSON (TOML strings, integers, booleans, arrays, tables).
    nlohmann::json options = nlohmann::json::object();
};

// Names of the keys parse_config() reads as secrets, and their *_file forms.
inline constexpr std::string_view kSecretKeys[] = {"password", "client_secret", "api_key"};

struct DeliveryConfig {
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_cap{60000};
    std::chrono::milliseconds first_flush_jitter{3000};     // 0..this after the link comes back
    int breaker_threshold = 5;                              // consecutive transient failures
    std::chrono::milliseconds breaker_probe_interval{5000};  // open 50..100 % of this, then probe
};

// [catalog]: how intake trusts the local catalog (master data pulled from the WMS upstream).
struct CatalogConfig {
    // A catalog whose materials (or entities) were last pulled longer ago than this, or never,
    // is stale: what intake does then is `reject_when_stale`'s call.
    std::chrono::hours max_age{24};
    // false ("accept-and-flag", the default): a stale catalog does not stop work; operations are
    // accepted, marked in the answer and the log. true ("reject"): they are refused.
    bool reject_when_stale = false;
};

// [picking]: the pick session on a station with a scanner (core/picking).
struct PickingConfig {
    std::string confirm_code = "CONFIRM";  // the text of the label that confirms a pick
    std::string cancel_code = "CANCEL";    // ... and of the one that drops it
    int utc_offset_minutes = 0;            // utc_offset = "+07:00": the warehouse's day for expiry
};

struct Config {
    std::string source_path;  // the file this was read from
    std::string device_id;
    std::string board = "sim";
    std::string boards_dir = "/usr/share/outpost/boards";  // one folder per board (board.toml)
    Board board_data;  // the board file's HAL choices and devices (sim: built in)
    bool sim_link_initially_up = false;  // [sim] link_up: the sim board's link at start
    std::string outbox_path;
    std::string catalog_path;  // [storage] catalog_path; default: catalog.db next to the outbox
    bool sync_full = true;  // [storage] sync = "full" | "normal"
    std::int64_t max_operations = 100'000;  // [storage] undelivered operations before back-pressure
    std::int64_t max_bytes = 64LL << 20;    // [storage] their payload bytes
    std::chrono::hours retention{168};      // [storage] retention_hours: delivered operations kept
    std::string control_socket;
    std::string control_group;  // [control] group: the socket's group (mode 0660); empty: the agent's
    std::string log_level = "info";
    // SIGTERM: in-flight requests get this long, then the process exits (what is still in flight
    // is sent again after the restart, same key). Below systemd's TimeoutStopSec.
    std::chrono::milliseconds shutdown_deadline{10000};  // shutdown_deadline_ms
    TlsConfig tls;
    DeliveryConfig delivery;
    CatalogConfig catalog;
    PickingConfig picking;
    std::vector<UpstreamConfig> upstreams;  // in file order; at least one

    // The [upstream.<name>] table, or nullptr when the file has none.
    [[nodiscard]] const UpstreamConfig* upstream(std::string_view name) const;
};

Expected<Config> load_config(const std::string& path);
Expected<Config> parse_config(const std::string& toml_text, const std::string& source_path);

}  // namespace outpost::config
