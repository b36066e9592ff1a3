#pragma once
// Delivers one upstream's queued operations on a thread of its own.
//
// Contract:
// - While the link is down, or nothing is due, the thread sleeps on a condition variable with no
//   timeout beyond the next due time: an offline device spends no CPU here.
// - notify_enqueued() and the link observer wake it; stop() makes it finish the request in
//   flight (bounded by the transport's timeouts) and exit.
// - Each claimed operation is settled exactly once: delivered, rescheduled with backoff (full
//   jitter, Retry-After honoured as a floor), or moved to dead letters.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>

#include "outpost/common/clock.hpp"
#include "outpost/connectors/delivery.hpp"
#include "outpost/outbox/outbox.hpp"

namespace outpost::agent {

struct BackoffSettings {
    std::chrono::milliseconds base{500};
    std::chrono::milliseconds cap{60000};
};

struct UpstreamStatus {
    std::string auth = "unknown";  // unknown | ok | failed
    std::optional<UnixMillis> last_success_at;
    std::optional<UnixMillis> last_attempt_at;
    std::string last_error;
    std::int64_t delivered_total = 0;
};

class DeliveryWorker {
public:
    using Deliver = std::function<connectors::DeliveryResult(const outbox::Operation&)>;

    DeliveryWorker(std::string upstream, outbox::Outbox& outbox, Deliver deliver, BackoffSettings backoff,
                   bool link_up);
    ~DeliveryWorker();  // stops and joins
    DeliveryWorker(const DeliveryWorker&) = delete;
    DeliveryWorker& operator=(const DeliveryWorker&) = delete;

    void start();
    void stop();
    void notify_enqueued();
    void set_link_up(bool up);
    // Called on the worker thread after each settled delivery (maintenance that should only run
    // while the agent is busy anyway, e.g. pruning). Set before start().
    void set_after_delivery(std::function<void()> hook) { after_delivery_ = std::move(hook); }
    [[nodiscard]] UpstreamStatus status() const;

private:
    void run();
    // Records the outcome; false when the outbox could not be written (full disk, I/O error).
    bool settle(const outbox::Operation& operation, const connectors::DeliveryResult& result);
    std::chrono::milliseconds backoff_delay(int attempts, const connectors::DeliveryResult& result);

    const std::string upstream_;
    outbox::Outbox& outbox_;
    Deliver deliver_;
    std::function<void()> after_delivery_;
    // An outcome the outbox could not record yet: retried before anything new is claimed, so a
    // full disk costs at most a re-send with the same key, never a lost or stuck operation.
    std::optional<std::pair<outbox::Operation, connectors::DeliveryResult>> unsettled_;
    BackoffSettings backoff_;
    std::minstd_rand jitter_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool link_up_;
    bool stopping_ = false;
    bool work_signalled_ = true;  // look once at start: the outbox may hold work from before
    UpstreamStatus status_;
    std::thread thread_;
};

}  // namespace outpost::agent
