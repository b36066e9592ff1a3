#include "fault_steps.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace upstream_sim {
namespace {

// Bounds that keep a typo from wedging a test run (a delay of hours, a queue of billions).
constexpr std::int64_t max_delay_ms = 300'000;
constexpr std::int64_t max_repeat = 1'000'000;
constexpr std::size_t max_steps = 10'000;
constexpr std::size_t max_retry_after_length = 200;

constexpr std::array<std::string_view, 7> step_fields = {
    "status", "retry_after", "delay_ms", "apply_then_close", "close", "repeat", "sticky"};

// Only error statuses: a fault is something the agent has to cope with.
bool is_fault_status(const nlohmann::json& value) {
  return value.is_number_integer() && value.get<std::int64_t>() >= 400 &&
         value.get<std::int64_t>() <= 599;
}

bool is_integer_in(const nlohmann::json& value, std::int64_t low, std::int64_t high) {
  return value.is_number_integer() && value.get<std::int64_t>() >= low &&
         value.get<std::int64_t>() <= high;
}

// Sent verbatim, so tests can send both RFC 9110 forms (and malformed ones). Only visible ASCII
// and spaces: a CR or LF would let a test body inject headers.
std::optional<std::string> retry_after_value(const nlohmann::json& value) {
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > max_retry_after_length) return std::nullopt;
  const bool printable = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (!printable) return std::nullopt;
  return text;
}

bool flag(const nlohmann::json& step, const char* name, const std::string& where,
          FieldErrors& errors) {
  const auto it = step.find(name);
  if (it == step.end()) return false;
  if (!it->is_boolean()) {
    errors[where + "." + name].emplace_back("must be true or false");
    return false;
  }
  return it->get<bool>();
}

PlannedStep parse_step(const nlohmann::json& step, const std::string& where, bool last,
                       FieldErrors& errors) {
  PlannedStep planned;
  if (!step.is_object()) {
    errors[where].emplace_back("must be an object");
    return planned;
  }
  // Unknown members are refused: a misspelt "retry-after" silently ignored would make a test
  // pass for the wrong reason.
  for (const auto& [name, value] : step.items()) {
    if (std::find(step_fields.begin(), step_fields.end(), name) == step_fields.end()) {
      errors[where + "." + name].emplace_back("unknown field");
    }
  }
  FaultStep& fault = planned.step;
  if (const auto it = step.find("status"); it != step.end()) {
    if (is_fault_status(*it)) {
      fault.status = it->get<int>();
    } else {
      errors[where + ".status"].emplace_back("must be an integer from 400 to 599");
    }
  }
  if (const auto it = step.find("retry_after"); it != step.end()) {
    fault.retry_after = retry_after_value(*it);
    if (!fault.retry_after) {
      errors[where + ".retry_after"].emplace_back(
          "must be a non-negative integer or a string of printable ASCII (at most 200)");
    } else if (step.find("status") == step.end()) {
      errors[where + ".retry_after"].emplace_back("needs a status");
    }
  }
  if (const auto it = step.find("delay_ms"); it != step.end()) {
    if (is_integer_in(*it, 0, max_delay_ms)) {
      fault.delay_ms = it->get<std::int64_t>();
    } else {
      errors[where + ".delay_ms"].emplace_back("must be an integer from 0 to 300000");
    }
  }
  const bool apply_then_close = flag(step, "apply_then_close", where, errors);
  const bool close = flag(step, "close", where, errors);
  if (apply_then_close && close) {
    errors[where].emplace_back("apply_then_close and close exclude each other");
  } else if ((apply_then_close || close) && fault.status) {
    errors[where].emplace_back("a closed connection carries no status");
  }
  if (apply_then_close) fault.hangup = Hangup::after_applying;
  if (close) fault.hangup = Hangup::without_applying;

  planned.sticky = flag(step, "sticky", where, errors);
  if (const auto it = step.find("repeat"); it != step.end()) {
    if (planned.sticky) {
      errors[where + ".repeat"].emplace_back("a sticky step repeats until DELETE /admin/faults");
    } else if (is_integer_in(*it, 1, max_repeat)) {
      planned.repeat = it->get<std::uint64_t>();
    } else {
      errors[where + ".repeat"].emplace_back("must be an integer from 1 to 1000000");
    }
  }
  if (planned.sticky && !last) {
    errors[where + ".sticky"].emplace_back("only the last step can be sticky (it never ends)");
  }
  return planned;
}

}  // namespace

std::vector<PlannedStep> parse_steps(const nlohmann::json& list, FieldErrors& errors) {
  std::vector<PlannedStep> steps;
  if (!list.is_array() || list.size() > max_steps) {
    errors["steps"].emplace_back("must be an array of at most 10000 steps");
    return steps;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    steps.push_back(parse_step(list[i], "steps." + std::to_string(i), i + 1 == list.size(),
                               errors));
  }
  return steps;
}

std::vector<PlannedStep> parse_statuses(const nlohmann::json& list, FieldErrors& errors) {
  std::vector<PlannedStep> steps;
  if (!list.is_array() || list.size() > max_steps) {
    errors["statuses"].emplace_back("must be an array of HTTP status codes");
    return steps;
  }
  for (const auto& status : list) {
    if (!is_fault_status(status)) {
      errors["statuses"].emplace_back("each must be an integer from 400 to 599");
      break;
    }
    PlannedStep planned;
    planned.step.status = status.get<int>();
    if (*planned.step.status == 429 || *planned.step.status == 503) {
      planned.step.retry_after = "1";
    }
    steps.push_back(std::move(planned));
  }
  return steps;
}

nlohmann::json to_json(const PlannedStep& planned) {
  const FaultStep& fault = planned.step;
  nlohmann::json out = nlohmann::json::object();
  if (fault.status) out["status"] = *fault.status;
  if (fault.retry_after) out["retry_after"] = *fault.retry_after;
  if (fault.delay_ms > 0) out["delay_ms"] = fault.delay_ms;
  if (fault.hangup == Hangup::after_applying) out["apply_then_close"] = true;
  if (fault.hangup == Hangup::without_applying) out["close"] = true;
  if (planned.sticky) {
    out["sticky"] = true;
  } else if (planned.repeat > 1) {
    out["repeat"] = planned.repeat;
  }
  return out;
}

}  // namespace upstream_sim
