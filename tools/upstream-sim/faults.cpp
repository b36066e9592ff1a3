#include "faults.hpp"

#include <utility>

namespace upstream_sim {

bool Faults::up() const {
  std::lock_guard lock(mutex_);
  return up_;
}

void Faults::set_up(bool up) {
  std::lock_guard lock(mutex_);
  up_ = up;
}

void Faults::set_steps(const std::string& path, std::vector<PlannedStep> steps) {
  std::lock_guard lock(mutex_);
  if (steps.empty()) {
    queued_.erase(path);
  } else {
    queued_[path] = std::deque<PlannedStep>(std::make_move_iterator(steps.begin()),
                                            std::make_move_iterator(steps.end()));
  }
}

void Faults::set_latency(const std::string& path, std::int64_t delay_ms) {
  std::lock_guard lock(mutex_);
  if (delay_ms <= 0) {
    latency_ms_.erase(path);
  } else {
    latency_ms_[path] = delay_ms;
  }
}

void Faults::clear() {
  std::lock_guard lock(mutex_);
  up_ = true;
  queued_.clear();
  latency_ms_.clear();
}

void Faults::clear(const std::string& path) {
  std::lock_guard lock(mutex_);
  queued_.erase(path);
  latency_ms_.erase(path);
}

FaultDecision Faults::take(const std::string& path) {
  std::lock_guard lock(mutex_);
  FaultDecision decision;
  if (const auto it = latency_ms_.find(path); it != latency_ms_.end()) {
    decision.latency_ms = it->second;
  }
  if (!up_) {
    decision.down = true;
    return decision;
  }
  const auto it = queued_.find(path);
  if (it == queued_.end()) return decision;
  PlannedStep& next = it->second.front();
  decision.step = next.step;
  if (next.sticky) return decision;
  if (--next.repeat == 0) {
    it->second.pop_front();
    if (it->second.empty()) queued_.erase(it);
  }
  return decision;
}

nlohmann::json Faults::to_json() const {
  std::lock_guard lock(mutex_);
  nlohmann::json faults = nlohmann::json::object();
  for (const auto& [path, steps] : queued_) {
    nlohmann::json list = nlohmann::json::array();
    for (const PlannedStep& step : steps) list.push_back(upstream_sim::to_json(step));
    faults[path] = std::move(list);
  }
  nlohmann::json latency = nlohmann::json::object();
  for (const auto& [path, delay_ms] : latency_ms_) latency[path] = delay_ms;
  return nlohmann::json{{"up", up_}, {"faults", faults}, {"latency", latency}};
}

}  // namespace upstream_sim
