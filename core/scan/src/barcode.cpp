// From a raw scan to a Barcode: symbology dispatch, per-field checks, the result struct.

#include "outpost/scan/barcode.hpp"

#include <string>

#include "element_strings.hpp"
#include "gs1_rules.hpp"

namespace outpost::scan {

using detail::Field;
using detail::scan_error;

int gs1_check_digit(std::string_view digits) {
    // Weights 3, 1, 3, ... from the rightmost data digit (GS1 General Specifications 7.9.1).
    int sum = 0;
    int weight = 3;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        sum += (*it - '0') * weight;
        weight = 4 - weight;
    }
    return (10 - sum % 10) % 10;
}

namespace {

std::string at(std::size_t offset) { return " at offset " + std::to_string(offset); }

// Empty when `digits` ends in its correct check digit; the complaint otherwise.
std::string check_digit_problem(std::string_view digits) {
    const int expected = gs1_check_digit(digits.substr(0, digits.size() - 1));
    const int found = digits.back() - '0';
    if (found == expected) return {};
    return "check digit " + std::to_string(found) + " should be " + std::to_string(expected);
}

// Checks one field's characters, check digit or date; fills the Barcode.
Expected<void> apply_field(const Field& field, int reference_year, Barcode& out) {
    const detail::AiSpec& spec = *detail::find_ai(field.ai);
    const std::string name = "AI " + field.ai + ": ";
    if (field.value.empty()) return scan_error(name + "empty value" + at(field.offset));
    for (std::size_t i = 0; i < field.value.size(); ++i) {
        const char c = field.value[i];
        const bool fits = spec.numeric ? (c >= '0' && c <= '9') : detail::is_cset82(c);
        if (!fits) {
            return scan_error(name + (spec.numeric ? "non-digit " : "character not allowed ") +
                              detail::describe_char(c) + at(field.offset + 2 + i));
        }
    }
    if (spec.check == detail::AiSpec::Check::check_digit) {
        if (auto problem = check_digit_problem(field.value); !problem.empty()) return scan_error(name + problem);
    }
    std::optional<Date> date;
    if (spec.check == detail::AiSpec::Check::date) {
        date = detail::resolve_date(field.value, reference_year);
        if (!date) return scan_error(name + "invalid date " + field.value);
    }
    const auto& ai = field.ai;
    if (ai == "00") out.sscc = field.value;
    else if (ai == "01") out.gtin = field.value;
    else if (ai == "02") out.contained_gtin = field.value;
    else if (ai == "10") out.batch = field.value;
    else if (ai == "11") out.production_date = date;
    else if (ai == "15") out.best_before = date;
    else if (ai == "17") out.expiry = date;
    else if (ai == "21") out.serial = field.value;
    else if (ai == "30") out.count = static_cast<std::uint32_t>(std::stoul(field.value));  // <= 8 digits
    else if (ai == "37") out.contained_count = static_cast<std::uint32_t>(std::stoul(field.value));
    return {};
}

Expected<Barcode> from_fields(Expected<std::vector<Field>> fields, Symbology symbology, int reference_year) {
    if (!fields) return fields.error();
    Barcode out;
    out.symbology = symbology;
    for (const Field& field : *fields) {
        for (const auto& seen : out.elements) {
            if (seen.ai == field.ai) return scan_error("AI " + field.ai + " appears twice" + at(field.offset));
        }
        if (auto applied = apply_field(field, reference_year, out); !applied) return applied.error();
        out.elements.push_back(ElementString{field.ai, field.value});
    }
    return out;
}

Expected<Barcode> ean13(std::string_view digits) {
    if (digits.size() != 13 || !detail::all_digits(digits)) {
        return scan_error("EAN-13: expected 13 digits, got \"" + std::string(digits) + "\"");
    }
    if (auto problem = check_digit_problem(digits); !problem.empty()) return scan_error("EAN-13: " + problem);
    Barcode out;
    out.symbology = Symbology::ean13;
    out.gtin = "0" + std::string(digits);  // GTIN-13 as GTIN-14: pad on the left
    return out;
}

Expected<Barcode> plain(std::string_view data, Symbology symbology, std::string_view identifier) {
    if (data.empty()) return scan_error("no data after " + std::string(identifier));
    Barcode out;
    out.symbology = symbology;
    out.text = std::string(data);
    return out;
}

}  // namespace

Expected<Barcode> parse_barcode(std::string_view raw, int reference_year) {
    if (raw.empty()) return scan_error("empty scan");
    if (raw.front() == ']') {
        if (raw.size() < 3) return scan_error("truncated symbology identifier \"" + std::string(raw) + "\"");
        const std::string_view id = raw.substr(0, 3);
        const std::string_view data = raw.substr(3);
        if (id == "]C1") return from_fields(detail::split_scanned(data, 3), Symbology::gs1_128, reference_year);
        if (id == "]d2") return from_fields(detail::split_scanned(data, 3), Symbology::gs1_datamatrix, reference_year);
        if (id == "]Q3") return from_fields(detail::split_scanned(data, 3), Symbology::gs1_qr, reference_year);
        if (id == "]e0") return from_fields(detail::split_scanned(data, 3), Symbology::gs1_databar, reference_year);
        if (id == "]E0") return ean13(data);
        if (id == "]C0") return plain(data, Symbology::code128, id);
        if (id == "]d1") return plain(data, Symbology::datamatrix, id);
        if (id == "]Q1") return plain(data, Symbology::qr, id);
        return scan_error("unsupported symbology identifier " + std::string(id));
    }
    if (raw.front() == '(') {
        return from_fields(detail::split_human_readable(raw), Symbology::gs1_human_readable, reference_year);
    }
    if (raw.size() == 13 && detail::all_digits(raw)) return ean13(raw);
    return scan_error("not a barcode this agent reads: no symbology identifier, not 13 digits, not \"(AI)\" form");
}

}  // namespace outpost::scan
