#include "element_strings.hpp"

#include "gs1_rules.hpp"

namespace outpost::scan::detail {

namespace {

std::string at(std::size_t offset) { return " at offset " + std::to_string(offset); }

Error unknown_ai(std::string_view data, std::size_t pos, std::size_t offset) {
    const std::size_t length = ai_length_for_prefix(data.substr(pos, 2));
    return scan_error("unknown AI " + std::string(data.substr(pos, length)) + at(offset));
}

}  // namespace

Error scan_error(std::string message) { return make_error("scan", std::move(message)); }

Expected<std::vector<Field>> split_scanned(std::string_view data, std::size_t base) {
    std::vector<Field> fields;
    std::size_t pos = 0;
    while (pos < data.size()) {
        // A GS where an AI starts: FNC1 in first position, after a fixed-length field (allowed,
        // not needed), or at the very end. None of these carries meaning.
        if (data[pos] == kGroupSeparator) {
            ++pos;
            continue;
        }
        const std::size_t offset = base + pos;
        if (pos + 2 > data.size() || !all_digits(data.substr(pos, 2))) {
            return scan_error("expected an AI" + at(offset) + ", found " + describe_char(data[pos]));
        }
        const AiSpec* spec = find_ai(data.substr(pos, 2));
        if (spec == nullptr) return unknown_ai(data, pos, offset);
        const std::string ai(spec->ai);
        pos += 2;
        std::string_view value;
        if (spec->fixed) {
            value = data.substr(pos, spec->length);
            const std::size_t gs = value.find(kGroupSeparator);
            if (gs != std::string_view::npos) value = value.substr(0, gs);
            if (value.size() < spec->length) {
                return scan_error("AI " + ai + ": expected " + std::to_string(spec->length) + " characters, got " +
                                  std::to_string(value.size()) + at(offset));
            }
        } else {
            // Variable length: runs to the next GS or the end (GS1 General Specifications 7.8.5).
            const std::size_t end = data.find(kGroupSeparator, pos);
            value = data.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
            if (value.size() > spec->length) {
                return scan_error("AI " + ai + ": " + std::to_string(value.size()) + " characters, at most " +
                                  std::to_string(spec->length) + " allowed (missing GS?)" + at(offset));
            }
        }
        pos += value.size();
        fields.push_back(Field{ai, std::string(value), offset});
    }
    if (fields.empty()) return scan_error("no GS1 element strings in the scan");
    return fields;
}

Expected<std::vector<Field>> split_human_readable(std::string_view data) {
    std::vector<Field> fields;
    std::size_t pos = 0;
    while (pos < data.size()) {
        if (data[pos] != '(') return scan_error("expected '('" + at(pos) + ", found " + describe_char(data[pos]));
        const std::size_t close = data.find(')', pos);
        if (close == std::string_view::npos) return scan_error("unterminated AI" + at(pos));
        const std::string_view ai = data.substr(pos + 1, close - pos - 1);
        if (ai.size() < 2 || ai.size() > 4 || !all_digits(ai)) {
            return scan_error("invalid AI (" + std::string(ai) + ")" + at(pos));
        }
        const AiSpec* spec = find_ai(ai);
        if (spec == nullptr) return scan_error("unknown AI " + std::string(ai) + at(pos));
        const std::size_t start = close + 1;
        const std::size_t next = data.find('(', start);
        const std::string_view value =
            data.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start);
        const std::string name(spec->ai);
        if (spec->fixed && value.size() != spec->length) {
            return scan_error("AI " + name + ": expected " + std::to_string(spec->length) + " characters, got " +
                              std::to_string(value.size()) + at(pos));
        }
        if (!spec->fixed && value.size() > spec->length) {
            return scan_error("AI " + name + ": " + std::to_string(value.size()) + " characters, at most " +
                              std::to_string(spec->length) + " allowed" + at(pos));
        }
        fields.push_back(Field{name, std::string(value), pos});
        pos = start + value.size();
    }
    if (fields.empty()) return scan_error("no GS1 element strings in the scan");
    return fields;
}

}  // namespace outpost::scan::detail
