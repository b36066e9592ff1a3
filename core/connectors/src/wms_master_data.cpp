#include "outpost/connectors/wms_master_data.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <utility>

#include "outpost/common/clock.hpp"
#include "outpost/connectors/responses.hpp"
#include "outpost/connectors/wms_connector.hpp"

namespace outpost::connectors {
namespace {

// A runaway server (a total_page that never ends) must not keep the puller busy forever:
// 2,000 pages of 500 is a million records, far beyond any master-data table.
constexpr int kMaxPages = 2000;

const char* parent_field(catalog::EntityType type) {
    switch (type) {
        case catalog::EntityType::Regencies: return "province_id";
        case catalog::EntityType::Subdistricts:
        case catalog::EntityType::Entities: return "regency_id";
        default: return nullptr;
    }
}

std::optional<std::int64_t> integer_of(const nlohmann::json& value) {
    if (value.is_number_integer()) return value.get<std::int64_t>();
    return std::nullopt;
}

// A text field that some deployments send as a number (codes): kept as text either way.
std::string text_of(const nlohmann::json& record, const char* field) {
    const auto found = record.find(field);
    if (found == record.end() || found->is_null()) return {};
    if (found->is_string()) return found->get<std::string>();
    if (found->is_number()) return found->dump();
    return {};
}

// One record of `type`, or the reason it is not the contract's shape.
Expected<catalog::MasterRecord> parse_record(catalog::EntityType type, const nlohmann::json& record) {
    if (!record.is_object()) return make_error("wms", "is not an object");
    const auto id = record.find("id");
    if (id == record.end() || !integer_of(*id)) return make_error("wms", "has no integer id");
    catalog::MasterRecord parsed;
    parsed.id = *integer_of(*id);
    parsed.code = text_of(record, "code");
    parsed.name = text_of(record, "name");
    parsed.updated_at = text_of(record, "updated_at");
    if (const char* parent = parent_field(type)) {
        if (const auto found = record.find(parent); found != record.end()) parsed.parent_id = integer_of(*found);
    }
    if (type == catalog::EntityType::Materials) {
        parsed.gtin = text_of(record, "gtin");
        parsed.uom = text_of(record, "uom");
        if (const auto batch = record.find("is_batch"); batch != record.end()) {
            parsed.is_batch = batch->is_boolean() ? batch->get<bool>() : (integer_of(*batch).value_or(0) != 0);
        }
    }
    parsed.data = record.dump();
    return parsed;
}

}  // namespace

struct WmsMasterDataPuller::TypeResult {
    DeliveryResult result;
    std::int64_t records = 0;
    int pages = 0;
};

std::string percent_encode(const std::string& text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                                (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' ||
                                byte == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        }
    }
    return out;
}

WmsMasterDataPuller::WmsMasterDataPuller(const WmsSettings& settings, TokenSession& session,
                                         catalog::Catalog& catalog)
    : settings_(settings), session_(session), catalog_(catalog) {}

std::chrono::seconds WmsMasterDataPuller::interval() const { return settings_.pull_interval; }

WmsMasterDataPuller::TypeResult WmsMasterDataPuller::pull_type(transport::HttpClient& http,
                                                               catalog::EntityType type,
                                                               const std::atomic<bool>& stop) {
    const std::string name(catalog::to_string(type));
    TypeResult outcome;
    auto failed = [&](Outcome kind, const std::string& message) {
        outcome.result = DeliveryResult{kind, name + ": " + message, std::nullopt};
        return outcome;
    };
    auto state = catalog_.pull_state(name);
    if (!state) return failed(Outcome::Transient, state.error().message);
    const std::string since = state->watermark;
    std::string watermark = since;
    std::optional<UnixMillis> watermark_at;
    if (auto parsed = parse_rfc3339(since)) watermark_at = parsed->at;

    for (int page = 1;; ++page) {
        if (page > kMaxPages) return failed(Outcome::Permanent, "more than " + std::to_string(kMaxPages) + " pages");
        if (stop) return failed(Outcome::Transient, "stopped before page " + std::to_string(page));
        std::string url = settings_.base_url + "/v2/" + name + "?page=" + std::to_string(page) +
                          "&paginate=" + std::to_string(settings_.page_size);
        if (!since.empty()) url += "&updated_since=" + percent_encode(since);
        const auto now = std::chrono::system_clock::now();
        auto answer = session_.send_with_token(http, [&](const std::string& token) {
            transport::Request request;
            request.method = "GET";
            request.url = url;
            request.headers = {{"Accept", "application/json"},
                               {"Authorization", "Bearer " + token},
                               {"X-Device-Id", settings_.device_id}};
            return http.perform(request);
        });
        if (auto* failure = std::get_if<DeliveryResult>(&answer)) {
            outcome.result = *failure;
            outcome.result.message = name + " page " + std::to_string(page) + ": " + failure->message;
            return outcome;
        }
        const auto& response = std::get<transport::Response>(answer);
        if (response.status < 200 || response.status > 299) {
            outcome.result = result_from_response(response, "WMS", now);
            // 409 means nothing for a GET: whatever it is, it is not a page.
            if (outcome.result.outcome == Outcome::AlreadyDelivered) outcome.result.outcome = Outcome::Permanent;
            outcome.result.message = name + " page " + std::to_string(page) + ": " + outcome.result.message;
            return outcome;
        }
        const auto body = nlohmann::json::parse(response.body, nullptr, false);
        const std::string where = "page " + std::to_string(page);
        if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) {
            return failed(Outcome::Permanent, where + " has no \"data\" array: " + response.body.substr(0, 200));
        }
        std::vector<catalog::MasterRecord> records;
        records.reserve(body["data"].size());
        for (std::size_t i = 0; i < body["data"].size(); ++i) {
            auto record = parse_record(type, body["data"][i]);
            if (!record) {
                return failed(Outcome::Permanent, where + " data[" + std::to_string(i) + "] " + record.error().message +
                                                      " (nothing of this page was stored)");
            }
            if (auto updated = parse_rfc3339(record->updated_at); updated && (!watermark_at || updated->at > *watermark_at)) {
                watermark_at = updated->at;
                watermark = record->updated_at;
            }
            records.push_back(std::move(*record));
        }
        if (auto stored = catalog_.upsert(type, records); !stored) {
            return failed(Outcome::Transient, where + " could not be stored: " + stored.error().message);
        }
        outcome.records += static_cast<std::int64_t>(records.size());
        outcome.pages = page;
        // The last page: meta.total_page says so; without meta, a short page does.
        std::optional<std::int64_t> total_pages;
        if (body.contains("meta") && body["meta"].is_object() && body["meta"].contains("total_page")) {
            total_pages = integer_of(body["meta"]["total_page"]);
        }
        const bool last = total_pages ? page >= *total_pages
                                      : records.size() < static_cast<std::size_t>(settings_.page_size);
        if (last || records.empty()) break;
    }
    if (auto recorded = catalog_.record_pull(name, wall_clock_now_ms(), watermark); !recorded) {
        return failed(Outcome::Transient, "the pull could not be recorded: " + recorded.error().message);
    }
    outcome.result = DeliveryResult{Outcome::Delivered,
                                    name + " " + std::to_string(outcome.records) + " (" +
                                        (since.empty() ? "full, " : "since " + since + ", ") +
                                        std::to_string(outcome.pages) + (outcome.pages == 1 ? " page)" : " pages)"),
                                    std::nullopt};
    return outcome;
}

DeliveryResult WmsMasterDataPuller::pull(transport::HttpClient& http, const std::atomic<bool>& stop) {
    std::string summary;
    std::optional<DeliveryResult> permanent;
    for (catalog::EntityType type : settings_.pull_types) {
        TypeResult one = pull_type(http, type, stop);
        if (one.result.outcome == Outcome::Delivered) {
            summary += (summary.empty() ? "" : ", ") + one.result.message;
            continue;
        }
        // Down or refusing us: the next types would fail the same way.
        if (one.result.outcome != Outcome::Permanent) return one.result;
        if (!permanent) permanent = one.result;
    }
    if (permanent) {
        if (!summary.empty()) permanent->message += " (pulled: " + summary + ")";
        return *permanent;
    }
    return DeliveryResult{Outcome::Delivered, "master data pulled: " + summary, std::nullopt};
}

}  // namespace outpost::connectors
