#pragma once
// The agent's side of a pick station: the board's scanner and indicator, the catalog the pick
// lists are read from (the agent's own, which the pick-list pullers fill; it outlives the
// station), and the pick session (core/picking) they drive.
//
// Contract:
// - Scans arrive on the scanner's own thread; they are only queued there (at most kMaxQueued,
//   later ones are dropped with an error beep and a log line) and the control loop is woken.
//   The session runs on the control thread only (drain(), handle()), so its confirm goes
//   through the agent's own intake path, and the catalog and outbox see one caller at a time.
// - start() starts the scanner; a scanner that will not start (or stops delivering later) is
//   logged and shown in status, and the agent keeps delivering: the queue matters more than
//   the station.
// - handle() answers the control commands: "sim.scan" (sim board: {"code": raw} fed through the
//   SimScanner, answered with the session's verdict), "pick.confirm", "pick.cancel".
// - status() is the status section "pick_session"; on the sim board it adds what the
//   SimIndicator was asked to show ("indicator": led and beeps).

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "hal/barcode_scanner.hpp"
#include "hal/indicator.hpp"
#include "outpost/catalog/catalog.hpp"
#include "outpost/common/expected.hpp"
#include "outpost/picking/pick_session.hpp"

namespace hal::sim {
class SimScanner;
class SimIndicator;
}  // namespace hal::sim

namespace outpost::agent {

struct PickStationParts {
    hal::BarcodeScanner* scanner = nullptr;      // required
    hal::Indicator* indicator = nullptr;         // null: none (a silent station)
    hal::sim::SimScanner* sim_scanner = nullptr;  // the sim board's, for sim.scan
    hal::sim::SimIndicator* sim_indicator = nullptr;
};

class PickStation {
public:
    static constexpr std::size_t kMaxQueued = 64;

    PickStation(PickStationParts parts, catalog::Catalog& catalog, picking::EnqueueFn enqueue,
                picking::NowFn now, picking::PickSessionOptions options, std::function<void()> wake);
    ~PickStation();
    PickStation(const PickStation&) = delete;
    PickStation& operator=(const PickStation&) = delete;

    void start();
    void stop();
    // Control thread: feeds the queued scans to the session; the last outcome, if any.
    std::optional<picking::ScanOutcome> drain();
    nlohmann::json handle(const std::string& command, const nlohmann::json& request);
    [[nodiscard]] nlohmann::json status() const;

private:
    void on_scan(const std::string& raw);
    void on_error(const std::string& message);

    PickStationParts parts_;
    std::unique_ptr<hal::Indicator> silent_;  // stands in when the board has no indicator
    picking::PickSession session_;
    std::function<void()> wake_;
    mutable std::mutex mutex_;  // guards queue_, scanner_error_, dropped_
    std::deque<std::string> queue_;
    std::string scanner_error_;
    std::int64_t dropped_ = 0;
    std::int64_t scans_ = 0;  // control thread only
};

}  // namespace outpost::agent
