#pragma once
// The GS1 rules the parser needs, as data and small pure functions: which AIs we know and their
// format, the AI length by prefix (to name unknown AIs), check digits, dates, character sets.
// Internal to outpost_scan.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "outpost/scan/barcode.hpp"

namespace outpost::scan::detail {

inline constexpr char kGroupSeparator = '\x1d';  // FNC1 as a scanner transmits it

struct AiSpec {
    std::string_view ai;
    bool numeric;         // N (digits) or X (GS1 character set 82)
    bool fixed;           // predefined length, no GS needed after it
    std::size_t length;   // the length when fixed, the maximum otherwise
    enum class Check { none, check_digit, date } check;
};

// The spec of a supported AI, or nullptr.
const AiSpec* find_ai(std::string_view ai);

// How many digits an AI starting with these two digits has (GS1 General Specifications, the
// table of AI lengths by prefix): lets an error name an unknown AI as "7003", not "70".
std::size_t ai_length_for_prefix(std::string_view two_digits);

// A date YYMMDD resolved with the century rule and day 00; nullopt when it is not a date.
std::optional<Date> resolve_date(std::string_view yymmdd, int reference_year);

// GS1 AI encodable character set 82 (what X fields may hold).
bool is_cset82(char c);

// A character as an error message shows it: 'A', GS, or \x07.
std::string describe_char(char c);

bool all_digits(std::string_view text);

}  // namespace outpost::scan::detail
