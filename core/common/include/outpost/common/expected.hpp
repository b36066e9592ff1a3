#pragma once
// Errors as values. C++20 has no std::expected (it is C++23), so this is the small subset the
// agent needs: Expected<T> holds either a T or an Error; Expected<void> holds nothing or an Error.
// An Error names the module it came from and says, in words an operator can act on, what went
// wrong and where. Callers add context as the error travels up (with_context).

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace outpost {

struct Error {
    std::string module;   // "outbox", "transport", "config", ... : who raised it
    std::string message;  // human-readable, already carries the context it was given
    int code = 0;         // module-specific detail (an SQLite or curl code), 0 when none

    // Prefixes the message with where the error happened: "opening outbox.db: disk I/O error".
    [[nodiscard]] Error with_context(const std::string& context) const {
        return Error{module, context + ": " + message, code};
    }
    [[nodiscard]] std::string describe() const { return module + ": " + message; }
};

inline Error make_error(std::string module, std::string message, int code = 0) {
    return Error{std::move(module), std::move(message), code};
}

template <typename T>
class [[nodiscard]] Expected {
public:
    Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { assert(has_value()); return std::get<0>(state_); }
    const T& value() const& { assert(has_value()); return std::get<0>(state_); }
    T&& value() && { assert(has_value()); return std::get<0>(std::move(state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& { assert(!has_value()); return std::get<1>(state_); }

private:
    std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Expected<void> {
public:
    Expected() = default;
    Expected(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

    [[nodiscard]] bool has_value() const noexcept { return !error_.has_value(); }
    explicit operator bool() const noexcept { return has_value(); }
    const Error& error() const& { assert(error_.has_value()); return *error_; }

private:
    std::optional<Error> error_;
};

}  // namespace outpost
