#pragma once
// Splitting GS1 data into (AI, value) fields, before any field is checked: the scanned form
// (FNC1 as GS) and the human-readable form "(01)...(17)...". Internal to outpost_scan.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "outpost/common/expected.hpp"

namespace outpost::scan::detail {

struct Field {
    std::string ai;
    std::string value;
    std::size_t offset;  // of the AI's first digit in the raw scan, for error messages
};

// `data` is the scan after the symbology identifier, which was `base` characters long.
Expected<std::vector<Field>> split_scanned(std::string_view data, std::size_t base);
Expected<std::vector<Field>> split_human_readable(std::string_view data);

Error scan_error(std::string message);

}  // namespace outpost::scan::detail
