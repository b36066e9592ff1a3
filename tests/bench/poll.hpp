#pragma once
// Waiting for a measured run to finish without disturbing it: every look at the simulator is an
// admin connection it must accept and answer (wait_until's 5 ms period made it ~200 a second,
// a few percent of a core taken from the run being measured).

#include <chrono>
#include <functional>
#include <thread>

namespace outpost::bench {

// Calls `done` every `period` until it returns true (then true) or `deadline` has passed.
inline bool poll_every(std::chrono::milliseconds period, std::chrono::seconds deadline,
                       const std::function<bool()>& done) {
    const auto give_up = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= give_up) return false;
        std::this_thread::sleep_for(period);  // spaces the looks; the condition decides
    }
    return true;
}

}  // namespace outpost::bench
