// What the upstream does instead of its normal behaviour, per path: a simulated outage, queued
// fault steps (statuses, Retry-After, delays, hang-ups; see fault_steps.hpp) and a standing
// latency. Tests use them to drive the agent's retry, backoff, timeout and Retry-After handling.
// Handshake refusal lives with the TLS context (tls_faults.hpp).
#pragma once

#include "fault_steps.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace upstream_sim {

// What one request to a path gets, decided atomically when it arrives.
struct FaultDecision {
  bool down = false;               // simulated outage: 503, no step consumed
  std::optional<FaultStep> step;   // the step this request consumed, if any
  std::int64_t latency_ms = 0;     // the path's standing latency (added to the step's delay)
};

class Faults {
 public:
  bool up() const;
  void set_up(bool up);

  // The next requests to path go through steps, in order; replaces what was still queued for
  // path. An empty list clears path.
  void set_steps(const std::string& path, std::vector<PlannedStep> steps);
  // Every request to path is held delay_ms before its answer; 0 clears.
  void set_latency(const std::string& path, std::int64_t delay_ms);

  // Forgets every queued step and latency, and ends an outage.
  void clear();
  // Forgets path's queued steps and latency.
  void clear(const std::string& path);

  // Called once per API request: consumes the path's next step unless the upstream is down.
  FaultDecision take(const std::string& path);

  // {"up": bool, "faults": {path: [step, ...]}, "latency": {path: ms}}
  nlohmann::json to_json() const;

 private:
  mutable std::mutex mutex_;
  bool up_ = true;
  std::map<std::string, std::deque<PlannedStep>> queued_;
  std::map<std::string, std::int64_t> latency_ms_;
};

}  // namespace upstream_sim
