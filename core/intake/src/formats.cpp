#include <cctype>
#include <string>

#include "outpost/intake/picking_order.hpp"

namespace outpost::intake {
namespace {

bool digits(const std::string& text, std::size_t from, std::size_t count) {
    if (from + count > text.size()) return false;
    for (std::size_t i = from; i < from + count; ++i) {
        if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) return false;
    }
    return true;
}

int number(const std::string& text, std::size_t from, std::size_t count) {
    return std::stoi(text.substr(from, count));
}

bool valid_date(int year, int month, int day) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int days_in_month = kDays[month - 1] + ((month == 2 && leap) ? 1 : 0);
    return day <= days_in_month;
}

bool is_date_at(const std::string& text, std::size_t at) {
    return digits(text, at, 4) && text[at + 4] == '-' && digits(text, at + 5, 2) &&
           text[at + 7] == '-' && digits(text, at + 8, 2) &&
           valid_date(number(text, at, 4), number(text, at + 5, 2), number(text, at + 8, 2));
}

}  // namespace

bool is_calendar_date(const std::string& text) { return text.size() == 10 && is_date_at(text, 0); }

bool is_rfc3339_with_offset(const std::string& text) {
    // date "T" hh ":" mm ":" ss [ "." fraction ] ( "Z" / ("+" / "-") hh ":" mm )
    if (text.size() < 20 || !is_date_at(text, 0)) return false;
    if (text[10] != 'T' && text[10] != 't') return false;
    if (!digits(text, 11, 2) || text[13] != ':' || !digits(text, 14, 2) || text[16] != ':' || !digits(text, 17, 2)) {
        return false;
    }
    if (number(text, 11, 2) > 23 || number(text, 14, 2) > 59 || number(text, 17, 2) > 60) return false;
    std::size_t at = 19;
    if (at < text.size() && text[at] == '.') {
        ++at;
        const std::size_t start = at;
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0) ++at;
        if (at == start) return false;
    }
    if (at == text.size() - 1) return text[at] == 'Z' || text[at] == 'z';
    if (at + 6 != text.size() || (text[at] != '+' && text[at] != '-')) return false;
    return digits(text, at + 1, 2) && text[at + 3] == ':' && digits(text, at + 4, 2) &&
           number(text, at + 1, 2) <= 23 && number(text, at + 4, 2) <= 59;
}

}  // namespace outpost::intake
