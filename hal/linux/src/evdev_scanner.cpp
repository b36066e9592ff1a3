#include "hal/linux/evdev_scanner.hpp"

#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "fd_reader.hpp"
#include "hal/linux/keyboard_wedge.hpp"
#include "sysfs_files.hpp"

namespace hal::linux {

using linux_impl::system_error;
using linux_impl::UniqueFd;

EvdevScanner::EvdevScanner(EvdevScannerOptions options) : options_(std::move(options)) {}

EvdevScanner::~EvdevScanner() { stop(); }

void EvdevScanner::set_handlers(ScanHandler on_scan, ErrorHandler on_error) {
    std::lock_guard lock(mutex_);
    on_scan_ = std::move(on_scan);
    on_error_ = std::move(on_error);
}

Status EvdevScanner::start() {
    std::lock_guard lock(mutex_);
    const std::string& device = options_.device;
    if (reader_ && reader_->running()) return Status::failure(device + ": scanner already started");
    if (reader_) reader_->stop();  // the thread of a previous run that ended with on_error
    UniqueFd fd(::open(device.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) return Status::failure(system_error(device, "open", errno));
    if (options_.grab && ::ioctl(fd.get(), EVIOCGRAB, 1) != 0) {
        return Status::failure(system_error(device, "EVIOCGRAB (another process holds it?)", errno));
    }
    wedge_ = std::make_unique<KeyboardWedge>(options_.gs_key, options_.max_scan_length);
    pending_.clear();
    reader_ = std::make_unique<linux_impl::FdReader>();
    auto on_error = on_error_;
    return reader_->start(
        std::move(fd), device, [this](std::string_view bytes) { on_bytes(bytes); },
        [on_error](const std::string& message) { if (on_error) on_error(message); });
}

// Runs on the reader thread only; wedge_ and pending_ belong to it while it runs.
void EvdevScanner::on_bytes(std::string_view bytes) {
    pending_.append(bytes);
    std::size_t used = 0;
    while (pending_.size() - used >= sizeof(input_event)) {
        input_event event{};
        std::memcpy(&event, pending_.data() + used, sizeof event);
        used += sizeof event;
        if (event.type != EV_KEY) continue;
        switch (wedge_->key(event.code, event.value)) {
            case KeyboardWedge::Outcome::scan:
                if (on_scan_) on_scan_(wedge_->take());
                break;
            case KeyboardWedge::Outcome::too_long:
                if (on_error_) {
                    on_error_(options_.device + ": scan longer than " + std::to_string(options_.max_scan_length) +
                              " characters dropped");
                }
                break;
            case KeyboardWedge::Outcome::nothing:
                break;
        }
    }
    pending_.erase(0, used);
}

void EvdevScanner::stop() {
    std::lock_guard lock(mutex_);
    if (reader_) reader_->stop();  // closing the fd also releases the grab
    reader_.reset();
}

}  // namespace hal::linux
