// WMS disposal cancellations (upstream-contract.md, "POST /wms/disposal/cancellation"): the
// field rules, and the cancellations accepted so far with their idempotency keys. Kept in
// memory (a restarted simulator forgets them, unlike the DIN pickings in --db).
#pragma once

#include "validation.hpp"
#include "wms_data.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace upstream_sim {

// disposal_instruction_no, reason, cancelled_by: non-empty strings; entity_id: a positive
// integer; cancelled_at: RFC 3339 with an offset.
FieldErrors validate_disposal_cancellation(const nlohmann::json& body);

enum class CancelOutcome {
  cancelled,            // new key, open instruction: applied (200)
  duplicate,            // known key, same body: not applied again (409)
  key_conflict,         // known key, different body (422)
  unknown_instruction,  // 404
  executed,             // the instruction was executed: too late to cancel (422)
  already_cancelled,    // cancelled before under another key (422)
  entity_mismatch,      // entity_id is not the instruction's entity (422)
};

struct CancelResult {
  CancelOutcome outcome;
  std::string number;  // the instruction's number (the original one for a duplicate)
};

class WmsDisposals {
 public:
  // data outlives this.
  explicit WmsDisposals(const WmsData& data) : data_(data) {}

  // body passed validate_disposal_cancellation. Atomic: concurrent calls with one key apply once.
  CancelResult cancel(const std::string& idempotency_key, const nlohmann::json& body,
                      const std::string& device_id, std::int64_t now_unix);

  // {"cancellations": [{"seq", "idempotency_key", "disposal_instruction_no", "entity_id",
  // "reason", "cancelled_at", "cancelled_by", "device_id", "accepted_at"}]}, in arrival order.
  nlohmann::json to_json() const;

 private:
  struct Accepted {
    std::int64_t seq;
    std::string idempotency_key;
    std::string body;  // canonical JSON, to recognise a replay
    nlohmann::json fields;
    std::string device_id;
    std::int64_t accepted_at;
  };

  const WmsData& data_;
  mutable std::mutex mutex_;
  std::vector<Accepted> accepted_;
  std::map<std::string, std::size_t> by_key_;          // idempotency key -> index
  std::map<std::string, std::size_t> by_instruction_;  // instruction number -> index
};

}  // namespace upstream_sim
