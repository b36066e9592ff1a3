#pragma once
// A producer of the crash test: enqueues picking orders over its own control connection, each
// with an idempotency key it chose itself, and keeps a ledger of what it was told. An operation
// counts as acknowledged only once an answer with "ok": true arrived for it; an operation whose
// answer was lost (the agent died) is retried first the next time, with the same key and body,
// exactly as a real producer must do.

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace outpost::testing {

struct ProducedOperation {
    std::string idempotency_key;
    std::string picking_no;  // unique per operation: tells operations apart at the upstream
    bool acknowledged = false;
};

class Producer {
public:
    // `pause`: time between one answer and the next request (the producer's pace); zero runs
    // closed loop at full speed.
    explicit Producer(int number, std::chrono::microseconds pause = std::chrono::microseconds(0));

    // Enqueues until the agent goes away (connection refused or closed) or a stop is requested.
    // Never throws: a failed call is the expected end of a round.
    void run(const std::string& socket_path, const std::stop_token& stop);

    [[nodiscard]] const std::vector<ProducedOperation>& operations() const { return operations_; }
    // Answers that said "ok": false, or "ok": true with another key than the one sent (the agent
    // refused or confused an operation), and anything the thread threw. For the test's report.
    [[nodiscard]] const std::vector<std::string>& anomalies() const { return anomalies_; }

private:
    void produce(const std::string& socket_path, const std::stop_token& stop);
    std::size_t next_operation();

    int number_;
    std::chrono::microseconds pause_;
    std::vector<ProducedOperation> operations_;
    std::optional<std::size_t> unanswered_;  // index of the operation to retry first
    std::vector<std::string> anomalies_;
};

}  // namespace outpost::testing
