#pragma once
// The agent: wires the outbox, the control socket, intake, and one delivery worker per upstream.
//
// Contract:
// - create() opens everything the configuration names and fails, with the reason, before
//   anything is started: a misconfigured device never half-starts.
// - run() serves the control socket on the calling thread until stop() is called (from any
//   thread, e.g. a signal handler thread); then the delivery workers finish their request in
//   flight and run() returns.
// - The network link (HAL) is observed: link up wakes delivery, link down parks it.
// - `sim_link` is the sim board's controllable link when the board is sim, else null; only then
//   does the control protocol accept "sim.link".
// - request_reload() (any thread, e.g. on SIGHUP) makes the control loop read the config file
//   again between turns: upstreams, credentials, timeouts, delivery settings, log level and the
//   TLS certificate and key are replaced; queued work stays in the outbox untouched and
//   in-flight requests finish first. An invalid new config is logged and the running one stays.
//   The outbox path, control socket, board and device id change only at a restart (logged).
// - set_watchdog() (before run()): run() sends READY=1 once it serves, and kicks the watchdog
//   from the control loop at least twice per interval (0: READY only).
// - attach_pick_station() (before run(), on boards with a scanner): reads pick lists and
//   materials from the agent's catalog (storage.catalog_path, filled by the pullers) and runs a pick session
//   (core/picking) on the control thread: scans from `scanner`, feedback on `indicator` (null:
//   none), confirmed picks queued through the same intake path as "enqueue". Control commands
//   pick.confirm, pick.cancel and, with the sim board's scanner, sim.scan; status gains
//   "pick_session".

#include <atomic>
#include <chrono>
#include <memory>

#include "outpost/common/expected.hpp"
#include "outpost/config/config.hpp"

namespace hal {
class BarcodeScanner;
class Indicator;
class NetworkLink;
class Watchdog;
namespace sim {
class SimIndicator;
class SimNetworkLink;
class SimScanner;
}
}  // namespace hal

namespace outpost::agent {

class Agent {
public:
    static Expected<std::unique_ptr<Agent>> create(const config::Config& config, hal::NetworkLink& link,
                                                   hal::sim::SimNetworkLink* sim_link);
    ~Agent();
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    Expected<void> run();
    void stop();            // async-signal-unsafe parts avoided: writes an eventfd only
    void request_reload();  // likewise
    void set_watchdog(hal::Watchdog& watchdog, std::chrono::milliseconds interval);
    Expected<void> attach_pick_station(hal::BarcodeScanner& scanner, hal::Indicator* indicator,
                                       hal::sim::SimScanner* sim_scanner, hal::sim::SimIndicator* sim_indicator);

private:
    struct Parts;
    explicit Agent(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

}  // namespace outpost::agent
