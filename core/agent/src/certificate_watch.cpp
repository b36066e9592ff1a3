#include "outpost/agent/certificate_watch.hpp"

#include "outpost/common/clock.hpp"
#include "outpost/common/log.hpp"

namespace outpost::agent {
namespace {

constexpr auto kDay = std::chrono::hours(24);

std::string rfc3339(std::chrono::system_clock::time_point at) {
    return format_rfc3339_utc(std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count());
}

std::string days(long long count) { return std::to_string(count) + (count == 1 ? " day" : " days"); }

}  // namespace

CertificateWatch::CertificateWatch(std::string path, int warn_days, Now now)
    : path_(std::move(path)), warn_days_(warn_days), now_(now) {}

CertificateWatch::Assessment CertificateWatch::assess() const {
    if (!certificate_) {
        return {"unreadable", "the client certificate " + path_ + " cannot be read (" + read_error_ +
                                  "); upstreams will refuse this device until it is fixed",
                0};
    }
    const auto now = now_();
    const auto& info = *certificate_;
    // Whole days left, rounded down: "expires in 0 days" means within the next 24 hours.
    const long long left = std::chrono::floor<std::chrono::hours>(info.not_after - now).count() / 24;
    if (now >= info.not_after) {
        return {"expired", "the client certificate " + path_ + " (" + info.subject + ") expired on " +
                               rfc3339(info.not_after) + "; upstreams refuse it: install a renewed certificate and key",
                left};
    }
    if (now < info.not_before) {
        return {"not_yet_valid", "the client certificate " + path_ + " (" + info.subject + ") is not valid before " +
                                     rfc3339(info.not_before) + "; if this device's clock (" + rfc3339(now) +
                                     ") is wrong, set it",
                left};
    }
    if (info.not_after - now <= warn_days_ * kDay) {
        return {"expiring", "the client certificate " + path_ + " (" + info.subject + ") expires in " + days(left) +
                                ", on " + rfc3339(info.not_after) + ": renew it before then (warning from " +
                                days(warn_days_) + " before, tls.client_cert_warn_days)",
                left};
    }
    return {"ok", std::nullopt, left};
}

Expected<void> CertificateWatch::check() {
    auto read = transport::read_certificate(path_);
    if (read) {
        certificate_ = std::move(*read);
        read_error_.clear();
    } else {
        certificate_.reset();
        read_error_ = read.error().message;
    }
    const bool first = !checked_once_;
    checked_once_ = true;
    const Assessment assessment = assess();
    if (assessment.state == "ok") {
        if (first) {
            log::info("tls", "client certificate " + certificate_->subject + " valid until " +
                                 rfc3339(certificate_->not_after) + " (" + days(assessment.days_left) + " left)");
        }
    } else if (assessment.state == "expiring") {
        log::warning("tls", *assessment.warning);
    } else {
        log::error("tls", *assessment.warning);
    }
    if (!read) return read.error();
    return {};
}

nlohmann::json CertificateWatch::status() const {
    const Assessment assessment = assess();
    nlohmann::json out = {{"file", path_},
                          {"warn_days", warn_days_},
                          {"state", assessment.state},
                          {"warning", assessment.warning ? nlohmann::json(*assessment.warning) : nlohmann::json(nullptr)}};
    if (certificate_) {
        out["subject"] = certificate_->subject;
        out["not_before"] = rfc3339(certificate_->not_before);
        out["not_after"] = rfc3339(certificate_->not_after);
        out["days_left"] = assessment.days_left;
    } else {
        out["subject"] = out["not_before"] = out["not_after"] = out["days_left"] = nullptr;
    }
    return out;
}

}  // namespace outpost::agent
