#pragma once
// Builds the HAL a board file names (config::Board) for outpostd.
//
// Contract: wire_board() returns the parts the agent uses, or an Error naming the board file, the
// HAL part and the device that could not be opened; nothing is half-started on an error.
// - network link: "sim" (controllable: outpostctl sim link) or "linux" (rtnetlink + sysfs for
//   devices.network_interface, watched by its own thread from here on).
// - watchdog: "sd_notify" uses systemd's service watchdog when outpostd runs under systemd
//   ($NOTIFY_SOCKET, interval from $WATCHDOG_USEC), nothing otherwise; "dev" opens
//   devices.watchdog (default /dev/watchdog) with devices.watchdog_timeout_s (default 30);
//   "none" or "sim": no watchdog.
// - scanner: "sim" (SimScanner, fed by outpostctl sim scan), "evdev" (devices.scanner, a
//   keyboard-wedge event node; devices.scanner_gs_key: the key code it types for GS), "serial"
//   (devices.scanner, a tty at devices.scanner_baud, default 9600) or "none". Default: "sim" on
//   the sim board, "none" elsewhere. Created here, started by the agent's pick station.
// - indicator: "sim" (SimIndicator, its record shown in status), "sysfs-led" (devices.led_ok
//   and the optional devices.beeper: LED-class names or /sys/class/leds/<name> paths) or
//   "none". Default as for the scanner.

#include <chrono>
#include <memory>

#include "hal/barcode_scanner.hpp"
#include "hal/indicator.hpp"
#include "hal/network_link.hpp"
#include "hal/sim/sim_indicator.hpp"
#include "hal/sim/sim_network_link.hpp"
#include "hal/sim/sim_scanner.hpp"
#include "hal/watchdog.hpp"
#include "outpost/common/expected.hpp"
#include "outpost/config/config.hpp"

namespace outpostd {

struct BoardHal {
    std::unique_ptr<hal::NetworkLink> link;
    hal::sim::SimNetworkLink* sim_link = nullptr;  // == link.get() on the sim board
    std::unique_ptr<hal::Watchdog> watchdog;       // null: none
    std::chrono::milliseconds watchdog_interval{0};
    std::unique_ptr<hal::BarcodeScanner> scanner;    // null: none (no pick session)
    hal::sim::SimScanner* sim_scanner = nullptr;     // == scanner.get() on the sim board
    std::unique_ptr<hal::Indicator> indicator;       // null: none
    hal::sim::SimIndicator* sim_indicator = nullptr;  // == indicator.get() on the sim board
};

outpost::Expected<BoardHal> wire_board(const outpost::config::Config& config);

}  // namespace outpostd
