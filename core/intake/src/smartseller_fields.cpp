#include "smartseller_fields.hpp"

#include "outpost/intake/smartseller_stock.hpp"

namespace outpost::intake::smartseller {
namespace {

std::string excerpt(const nlohmann::json& value) {
    std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

}  // namespace

Error Fields::invalid(const std::string& message) const {
    return make_error("intake", "invalid " + std::string(kind_) + ": " + message);
}

Expected<void> Fields::object_with(const nlohmann::json& object, const std::string& where,
                                   std::initializer_list<std::string_view> allowed) const {
    if (!object.is_object()) {
        return invalid(where.empty() ? "the body must be a JSON object"
                                     : where.substr(0, where.size() - 1) + " must be an object");
    }
    for (const auto& [name, value] : object.items()) {
        bool known = false;
        for (std::string_view candidate : allowed) known = known || candidate == name;
        if (known) continue;
        std::string list;
        for (std::string_view candidate : allowed) list += (list.empty() ? "" : ", ") + std::string(candidate);
        return invalid("unknown field " + where + name + " (" + (where.empty() ? "the body" : "an entry") +
                       " takes " + list + ")");
    }
    return {};
}

Expected<std::optional<std::int64_t>> Fields::optional_integer(const nlohmann::json& object, const std::string& where,
                                                               const char* field, std::int64_t min) const {
    const auto found = object.find(field);
    if (found == object.end()) return std::optional<std::int64_t>{};
    // JSON numbers like 2.0 or strings like "2" are not what the seed's "integer" means.
    const bool in_range = (found->is_number_unsigned() && found->get<std::uint64_t>() <=
                                                              static_cast<std::uint64_t>(kMaxSmartSellerInteger) &&
                           static_cast<std::int64_t>(found->get<std::uint64_t>()) >= min) ||
                          (found->is_number_integer() && !found->is_number_unsigned() &&
                           found->get<std::int64_t>() >= min && found->get<std::int64_t>() <= kMaxSmartSellerInteger);
    if (!in_range) {
        return invalid(where + field + " must be an integer from " + std::to_string(min) + " to " +
                       std::to_string(kMaxSmartSellerInteger) + " (got " + excerpt(*found) + ")");
    }
    return std::optional<std::int64_t>{found->get<std::int64_t>()};
}

Expected<std::int64_t> Fields::integer(const nlohmann::json& object, const std::string& where, const char* field,
                                       std::int64_t min) const {
    auto value = optional_integer(object, where, field, min);
    if (!value) return value.error();
    if (!value->has_value()) return invalid(where + field + " is required");
    return **value;
}

Expected<std::string> Fields::text(const nlohmann::json& object, const std::string& where, const char* field) const {
    const auto found = object.find(field);
    if (found == object.end()) return invalid(where + field + " is required");
    if (!found->is_string() || found->get_ref<const std::string&>().empty()) {
        return invalid(where + field + " must be a non-empty string (got " + excerpt(*found) + ")");
    }
    return found->get<std::string>();
}

Expected<const nlohmann::json*> Fields::array(const nlohmann::json& object, const char* field, std::size_t max) const {
    const auto found = object.find(field);
    if (found == object.end()) return invalid(std::string(field) + " is required");
    if (!found->is_array() || found->empty()) {
        return invalid(std::string(field) + " must be a non-empty array (got " + excerpt(*found) + ")");
    }
    if (found->size() > max) {
        return invalid(std::string(field) + " has " + std::to_string(found->size()) + " entries, at most " +
                       std::to_string(max) + " are accepted");
    }
    return &*found;
}

}  // namespace outpost::intake::smartseller
