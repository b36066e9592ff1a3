// Table-driven tests of parse_barcode: each row is a raw scan and what it must mean (or the
// error it must produce). Reference year 2026 unless a row says otherwise.

#include "outpost/scan/barcode.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace outpost::scan {

// How gtest prints a Date in a failure message (found by argument-dependent lookup).
inline void PrintTo(const Date& date, std::ostream* out) {
    *out << date.year << '-' << date.month << '-' << date.day;
}

namespace {

const std::string GS = "\x1d";

template <typename Row>
std::string row_name(const ::testing::TestParamInfo<Row>& row) {
    return row.param.name;
}

struct Valid {
    std::string name;
    std::string raw;
    Symbology symbology;
    std::optional<std::string> gtin = {};
    std::optional<std::string> batch = {};
    std::optional<Date> expiry = {};
    std::optional<std::string> serial = {};
    std::optional<std::string> sscc = {};
    std::optional<std::uint32_t> count = {};
    std::optional<Date> production_date = {};
    std::optional<Date> best_before = {};
    std::optional<std::string> contained_gtin = {};
    std::optional<std::uint32_t> contained_count = {};
    std::string text = {};
    std::size_t elements = 0;
    int reference_year = 2026;
};

// clang-format off
const Valid kValid[] = {
    {.name = "gs1_128_gtin_expiry_batch_serial",
     .raw = "]C1" "0109501101530003" "17251231" "10ABC123" + GS + "21S42",
     .symbology = Symbology::gs1_128, .gtin = "09501101530003", .batch = "ABC123",
     .expiry = Date{2025, 12, 31}, .serial = "S42", .elements = 4},
    {.name = "datamatrix_with_fnc1_first_and_day_00",
     .raw = "]d2" + GS + "0109501101530003" "10LOT7" + GS + "17260200",
     .symbology = Symbology::gs1_datamatrix, .gtin = "09501101530003", .batch = "LOT7",
     .expiry = Date{2026, 2, 28}, .elements = 3},
    {.name = "day_00_february_leap_year",
     .raw = "]d2" "17280200", .symbology = Symbology::gs1_datamatrix, .expiry = Date{2028, 2, 29}, .elements = 1},
    {.name = "day_00_february_2100_is_not_leap",
     .raw = "]d2" "17000200", .symbology = Symbology::gs1_datamatrix, .expiry = Date{2100, 2, 28}, .elements = 1,
     .reference_year = 2080},
    {.name = "day_00_february_2000_is_leap",
     .raw = "]d2" "17000200", .symbology = Symbology::gs1_datamatrix, .expiry = Date{2000, 2, 29}, .elements = 1,
     .reference_year = 2000},
    {.name = "day_00_thirty_day_month",
     .raw = "]C1" "15250400", .symbology = Symbology::gs1_128, .best_before = Date{2025, 4, 30}, .elements = 1},
    {.name = "century_rule_plus_50_stays_ahead",
     .raw = "]C1" "15760101", .symbology = Symbology::gs1_128, .best_before = Date{2076, 1, 1}, .elements = 1},
    {.name = "century_rule_plus_51_goes_back",
     .raw = "]C1" "11770101", .symbology = Symbology::gs1_128, .production_date = Date{1977, 1, 1}, .elements = 1},
    {.name = "century_rule_minus_49_stays_behind",
     .raw = "]C1" "11770101", .symbology = Symbology::gs1_128, .production_date = Date{2077, 1, 1}, .elements = 1,
     .reference_year = 2126},
    {.name = "century_rule_wraps_forward",
     .raw = "]C1" "17010615", .symbology = Symbology::gs1_128, .expiry = Date{2101, 6, 15}, .elements = 1,
     .reference_year = 2099},
    {.name = "gs_at_end",
     .raw = "]C1" "10ABC" + GS, .symbology = Symbology::gs1_128, .batch = "ABC", .elements = 1},
    {.name = "gs_after_fixed_length_field",
     .raw = "]C1" "0109501101530003" + GS + "10X", .symbology = Symbology::gs1_128, .gtin = "09501101530003",
     .batch = "X", .elements = 2},
    {.name = "missing_gs_makes_next_ai_part_of_the_value",
     .raw = "]C1" "10ABC" "2112345", .symbology = Symbology::gs1_128, .batch = "ABC2112345", .elements = 1},
    {.name = "batch_at_maximum_length",
     .raw = "]C1" "10ABCDEFGHIJ0123456789", .symbology = Symbology::gs1_128, .batch = "ABCDEFGHIJ0123456789",
     .elements = 1},
    {.name = "batch_with_gs1_punctuation",
     .raw = "]C1" "10A-B/C.1_%", .symbology = Symbology::gs1_128, .batch = "A-B/C.1_%", .elements = 1},
    {.name = "count_at_maximum_length",
     .raw = "]C1" "3012345678" + GS + "0109501101530003", .symbology = Symbology::gs1_128,
     .gtin = "09501101530003", .count = 12345678u, .elements = 2},
    {.name = "count_with_leading_zeros",
     .raw = "]C1" "3000000005", .symbology = Symbology::gs1_128, .count = 5u, .elements = 1},
    {.name = "sscc",
     .raw = "]C1" "00106141411234567897", .symbology = Symbology::gs1_128, .sscc = "106141411234567897",
     .elements = 1},
    {.name = "contained_gtin_and_count",
     .raw = "]C1" "00106141411234567897" "0210614141000415" "3799999999", .symbology = Symbology::gs1_128,
     .sscc = "106141411234567897", .contained_gtin = "10614141000415", .contained_count = 99999999u,
     .elements = 3},
    {.name = "gs1_qr",
     .raw = "]Q3" "0109501101530003" "21XYZ", .symbology = Symbology::gs1_qr, .gtin = "09501101530003",
     .serial = "XYZ", .elements = 2},
    {.name = "gs1_databar_expanded",
     .raw = "]e0" "0109501101530003" "3012", .symbology = Symbology::gs1_databar, .gtin = "09501101530003",
     .count = 12u, .elements = 2},
    {.name = "human_readable_form",
     .raw = "(01)09501101530003(17)251231(10)ABC(21)X1", .symbology = Symbology::gs1_human_readable,
     .gtin = "09501101530003", .batch = "ABC", .expiry = Date{2025, 12, 31}, .serial = "X1", .elements = 4},
    {.name = "ean13_with_identifier",
     .raw = "]E0" "4006381333931", .symbology = Symbology::ean13, .gtin = "04006381333931"},
    {.name = "ean13_bare_digits",
     .raw = "4012345123456", .symbology = Symbology::ean13, .gtin = "04012345123456"},
    {.name = "code128_plain_text",
     .raw = "]C0" "PALLET-7 (A)", .symbology = Symbology::code128, .text = "PALLET-7 (A)"},
    {.name = "datamatrix_plain_text",
     .raw = "]d1" "hello", .symbology = Symbology::datamatrix, .text = "hello"},
};
// clang-format on

void PrintTo(const Valid& row, std::ostream* out) { *out << row.name; }

class ValidScan : public ::testing::TestWithParam<Valid> {};

TEST_P(ValidScan, Parses) {
    const Valid& row = GetParam();
    const auto parsed = parse_barcode(row.raw, row.reference_year);
    ASSERT_TRUE(parsed) << parsed.error().describe();
    EXPECT_EQ(parsed->symbology, row.symbology);
    EXPECT_EQ(parsed->gtin, row.gtin);
    EXPECT_EQ(parsed->batch, row.batch);
    EXPECT_EQ(parsed->expiry, row.expiry);
    EXPECT_EQ(parsed->serial, row.serial);
    EXPECT_EQ(parsed->sscc, row.sscc);
    EXPECT_EQ(parsed->count, row.count);
    EXPECT_EQ(parsed->production_date, row.production_date);
    EXPECT_EQ(parsed->best_before, row.best_before);
    EXPECT_EQ(parsed->contained_gtin, row.contained_gtin);
    EXPECT_EQ(parsed->contained_count, row.contained_count);
    EXPECT_EQ(parsed->text, row.text);
    EXPECT_EQ(parsed->elements.size(), row.elements);
}

INSTANTIATE_TEST_SUITE_P(Table, ValidScan, ::testing::ValuesIn(kValid), row_name<Valid>);

struct Invalid {
    std::string name;
    std::string raw;
    std::string error;  // must appear in the message
    int reference_year = 2026;
};

// clang-format off
const Invalid kInvalid[] = {
    {"empty", "", "empty scan"},
    {"truncated_identifier", "]C", "truncated symbology identifier"},
    {"unsupported_identifier", "]X9ABC", "unsupported symbology identifier ]X9"},
    {"identifier_without_data", "]C1", "no GS1 element strings"},
    {"only_gs", "]d2" + GS + GS, "no GS1 element strings"},
    {"gtin_check_digit", "]C1" "0109501101530004", "AI 01: check digit 4 should be 3"},
    {"sscc_check_digit", "]C1" "00106141411234567890", "AI 00: check digit 0 should be 7"},
    {"contained_gtin_check_digit", "]C1" "0210614141000416", "AI 02: check digit 6 should be 5"},
    {"ean13_check_digit", "4006381333932", "EAN-13: check digit 2 should be 1"},
    {"ean13_too_short", "]E0" "400638133393", "EAN-13: expected 13 digits"},
    {"ean13_letter", "]E0" "40063813339A1", "EAN-13: expected 13 digits"},
    {"invalid_month", "]C1" "17251332", "AI 17: invalid date 251332"},
    {"month_00", "]C1" "17250001", "AI 17: invalid date 250001"},
    {"february_29_not_leap", "]C1" "17270229", "AI 17: invalid date 270229"},
    {"february_30_leap", "]C1" "15280230", "AI 15: invalid date 280230"},
    {"april_31", "]C1" "11250431", "AI 11: invalid date 250431"},
    {"date_with_letter", "]C1" "1725123A", "AI 17: non-digit 'A' at offset 10"},
    {"unknown_two_digit_ai", "]C1" "99ABC", "unknown AI 99 at offset 3"},
    {"unknown_four_digit_ai", "]C1" "3103000123", "unknown AI 3103"},
    {"unknown_ai_after_known", "]C1" "0109501101530003" "7003123", "unknown AI 7003 at offset 19"},
    {"unknown_ai_human_readable", "(01)09501101530003(99)X", "unknown AI 99"},
    {"missing_gs_overflows_batch", "]C1" "10ABCDEFGHIJKLMNO" "21ABCDEFGH", "AI 10: 25 characters, at most 20"},
    {"batch_too_long", "]C1" "10ABCDEFGHIJ01234567890", "AI 10: 21 characters, at most 20"},
    {"serial_too_long", "]C1" "21ABCDEFGHIJ01234567890", "AI 21: 21 characters, at most 20"},
    {"count_too_long", "]C1" "30123456789", "AI 30: 9 characters, at most 8"},
    {"count_37_too_long", "]C1" "37123456789", "AI 37: 9 characters, at most 8"},
    {"count_non_digit", "]C1" "3012A4", "AI 30: non-digit 'A' at offset 7"},
    {"gtin_non_digit", "]C1" "01095011O1530003", "AI 01: non-digit 'O'"},
    {"gtin_truncated_at_end", "]C1" "01123", "AI 01: expected 14 characters, got 3"},
    {"gtin_cut_by_gs", "]C1" "01123" + GS + "10A", "AI 01: expected 14 characters, got 3"},
    {"batch_character_outside_set_82", "]C1" "10AB#C", "AI 10: character not allowed '#'"},
    {"batch_control_character", "]C1" "10AB\x07", "AI 10: character not allowed \\x07"},
    {"empty_variable_value", "]C1" "10" + GS + "21X", "AI 10: empty value"},
    {"empty_variable_value_at_end", "]C1" "0109501101530003" "21", "AI 21: empty value"},
    {"duplicate_ai", "]C1" "10A" + GS + "10B", "AI 10 appears twice"},
    {"letter_where_ai_expected", "]C1" "A1", "expected an AI at offset 3, found 'A'"},
    {"half_an_ai", "]C1" "0109501101530003" "1", "expected an AI at offset 19"},
    {"no_identifier_not_ean", "hello", "not a barcode this agent reads"},
    {"twelve_bare_digits", "400638133393", "not a barcode this agent reads"},
    {"human_readable_unterminated", "(01", "unterminated AI"},
    {"human_readable_short_fixed", "(01)123", "AI 01: expected 14 characters, got 3"},
    {"human_readable_bad_ai", "(0A)123", "invalid AI (0A)"},
    {"human_readable_bad_date", "(17)251332", "AI 17: invalid date 251332"},
    {"human_readable_text_before", "x(01)09501101530003", "not a barcode this agent reads"},
    {"code128_empty", "]C0", "no data after ]C0"},
};
// clang-format on

void PrintTo(const Invalid& row, std::ostream* out) { *out << row.name; }

class InvalidScan : public ::testing::TestWithParam<Invalid> {};

TEST_P(InvalidScan, FailsWithAMessageSayingWhatAndWhere) {
    const Invalid& row = GetParam();
    const auto parsed = parse_barcode(row.raw, row.reference_year);
    ASSERT_FALSE(parsed) << "parsed without error";
    EXPECT_EQ(parsed.error().module, "scan");
    EXPECT_NE(parsed.error().message.find(row.error), std::string::npos)
        << "message: " << parsed.error().message << "\nexpected to contain: " << row.error;
}

INSTANTIATE_TEST_SUITE_P(Table, InvalidScan, ::testing::ValuesIn(kInvalid), row_name<Invalid>);

TEST(Gs1CheckDigit, KnownValues) {
    EXPECT_EQ(gs1_check_digit("0950110153000"), 3);
    EXPECT_EQ(gs1_check_digit("10614141123456789"), 7);
    EXPECT_EQ(gs1_check_digit("400638133393"), 1);
    EXPECT_EQ(gs1_check_digit("0000000000000"), 0);
}

TEST(ParseBarcode, KeepsEveryElementInScanOrder) {
    const auto parsed = parse_barcode("]C1" "17251231" "0109501101530003" "10B1" + GS + "3012", 2026);
    ASSERT_TRUE(parsed) << parsed.error().describe();
    const std::vector<ElementString> expected{
        {"17", "251231"}, {"01", "09501101530003"}, {"10", "B1"}, {"30", "12"}};
    EXPECT_EQ(parsed->elements, expected);
}

}  // namespace
}  // namespace outpost::scan
