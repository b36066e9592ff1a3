#include "gs1_rules.hpp"

#include <array>
#include <cstdio>

namespace outpost::scan::detail {

namespace {

using Check = AiSpec::Check;

// The AIs a warehouse handheld meets on goods and pallets. Adding one is one line here and one
// case in barcode.cpp.
constexpr std::array kAis{
    AiSpec{"00", true, true, 18, Check::check_digit},   // SSCC
    AiSpec{"01", true, true, 14, Check::check_digit},   // GTIN
    AiSpec{"02", true, true, 14, Check::check_digit},   // GTIN of contained trade items
    AiSpec{"10", false, false, 20, Check::none},        // batch or lot
    AiSpec{"11", true, true, 6, Check::date},           // production date
    AiSpec{"15", true, true, 6, Check::date},           // best before
    AiSpec{"17", true, true, 6, Check::date},           // expiry
    AiSpec{"21", false, false, 20, Check::none},        // serial number
    AiSpec{"30", true, false, 8, Check::none},          // variable count of items
    AiSpec{"37", true, false, 8, Check::none},          // count of trade items contained
};

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
    constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap(year)) return 29;
    return kDays[static_cast<std::size_t>(month - 1)];
}

int two_digits(std::string_view text, std::size_t at) { return (text[at] - '0') * 10 + (text[at + 1] - '0'); }

}  // namespace

const AiSpec* find_ai(std::string_view ai) {
    for (const auto& spec : kAis) {
        if (spec.ai == ai) return &spec;
    }
    return nullptr;
}

std::size_t ai_length_for_prefix(std::string_view two_digits_text) {
    const int prefix = two_digits(two_digits_text, 0);
    if (prefix == 23 || prefix == 24 || prefix == 25 || (prefix >= 40 && prefix <= 43) || prefix == 71) return 3;
    if ((prefix >= 31 && prefix <= 36) || prefix == 39 || prefix == 70 || prefix == 72 ||
        (prefix >= 80 && prefix <= 82))
        return 4;
    return 2;
}

std::optional<Date> resolve_date(std::string_view yymmdd, int reference_year) {
    if (yymmdd.size() != 6 || !all_digits(yymmdd)) return std::nullopt;
    const int yy = two_digits(yymmdd, 0);
    const int month = two_digits(yymmdd, 2);
    const int day = two_digits(yymmdd, 4);
    // GS1 General Specifications 7.12: the year lies within -49..+50 years of the reference.
    int year = reference_year - reference_year % 100 + yy;
    if (year - reference_year > 50) year -= 100;
    if (year - reference_year < -49) year += 100;
    if (month < 1 || month > 12) return std::nullopt;
    const int last = days_in_month(year, month);
    if (day > last) return std::nullopt;
    return Date{year, month, day == 0 ? last : day};  // day 00: the last day of the month
}

bool is_cset82(char c) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
    constexpr std::string_view kPunctuation = "!\"%&'()*+,-./:;<=>?_";
    return kPunctuation.find(c) != std::string_view::npos;
}

std::string describe_char(char c) {
    if (c == kGroupSeparator) return "GS";
    if (c >= 0x21 && c <= 0x7e) return std::string("'") + c + "'";
    std::array<char, 8> hex{};
    std::snprintf(hex.data(), hex.size(), "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
    return hex.data();
}

bool all_digits(std::string_view text) {
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

}  // namespace outpost::scan::detail
