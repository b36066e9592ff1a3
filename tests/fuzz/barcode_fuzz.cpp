// Fuzz target: the barcode parser (outpost::scan::parse_barcode) on arbitrary scans.
//
// Input: the first byte picks the reference year (1950 + byte, so 1950..2205: any clock a device
// could have); the rest is the raw scan. Properties, beyond "no crash, no sanitizer report": a
// refused scan gets a non-empty "scan" error; an accepted one holds only what the contract says
// (GTINs of 14 digits with a correct check digit, SSCCs of 18, real dates within -49..+50 years
// of the reference year, element strings consistent with the fields).

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "outpost/scan/barcode.hpp"

namespace {

bool digits_with_check(const std::string& value, std::size_t length) {
    if (value.size() != length) return false;
    for (const char c : value) {
        if (c < '0' || c > '9') return false;
    }
    return outpost::scan::gs1_check_digit(std::string_view(value).substr(0, length - 1)) == value.back() - '0';
}

bool real_date(const outpost::scan::Date& date, int reference_year) {
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > kDays[date.month - 1]) return false;
    const bool leap = (date.year % 4 == 0 && date.year % 100 != 0) || date.year % 400 == 0;
    if (date.month == 2 && date.day == 29 && !leap) return false;
    return date.year >= reference_year - 49 && date.year <= reference_year + 50;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const int reference_year = 1950 + data[0];
    const std::string_view raw(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto parsed = outpost::scan::parse_barcode(raw, reference_year);
    if (!parsed) {
        FUZZ_CHECK(parsed.error().module == "scan" && !parsed.error().message.empty());
        return 0;
    }
    const outpost::scan::Barcode& barcode = *parsed;
    if (barcode.gtin) FUZZ_CHECK(digits_with_check(*barcode.gtin, 14));
    if (barcode.contained_gtin) FUZZ_CHECK(digits_with_check(*barcode.contained_gtin, 14));
    if (barcode.sscc) FUZZ_CHECK(digits_with_check(*barcode.sscc, 18));
    for (const auto& date : {barcode.production_date, barcode.best_before, barcode.expiry}) {
        if (date) FUZZ_CHECK(real_date(*date, reference_year));
    }
    for (const auto& element : barcode.elements) FUZZ_CHECK(!element.ai.empty() && !element.value.empty());
    const bool plain = barcode.symbology == outpost::scan::Symbology::code128 ||
                       barcode.symbology == outpost::scan::Symbology::datamatrix ||
                       barcode.symbology == outpost::scan::Symbology::qr;
    FUZZ_CHECK(plain ? !barcode.text.empty() && barcode.elements.empty() : barcode.text.empty());
    return 0;
}
