#pragma once
// Field checks shared by the SmartSeller stock kinds (private to intake). Every error names the
// kind and the field, with the producer's path to it ("stock_adjustment[3].variation_id").

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "outpost/common/expected.hpp"

namespace outpost::intake::smartseller {

class Fields {
public:
    explicit Fields(std::string_view kind) : kind_(kind) {}

    [[nodiscard]] Error invalid(const std::string& message) const;

    // `object` at `where` ("" for the body, "stock[2]." for an entry) must be a JSON object
    // holding no member outside `allowed`.
    Expected<void> object_with(const nlohmann::json& object, const std::string& where,
                               std::initializer_list<std::string_view> allowed) const;
    // A JSON integer (not 2.0, not "2") from `min` to kMaxSmartSellerInteger. integer() requires
    // the field; optional_integer() gives nullopt when it is absent.
    Expected<std::int64_t> integer(const nlohmann::json& object, const std::string& where, const char* field,
                                   std::int64_t min) const;
    Expected<std::optional<std::int64_t>> optional_integer(const nlohmann::json& object, const std::string& where,
                                                           const char* field, std::int64_t min) const;
    Expected<std::string> text(const nlohmann::json& object, const std::string& where, const char* field) const;
    // A non-empty array of at most `max` elements.
    Expected<const nlohmann::json*> array(const nlohmann::json& object, const char* field, std::size_t max) const;

private:
    std::string_view kind_;
};

}  // namespace outpost::intake::smartseller
