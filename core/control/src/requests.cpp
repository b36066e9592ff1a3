#include "outpost/control/requests.hpp"

#include <cstdint>
#include <limits>

#include "outpost/common/untrusted_text.hpp"
#include "outpost/control/client.hpp"

namespace outpost::control {
namespace {

// Requests and picking orders nest three or four levels; the agent copies and dumps them, which
// recurses once per level (untrusted_text.hpp).
constexpr std::size_t kMaxRequestDepth = 32;

struct FieldRule {
    const char* name;
    bool (*fits)(const nlohmann::json&);
    const char* expected;
};

bool is_string(const nlohmann::json& value) { return value.is_string(); }
bool is_boolean(const nlohmann::json& value) { return value.is_boolean(); }
bool is_integer(const nlohmann::json& value) { return value.is_number_integer(); }
// The agent reads it as an int: a larger number would not survive the conversion.
bool is_limit(const nlohmann::json& value) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();
    if (value.is_number_unsigned()) {
        const std::uint64_t limit = value.get<std::uint64_t>();
        return limit >= 1 && limit <= static_cast<std::uint64_t>(kMax);
    }
    return value.is_number_integer() && value.get<std::int64_t>() >= 1 && value.get<std::int64_t>() <= kMax;
}

constexpr FieldRule kFieldRules[] = {
    {"kind", is_string, "a string"},
    {"idempotency_key", is_string, "a string"},
    {"path", is_string, "a string"},
    {"reason", is_string, "a string"},
    {"up", is_boolean, "true or false"},
    {"id", is_integer, "an integer"},
    {"limit", is_limit, "an integer from 1 to 2147483647"},
};

Frame closing_error(std::string message) { return Frame{std::nullopt, std::move(message), true}; }

// One line read: a request, an error to answer, or (not JSON, not an object) a closing error.
Frame read_line(std::string_view line) {
    if (!json_nesting_within(line, kMaxRequestDepth)) {
        return closing_error("malformed request: nested deeper than " + std::to_string(kMaxRequestDepth) + " levels");
    }
    auto request = nlohmann::json::parse(line, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
        return closing_error("malformed request: expected one JSON object per line");
    }
    const auto cmd = request.find("cmd");
    if (cmd == request.end() || !cmd->is_string()) return Frame{std::nullopt, "malformed request: \"cmd\" must be a string", false};
    for (const FieldRule& rule : kFieldRules) {
        const auto field = request.find(rule.name);
        if (field != request.end() && !rule.fits(*field)) {
            return Frame{std::nullopt, "malformed request: \"" + std::string(rule.name) + "\" must be " + rule.expected, false};
        }
    }
    return Frame{std::move(request), {}, false};
}

}  // namespace

Expected<nlohmann::json> parse_request(std::string_view line) {
    Frame frame = read_line(line);
    if (!frame.request) return make_error("control", frame.error);
    return std::move(*frame.request);
}

std::vector<Frame> take_requests(std::string& input, std::size_t max_frames) {
    std::vector<Frame> frames;
    const auto closing = [&](std::string message) {
        // Whatever follows cannot be trusted to start a line.
        frames.push_back(closing_error(std::move(message)));
        input.clear();
        return frames;
    };
    const std::string too_large = "request larger than " + std::to_string(kMaxFrameBytes) + " bytes";
    std::size_t start = 0;
    while (frames.size() < max_frames) {
        const std::size_t newline = input.find('\n', start);
        if (newline == std::string::npos) {
            // What is left is an unfinished line: it may not grow past the limit either.
            if (input.size() - start > kMaxFrameBytes) return closing(too_large);
            break;
        }
        const std::string_view line(input.data() + start, newline - start);
        start = newline + 1;
        if (line.empty() || line == "\r") continue;  // a blank line (an interactive client's) asks nothing
        if (line.size() > kMaxFrameBytes) return closing(too_large);
        frames.push_back(read_line(line));
        if (frames.back().close) {
            input.clear();
            return frames;
        }
    }
    input.erase(0, start);
    return frames;
}

}  // namespace outpost::control
