#pragma once
// Cuts a serial byte stream into scans: a scan ends at CR or LF, so CR, LF and CRLF scanners
// all work; empty lines (the LF of a CRLF) are not scans. A scan longer than the limit is
// dropped whole (its tail up to the next terminator too) and reported once.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace hal::linux_impl {

class ScanLines {
public:
    using OnScan = std::function<void(const std::string&)>;
    using OnTooLong = std::function<void(std::size_t limit)>;

    ScanLines(std::size_t limit, OnScan on_scan, OnTooLong on_too_long)
        : limit_(limit), on_scan_(std::move(on_scan)), on_too_long_(std::move(on_too_long)) {}

    void feed(std::string_view bytes);

private:
    std::size_t limit_;
    OnScan on_scan_;
    OnTooLong on_too_long_;
    std::string line_;
    bool overflowed_ = false;
};

}  // namespace hal::linux_impl
