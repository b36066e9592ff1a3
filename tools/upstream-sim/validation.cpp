#include "validation.hpp"

namespace upstream_sim {
namespace {

// Reads count decimal digits at pos; false if any is missing or not a digit.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return days[month - 1];
}

// Days since 1970-01-01 (H. Hinnant's days_from_civil), for comparing picked_at across offsets.
std::int64_t days_from_civil(std::int64_t year, std::int64_t month, std::int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;
  const std::int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// "YYYY-MM-DD" at the start of text.
std::optional<std::int64_t> parse_date_prefix(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (text.size() < 10 || !read_digits(text, 0, 4, year) || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return days_from_civil(year, month, day);
}

// A required, non-empty string member; records an error and returns nullptr otherwise.
const std::string* required_string(const nlohmann::json& body, const std::string& field,
                                   FieldErrors& errors) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    errors[field].emplace_back("is required");
    return nullptr;
  }
  if (!it->is_string()) {
    errors[field].emplace_back("must be a string");
    return nullptr;
  }
  const auto& value = it->get_ref<const std::string&>();
  if (value.empty()) {
    errors[field].emplace_back("must not be empty");
    return nullptr;
  }
  return &value;
}

bool is_positive_integer(const nlohmann::json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>() > 0;
  if (value.is_number_integer()) return value.get<std::int64_t>() > 0;
  return false;  // floats (even 20.0), strings, booleans: not an integer quantity
}

void validate_item(const nlohmann::json& item, const std::string& prefix, FieldErrors& errors) {
  if (!item.is_object()) {
    errors[prefix].emplace_back("must be an object");
    return;
  }
  const auto qty = item.find("qty");
  if (qty == item.end() || qty->is_null()) {
    errors[prefix + ".qty"].emplace_back("is required");
  } else if (!is_positive_integer(*qty)) {
    errors[prefix + ".qty"].emplace_back("must be a positive integer");
  }
  // Optional: absent or null both mean "no expiry date given".
  const auto expired = item.find("expired_date");
  if (expired != item.end() && !expired->is_null()) {
    if (!expired->is_string() ||
        !parse_calendar_date(expired->get_ref<const std::string&>()).has_value()) {
      errors[prefix + ".expired_date"].emplace_back("must be a real date in the format YYYY-MM-DD");
    }
  }
}

}  // namespace

std::optional<std::int64_t> parse_calendar_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return parse_date_prefix(text);
}

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) {
  // full-date "T" HH ":" MM ":" SS [ "." 1*DIGIT ] ( "Z" / ("+" / "-") HH ":" MM ); RFC 3339
  // section 5.6 lets "T" and "Z" be lower case.
  const auto days = parse_date_prefix(text);
  if (!days || text.size() < 20 || (text[10] != 'T' && text[10] != 't')) return std::nullopt;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!read_digits(text, 11, 2, hour) || text[13] != ':' || !read_digits(text, 14, 2, minute) ||
      text[16] != ':' || !read_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  // 60 is a leap second, which RFC 3339 allows.
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;

  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t first_digit = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - first_digit < 3) millis = millis * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == first_digit) return std::nullopt;  // "." needs at least one digit
    for (std::size_t n = pos - first_digit; n < 3; ++n) millis *= 10;
  }

  if (pos >= text.size()) return std::nullopt;  // no offset
  std::int64_t offset_seconds = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const bool negative = text[pos] == '-';
    int offset_hour = 0;
    int offset_minute = 0;
    if (!read_digits(text, pos + 1, 2, offset_hour) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !read_digits(text, pos + 4, 2, offset_minute) ||
        offset_hour > 23 || offset_minute > 59) {
      return std::nullopt;
    }
    offset_seconds = std::int64_t{negative ? -1 : 1} *
                     (std::int64_t{offset_hour} * 3600 + std::int64_t{offset_minute} * 60);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const std::int64_t seconds = *days * 86400 + std::int64_t{hour} * 3600 +
                               std::int64_t{minute} * 60 + second - offset_seconds;
  return seconds * 1000 + millis;
}

FieldErrors validate_login(const nlohmann::json& body) {
  FieldErrors errors;
  if (!body.is_object()) {
    errors["body"].emplace_back("must be a JSON object");
    return errors;
  }
  required_string(body, "username", errors);
  required_string(body, "password", errors);
  return errors;
}

FieldErrors validate_picking(const nlohmann::json& body) {
  FieldErrors errors;
  if (!body.is_object()) {
    errors["body"].emplace_back("must be a JSON object");
    return errors;
  }
  required_string(body, "key_ssl", errors);
  required_string(body, "picking_no", errors);
  if (const std::string* picked_at = required_string(body, "picked_at", errors)) {
    if (!parse_rfc3339_ms(*picked_at)) {
      errors["picked_at"].emplace_back(
          "must be an RFC 3339 date-time with offset, e.g. 2026-11-23T10:15:00+07:00");
    }
  }

  const auto items = body.find("items");
  if (items == body.end() || items->is_null()) {
    errors["items"].emplace_back("is required");
  } else if (!items->is_array()) {
    errors["items"].emplace_back("must be an array");
  } else if (items->empty()) {
    errors["items"].emplace_back("must contain at least one item");
  } else {
    for (std::size_t i = 0; i < items->size(); ++i) {
      validate_item((*items)[i], "items." + std::to_string(i), errors);
    }
  }
  return errors;
}

}  // namespace upstream_sim
