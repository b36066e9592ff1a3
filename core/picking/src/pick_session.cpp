#include "outpost/picking/pick_session.hpp"

#include <cstdio>
#include <utility>

#include "outpost/scan/barcode.hpp"

namespace outpost::picking {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

struct Civil {
    int year;
    int month;
    int day;
    int hour;
    int minute;
    int second;
    int millis;
};

// Unix milliseconds to a civil date and time (proleptic Gregorian; H. Hinnant's days_to_civil).
Civil civil_from_ms(UnixMillis ms) {
    std::int64_t days = ms / kDayMs;
    std::int64_t rest = ms % kDayMs;
    if (rest < 0) {
        rest += kDayMs;
        --days;
    }
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    const auto year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0));
    return {year,
            static_cast<int>(month),
            static_cast<int>(day),
            static_cast<int>(rest / 3'600'000),
            static_cast<int>(rest / 60'000 % 60),
            static_cast<int>(rest / 1000 % 60),
            static_cast<int>(rest % 1000)};
}

std::string date_text(int year, int month, int day) {
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
    return text;
}

std::string date_text(const scan::Date& date) { return date_text(date.year, date.month, date.day); }

// RFC 3339 with the warehouse's offset: 2026-11-23T10:15:00+07:00.
std::string local_timestamp(UnixMillis now, int offset_minutes) {
    const Civil local = civil_from_ms(now + std::int64_t{offset_minutes} * 60'000);
    const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    char text[64];
    std::snprintf(text, sizeof text, "%sT%02d:%02d:%02d%c%02d:%02d", date_text(local.year, local.month, local.day).c_str(),
                  local.hour, local.minute, local.second, offset_minutes < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
    return text;
}

// The text of a scan for codes (orders, confirm): plain symbologies' data without the AIM
// identifier. Order labels are plain Code 128 in practice; anything else is compared raw.
std::string scan_text(const std::string& raw, int year) {
    if (auto parsed = scan::parse_barcode(raw, year); parsed && !parsed->text.empty()) return parsed->text;
    if (raw.size() >= 3 && raw[0] == ']') return raw.substr(3);
    return raw;
}

bool all_digits(const std::string& text) {
    if (text.empty() || text.size() > 18) return false;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

}  // namespace

const char* to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::accepted: return "accepted";
        case Verdict::refused: return "refused";
        case Verdict::queued: return "queued";
        case Verdict::cancelled: return "cancelled";
    }
    return "?";
}

PickSession::PickSession(const catalog::Catalog& catalog, hal::Indicator& indicator, EnqueueFn enqueue, NowFn now,
                         PickSessionOptions options)
    : catalog_(catalog), indicator_(indicator), enqueue_(std::move(enqueue)), now_(std::move(now)),
      options_(std::move(options)) {}

ScanOutcome PickSession::handle_scan(const std::string& raw) {
    const Civil today = civil_from_ms(now_() + std::int64_t{options_.utc_offset_minutes} * 60'000);
    const std::string text = scan_text(raw, today.year);
    if (!options_.confirm_code.empty() && text == options_.confirm_code) return handle_confirm();
    if (!options_.cancel_code.empty() && text == options_.cancel_code) return handle_cancel();
    if (!order_) return open_order(text);
    return pick_item(raw);
}

ScanOutcome PickSession::open_order(const std::string& code) {
    auto found = catalog_.pick_list(code);
    if (found && !found->has_value() && all_digits(code)) found = catalog_.pick_list_by_order(std::stoll(code));
    if (!found) return refuse("cannot read the pick lists: " + found.error().message);
    if (!found->has_value()) {
        return refuse("unknown order '" + code + "': no pick list in the catalog (scan an order label, or pull the pick lists)");
    }
    if ((*found)->items.empty()) return refuse("order " + (*found)->key_ssl + " has no items to pick");
    order_ = std::move(**found);
    opened_at_ = now_();
    last_order_ = order_->key_ssl;
    lines_.clear();
    picked_.clear();
    for (const auto& item : order_->items) lines_.push_back({item.material_code, item.batch_code, item.qty, 0});
    (void)indicator_.set_led(hal::LedState::blink(std::chrono::milliseconds(500), std::chrono::milliseconds(500)));
    (void)indicator_.beep(hal::BeepPattern::ok);
    return finish({Verdict::accepted,
                   "order " + order_->key_ssl + ": " + std::to_string(lines_.size()) + " line(s) to pick", {}});
}

ScanOutcome PickSession::pick_item(const std::string& raw) {
    const Civil today = civil_from_ms(now_() + std::int64_t{options_.utc_offset_minutes} * 60'000);
    auto parsed = scan::parse_barcode(raw, today.year);
    if (!parsed) return refuse("not an item barcode: " + parsed.error().message);
    if (!parsed->gtin) {
        return refuse("not an item barcode: no GTIN (01) in it" +
                      (parsed->text.empty() ? std::string() : " ('" + parsed->text + "'; order " + order_->key_ssl +
                                                                  " is open: confirm or cancel it first)"));
    }
    const std::string& gtin = *parsed->gtin;
    auto material = catalog_.material_by_gtin(gtin);
    if (!material) return refuse("cannot read the catalog: " + material.error().message);
    if (!material->has_value()) return refuse("wrong item: GTIN " + gtin + " is not a material in the catalog");
    const catalog::Material& found = **material;

    const std::string batch = parsed->batch.value_or("");
    bool on_order = false;
    std::string batches_named;
    for (const auto& line : lines_) {
        if (line.material_code != found.code) continue;
        on_order = true;
        if (!line.batch_code.empty()) batches_named += (batches_named.empty() ? "" : ", ") + line.batch_code;
    }
    if (!on_order) {
        return refuse("wrong item: " + found.code + " (GTIN " + gtin + ") is not on order " + order_->key_ssl);
    }
    if (found.is_batch && batch.empty()) {
        return refuse("batch missing: " + found.code + " is batch-managed; scan the label with its batch (10)");
    }
    if (parsed->expiry) {
        const scan::Date day{today.year, today.month, today.day};
        if (*parsed->expiry < day) {
            return refuse("expired batch " + (batch.empty() ? std::string("(none)") : batch) + " of " + found.code +
                          ": expired " + date_text(*parsed->expiry));
        }
    }
    const std::int64_t count = parsed->count ? std::int64_t{*parsed->count} : 1;
    if (count <= 0) return refuse("count (30) must be at least 1");

    // A line naming this batch first, then a line that takes any batch of the material.
    std::optional<std::size_t> chosen;
    bool batch_allowed = false;
    std::int64_t wanted = 0;
    std::int64_t already = 0;
    for (const bool exact : {true, false}) {
        for (std::size_t i = 0; i < lines_.size() && !chosen; ++i) {
            const PickLine& line = lines_[i];
            if (line.material_code != found.code) continue;
            if (exact ? (line.batch_code.empty() || line.batch_code != batch) : !line.batch_code.empty()) continue;
            batch_allowed = true;
            wanted += line.qty;
            already += line.picked;
            if (line.qty - line.picked >= count) chosen = i;
        }
    }
    if (!batch_allowed) {
        return refuse("wrong batch: " + found.code + " batch " + (batch.empty() ? std::string("(none)") : batch) +
                      "; order " + order_->key_ssl + " names batch " + batches_named);
    }
    if (!chosen) {
        return refuse("over-pick: " + found.code + (batch.empty() ? std::string() : " batch " + batch) + ": " +
                      std::to_string(already) + " of " + std::to_string(wanted) + " already picked, " +
                      std::to_string(count) + " more is too many");
    }

    PickLine& line = lines_[*chosen];
    line.picked += count;
    const std::string expiry = parsed->expiry ? date_text(*parsed->expiry) : std::string();
    bool merged = false;
    for (auto& entry : picked_) {
        if (entry.line == *chosen && entry.gtin == gtin && entry.batch_code == batch && entry.expired_date == expiry) {
            entry.qty += count;
            merged = true;
        }
    }
    if (!merged) picked_.push_back({found.code, gtin, found.uom, batch, expiry, *chosen, count});
    (void)indicator_.beep(hal::BeepPattern::ok);
    return finish({Verdict::accepted,
                   found.code + (batch.empty() ? std::string() : " batch " + batch) + ": " +
                       std::to_string(line.picked) + " of " + std::to_string(line.qty) + " picked",
                   {}});
}

ScanOutcome PickSession::handle_confirm() {
    if (!order_) return refuse("nothing to confirm: scan an order first");
    if (picked_.empty()) return refuse("nothing picked yet on order " + order_->key_ssl);
    const std::string key = "pick/" + options_.device_id + "/" + order_->key_ssl + "/" + std::to_string(opened_at_);
    auto queued = enqueue_(payload(), key);
    if (!queued) return refuse("picking of order " + order_->key_ssl + " not queued: " + queued.error().message);
    std::int64_t left = 0;
    for (const auto& line : lines_) left += line.qty - line.picked;
    const std::string order = order_->key_ssl;
    close_session();
    // Only now, with the operation committed to the outbox, does the operator hear "done".
    (void)indicator_.set_led(hal::LedState::on());
    (void)indicator_.beep(hal::BeepPattern::ok);
    return finish({Verdict::queued,
                   "order " + order + " picked and queued" +
                       (left > 0 ? " (partial: " + std::to_string(left) + " unit(s) left on the list)" : std::string()),
                   *queued});
}

ScanOutcome PickSession::handle_cancel() {
    if (!order_) return refuse("nothing to cancel: no order is open");
    const std::string order = order_->key_ssl;
    close_session();
    (void)indicator_.set_led(hal::LedState::off());
    return finish({Verdict::cancelled, "order " + order + " cancelled; nothing was queued", {}});
}

void PickSession::close_session() {
    order_.reset();
    lines_.clear();
    picked_.clear();
}

ScanOutcome PickSession::refuse(std::string message) {
    (void)indicator_.beep(hal::BeepPattern::error);
    return finish({Verdict::refused, std::move(message), {}});
}

ScanOutcome PickSession::finish(ScanOutcome outcome) {
    last_message_ = outcome.message;
    last_verdict_ = to_string(outcome.verdict);
    return outcome;
}

nlohmann::json PickSession::payload() const {
    const UnixMillis now = now_();
    const Civil local = civil_from_ms(now + std::int64_t{options_.utc_offset_minutes} * 60'000);
    char stamp[80];
    std::snprintf(stamp, sizeof stamp, "%04d%02d%02d-%02d%02d%02d.%03d", local.year, local.month, local.day, local.hour,
                  local.minute, local.second, local.millis);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& entry : picked_) {
        nlohmann::json item = {{"material_code", entry.material_code}, {"gtin", entry.gtin}, {"qty", entry.qty}};
        if (!entry.batch_code.empty()) item["batch_code"] = entry.batch_code;
        if (!entry.expired_date.empty()) item["expired_date"] = entry.expired_date;
        if (!entry.uom.empty()) item["uom"] = entry.uom;
        items.push_back(std::move(item));
    }
    nlohmann::json body = {{"key_ssl", order_->key_ssl},
                           {"picking_no", "PCK-" + options_.device_id + "-" + stamp},
                           {"device_id", options_.device_id},
                           {"picked_at", local_timestamp(now, options_.utc_offset_minutes)},
                           {"items", std::move(items)}};
    if (order_->order_id != 0) body["order_id"] = order_->order_id;
    return body;
}

nlohmann::json PickSession::status() const {
    nlohmann::json lines = nlohmann::json::array();
    int complete = 0;
    for (const auto& line : lines_) {
        lines.push_back({{"material_code", line.material_code},
                         {"batch_code", line.batch_code},
                         {"qty", line.qty},
                         {"picked", line.picked}});
        if (line.picked >= line.qty) ++complete;
    }
    return {{"state", order_ ? "picking" : "idle"},
            {"order", order_ ? order_->key_ssl : std::string()},
            {"last_order", last_order_},
            {"lines", lines},
            {"lines_picked", complete},
            {"lines_remaining", static_cast<int>(lines_.size()) - complete},
            {"last_verdict", last_verdict_},
            {"last_message", last_message_}};
}

}  // namespace outpost::picking
