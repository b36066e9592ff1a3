#include "outpost/config/upstream_options.hpp"

namespace outpost::config {

UpstreamOptions::UpstreamOptions(const UpstreamConfig& upstream, std::string source_path)
    : upstream_(upstream), source_(std::move(source_path)) {}

std::string UpstreamOptions::where(const std::string& key) const { return "upstream." + upstream_.name + "." + key; }

void UpstreamOptions::fail(const std::string& message) {
    if (!problem_) problem_ = make_error("config", source_ + ": " + message);
}

const nlohmann::json* UpstreamOptions::find(const std::string& key) {
    asked_.insert(key);
    if (problem_) return nullptr;
    const auto found = upstream_.options.find(key);
    return found == upstream_.options.end() ? nullptr : &*found;
}

std::string UpstreamOptions::string(const std::string& key, const std::string& fallback, OptionRules rules) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) {
        if (rules.required && !problem_) fail("missing required key '" + where(key) + "'");
        return fallback;
    }
    if (!value->is_string()) {
        fail("'" + where(key) + "' must be a string");
        return fallback;
    }
    if (rules.required && value->get_ref<const std::string&>().empty()) {
        fail("'" + where(key) + "' must not be empty");
        return fallback;
    }
    return value->get<std::string>();
}

std::int64_t UpstreamOptions::integer(const std::string& key, std::int64_t fallback, std::int64_t min,
                                      std::int64_t max) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) return fallback;
    if (!value->is_number_integer() || value->get<std::int64_t>() < min || value->get<std::int64_t>() > max) {
        fail("'" + where(key) + "' must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
        return fallback;
    }
    return value->get<std::int64_t>();
}

bool UpstreamOptions::boolean(const std::string& key, bool fallback) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) return fallback;
    if (!value->is_boolean()) {
        fail("'" + where(key) + "' must be true or false");
        return fallback;
    }
    return value->get<bool>();
}

std::vector<std::string> UpstreamOptions::strings(const std::string& key, const std::vector<std::string>& fallback) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) return fallback;
    std::vector<std::string> out;
    if (value->is_array()) {
        for (const auto& item : *value) {
            if (!item.is_string()) break;
            out.push_back(item.get<std::string>());
        }
        if (out.size() == value->size()) return out;
    }
    fail("'" + where(key) + "' must be an array of strings");
    return fallback;
}

std::string UpstreamOptions::json_pointer(const std::string& key, const std::string& fallback) {
    const std::string text = string(key, fallback);
    try {
        (void)nlohmann::json::json_pointer(text);
    } catch (const nlohmann::json::exception&) {
        fail("'" + where(key) + "' must be a JSON pointer such as \"/data/token\" (got \"" + text + "\")");
        return fallback;
    }
    return text;
}

std::string UpstreamOptions::path(const std::string& key, OptionRules rules) { return string(key, {}, rules); }

std::string UpstreamOptions::secret(const std::string& name, bool required) {
    asked_secrets_.insert(name);
    const auto found = upstream_.secrets.find(name);
    if (found != upstream_.secrets.end()) return found->second;
    if (required) fail("missing '" + where(name) + "' (or '" + where(name + "_file") + "', a file only the agent can read)");
    return {};
}

Expected<void> UpstreamOptions::finish() const {
    if (problem_) return *problem_;
    for (const auto& [key, value] : upstream_.options.items()) {
        if (!asked_.contains(key)) return make_error("config", source_ + ": unknown key '" + where(key) + "'");
    }
    for (const auto& [name, value] : upstream_.secrets) {
        if (!asked_secrets_.contains(name)) {
            return make_error("config", source_ + ": '" + where(name) + "' (or its _file form) is not used by the " +
                                            upstream_.name + " upstream");
        }
    }
    return {};
}

}  // namespace outpost::config
