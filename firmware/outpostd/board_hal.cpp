#include "board_hal.hpp"

#include <cstdlib>
#include <string>

#include "hal/linux/dev_watchdog.hpp"
#include "hal/linux/linux_network_link.hpp"
#include "hal/linux/sd_notify_watchdog.hpp"

namespace outpostd {
namespace {

outpost::Error board_error(const outpost::config::Config& config, const std::string& message) {
    const std::string where = config.board_data.file.empty() ? "board '" + config.board + "'" : config.board_data.file;
    return outpost::make_error("board", where + ": " + message);
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
        const long long seconds = std::atoll(timeout.c_str());
        if (seconds <= 0) return board_error(config, "devices.watchdog_timeout_s must be a positive number of seconds");
        wired.watchdog = std::make_unique<hal::linux::DevWatchdog>(board.device("watchdog", "/dev/watchdog"));
        wired.watchdog_interval = std::chrono::seconds(seconds);
    }
    return wired;
}

}  // namespace outpostd
