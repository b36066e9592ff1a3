#include "board_hal.hpp"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "hal/linux/dev_watchdog.hpp"
#include "hal/linux/evdev_scanner.hpp"
#include "hal/linux/linux_network_link.hpp"
#include "hal/linux/sd_notify_watchdog.hpp"
#include "hal/linux/serial_scanner.hpp"
#include "hal/linux/sysfs_indicator.hpp"

namespace outpostd {
namespace {

outpost::Error board_error(const outpost::config::Config& config, const std::string& message) {
    const std::string where = config.board_data.file.empty() ? "board '" + config.board + "'" : config.board_data.file;
    return outpost::make_error("board", where + ": " + message);
}

// A device value that must be a whole number ("115200"; TOML integers arrive as their text):
// the whole text, nothing after it, or nullopt.
std::optional<long long> whole_number(const std::string& text) {
    long long value = 0;
    const char* end = text.data() + text.size();
    const auto [stopped, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stopped != end) return std::nullopt;
    return value;
}

// An LED-class device named by its name ("status:green") or its path ("/sys/class/leds/status:green").
std::pair<std::string, std::string> led_root_and_name(const std::string& device) {
    const auto slash = device.rfind('/');
    if (slash == std::string::npos) return {"/sys/class/leds", device};
    return {device.substr(0, slash), device.substr(slash + 1)};
}

// The scanner and indicator of a pick station (board_hal.hpp). Only created here: the agent's
// pick station starts the scanner, so a scanner that is unplugged does not stop the daemon.
outpost::Expected<void> wire_station(const outpost::config::Config& config, BoardHal& wired) {
    const auto& board = config.board_data;
    const std::string fallback = board.name == "sim" ? "sim" : "none";
    const std::string scanner_kind = board.hal_choice("scanner", fallback);
    if (scanner_kind == "sim") {
        auto scanner = std::make_unique<hal::sim::SimScanner>();
        wired.sim_scanner = scanner.get();
        wired.scanner = std::move(scanner);
    } else if (scanner_kind == "evdev" || scanner_kind == "serial") {
        const std::string device = board.device("scanner");
        if (device.empty()) return board_error(config, "hal.scanner = \"" + scanner_kind + "\" needs devices.scanner");
        if (scanner_kind == "evdev") {
            const auto gs_key = whole_number(board.device("scanner_gs_key", "0"));
            if (!gs_key || *gs_key < 0 || *gs_key > 0xffff) {
                return board_error(config, "devices.scanner_gs_key must be a key code (0 to 65535)");
            }
            hal::linux::EvdevScannerOptions options;
            options.device = device;
            options.gs_key = static_cast<std::uint16_t>(*gs_key);
            wired.scanner = std::make_unique<hal::linux::EvdevScanner>(options);
        } else {
            // Checked here, not only when the scanner starts: a wrong rate is a mistake in the
            // board file (outpostd refuses to start), not a device that is missing for a while.
            const std::string baud_text = board.device("scanner_baud", "9600");
            const auto baud = whole_number(baud_text);
            if (!baud || *baud <= 0 || *baud > 230400 || !hal::linux::is_supported_baud(static_cast<int>(*baud))) {
                return board_error(config, "devices.scanner_baud = '" + baud_text +
                                               "' is not a rate the serial scanner supports (1200, 2400, 4800, "
                                               "9600, 19200, 38400, 57600, 115200, 230400)");
            }
            hal::linux::SerialScannerOptions options;
            options.device = device;
            options.baud = static_cast<int>(*baud);
            wired.scanner = std::make_unique<hal::linux::SerialScanner>(options);
        }
    }

    const std::string indicator_kind = board.hal_choice("indicator", fallback);
    if (indicator_kind == "sim") {
        auto indicator = std::make_unique<hal::sim::SimIndicator>();
        wired.sim_indicator = indicator.get();
        wired.indicator = std::move(indicator);
    } else if (indicator_kind == "sysfs-led") {
        const std::string led = board.device("led_ok");
        if (led.empty()) return board_error(config, "hal.indicator = \"sysfs-led\" needs devices.led_ok");
        auto [root, name] = led_root_and_name(led);
        const std::string beeper = board.device("beeper");
        if (!beeper.empty() && led_root_and_name(beeper).first != root) {
            return board_error(config, "devices.beeper must be in the same LED class folder as devices.led_ok (" + root + ")");
        }
        wired.indicator = std::make_unique<hal::linux::SysfsIndicator>(hal::linux::SysfsIndicatorOptions{
            root, name, beeper.empty() ? std::string() : led_root_and_name(beeper).second});
    }
    return {};
}

}  // namespace

outpost::Expected<BoardHal> wire_board(const outpost::config::Config& config) {
    const auto& board = config.board_data;
    BoardHal wired;

    const std::string link_kind = board.hal_choice("network_link", "sim");
    if (link_kind == "linux") {
        const std::string interface = board.device("network_interface");
        if (interface.empty()) return board_error(config, "hal.network_link = \"linux\" needs devices.network_interface");
        auto link = std::make_unique<hal::linux::LinuxNetworkLink>(hal::linux::LinuxNetworkLinkOptions{interface});
        if (auto started = link->start(); !started) return board_error(config, "network link: " + started.message());
        wired.link = std::move(link);
    } else {
        auto link = std::make_unique<hal::sim::SimNetworkLink>(config.sim_link_initially_up);
        wired.sim_link = link.get();
        wired.link = std::move(link);
    }

    const std::string watchdog_kind = board.hal_choice("watchdog", "sd_notify");
    if (watchdog_kind == "sd_notify") {
        // Outside systemd (a developer's shell, the tests) there is no supervisor to notify.
        const char* notify = std::getenv("NOTIFY_SOCKET");
        if (notify != nullptr && *notify != '\0') {
            wired.watchdog = std::make_unique<hal::linux::SdNotifyWatchdog>(notify);
            const char* usec = std::getenv("WATCHDOG_USEC");
            wired.watchdog_interval = std::chrono::milliseconds((usec != nullptr ? std::atoll(usec) : 0) / 1000);
        }
    } else if (watchdog_kind == "dev") {
        const std::string timeout = board.device("watchdog_timeout_s", "30");
        const auto seconds = whole_number(timeout);
        if (!seconds || *seconds <= 0) {
            return board_error(config, "devices.watchdog_timeout_s must be a positive number of seconds");
        }
        wired.watchdog = std::make_unique<hal::linux::DevWatchdog>(board.device("watchdog", "/dev/watchdog"));
        wired.watchdog_interval = std::chrono::seconds(*seconds);
    }
    if (auto station = wire_station(config, wired); !station) return station.error();
    return wired;
}

}  // namespace outpostd
