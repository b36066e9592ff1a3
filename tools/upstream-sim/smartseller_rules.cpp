#include "smartseller_rules.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <string>

namespace upstream_sim {
namespace {

constexpr std::int64_t max_integer = 2147483647;

void add(FieldErrors& errors, const std::string& field, const std::string& message) {
  errors[field].push_back(message);
}

// Checks object[member] is an integer in [min, max_integer]; records an error under `field`.
void integer(FieldErrors& errors, const nlohmann::json& object, const char* member,
             const std::string& field, std::int64_t min, bool required = true) {
  const auto found = object.find(member);
  if (found == object.end()) {
    if (required) add(errors, field, "The " + field + " field is required.");
    return;
  }
  bool ok = false;
  if (found->is_number_unsigned()) {
    const auto value = found->get<std::uint64_t>();
    ok = value <= static_cast<std::uint64_t>(max_integer) && static_cast<std::int64_t>(value) >= min;
  } else if (found->is_number_integer()) {
    const auto value = found->get<std::int64_t>();
    ok = value >= min && value <= max_integer;
  }
  if (!ok) {
    add(errors, field,
        "The " + field + " must be an integer between " + std::to_string(min) + " and " +
            std::to_string(max_integer) + ".");
  }
}

void text(FieldErrors& errors, const nlohmann::json& object, const char* member) {
  const auto found = object.find(member);
  if (found == object.end()) {
    add(errors, member, std::string("The ") + member + " field is required.");
  } else if (!found->is_string()) {
    add(errors, member, std::string("The ") + member + " must be a string.");
  }
}

bool object_body(FieldErrors& errors, const nlohmann::json& body) {
  if (body.is_object()) return true;
  add(errors, "body", "The request body must be a JSON object.");
  return false;
}

// stock_adjustment: a non-empty array (at most `max` entries) of {variation_id, <amount>}.
void adjustments(FieldErrors& errors, const nlohmann::json& body, const char* amount,
                 std::int64_t amount_min, std::size_t max) {
  const auto list = body.find("stock_adjustment");
  if (list == body.end() || !list->is_array() || list->empty()) {
    add(errors, "stock_adjustment", "The stock_adjustment must be a non-empty array.");
    return;
  }
  if (list->size() > max) {
    add(errors, "stock_adjustment",
        "Maximum variation in one time making stock transfer is " + std::to_string(max) + ".");
    return;
  }
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& entry = (*list)[i];
    const std::string at = "stock_adjustment." + std::to_string(i);
    if (!entry.is_object()) {
      add(errors, at, "The " + at + " must be an object.");
      continue;
    }
    const std::size_t before = errors.size();
    integer(errors, entry, "variation_id", at + ".variation_id", 1);
    integer(errors, entry, amount, at + "." + amount, amount_min);
    if (errors.size() == before && !seen.insert(entry["variation_id"].get<std::int64_t>()).second) {
      add(errors, at + ".variation_id", "The " + at + ".variation_id field has a duplicate value.");
    }
  }
}

std::string upper(std::string value) {
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return value;
}

}  // namespace

FieldErrors validate_update_stock(const nlohmann::json& body) {
  FieldErrors errors;
  if (!object_body(errors, body)) return errors;
  integer(errors, body, "variation_id", "variation_id", 1);
  text(errors, body, "description");
  if (const auto move = body.find("move_warehouse_stock");
      move != body.end() && !move->is_boolean()) {
    add(errors, "move_warehouse_stock", "The move_warehouse_stock field must be true or false.");
  }
  const auto stock = body.find("stock");
  if (stock == body.end() || !stock->is_array() || stock->empty()) {
    add(errors, "stock", "The stock must be a non-empty array.");
    return errors;
  }
  for (std::size_t i = 0; i < stock->size(); ++i) {
    const auto& entry = (*stock)[i];
    const std::string at = "stock." + std::to_string(i);
    if (!entry.is_object()) {
      add(errors, at, "The " + at + " must be an object.");
      continue;
    }
    integer(errors, entry, "amount", at + ".amount", 1);
    integer(errors, entry, "warehouse_id", at + ".warehouse_id", 0);
    const auto status = entry.find("status");
    if (status == entry.end() || !status->is_string() ||
        (upper(status->get<std::string>()) != "ADD" && upper(status->get<std::string>()) != "SUB")) {
      add(errors, at + ".status", "The selected " + at + ".status is invalid (ADD or SUB).");
    }
  }
  return errors;
}

FieldErrors validate_sync_stock(const nlohmann::json& body) {
  FieldErrors errors;
  if (!object_body(errors, body)) return errors;
  integer(errors, body, "variation_id", "variation_id", 1);
  integer(errors, body, "amount", "amount", 0);
  integer(errors, body, "exceptional_vendor_id", "exceptional_vendor_id", 1, /*required=*/false);
  return errors;
}

FieldErrors validate_stock_opname(const nlohmann::json& body) {
  FieldErrors errors;
  if (!object_body(errors, body)) return errors;
  integer(errors, body, "warehouse_id", "warehouse_id", 0);
  text(errors, body, "description");
  adjustments(errors, body, "warehouse_stock", 0, SIZE_MAX);
  return errors;
}

FieldErrors validate_stock_transfer(const nlohmann::json& body) {
  FieldErrors errors;
  if (!object_body(errors, body)) return errors;
  integer(errors, body, "origin_warehouse_id", "origin_warehouse_id", 0);
  integer(errors, body, "destination_warehouse_id", "destination_warehouse_id", 0);
  if (errors.empty() && body["origin_warehouse_id"] == body["destination_warehouse_id"]) {
    add(errors, "destination_warehouse_id",
        "The destination_warehouse_id and origin_warehouse_id must be different.");
  }
  text(errors, body, "description");
  adjustments(errors, body, "transfer_stock", 1, smartseller_max_transfer_variations);
  return errors;
}

}  // namespace upstream_sim
