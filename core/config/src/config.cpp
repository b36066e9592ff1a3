#include "outpost/config/config.hpp"
#include "outpost/config/secret_files.hpp"

#include "outpost/common/untrusted_text.hpp"

#include "board_loader.hpp"
#include "toml.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string_view>

namespace outpost::config {
namespace {

Error config_error(const std::string& source, const std::string& message) {
    return make_error("config", source + ": " + message);
}

// Reports the first key of `table` not in `allowed`, so typos fail loudly.
Expected<void> reject_unknown_keys(const toml::table& table, std::string_view where,
                                   std::initializer_list<std::string_view> allowed,
                                   const std::string& source) {
    for (const auto& [key, value] : table) {
        bool known = false;
        for (std::string_view name : allowed) known = known || key.str() == name;
        if (!known) {
            return config_error(source, "unknown key '" + std::string(where) +
                                            (where.empty() ? "" : ".") + std::string(key.str()) + "'");
        }
    }
    return {};
}

std::string resolve_path(const std::string& value, const std::string& source) {
    if (value.empty()) return value;
    std::filesystem::path path(value);
    if (path.is_absolute()) return value;
    return (std::filesystem::path(source).parent_path() / path).lexically_normal().string();
}

Expected<std::string> read_secret_file(const std::string& path, const std::string& key,
                                       const std::string& source) {
    std::ifstream file(path);
    if (!file) return config_error(source, key + ": cannot read " + path);
    std::stringstream content;
    content << file.rdbuf();
    std::string secret = content.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) return config_error(source, key + ": " + path + " is empty");
    // Secrets go into JSON request bodies, which cannot hold anything else (dump() threw in a
    // delivery thread and ended the agent at its first login).
    if (!is_valid_utf8(secret)) return config_error(source, key + ": " + path + " is not UTF-8 text");
    return secret;
}

// Looks up a string; `required` makes absence an error.
Expected<std::string> get_string(const toml::table& table, std::string_view table_name,
                                 std::string_view key, bool required, const std::string& source,
                                 std::string fallback = {}) {
    const std::string name = std::string(table_name) + (table_name.empty() ? "" : ".") + std::string(key);
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        if (required) return config_error(source, "missing required key '" + name + "'");
        return fallback;
    }
    const auto* text = node->as_string();
    if (text == nullptr) return config_error(source, "'" + name + "' must be a string");
    if (required && text->get().empty()) return config_error(source, "'" + name + "' must not be empty");
    return text->get();
}

// Upper bounds far beyond any sensible setting that keep the agent's arithmetic on these values
// from overflowing: deadlines on a nanosecond clock, backoff doubling, retention in milliseconds,
// an int threshold (tests/fuzz/config found huge values accepted).
constexpr std::int64_t kMaxMillis = 86'400'000;  // one day
constexpr std::int64_t kMaxRetentionHours = 87'600;  // ten years
constexpr std::int64_t kMaxBreakerThreshold = 1'000'000;

Expected<std::int64_t> get_positive(const toml::table& table, std::string_view table_name, std::string_view key,
                                    std::int64_t fallback, const std::string& source,
                                    std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return fallback;
    const auto* number = node->as_integer();
    if (number == nullptr || number->get() <= 0 || number->get() > max) {
        return config_error(source, "'" + std::string(table_name) + (table_name.empty() ? "" : ".") + std::string(key) +
                                        "' must be a positive integer" +
                                        (max < std::numeric_limits<std::int64_t>::max()
                                             ? " of at most " + std::to_string(max)
                                             : std::string()));
    }
    return number->get();
}

Expected<std::chrono::milliseconds> get_millis(const toml::table& table, std::string_view table_name,
                                               std::string_view key, std::chrono::milliseconds fallback,
                                               const std::string& source) {
    const std::string name = std::string(table_name) + (table_name.empty() ? "" : ".") + std::string(key);
    const toml::node* node = table.get(key);
    if (node == nullptr) return fallback;
    const auto* number = node->as_integer();
    if (number == nullptr || number->get() <= 0 || number->get() > kMaxMillis) {
        return config_error(source, "'" + name + "' must be a positive integer (milliseconds) of at most " +
                                        std::to_string(kMaxMillis) + " (one day)");
    }
    return std::chrono::milliseconds(number->get());
}

const toml::table* get_table(const toml::table& root, std::string_view name) {
    const toml::node* node = root.get(name);
    return node != nullptr ? node->as_table() : nullptr;
}


nlohmann::json toml_to_json(const toml::node& node) {
    if (const auto* table = node.as_table()) {
        nlohmann::json object = nlohmann::json::object();
        for (const auto& [key, value] : *table) object[std::string(key.str())] = toml_to_json(value);
        return object;
    }
    if (const auto* array = node.as_array()) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& value : *array) list.push_back(toml_to_json(value));
        return list;
    }
    if (const auto* text = node.as_string()) return text->get();
    if (const auto* integer = node.as_integer()) return integer->get();
    if (const auto* floating = node.as_floating_point()) return floating->get();
    if (const auto* boolean = node.as_boolean()) return boolean->get();
    // Dates and times: kept as their TOML text; a connector that wants one parses it.
    std::ostringstream text;
    if (const auto* date = node.as_date()) text << *date;
    if (const auto* time = node.as_time()) text << *time;
    if (const auto* date_time = node.as_date_time()) text << *date_time;
    return text.str();
}

bool is_secret_key(std::string_view key) {
    for (std::string_view secret : kSecretKeys) {
        if (key == secret || key == std::string(secret) + "_file") return true;
    }
    return false;
}

// One [upstream.<name>] table: the common keys checked here, secrets read, the rest kept for
// the connector.
Expected<UpstreamConfig> parse_upstream(const std::string& name, const toml::table& table, const std::string& source) {
    const std::string where = "upstream." + name;
    UpstreamConfig upstream;
    upstream.name = name;
    auto base_url = get_string(table, where, "base_url", true, source);
    if (!base_url) return base_url.error();
    if (base_url->rfind("https://", 0) != 0) {
        return config_error(source, "'" + where + ".base_url' must start with https:// (no plain HTTP, ever)");
    }
    while (!base_url->empty() && base_url->back() == '/') base_url->pop_back();
    upstream.base_url = *base_url;
    auto connect = get_millis(table, where, "connect_timeout_ms", upstream.connect_timeout, source);
    if (!connect) return connect.error();
    upstream.connect_timeout = *connect;
    auto total = get_millis(table, where, "request_timeout_ms", upstream.request_timeout, source);
    if (!total) return total.error();
    upstream.request_timeout = *total;
    auto concurrency = get_positive(table, where, "concurrency", upstream.concurrency, source);
    if (!concurrency) return concurrency.error();
    if (*concurrency > 16) return config_error(source, "'" + where + ".concurrency' must be at most 16");
    upstream.concurrency = static_cast<int>(*concurrency);

    for (std::string_view secret : kSecretKeys) {
        const std::string inline_key(secret);
        const std::string file_key = inline_key + "_file";
        const bool inline_given = table.contains(inline_key);
        const bool file_given = table.contains(file_key);
        if (inline_given && file_given) {
            return config_error(source, "give only one of '" + where + "." + inline_key + "' and '" + where + "." +
                                            file_key + "'");
        }
        if (inline_given) {
            auto value = get_string(table, where, inline_key, true, source);
            if (!value) return value.error();
            upstream.secrets[inline_key] = *value;
        } else if (file_given) {
            auto file = get_string(table, where, file_key, true, source);
            if (!file) return file.error();
            const std::string secret_path = resolve_path(*file, source);
            const std::string key_name = where + "." + file_key;
            if (auto private_file = require_private_file(secret_path, key_name); !private_file) {
                return config_error(source, private_file.error().message);
            }
            auto content = read_secret_file(secret_path, key_name, source);
            if (!content) return content.error();
            upstream.secrets[inline_key] = *content;
        }
    }
    for (const auto& [key, value] : table) {
        const std::string_view name_of_key = key.str();
        if (name_of_key == "base_url" || name_of_key == "connect_timeout_ms" || name_of_key == "request_timeout_ms" ||
            name_of_key == "concurrency" || is_secret_key(name_of_key)) {
            continue;
        }
        nlohmann::json option = toml_to_json(value);
        // Paths are resolved against the config file's directory like every other path.
        if (option.is_string() && name_of_key.size() > 5 && name_of_key.substr(name_of_key.size() - 5) == "_file") {
            option = resolve_path(option.get<std::string>(), source);
        }
        upstream.options[std::string(name_of_key)] = std::move(option);
    }
    return upstream;
}

// [control] group: who may use the control socket (docs/control-socket.md). Whether the group
// exists is checked when the socket is made, at start.
Expected<void> parse_control_group(const toml::table& control, Config& config, const std::string& source) {
    if (!control.contains("group")) return {};
    auto group = get_string(control, "control", "group", true, source);
    if (!group) return group.error();
    config.control_group = *group;
    return {};
}

// [tls] client_cert_warn_days and client_cert_check_interval_s (docs/tls.md).
Expected<void> parse_client_cert_warning(const toml::table& tls, Config& config, const std::string& source) {
    if (const toml::node* days = tls.get("client_cert_warn_days"); days != nullptr) {
        if (!days->is_integer() || days->as_integer()->get() < 0 || days->as_integer()->get() > 3650) {
            return config_error(source, "'tls.client_cert_warn_days' must be an integer from 0 to 3650 (days)");
        }
        config.tls.client_cert_warn_days = static_cast<int>(days->as_integer()->get());
    }
    auto interval = get_positive(tls, "tls", "client_cert_check_interval_s",
                                 config.tls.client_cert_check_interval.count(), source);
    if (!interval) return interval.error();
    config.tls.client_cert_check_interval = std::chrono::seconds(*interval);
    return {};
}

}  // namespace

const UpstreamConfig* Config::upstream(std::string_view name) const {
    for (const auto& upstream : upstreams) {
        if (upstream.name == name) return &upstream;
    }
    return nullptr;
}

Expected<Config> parse_config(const std::string& toml_text, const std::string& source) {
    toml::parse_result parsed = toml::parse(toml_text, source);
    if (!parsed) {
        const auto& error = parsed.error();
        return config_error(source, "line " + std::to_string(error.source().begin.line) + ": " +
                                        std::string(error.description()));
    }
    toml::table root = std::move(parsed.table());
    if (auto ok = reject_unknown_keys(root, "",
                                      {"device_id", "board", "boards_dir", "log_level", "shutdown_deadline_ms", "sim", "storage", "control",
                                       "tls", "delivery", "catalog", "picking", "upstream"},
                                      source);
        !ok) {
        return ok.error();
    }
    Config config;
    config.source_path = source;

    auto device_id = get_string(root, "", "device_id", true, source);
    if (!device_id) return device_id.error();
    config.device_id = *device_id;
    auto board = get_string(root, "", "board", false, source, "sim");
    if (!board) return board.error();
    config.board = *board;
    auto boards_dir = get_string(root, "", "boards_dir", false, source, config.boards_dir);
    if (!boards_dir) return boards_dir.error();
    config.boards_dir = resolve_path(*boards_dir, source);
    // The board's deltas go in before anything else is read: the device's own keys win over them.
    auto board_data = load_board(config.board, config.boards_dir, root);
    if (!board_data) return config_error(source, board_data.error().message);
    config.board_data = std::move(*board_data);
    auto level = get_string(root, "", "log_level", false, source, "info");
    if (!level) return level.error();
    if (*level != "debug" && *level != "info" && *level != "warning" && *level != "error") {
        return config_error(source, "'log_level' must be one of debug, info, warning, error");
    }
    config.log_level = *level;
    auto deadline = get_millis(root, "", "shutdown_deadline_ms", config.shutdown_deadline, source);
    if (!deadline) return deadline.error();
    config.shutdown_deadline = *deadline;

    // Every table is optional in TOML terms, but storage, control, tls and upstream.din carry
    // required keys; an absent table reads as an empty one so the message names the key.
    static const toml::table empty;
    const toml::table* sim = get_table(root, "sim");
    if (sim != nullptr) {
        if (auto ok = reject_unknown_keys(*sim, "sim", {"link_up"}, source); !ok) return ok.error();
        if (const toml::node* link = sim->get("link_up"); link != nullptr) {
            if (!link->is_boolean()) return config_error(source, "'sim.link_up' must be true or false");
            config.sim_link_initially_up = link->as_boolean()->get();
        }
    }

    const toml::table& storage = get_table(root, "storage") ? *get_table(root, "storage") : empty;
    if (auto ok = reject_unknown_keys(storage, "storage",
                                      {"outbox_path", "catalog_path", "sync", "max_operations", "max_bytes", "retention_hours"},
                                      source);
        !ok) {
        return ok.error();
    }
    for (auto [key, target] : {std::pair{"max_operations", &config.max_operations},
                               std::pair{"max_bytes", &config.max_bytes}}) {
        auto value = get_positive(storage, "storage", key, *target, source);
        if (!value) return value.error();
        *target = *value;
    }
    auto retention = get_positive(storage, "storage", "retention_hours", config.retention.count(), source,
                                  kMaxRetentionHours);
    if (!retention) return retention.error();
    config.retention = std::chrono::hours(*retention);
    auto outbox_path = get_string(storage, "storage", "outbox_path", true, source);
    if (!outbox_path) return outbox_path.error();
    config.outbox_path = resolve_path(*outbox_path, source);
    // The catalog is a cache of master data: next to the outbox unless told otherwise.
    const std::string default_catalog =
        (std::filesystem::path(config.outbox_path).parent_path() / "catalog.db").string();
    auto catalog_path = get_string(storage, "storage", "catalog_path", false, source, default_catalog);
    if (!catalog_path) return catalog_path.error();
    config.catalog_path = resolve_path(*catalog_path, source);
    if (config.catalog_path == config.outbox_path) {
        return config_error(source, "'storage.catalog_path' must not be the outbox's file");
    }
    auto sync = get_string(storage, "storage", "sync", false, source, "full");
    if (!sync) return sync.error();
    if (*sync != "full" && *sync != "normal") {
        return config_error(source, "'storage.sync' must be \"full\" or \"normal\" (see docs/architecture.md)");
    }
    config.sync_full = *sync == "full";

    const toml::table& control = get_table(root, "control") ? *get_table(root, "control") : empty;
    if (auto ok = reject_unknown_keys(control, "control", {"socket_path", "group"}, source); !ok) return ok.error();
    if (auto ok = parse_control_group(control, config, source); !ok) return ok.error();
    auto socket_path = get_string(control, "control", "socket_path", true, source);
    if (!socket_path) return socket_path.error();
    config.control_socket = resolve_path(*socket_path, source);

    const toml::table& tls = get_table(root, "tls") ? *get_table(root, "tls") : empty;
    if (auto ok = reject_unknown_keys(tls, "tls",
                                      {"ca_file", "cert_file", "key_file", "client_cert_warn_days",
                                       "client_cert_check_interval_s"},
                                      source);
        !ok) {
        return ok.error();
    }
    if (auto ok = parse_client_cert_warning(tls, config, source); !ok) return ok.error();
    for (auto [key, target] : {std::pair{"ca_file", &config.tls.ca_file},
                               std::pair{"cert_file", &config.tls.cert_file},
                               std::pair{"key_file", &config.tls.key_file}}) {
        auto value = get_string(tls, "tls", key, true, source);
        if (!value) return value.error();
        *target = resolve_path(*value, source);
    }

    const toml::table& delivery = get_table(root, "delivery") ? *get_table(root, "delivery") : empty;
    if (auto ok = reject_unknown_keys(delivery, "delivery",
                                      {"backoff_base_ms", "backoff_cap_ms", "first_flush_jitter_ms", "breaker_threshold",
                                       "breaker_probe_interval_ms"},
                                      source);
        !ok) {
        return ok.error();
    }
    auto base = get_millis(delivery, "delivery", "backoff_base_ms", config.delivery.backoff_base, source);
    if (!base) return base.error();
    auto cap = get_millis(delivery, "delivery", "backoff_cap_ms", config.delivery.backoff_cap, source);
    if (!cap) return cap.error();
    if (*cap < *base) return config_error(source, "'delivery.backoff_cap_ms' must not be below backoff_base_ms");
    config.delivery.backoff_base = *base;
    config.delivery.backoff_cap = *cap;
    // 0 is allowed here: tests and single devices need no reconnect jitter.
    if (const toml::node* jitter = delivery.get("first_flush_jitter_ms"); jitter != nullptr) {
        if (!jitter->is_integer() || jitter->as_integer()->get() < 0 || jitter->as_integer()->get() > kMaxMillis) {
            return config_error(source, "'delivery.first_flush_jitter_ms' must be an integer from 0 to " +
                                            std::to_string(kMaxMillis) + " (milliseconds)");
        }
        config.delivery.first_flush_jitter = std::chrono::milliseconds(jitter->as_integer()->get());
    }
    auto threshold = get_positive(delivery, "delivery", "breaker_threshold", config.delivery.breaker_threshold, source,
                                  kMaxBreakerThreshold);
    if (!threshold) return threshold.error();
    config.delivery.breaker_threshold = static_cast<int>(*threshold);
    auto probe = get_millis(delivery, "delivery", "breaker_probe_interval_ms", config.delivery.breaker_probe_interval, source);
    if (!probe) return probe.error();
    config.delivery.breaker_probe_interval = *probe;

    const toml::table& catalog = get_table(root, "catalog") ? *get_table(root, "catalog") : empty;
    if (auto ok = reject_unknown_keys(catalog, "catalog", {"max_age_hours", "stale_policy"}, source); !ok) {
        return ok.error();
    }
    auto max_age = get_positive(catalog, "catalog", "max_age_hours", config.catalog.max_age.count(), source);
    if (!max_age) return max_age.error();
    config.catalog.max_age = std::chrono::hours(*max_age);
    auto stale_policy = get_string(catalog, "catalog", "stale_policy", false, source, "accept-and-flag");
    if (!stale_policy) return stale_policy.error();
    if (*stale_policy != "accept-and-flag" && *stale_policy != "reject") {
        return config_error(source, "'catalog.stale_policy' must be \"accept-and-flag\" or \"reject\"");
    }
    config.catalog.reject_when_stale = *stale_policy == "reject";

    // [picking]: the pick session on a station with a scanner (docs/hal.md, "Pick session").
    const toml::table& picking = get_table(root, "picking") ? *get_table(root, "picking") : empty;
    if (auto ok = reject_unknown_keys(picking, "picking", {"confirm_code", "cancel_code", "utc_offset"}, source); !ok) {
        return ok.error();
    }
    for (auto [key, target] : {std::pair{"confirm_code", &config.picking.confirm_code},
                               std::pair{"cancel_code", &config.picking.cancel_code}}) {
        auto code = get_string(picking, "picking", key, false, source, *target);
        if (!code) return code.error();
        *target = *code;
    }
    auto offset = get_string(picking, "picking", "utc_offset", false, source, "+00:00");
    if (!offset) return offset.error();
    const std::string& text = *offset;
    const bool well_formed = text.size() == 6 && (text[0] == '+' || text[0] == '-') && text[3] == ':' &&
                             std::isdigit(static_cast<unsigned char>(text[1])) && std::isdigit(static_cast<unsigned char>(text[2])) &&
                             std::isdigit(static_cast<unsigned char>(text[4])) && std::isdigit(static_cast<unsigned char>(text[5]));
    const int minutes = well_formed ? std::stoi(text.substr(1, 2)) * 60 + std::stoi(text.substr(4, 2)) : -1;
    if (!well_formed || minutes > 14 * 60 || std::stoi(text.substr(4, 2)) > 59) {
        return config_error(source, "'picking.utc_offset' must be the warehouse's UTC offset as +HH:MM or -HH:MM "
                                    "(at most 14 hours), e.g. \"+07:00\"");
    }
    config.picking.utc_offset_minutes = text[0] == '-' ? -minutes : minutes;

    const toml::table* upstreams = get_table(root, "upstream");
    if (upstreams == nullptr || upstreams->empty()) {
        return config_error(source, "no [upstream.<name>] table: the agent needs at least one upstream "
                                    "(e.g. [upstream.din], see firmware/outpostd.toml)");
    }
    for (const auto& [name, node] : *upstreams) {
        const auto* table = node.as_table();
        if (table == nullptr) return config_error(source, "'upstream." + std::string(name.str()) + "' must be a table");
        auto one = parse_upstream(std::string(name.str()), *table, source);
        if (!one) return one.error();
        config.upstreams.push_back(std::move(*one));
    }
    return config;
}

Expected<Config> load_config(const std::string& path) {
    std::ifstream file(path);
    if (!file) return config_error(path, "cannot read the configuration file");
    std::stringstream content;
    content << file.rdbuf();
    return parse_config(content.str(), path);
}

}  // namespace outpost::config
