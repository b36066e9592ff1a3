#pragma once
// Barcode parsing: from the raw string a scanner delivers (hal::BarcodeScanner) to what it means.
//
// Contract:
// - parse_barcode() is a pure function: no I/O, no clock, no global state; safe from any thread.
// - Input is the raw scan: an AIM symbology identifier ("]C1" GS1-128, "]d2" GS1 DataMatrix,
//   "]Q3" GS1 QR, "]E0" EAN-13/UPC-A, "]C0" Code 128, "]d1"/"]Q1" plain DataMatrix/QR), FNC1 as
//   GS (0x1D) between fields. Without an identifier, 13 digits are read as EAN-13 and text
//   starting with "(" as the human-readable GS1 form "(01)09501101530003(17)251231(10)AB1".
// - GS1 element strings: the AIs listed in Barcode (00, 01, 02, 10, 11, 15, 17, 21, 30, 37).
//   Fixed-length AIs take exactly their length; variable-length AIs run to the next GS or the
//   end (so a missing GS makes the next AI part of the value, as the GS1 spec says; it fails
//   only when that overflows the AI's maximum length). A GS after a fixed-length field and a
//   trailing GS are accepted. Check digits (GS1 mod 10) are verified. Dates are YYMMDD; day 00
//   means the last day of the month; the century is chosen so that the year lies within -49..+50
//   years of `reference_year` (GS1 General Specifications, 7.12), never from the system clock.
// - Failure is an Error (module "scan") that says what is wrong and where, e.g.
//   "AI 17: invalid date 251332" or "AI 01: check digit 4 should be 5"; unknown AIs are named.
//   In the human-readable form, a value cannot contain "(".

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "outpost/common/expected.hpp"

namespace outpost::scan {

enum class Symbology {
    gs1_128,          // ]C1
    gs1_datamatrix,   // ]d2
    gs1_qr,           // ]Q3
    gs1_databar,      // ]e0
    gs1_human_readable,  // "(01)...": typed or printed, not scanned
    ean13,            // ]E0 or 13 bare digits
    code128,          // ]C0: plain text
    datamatrix,       // ]d1: plain text
    qr,               // ]Q1: plain text
};

struct Date {
    int year = 0;   // four digits
    int month = 0;  // 1..12
    int day = 0;    // 1..31, already resolved (day 00 in the barcode is the month's last day)
    friend auto operator<=>(const Date&, const Date&) = default;
};

struct ElementString {
    std::string ai;     // "01"
    std::string value;  // as encoded, without the AI
    friend bool operator==(const ElementString&, const ElementString&) = default;
};

struct Barcode {
    Symbology symbology = Symbology::code128;
    std::string text;  // plain symbologies (code128, datamatrix, qr): the data as scanned

    std::optional<std::string> sscc;            // AI 00, 18 digits
    std::optional<std::string> gtin;            // AI 01, or EAN-13 with a leading 0: 14 digits
    std::optional<std::string> contained_gtin;  // AI 02, GTIN of the trade items contained
    std::optional<std::string> batch;           // AI 10
    std::optional<Date> production_date;        // AI 11
    std::optional<Date> best_before;            // AI 15
    std::optional<Date> expiry;                 // AI 17
    std::optional<std::string> serial;          // AI 21
    std::optional<std::uint32_t> count;         // AI 30, variable count of items
    std::optional<std::uint32_t> contained_count;  // AI 37, count of trade items contained

    std::vector<ElementString> elements;  // every AI in scan order (GS1 symbologies only)
};

[[nodiscard]] Expected<Barcode> parse_barcode(std::string_view raw, int reference_year);

// GS1 mod 10 check digit of `digits` (the data digits without the check digit). Digits only.
[[nodiscard]] int gs1_check_digit(std::string_view digits);

}  // namespace outpost::scan
