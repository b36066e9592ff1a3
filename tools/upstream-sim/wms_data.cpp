#include "wms_data.hpp"

#include "validation.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>

namespace upstream_sim {
namespace {

std::string rfc3339_utc(std::int64_t unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// GTIN-14 "0899" + 9 digits + check digit (GS1 mod 10), so generated GTINs are real ones.
std::string gtin14(std::int64_t number) {
  char body[32];
  std::snprintf(body, sizeof body, "0899%09lld", static_cast<long long>(number % 1'000'000'000));
  body[13] = '\0';
  int sum = 0;
  for (int i = 12; i >= 0; --i) sum += (body[i] - '0') * (((12 - i) % 2 == 0) ? 3 : 1);
  return std::string(body) + static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string numbered(const char* prefix, std::int64_t number, int width) {
  char text[48];
  std::snprintf(text, sizeof text, "%s%0*lld", prefix, width, static_cast<long long>(number));
  return text;
}

void check_record(const nlohmann::json& record, const std::string& where) {
  if (!record.is_object() || !record.contains("id") || !record["id"].is_number_integer()) {
    throw WmsDataError(where + ": every record needs an integer \"id\"");
  }
}

}  // namespace

const std::vector<std::string>& wms_types() {
  static const std::vector<std::string> types = {"entities",     "provinces", "regencies",
                                                 "subdistricts", "materials", "entity-tags"};
  return types;
}

WmsSeed generate_wms_seed(std::int64_t materials, std::int64_t now_unix) {
  WmsSeed seed;
  // One second apart, oldest first, all in the past: any change made later (admin upserts) is
  // newer than every generated record.
  std::int64_t clock = now_unix - (5 + 20 + 60 + 4 + 30 + materials) - 60;
  auto stamp = [&clock] { return rfc3339_utc(clock++); };
  for (std::int64_t id = 1; id <= 5; ++id) {
    seed.records["provinces"].push_back(
        {{"id", id}, {"code", numbered("P", id, 2)}, {"name", "Province " + std::to_string(id)}, {"updated_at", stamp()}});
  }
  for (std::int64_t id = 1; id <= 20; ++id) {
    seed.records["regencies"].push_back({{"id", id},
                                         {"code", numbered("R", id, 3)},
                                         {"name", "Regency " + std::to_string(id)},
                                         {"province_id", (id - 1) / 4 + 1},
                                         {"updated_at", stamp()}});
  }
  for (std::int64_t id = 1; id <= 60; ++id) {
    seed.records["subdistricts"].push_back({{"id", id},
                                            {"code", numbered("S", id, 3)},
                                            {"name", "Subdistrict " + std::to_string(id)},
                                            {"regency_id", (id - 1) / 3 + 1},
                                            {"updated_at", stamp()}});
  }
  const char* tag_names[] = {"Puskesmas", "Rumah Sakit", "Dinkes Kabupaten", "Dinkes Provinsi"};
  for (std::int64_t id = 1; id <= 4; ++id) {
    seed.records["entity-tags"].push_back(
        {{"id", id}, {"code", numbered("T", id, 2)}, {"name", tag_names[id - 1]}, {"updated_at", stamp()}});
  }
  for (std::int64_t id = 1; id <= 30; ++id) {
    const std::int64_t tag = (id - 1) % 4 + 1;
    seed.records["entities"].push_back({{"id", id},
                                        {"code", numbered("ENT-", id, 3)},
                                        {"name", "Entity " + std::to_string(id)},
                                        {"regency_id", (id - 1) % 20 + 1},
                                        {"tags", {{{"id", tag}, {"name", tag_names[tag - 1]}}}},
                                        {"updated_at", stamp()}});
  }
  const char* units[] = {"vial", "box", "ampoule", "tablet"};
  for (std::int64_t id = 1; id <= materials; ++id) {
    nlohmann::json material = {{"id", id},
                               {"code", numbered("MAT-", id, 5)},
                               {"name", "Material " + std::to_string(id)},
                               {"gtin", gtin14(id)},
                               {"uom", units[id % 4]},
                               {"is_batch", id % 4 != 0},
                               {"updated_at", stamp()}};
    if (id == 12) {  // the contract's example material
      material["code"] = "BCG-20";
      material["name"] = "Vaksin BCG 20 dosis";
      material["gtin"] = "08991234567895";
      material["uom"] = "vial";
      material["is_batch"] = true;
    }
    seed.records["materials"].push_back(std::move(material));
  }
  for (std::int64_t n = 1; n <= 99; ++n) {
    seed.instructions.push_back({numbered("DI-2026-", n, 4), n == 42 ? 12 : (n - 1) % 30 + 1, false});
  }
  for (std::int64_t n = 900; n <= 909; ++n) {
    seed.instructions.push_back({numbered("DI-2026-", n, 4), (n - 900) % 30 + 1, true});
  }
  return seed;
}

WmsSeed load_wms_seed(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw WmsDataError("cannot read --wms-data " + path);
  const auto document = nlohmann::json::parse(file, nullptr, false);
  if (!document.is_object()) throw WmsDataError("--wms-data " + path + " is not a JSON object");
  WmsSeed seed;
  for (const auto& [key, value] : document.items()) {
    if (key == "disposal_instructions") continue;
    bool known = false;
    for (const auto& type : wms_types()) known = known || type == key;
    if (!known) throw WmsDataError("--wms-data " + path + ": unknown member \"" + key + "\"");
    if (!value.is_array()) throw WmsDataError("--wms-data " + path + ": \"" + key + "\" must be an array");
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string where = "--wms-data " + path + ": " + key + "[" + std::to_string(i) + "]";
      check_record(value[i], where);
      if (!value[i].contains("updated_at") || !value[i]["updated_at"].is_string() ||
          !parse_rfc3339_ms(value[i]["updated_at"].get<std::string>())) {
        throw WmsDataError(where + ": \"updated_at\" must be RFC 3339 with an offset");
      }
      seed.records[key].push_back(value[i]);
    }
  }
  if (const auto found = document.find("disposal_instructions"); found != document.end()) {
    if (!found->is_array()) throw WmsDataError("--wms-data " + path + ": \"disposal_instructions\" must be an array");
    for (const auto& item : *found) {
      if (!item.is_object() || !item.contains("disposal_instruction_no") ||
          !item["disposal_instruction_no"].is_string() || !item.contains("entity_id") ||
          !item["entity_id"].is_number_integer()) {
        throw WmsDataError("--wms-data " + path +
                           ": each disposal instruction needs \"disposal_instruction_no\" and \"entity_id\"");
      }
      const std::string status = item.value("status", "open");
      if (status != "open" && status != "executed") {
        throw WmsDataError("--wms-data " + path + ": disposal instruction status must be open or executed");
      }
      seed.instructions.push_back(
          {item["disposal_instruction_no"].get<std::string>(), item["entity_id"].get<std::int64_t>(), status == "executed"});
    }
  }
  return seed;
}

WmsData::WmsData(WmsSeed seed) {
  for (const auto& type : wms_types()) records_[type];  // every type answers, empty or not
  for (auto& [type, list] : seed.records) {
    for (auto& record : list) {
      const auto id = record["id"].get<std::int64_t>();
      records_[type][id] = std::move(record);
    }
  }
  for (auto& instruction : seed.instructions) {
    const std::string number = instruction.number;
    instructions_[number] = std::move(instruction);
  }
}

WmsPage WmsData::page(const std::string& type, std::optional<std::int64_t> since_ms, std::int64_t page,
                      std::int64_t paginate) const {
  std::lock_guard lock(mutex_);
  WmsPage result;
  const auto found = records_.find(type);
  if (found == records_.end()) return result;
  const std::int64_t first = (page - 1) * paginate;
  for (const auto& [id, record] : found->second) {
    if (since_ms) {
      const auto updated = parse_rfc3339_ms(record.value("updated_at", std::string()));
      if (!updated || *updated < *since_ms) continue;
    }
    if (result.total_item >= first && result.total_item < first + paginate) result.records.push_back(record);
    ++result.total_item;
  }
  result.total_page = (result.total_item + paginate - 1) / paginate;
  return result;
}

std::size_t WmsData::upsert(const std::string& type, const std::vector<nlohmann::json>& records,
                            const std::string& now_rfc3339) {
  std::lock_guard lock(mutex_);
  const auto found = records_.find(type);
  if (found == records_.end()) throw WmsDataError("unknown type \"" + type + "\"");
  for (std::size_t i = 0; i < records.size(); ++i) check_record(records[i], "records[" + std::to_string(i) + "]");
  for (auto record : records) {
    if (!record.contains("updated_at")) record["updated_at"] = now_rfc3339;
    const auto id = record["id"].get<std::int64_t>();
    found->second[id] = std::move(record);
  }
  return records.size();
}

std::optional<DisposalInstruction> WmsData::instruction(const std::string& number) const {
  std::lock_guard lock(mutex_);
  const auto found = instructions_.find(number);
  if (found == instructions_.end()) return std::nullopt;
  return found->second;
}

}  // namespace upstream_sim
