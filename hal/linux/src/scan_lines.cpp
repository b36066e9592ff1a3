#include "scan_lines.hpp"

namespace hal::linux_impl {

void ScanLines::feed(std::string_view bytes) {
    for (const char c : bytes) {
        if (c == '\r' || c == '\n') {
            if (!overflowed_ && !line_.empty()) on_scan_(line_);
            line_.clear();
            overflowed_ = false;
            continue;
        }
        if (overflowed_) continue;
        if (line_.size() == limit_) {
            overflowed_ = true;
            line_.clear();
            on_too_long_(limit_);
            continue;
        }
        line_.push_back(c);
    }
}

}  // namespace hal::linux_impl
