#include "outpost/connectors/smile_pick_lists.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <variant>

#include "outpost/common/clock.hpp"
#include "outpost/connectors/responses.hpp"

namespace outpost::connectors {
namespace {

// A bound on one status's pages, so a server that keeps answering "more" cannot hold the pull
// thread forever (500 pages of 500 orders is far beyond any warehouse's open orders).
constexpr std::int64_t kMaxPages = 500;

// RFC 3986 unreserved characters pass; everything else is %XX (a key_ssl or status in a URL).
std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') ||
            byte == '-' || byte == '.' || byte == '_' || byte == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        }
    }
    return out;
}

bool is_positive_integer(const nlohmann::json& value) {
    return (value.is_number_unsigned() && value.get<std::uint64_t>() > 0 &&
            value.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) ||
           (value.is_number_integer() && value.get<std::int64_t>() > 0);
}

std::string text_or_empty(const nlohmann::json& object, const char* field) {
    const auto found = object.find(field);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// One order of the upstream's answer as a pick list, or nullopt when any part of it cannot be
// read (it is skipped whole rather than stored half-read).
std::optional<catalog::PickList> to_pick_list(const nlohmann::json& order, UnixMillis pulled_at) {
    if (!order.is_object() || !order.contains("id") || !is_positive_integer(order["id"])) return std::nullopt;
    const std::string key_ssl = text_or_empty(order, "key_ssl");
    const auto items = order.find("items");
    if (key_ssl.empty() || items == order.end() || !items->is_array()) return std::nullopt;
    catalog::PickList list;
    list.order_id = order["id"].get<std::int64_t>();
    list.key_ssl = key_ssl;
    list.status = text_or_empty(order, "status");
    list.updated_at = text_or_empty(order, "updated_at");
    list.data = order.dump();
    list.pulled_at = pulled_at;
    for (const auto& item : *items) {
        if (!item.is_object()) return std::nullopt;
        const std::string material = text_or_empty(item, "material_code");
        if (material.empty() || !item.contains("qty") || !is_positive_integer(item["qty"])) return std::nullopt;
        catalog::PickListItem entry;
        if (const auto id = item.find("id"); id != item.end() && is_positive_integer(*id)) entry.id = id->get<std::int64_t>();
        entry.material_code = material;
        entry.qty = item["qty"].get<std::int64_t>();
        entry.batch_code = text_or_empty(item, "batch_code");
        entry.data = item.dump();
        list.items.push_back(std::move(entry));
    }
    return list;
}

// A GET's answer that is not a 2xx, as the pull's result: the contract's classes, except that a
// "success" class (409, 3xx) on a read means nothing usable came back.
DeliveryResult failed_read(const transport::Response& response, const std::string& label) {
    DeliveryResult result = result_from_response(response, label, std::chrono::system_clock::now());
    if (result.outcome == Outcome::Delivered || result.outcome == Outcome::AlreadyDelivered) {
        result.outcome = Outcome::Permanent;
        result.message = label + " answered HTTP " + std::to_string(response.status) + " without a pick list";
    }
    return result;
}

DeliveryResult stopped() { return DeliveryResult{Outcome::Transient, "pick-list pull stopped", std::nullopt}; }

}  // namespace

struct PickListPull::Tally {
    std::int64_t stored = 0;
    std::int64_t skipped = 0;
    std::int64_t refreshed = 0;
    std::int64_t removed = 0;
    std::set<std::int64_t> seen;  // order ids the listings showed in this pull
};

PickListPull::PickListPull(PickListPullSettings settings, TokenSession& session, catalog::Catalog& catalog)
    : settings_(std::move(settings)), session_(session), catalog_(catalog) {}

namespace {

std::variant<transport::Response, DeliveryResult> get(TokenSession& session, transport::HttpClient& http,
                                                      const PickListPullSettings& settings, const std::string& path) {
    return session.send_with_token(http, [&](const std::string& token) {
        transport::Request request;
        request.method = "GET";
        request.url = settings.base_url + path;
        request.headers = {{"Accept", "application/json"},
                           {"Authorization", "Bearer " + token},
                           {"X-Device-Id", settings.device_id}};
        return http.perform(request);
    });
}

}  // namespace

DeliveryResult PickListPull::pull_status(transport::HttpClient& http, const std::atomic<bool>& stop,
                                         const std::string& status, Tally& tally) {
    for (std::int64_t page = 1; page <= kMaxPages; ++page) {
        if (stop.load()) return stopped();
        const std::string path = "/v2/orders?status=" + percent_encode(status) + "&page=" + std::to_string(page) +
                                 "&paginate=" + std::to_string(settings_.page_size);
        const std::string label = "SMILE orders GET " + path;
        auto answer = get(session_, http, settings_, path);
        if (auto* failure = std::get_if<DeliveryResult>(&answer)) return *failure;
        const auto& response = std::get<transport::Response>(answer);
        if (response.status < 200 || response.status > 299) return failed_read(response, label);
        const auto body = nlohmann::json::parse(response.body, nullptr, false);
        if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) {
            return DeliveryResult{Outcome::Permanent, label + " answered without a data array", std::nullopt};
        }
        std::vector<catalog::PickList> lists;
        const UnixMillis now = wall_clock_now_ms();
        for (const auto& order : body["data"]) {
            if (auto list = to_pick_list(order, now)) {
                tally.seen.insert(list->order_id);
                lists.push_back(std::move(*list));
            } else {
                ++tally.skipped;
            }
        }
        if (auto stored = catalog_.upsert_pick_lists(lists); !stored) {
            return DeliveryResult{Outcome::Transient, stored.error().describe(), std::nullopt};
        }
        tally.stored += static_cast<std::int64_t>(lists.size());
        // The last page: meta says so, or (without meta) a short page.
        const auto& meta = body.value("meta", nlohmann::json::object());
        const bool has_total = meta.is_object() && meta.contains("total_page") && meta["total_page"].is_number_integer();
        if (has_total ? page >= meta["total_page"].get<std::int64_t>()
                      : static_cast<std::int64_t>(body["data"].size()) < settings_.page_size) {
            if (auto recorded = catalog_.record_pull(catalog::pick_list_feed(status), wall_clock_now_ms(), "");
                !recorded) {
                return DeliveryResult{Outcome::Transient, recorded.error().describe(), std::nullopt};
            }
            return DeliveryResult{Outcome::Delivered, {}, std::nullopt};
        }
    }
    return DeliveryResult{Outcome::Permanent,
                          "SMILE orders: more than " + std::to_string(kMaxPages) + " pages of " + status +
                              " orders; the rest was not pulled",
                          std::nullopt};
}

DeliveryResult PickListPull::refresh_stale(transport::HttpClient& http, const std::atomic<bool>& stop, Tally& tally) {
    std::int64_t budget = settings_.max_refresh;
    for (const std::string& status : settings_.statuses) {
        auto stored = catalog_.pick_lists(status);
        if (!stored) return DeliveryResult{Outcome::Transient, stored.error().describe(), std::nullopt};
        for (const catalog::PickList& list : *stored) {
            if (tally.seen.contains(list.order_id)) continue;
            if (budget-- <= 0) return DeliveryResult{Outcome::Delivered, {}, std::nullopt};  // the rest next time
            if (stop.load()) return stopped();
            const std::string path = "/v2/order/" + percent_encode(list.key_ssl) + "/integration";
            const std::string label = "SMILE orders GET " + path;
            auto answer = get(session_, http, settings_, path);
            if (auto* failure = std::get_if<DeliveryResult>(&answer)) return *failure;
            const auto& response = std::get<transport::Response>(answer);
            Expected<void> changed;
            if (response.status == 404) {
                changed = catalog_.remove_pick_list(list.order_id);
                ++tally.removed;
            } else if (response.status < 200 || response.status > 299) {
                return failed_read(response, label);
            } else {
                const auto body = nlohmann::json::parse(response.body, nullptr, false);
                auto fresh = body.is_object() && body.contains("data")
                                 ? to_pick_list(body["data"], wall_clock_now_ms())
                                 : std::nullopt;
                if (!fresh) {
                    ++tally.skipped;
                    continue;
                }
                const catalog::PickList lists[] = {std::move(*fresh)};
                changed = catalog_.upsert_pick_lists(lists);
                ++tally.refreshed;
            }
            if (!changed) return DeliveryResult{Outcome::Transient, changed.error().describe(), std::nullopt};
        }
    }
    return DeliveryResult{Outcome::Delivered, {}, std::nullopt};
}

DeliveryResult PickListPull::pull(transport::HttpClient& http, const std::atomic<bool>& stop) {
    Tally tally;
    std::string statuses;
    for (const std::string& status : settings_.statuses) {
        auto result = pull_status(http, stop, status, tally);
        if (result.outcome != Outcome::Delivered) return result;
        statuses += (statuses.empty() ? "" : ", ") + status;
    }
    if (auto result = refresh_stale(http, stop, tally); result.outcome != Outcome::Delivered) return result;
    return DeliveryResult{Outcome::Delivered,
                          std::to_string(tally.stored) + " pick list(s) (" + statuses + "), " +
                              std::to_string(tally.refreshed) + " refreshed, " + std::to_string(tally.removed) +
                              " removed, " + std::to_string(tally.skipped) + " unreadable skipped",
                          std::nullopt};
}

}  // namespace outpost::connectors
