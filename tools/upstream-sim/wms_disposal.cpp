#include "wms_disposal.hpp"

#include "http_json.hpp"

namespace upstream_sim {

FieldErrors validate_disposal_cancellation(const nlohmann::json& body) {
  FieldErrors errors;
  for (const char* field : {"disposal_instruction_no", "reason", "cancelled_at", "cancelled_by"}) {
    const auto found = body.find(field);
    if (found == body.end() || found->is_null()) {
      errors[field].emplace_back("is required");
    } else if (!found->is_string() || found->get_ref<const std::string&>().empty()) {
      errors[field].emplace_back("must be a non-empty string");
    }
  }
  const auto entity = body.find("entity_id");
  if (entity == body.end() || entity->is_null()) {
    errors["entity_id"].emplace_back("is required");
  } else if (!entity->is_number_integer() || entity->get<std::int64_t>() <= 0) {
    errors["entity_id"].emplace_back("must be a positive integer");
  }
  if (errors.count("cancelled_at") == 0 && !parse_rfc3339_ms(body["cancelled_at"].get<std::string>())) {
    errors["cancelled_at"].emplace_back("must be RFC 3339 with an offset");
  }
  return errors;
}

CancelResult WmsDisposals::cancel(const std::string& idempotency_key, const nlohmann::json& body,
                                  const std::string& device_id, std::int64_t now_unix) {
  const std::string number = body["disposal_instruction_no"].get<std::string>();
  const std::string canonical = canonical_json(body);
  std::lock_guard lock(mutex_);
  if (const auto known = by_key_.find(idempotency_key); known != by_key_.end()) {
    const Accepted& original = accepted_[known->second];
    return {original.body == canonical ? CancelOutcome::duplicate : CancelOutcome::key_conflict,
            original.fields["disposal_instruction_no"].get<std::string>()};
  }
  const auto instruction = data_.instruction(number);
  if (!instruction) return {CancelOutcome::unknown_instruction, number};
  if (instruction->executed) return {CancelOutcome::executed, number};
  if (by_instruction_.count(number) != 0) return {CancelOutcome::already_cancelled, number};
  if (body["entity_id"].get<std::int64_t>() != instruction->entity_id) {
    return {CancelOutcome::entity_mismatch, number};
  }
  const std::size_t index = accepted_.size();
  accepted_.push_back(Accepted{static_cast<std::int64_t>(index) + 1, idempotency_key, canonical, body,
                               device_id, now_unix});
  by_key_[idempotency_key] = index;
  by_instruction_[number] = index;
  return {CancelOutcome::cancelled, number};
}

nlohmann::json WmsDisposals::to_json() const {
  std::lock_guard lock(mutex_);
  nlohmann::json list = nlohmann::json::array();
  for (const Accepted& one : accepted_) {
    list.push_back({{"seq", one.seq},
                    {"idempotency_key", one.idempotency_key},
                    {"disposal_instruction_no", one.fields.value("disposal_instruction_no", "")},
                    {"entity_id", one.fields.value("entity_id", std::int64_t{0})},
                    {"reason", one.fields.value("reason", "")},
                    {"cancelled_at", one.fields.value("cancelled_at", "")},
                    {"cancelled_by", one.fields.value("cancelled_by", "")},
                    {"device_id", one.device_id},
                    {"accepted_at", one.accepted_at}});
  }
  return nlohmann::json{{"cancellations", list}};
}

}  // namespace upstream_sim
