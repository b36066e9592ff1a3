#include "outpost/agent/control_frames.hpp"

#include <string_view>

namespace outpost::agent {

std::vector<Frame> take_frames(std::string& buffer, std::size_t max_frame_bytes, std::size_t max_frames) {
    std::vector<Frame> frames;
    const auto fatal = [&](std::string error) {
        frames.push_back({std::nullopt, std::move(error), true});
        buffer.clear();
        return frames;
    };
    const std::string too_large = "request larger than " + std::to_string(max_frame_bytes) + " bytes";
    std::size_t start = 0;
    while (frames.size() < max_frames) {
        const std::size_t newline = buffer.find('\n', start);
        if (newline == std::string::npos) {
            // What is left is an unfinished line: it may not grow past the limit either.
            if (buffer.size() - start > max_frame_bytes) return fatal(too_large);
            break;
        }
        const std::string_view line(buffer.data() + start, newline - start);
        start = newline + 1;
        if (line.empty() || line == "\r") continue;
        if (line.size() > max_frame_bytes) return fatal(too_large);
        auto request = nlohmann::json::parse(line, nullptr, false);
        if (request.is_discarded() || !request.is_object()) {
            return fatal("malformed request: expected one JSON object per line");
        }
        if (const auto command = request.find("cmd"); command != request.end() && !command->is_string()) {
            frames.push_back({std::nullopt, "malformed request: \"cmd\" must be a string", false});
            continue;
        }
        frames.push_back({std::move(request), {}, false});
    }
    buffer.erase(0, start);
    return frames;
}

}  // namespace outpost::agent
