#pragma once
// The local control protocol's framing, apart from any socket: one JSON object per line, each
// line at most control::kMaxFrameBytes (outpost/control/client.hpp). Pure functions: no I/O, no
// clock, so the rules can be tested (and fuzzed) on their own.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace outpost::agent {

struct Frame {
    std::optional<nlohmann::json> request;  // a well-formed request, or nullopt with error set
    std::string error;                      // why the frame was refused (answered as {"ok": false})
    bool fatal = false;                     // the stream cannot be trusted further: close it
};

// Takes complete lines from the front of `buffer`, at most max_frames of them (erasing what it
// took), and returns one Frame per line, in order. Refused, with a message naming why:
// - a line that is not one JSON object (fatal: the connection is closed after the answer);
// - a request whose "cmd" is present but not a string (not fatal: only that request fails);
// - an unfinished line already longer than max_frame_bytes (fatal).
// Stops after a fatal frame and then clears `buffer`. An empty line is skipped.
std::vector<Frame> take_frames(std::string& buffer, std::size_t max_frame_bytes,
                               std::size_t max_frames = static_cast<std::size_t>(-1));

}  // namespace outpost::agent
