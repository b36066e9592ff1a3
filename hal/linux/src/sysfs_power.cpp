#include "hal/linux/sysfs_power.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "sysfs_files.hpp"

namespace hal::linux {

using linux_impl::read_attribute;

Result<PowerStatus> SysfsPower::read() const {
    std::error_code error;
    std::filesystem::directory_iterator entries(root_, error);
    if (error) return Status::failure(root_ + ": " + error.message());
    bool charger_online = false;
    bool have_battery = false;
    PowerStatus status;
    for (const auto& entry : entries) {
        const std::string dir = entry.path().string() + "/";
        const auto type = read_attribute(dir + "type");
        if (!type) continue;  // a supply going away under us
        if (*type != "Battery") {
            const auto online = read_attribute(dir + "online");
            charger_online = charger_online || (online && *online == "1");
            continue;
        }
        if (have_battery) continue;  // the first battery is the device's; others are peripherals
        have_battery = true;
        if (const auto capacity = read_attribute(dir + "capacity")) {
            int percent = 0;
            const auto [end, parse] = std::from_chars(capacity->data(), capacity->data() + capacity->size(), percent);
            if (parse == std::errc() && end == capacity->data() + capacity->size()) {
                status.battery_percent = std::clamp(percent, 0, 100);
            }
        }
        const auto state = read_attribute(dir + "status");
        status.charging = state && *state == "Charging";
        charger_online = charger_online || (state && (*state == "Charging" || *state == "Full"));
    }
    status.on_external_power = charger_online || !have_battery;
    return status;
}

}  // namespace hal::linux
