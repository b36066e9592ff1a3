#include "outpost/control/requests.hpp"

#include "outpost/control/client.hpp"

namespace outpost::control {
namespace {

Frame closing_error(std::string message) { return Frame{std::nullopt, std::move(message), true}; }

// One line read: a request, or (not JSON, not an object) a closing error.
Frame read_line(std::string_view line) {
    auto request = nlohmann::json::parse(line, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
        return closing_error("malformed request: expected one JSON object per line");
    }
    return Frame{std::move(request), {}, false};
}

}  // namespace

Expected<nlohmann::json> parse_request(std::string_view line) {
    Frame frame = read_line(line);
    if (!frame.request) return make_error("control", frame.error);
    return std::move(*frame.request);
}

std::vector<Frame> take_requests(std::string& input) {
    std::vector<Frame> frames;
    std::size_t start = 0;
    std::size_t newline;
    while ((newline = input.find('\n', start)) != std::string::npos) {
        const std::string_view line(input.data() + start, newline - start);
        start = newline + 1;
        frames.push_back(read_line(line));
        if (frames.back().close) {
            // Whatever follows cannot be trusted to start a line.
            input.clear();
            return frames;
        }
    }
    input.erase(0, start);
    if (input.size() > kMaxFrameBytes) {
        frames.push_back(closing_error("request larger than " + std::to_string(kMaxFrameBytes) + " bytes"));
        input.clear();
    }
    return frames;
}

}  // namespace outpost::control
