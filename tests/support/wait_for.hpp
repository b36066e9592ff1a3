#pragma once
// Waiting on a condition with a deadline: the only way tests synchronise (never a bare sleep).

#include <chrono>
#include <functional>
#include <thread>

namespace outpost::testing {

// How many times slower code runs under a sanitizer (ThreadSanitizer is 5-15x): a deadline that
// stands for "promptly" is multiplied by it, so a sanitizer build on a busy machine does not fail
// a liveness check that a plain build passes with room to spare.
inline constexpr int kSanitizerSlowdown =
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    5;
#else
    1;
#endif

// Polls `condition` every few milliseconds until it holds or `deadline` passes; returns whether
// it held. The short pause between polls only spaces out the checks; it synchronises nothing.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
    const auto give_up = std::chrono::steady_clock::now() + deadline;
    while (true) {
        if (condition()) return true;
        if (std::chrono::steady_clock::now() >= give_up) return condition();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace outpost::testing
