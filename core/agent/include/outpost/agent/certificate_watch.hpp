#pragma once
// Watches when the device's client certificate (tls.cert_file) runs out: it is the device's
// identity towards every upstream, and a handheld left offline in a drawer for weeks must say so
// before it stops working, not after. Reads only the local file (no network), so it works the
// same online and offline.
//
// Contract:
// - check() reads the certificate file again (it may have been replaced) and logs: at the first
//   check one line whatever the state (info when fine); afterwards only when something needs
//   attention: a warning when it expires within warn_days, an error once it has expired, is not
//   valid yet, or cannot be read.
// - status() describes the last reading against the current time, for `outpostctl status`:
//   {"file", "subject", "not_before", "not_after", "days_left", "warn_days", "state", "warning"},
//   state one of "ok", "expiring", "expired", "not_yet_valid", "unreadable"; "warning" is a
//   sentence for the operator, or null when the state is "ok".
// - Not thread-safe: used from the control loop's thread only.

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "outpost/common/expected.hpp"
#include "outpost/transport/certificate_info.hpp"

namespace outpost::agent {

class CertificateWatch {
public:
    using Now = std::chrono::system_clock::time_point (*)();
    CertificateWatch(std::string path, int warn_days, Now now = &std::chrono::system_clock::now);

    // Returns the reading's error too, so a caller at start-up can refuse to run without one.
    Expected<void> check();
    [[nodiscard]] nlohmann::json status() const;

private:
    struct Assessment {
        std::string state;
        std::optional<std::string> warning;
        long long days_left = 0;
    };
    [[nodiscard]] Assessment assess() const;

    std::string path_;
    int warn_days_;
    Now now_;
    bool checked_once_ = false;
    std::optional<transport::CertificateInfo> certificate_;
    std::string read_error_;
};

}  // namespace outpost::agent
