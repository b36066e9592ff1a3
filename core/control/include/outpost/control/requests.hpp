#pragma once
// Server side reading of the local control protocol (client.hpp describes it): from the bytes a
// client sent to the requests the agent answers. Pure functions: no I/O, no clock, no global
// state; they never throw.
//
// Contract:
// - parse_request() accepts one line (without its '\n') that is a JSON object, nested at most
//   32 deep, whose "cmd" is a string and whose common fields, when present, have the
//   protocol's types:
//     kind, idempotency_key, path, reason: strings; up: true or false; id: an integer;
//     limit: an integer from 1 to 2^31-1; payload: anything (intake checks it).
//   So the agent may read them with nlohmann's value()/get() without a type error (which would
//   throw out of its main loop), and copy and dump a request without running out of stack. A
//   new field the agent reads that way belongs in this list. Errors name the field and the
//   expected type, never echo the input.
// - take_requests() removes complete lines from the front of `input`, at most max_frames of
//   them, and returns one Frame per line, in order; a blank line (empty or "\r") is skipped. A
//   line that is not a JSON object (or nests too deep) ends the conversation: its Frame has
//   `close` set and everything after it is dropped (the stream can no longer be trusted to be in
//   step). A well-formed object with a bad field gets an error and the conversation goes on. A
//   line longer than kMaxFrameBytes, or an unfinished one that has grown past it, gets a closing
//   error Frame and `input` is emptied.
// - Afterwards, unless max_frames lines were taken, `input` holds no '\n' and at most
//   kMaxFrameBytes bytes. Taking a bounded number per call lets the server bound the answers it
//   queues for a client that pipelines many requests.

#include <cstddef>
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

[[nodiscard]] std::vector<Frame> take_requests(std::string& input,
                                              std::size_t max_frames = static_cast<std::size_t>(-1));

}  // namespace outpost::control
