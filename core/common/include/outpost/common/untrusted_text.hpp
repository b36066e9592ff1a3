#pragma once
// Checks and clean-ups for text that came from outside (local clients, upstream servers) before
// it is parsed further or shown to an operator. Pure functions; safe from any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace outpost {

// True when the JSON text's arrays and objects nest at most `max_depth` deep (brackets inside
// strings do not count). nlohmann::json parses any depth, but copying, comparing and dumping a
// document recurse once per level: a megabyte of "[" overflows the stack. Check first, then parse.
[[nodiscard]] bool json_nesting_within(std::string_view text, std::size_t max_depth);

// True when `text` is well-formed UTF-8 (RFC 3629): what nlohmann::json::dump() accepts; it
// throws on anything else.
[[nodiscard]] bool is_valid_utf8(std::string_view text);

// At most `max_bytes` of `text`, made safe to log, to print on a terminal and to put in a JSON
// string: invalid UTF-8 (including a character cut short by the limit) becomes '?', control
// characters (line breaks, escape sequences) become ' '.
[[nodiscard]] std::string printable_excerpt(std::string_view text, std::size_t max_bytes);

}  // namespace outpost
