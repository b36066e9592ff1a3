#include "order_validation.hpp"

#include "order_machine.hpp"

#include <cstdint>
#include <string>

namespace upstream_sim {
namespace {

bool is_positive_integer(const nlohmann::json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>() > 0;
  if (value.is_number_integer()) return value.get<std::int64_t>() > 0;
  return false;  // 5.0, "5", true: not a count
}

bool is_non_empty_string(const nlohmann::json& value) {
  return value.is_string() && !value.get_ref<const std::string&>().empty();
}

void check_positive(const nlohmann::json& object, const char* field, const std::string& prefix,
                    FieldErrors& errors) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    errors[prefix + field].emplace_back("is required");
  } else if (!is_positive_integer(*it)) {
    errors[prefix + field].emplace_back("must be a positive integer");
  }
}

void check_text(const nlohmann::json& object, const char* field, const std::string& prefix,
                FieldErrors& errors) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    errors[prefix + field].emplace_back("is required");
  } else if (!is_non_empty_string(*it)) {
    errors[prefix + field].emplace_back("must be a non-empty string");
  }
}

}  // namespace

FieldErrors validate_order_status_body(const nlohmann::json& body) {
  FieldErrors errors;
  const auto updated_at = body.find("updated_at");
  if (updated_at == body.end() || updated_at->is_null()) {
    errors["updated_at"].emplace_back("is required");
  } else if (!updated_at->is_string() || !parse_rfc3339_ms(updated_at->get<std::string>())) {
    errors["updated_at"].emplace_back("must be an RFC 3339 date-time with an offset");
  }
  const auto comment = body.find("comment");
  if (comment != body.end() && !comment->is_null() && !comment->is_string()) {
    errors["comment"].emplace_back("must be a string");
  }
  return errors;
}

FieldErrors validate_order_item_stocks(const nlohmann::json& body) {
  FieldErrors errors;
  const auto items = body.find("items");
  if (items == body.end() || !items->is_array() || items->empty()) {
    errors["items"].emplace_back("must be a non-empty array");
    return errors;
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string prefix = "items." + std::to_string(i) + ".";
    const nlohmann::json& item = (*items)[i];
    if (!item.is_object()) {
      errors["items." + std::to_string(i)].emplace_back("must be an object");
      continue;
    }
    check_positive(item, "order_item_id", prefix, errors);
    const auto stocks = item.find("stocks");
    if (stocks == item.end() || !stocks->is_array() || stocks->empty()) {
      errors[prefix + "stocks"].emplace_back("must be a non-empty array");
      continue;
    }
    for (std::size_t j = 0; j < stocks->size(); ++j) {
      const std::string stock_prefix = prefix + "stocks." + std::to_string(j) + ".";
      const nlohmann::json& stock = (*stocks)[j];
      if (!stock.is_object()) {
        errors[prefix + "stocks." + std::to_string(j)].emplace_back("must be an object");
        continue;
      }
      check_text(stock, "batch_code", stock_prefix, errors);
      check_positive(stock, "qty", stock_prefix, errors);
    }
  }
  return errors;
}

FieldErrors validate_seeded_order(nlohmann::json& order, const std::string& now_rfc3339) {
  FieldErrors errors;
  check_positive(order, "id", "", errors);
  check_text(order, "key_ssl", "", errors);
  if (!order.contains("status")) order["status"] = "pending";
  if (!order["status"].is_string() || !is_order_status(order["status"].get<std::string>())) {
    errors["status"].emplace_back(
        "must be one of draft, pending, confirmed, allocated, shipped, fulfilled, cancelled");
  }
  if (!order.contains("updated_at")) order["updated_at"] = now_rfc3339;
  if (!order["updated_at"].is_string() || !parse_rfc3339_ms(order["updated_at"].get<std::string>())) {
    errors["updated_at"].emplace_back("must be an RFC 3339 date-time with an offset");
  }
  if (!order.contains("items")) order["items"] = nlohmann::json::array();
  if (!order["items"].is_array()) {
    errors["items"].emplace_back("must be an array");
    return errors;
  }
  for (std::size_t i = 0; i < order["items"].size(); ++i) {
    const nlohmann::json& item = order["items"][i];
    const std::string prefix = "items." + std::to_string(i) + ".";
    if (!item.is_object()) {
      errors["items." + std::to_string(i)].emplace_back("must be an object");
      continue;
    }
    check_positive(item, "id", prefix, errors);
    check_text(item, "material_code", prefix, errors);
    check_positive(item, "qty", prefix, errors);
    if (item.contains("batch_code") && !item["batch_code"].is_null() &&
        !is_non_empty_string(item["batch_code"])) {
      errors[prefix + "batch_code"].emplace_back("must be a non-empty string");
    }
  }
  return errors;
}

}  // namespace upstream_sim
