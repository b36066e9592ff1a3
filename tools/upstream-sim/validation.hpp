// The contract's field rules, as pure functions (no HTTP, no storage), so each rule reads on its
// own.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace upstream_sim {

// Field name (dotted path, e.g. "items.0.qty") -> messages: the SMILE-style "errors" object.
using FieldErrors = std::map<std::string, std::vector<std::string>>;

// "YYYY-MM-DD" naming a real day of the proleptic Gregorian calendar (no 2027-02-29), as days
// since 1970-01-01; nullopt otherwise.
std::optional<std::int64_t> parse_calendar_date(std::string_view text);

// An RFC 3339 date-time with an explicit offset ("2026-11-23T10:15:00+07:00", "...Z", optional
// fraction), as milliseconds since the epoch; nullopt otherwise. A local time without an offset
// is refused: the contract requires the offset, and guessing one reorders picks across zones.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

// POST /ifp/login body: "username" and "password" present as strings.
FieldErrors validate_login(const nlohmann::json& body);

// POST /ssl/ifp/picking/order body: key_ssl, picking_no, picked_at required non-empty strings;
// picked_at RFC 3339 with offset; items a non-empty array of objects; each qty a positive
// integer; each expired_date, when present and not null, a real YYYY-MM-DD date. Other fields
// are the upstream's business and are stored as sent.
FieldErrors validate_picking(const nlohmann::json& body);

}  // namespace upstream_sim
