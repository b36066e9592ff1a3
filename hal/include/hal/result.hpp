#pragma once
// HAL: errors as values, kept tiny because the HAL may not depend on core (core's Expected lives
// above it). A Status is "ok" or a message an operator can act on, naming the device or file and
// the system error ("/dev/ttyACM0: open: No such file or directory"). A Result<T> adds a value.
// Adapting these to outpost::Expected is the caller's (core's) job.

#include <optional>
#include <string>
#include <utility>

namespace hal {

class [[nodiscard]] Status {
public:
    Status() = default;  // ok
    static Status failure(std::string message) { return Status(std::move(message)); }

    [[nodiscard]] bool ok() const noexcept { return !error_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    // Only meaningful when !ok(); empty otherwise.
    [[nodiscard]] const std::string& message() const noexcept {
        static const std::string none;
        return error_ ? *error_ : none;
    }

private:
    explicit Status(std::string message) : error_(std::move(message)) {}
    std::optional<std::string> error_;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : value_(std::move(value)) {}     // NOLINT: implicit by design, like Expected
    Result(Status failure)  // NOLINT: implicit, so `return Status::failure(...)` reads naturally
        : status_(failure.ok() ? Status::failure("no value and no error (HAL bug)") : std::move(failure)) {}

    [[nodiscard]] bool ok() const noexcept { return value_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] const T& value() const& { return *value_; }
    [[nodiscard]] const T& operator*() const& { return *value_; }
    [[nodiscard]] const T* operator->() const { return &*value_; }
    [[nodiscard]] const std::string& message() const noexcept { return status_.message(); }

private:
    std::optional<T> value_;
    Status status_;
};

}  // namespace hal
