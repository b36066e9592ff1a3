#include "order_machine.hpp"

#include <array>

namespace upstream_sim {
namespace {

struct Transition {
  std::string_view action;
  std::string_view from;
  std::string_view to;
};

// The whole machine, one row per allowed step (order_machine.hpp draws it).
constexpr std::array<Transition, 11> transitions{{
    {"validate", "draft", "pending"},
    {"confirms", "pending", "confirmed"},
    {"pendings", "confirmed", "pending"},
    {"pendings", "allocated", "pending"},
    {"allocates", "confirmed", "allocated"},
    {"ships", "allocated", "shipped"},
    {"fulfilled", "shipped", "fulfilled"},
    {"cancel", "draft", "cancelled"},
    {"cancel", "pending", "cancelled"},
    {"cancel", "confirmed", "cancelled"},
    {"cancel", "allocated", "cancelled"},
}};

constexpr std::array<std::string_view, 7> statuses{"draft",   "pending",   "confirmed", "allocated",
                                                   "shipped", "fulfilled", "cancelled"};

}  // namespace

std::optional<std::string> next_order_status(std::string_view action, std::string_view from) {
  for (const Transition& step : transitions) {
    if (step.action == action && step.from == from) return std::string(step.to);
  }
  return std::nullopt;
}

std::string order_action_sources(std::string_view action) {
  std::string out;
  for (const Transition& step : transitions) {
    if (step.action != action) continue;
    out += (out.empty() ? "" : " or ") + std::string(step.from);
  }
  return out;
}

bool is_order_action(std::string_view action) {
  for (const Transition& step : transitions) {
    if (step.action == action) return true;
  }
  return false;
}

bool is_order_status(std::string_view status) {
  for (std::string_view known : statuses) {
    if (known == status) return true;
  }
  return false;
}

bool order_takes_item_stocks(std::string_view status) {
  return status == "confirmed" || status == "allocated";
}

}  // namespace upstream_sim
