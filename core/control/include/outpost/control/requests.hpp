#pragma once
// Server side reading of the local control protocol (client.hpp describes it): from the bytes a
// client sent to the requests the agent answers. Pure functions: no I/O, no clock, no global
// state; they never throw.
//
// Contract:
// - parse_request() accepts one line (without its '\n') that is a JSON object.
// - take_requests() removes every complete line from the front of `input` and returns one
//   Frame per line, in order. A line that is not a JSON object ends the conversation: its Frame
//   has `close` set and everything after it is dropped (the stream can no longer be trusted to
//   be in step). When what remains (an unfinished line) is longer than kMaxFrameBytes, a
//   closing error Frame is added and `input` is emptied.
// - Afterwards `input` holds no '\n' and at most kMaxFrameBytes bytes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "outpost/common/expected.hpp"

namespace outpost::control {

struct Frame {
    std::optional<nlohmann::json> request;  // set when the line is a well-formed request
    std::string error;                      // otherwise the answer's "error"
    bool close = false;                     // the connection ends once this is answered
};

[[nodiscard]] Expected<nlohmann::json> parse_request(std::string_view line);

[[nodiscard]] std::vector<Frame> take_requests(std::string& input);

}  // namespace outpost::control
