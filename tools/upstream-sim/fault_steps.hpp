// One injected fault, as tests write it in POST /admin/faults and read it back from
// GET /admin/faults: what the next request to a path gets instead of (or on top of) its normal
// answer. Parsing and rendering only; Faults keeps the queues.
#pragma once

#include "validation.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace upstream_sim {

// What happens to the connection once the request has been handled.
enum class Hangup {
  none,             // answer normally
  after_applying,   // run the endpoint (the operation is applied), then close without answering
  without_applying, // close without answering and without running the endpoint
};

// What one request gets. With no status and no hang-up, the endpoint answers normally.
struct FaultStep {
  std::optional<int> status;               // answer this instead (400..599), JSON error body
  std::optional<std::string> retry_after;  // Retry-After header, sent verbatim, with status only
  std::int64_t delay_ms = 0;               // hold the answer (or the hang-up) this long
  Hangup hangup = Hangup::none;
};

// A step in a path's queue: used for the next `repeat` requests, or for every request until
// DELETE /admin/faults when sticky.
struct PlannedStep {
  FaultStep step;
  std::uint64_t repeat = 1;
  bool sticky = false;
};

// {"steps": [...]} entries: {"status", "retry_after", "delay_ms", "apply_then_close", "close",
// "repeat", "sticky"}. Problems go to errors under "steps.<i>[.<field>]"; the result is only
// meaningful when errors stays empty.
std::vector<PlannedStep> parse_steps(const nlohmann::json& list, FieldErrors& errors);

// The original form, {"statuses": [500, 429]}: one answer per status, and Retry-After: 1 on 429
// and 503 (what tests written against it expect).
std::vector<PlannedStep> parse_statuses(const nlohmann::json& list, FieldErrors& errors);

// The step in the form parse_steps reads, with repeat standing for the requests it has left.
nlohmann::json to_json(const PlannedStep& planned);

}  // namespace upstream_sim
