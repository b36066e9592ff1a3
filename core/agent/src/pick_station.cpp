#include "pick_station.hpp"

#include <utility>

#include "hal/sim/sim_indicator.hpp"
#include "hal/sim/sim_scanner.hpp"
#include "outpost/common/log.hpp"

namespace outpost::agent {
namespace {

// A board without an indicator still picks; the messages (status, sim.scan answers) remain.
class SilentIndicator final : public hal::Indicator {
public:
    hal::Status set_led(const hal::LedState&) override { return {}; }
    hal::Status beep(hal::BeepPattern) override { return {}; }
};

const char* led_text(const hal::LedState& state) {
    switch (state.mode) {
        case hal::LedState::Mode::off: return "off";
        case hal::LedState::Mode::on: return "on";
        case hal::LedState::Mode::blink: return "blink";
    }
    return "?";
}

nlohmann::json outcome_json(const picking::ScanOutcome& outcome) {
    nlohmann::json out = {{"ok", true}, {"verdict", picking::to_string(outcome.verdict)}, {"message", outcome.message}};
    if (outcome.operation_id) out["operation_id"] = *outcome.operation_id;
    return out;
}

nlohmann::json failure(const std::string& message) { return {{"ok", false}, {"error", message}}; }

}  // namespace

PickStation::PickStation(PickStationParts parts, catalog::Catalog& catalog, picking::EnqueueFn enqueue,
                         picking::NowFn now, picking::PickSessionOptions options, std::function<void()> wake)
    : parts_(parts),
      silent_(parts.indicator == nullptr ? std::make_unique<SilentIndicator>() : nullptr),
      session_(catalog, parts.indicator != nullptr ? *parts.indicator : *silent_, std::move(enqueue), std::move(now),
               std::move(options)),
      wake_(std::move(wake)) {}

PickStation::~PickStation() { stop(); }

void PickStation::start() {
    parts_.scanner->set_handlers([this](const std::string& raw) { on_scan(raw); },
                                 [this](const std::string& message) { on_error(message); });
    if (auto started = parts_.scanner->start(); !started) {
        on_error("cannot start: " + started.message());
        return;
    }
    log::info("pick", "scanner started; scan an order label to begin a pick session");
}

void PickStation::stop() { parts_.scanner->stop(); }

void PickStation::on_scan(const std::string& raw) {
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() < kMaxQueued) {
            queue_.push_back(raw);
        } else {
            ++dropped_;
        }
    }
    wake_();
}

void PickStation::on_error(const std::string& message) {
    log::error("pick", "scanner: " + message);
    std::lock_guard lock(mutex_);
    scanner_error_ = message;
}

std::optional<picking::ScanOutcome> PickStation::drain() {
    std::optional<picking::ScanOutcome> last;
    for (;;) {
        std::string raw;
        std::int64_t dropped = 0;
        {
            std::lock_guard lock(mutex_);
            dropped = std::exchange(dropped_, 0);
            if (queue_.empty() && dropped == 0) return last;
            if (!queue_.empty()) {
                raw = std::move(queue_.front());
                queue_.pop_front();
            }
        }
        if (dropped > 0) {
            // The operator scanned faster than the station could check: say so, loudly.
            log::warning("pick", std::to_string(dropped) + " scan(s) dropped: more than " +
                                     std::to_string(kMaxQueued) + " waiting");
            if (parts_.indicator != nullptr) (void)parts_.indicator->beep(hal::BeepPattern::error);
            if (raw.empty()) continue;
        }
        ++scans_;
        last = session_.handle_scan(raw);
        const std::string line = std::string(picking::to_string(last->verdict)) + ": " + last->message;
        if (last->verdict == picking::Verdict::refused) {
            log::warning("pick", line);
        } else {
            log::info("pick", line);
        }
    }
}

nlohmann::json PickStation::handle(const std::string& command, const nlohmann::json& request) {
    if (command == "sim.scan") {
        if (parts_.sim_scanner == nullptr) return failure("sim.scan is only available with the sim board's scanner");
        const auto code = request.find("code");
        if (code == request.end() || !code->is_string() || code->get_ref<const std::string&>().empty()) {
            return failure("sim.scan needs \"code\": the scan exactly as a scanner sends it");
        }
        if (!parts_.sim_scanner->feed(code->get<std::string>())) return failure("the sim scanner is not started");
        auto outcome = drain();
        if (!outcome) return failure("the scan was not delivered");
        return outcome_json(*outcome);
    }
    if (command == "pick.confirm" || command == "pick.cancel") {
        drain();  // scans that came before the command count first
        const auto outcome = command == "pick.confirm" ? session_.handle_confirm() : session_.handle_cancel();
        log::info("pick", std::string(picking::to_string(outcome.verdict)) + ": " + outcome.message);
        return outcome_json(outcome);
    }
    return failure("unknown command '" + command + "' (known: sim.scan, pick.confirm, pick.cancel)");
}

nlohmann::json PickStation::status() const {
    nlohmann::json out = session_.status();
    out["scans"] = scans_;
    {
        std::lock_guard lock(mutex_);
        out["scanner_error"] = scanner_error_;
    }
    if (parts_.sim_indicator != nullptr) {
        nlohmann::json beeps = nlohmann::json::array();
        for (const auto beep : parts_.sim_indicator->beeps()) beeps.push_back(beep == hal::BeepPattern::ok ? "ok" : "error");
        out["indicator"] = {{"led", led_text(parts_.sim_indicator->led())}, {"beeps", beeps}};
    }
    return out;
}

}  // namespace outpost::agent
