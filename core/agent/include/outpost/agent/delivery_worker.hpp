#pragma once
// Delivers one upstream's queued operations: the dispatcher of one upstream.
//
// Contract:
// - `concurrency` threads, each with its own kept-alive connection, claim operations; the
//   outbox hands each lane's head to one thread at a time, so lanes run in parallel and FIFO
//   holds within a lane. A thread claims up to `claim_batch` lane heads at once, sends them one
//   after the other, and records their outcomes in one transaction: per-statement and per-commit
//   costs are paid once per batch. With a backlog the outbox's work is off the connection's path:
//   while a thread sends a batch, its helper thread (helper_thread.hpp) records the outcomes of
//   the batch before and claims the next one, which leaves out the lanes in flight. Before each
//   request the thread checks again that it may send (link, circuit, stop); what it may not send,
//   and whatever was claimed ahead, is released, unchanged, for later.
// - While the link is down, the circuit is open, or nothing is due, the threads sleep on a
//   condition variable with no timeout beyond the next due time: an offline device spends no
//   CPU here.
// - After the link comes back, the first request waits a random delay in [0, first_flush_jitter]:
//   a warehouse of handhelds reconnecting at once does not hit the upstream at once.
// - A circuit breaker (circuit_breaker.hpp) stops sending after repeated transient failures and
//   probes with one request; when a probe succeeds, everything waiting for a retry becomes due.
// - A rate limit (429) is not an outage: the upstream answered at once and asked for less. It
//   does not count towards the breaker; instead every thread of the upstream waits until the
//   answer's Retry-After (without one: backoff_base doubling per consecutive 429, up to the cap),
//   because the limit is per client and every lane would meet it. Then sending resumes at once.
// - Each claimed operation is settled exactly once: delivered, rescheduled with backoff (full
//   jitter, Retry-After as a floor), or moved to dead letters. An outcome that cannot be recorded
//   (full disk) is retried by the same thread before it claims anything new.
// - stop() makes the threads finish the request in flight (bounded by the transport's timeouts)
//   and exit.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "outpost/agent/circuit_breaker.hpp"
#include "outpost/common/clock.hpp"
#include "outpost/connectors/connector.hpp"
#include "outpost/outbox/outbox.hpp"
#include "outpost/transport/http_client.hpp"

namespace outpost::agent {

class HelperThread;  // helper_thread.hpp

struct DispatchSettings {
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_cap{60000};
    std::chrono::milliseconds first_flush_jitter{3000};
    int concurrency = 2;
    int claim_batch = 32;  // operations a thread claims (and settles) in one transaction
    BreakerSettings breaker;
};

struct UpstreamStatus {
    std::string auth = "unknown";  // unknown | ok | failed
    std::string circuit = "closed";
    int consecutive_failures = 0;
    std::optional<UnixMillis> last_success_at;
    std::optional<UnixMillis> last_attempt_at;
    UnixMillis ready_since = 0;  // when the dispatcher last became able to send (start, link up)
    std::optional<UnixMillis> paused_until;  // circuit open, login refused or rate limited: nothing is sent before
    std::optional<UnixMillis> rate_limited_until;  // a 429 since the last success asked to wait until then
    UnixMillis first_flush_at = 0;  // after start or link up: the jittered first request, not before
    std::string last_error;
    std::int64_t delivered_total = 0;
};

class DeliveryWorker {
public:
    using HttpFactory = std::function<Expected<std::unique_ptr<transport::HttpClient>>()>;

    DeliveryWorker(std::string upstream, outbox::Outbox& outbox, connectors::Connector& connector,
                   HttpFactory make_http, DispatchSettings settings, bool link_up);
    ~DeliveryWorker();  // stops and joins
    DeliveryWorker(const DeliveryWorker&) = delete;
    DeliveryWorker& operator=(const DeliveryWorker&) = delete;

    // Set before start(): called on a delivery thread or its helper after each batch of outcomes
    // is recorded (maintenance that should only run while the agent is busy anyway, e.g. pruning).
    void set_after_delivery(std::function<void()> hook) { after_delivery_ = std::move(hook); }

    Expected<void> start();  // fails if a thread's HTTP client cannot be created
    void stop();
    void notify_enqueued();
    void set_link_up(bool up);
    [[nodiscard]] UpstreamStatus status() const;
    [[nodiscard]] const std::string& upstream() const { return upstream_; }

private:
    using Clock = std::chrono::steady_clock;
    // An outcome to record in the outbox, and what to log once it is recorded.
    struct OutcomeToRecord {
        outbox::Settlement settlement;
        std::string log_line;  // empty: nothing to log
        bool warning = false;  // log_line is a warning (a retry), else an error (a dead letter)
    };

    void run(transport::HttpClient& http);
    // Sends `batch` and the batches after it, each claimed ahead on `helper` while the one before
    // is sent (the helper also records the outcomes of the batch before that), until sending
    // stops or nothing more is due. Returns the outcomes the outbox could not record.
    std::vector<OutcomeToRecord> deliver_claimed(transport::HttpClient& http, HelperThread& helper,
                                                 std::vector<outbox::Operation> batch);
    // Sends the claimed operations one after the other while sending is allowed; the rest are
    // released. Asks may_send_locked() before each request, except the first when the caller
    // already did (first_allowed). Feeds each answer to the breaker and status as it comes.
    std::vector<OutcomeToRecord> deliver_batch(transport::HttpClient& http, const std::vector<outbox::Operation>& batch,
                                               bool first_allowed);
    OutcomeToRecord outcome_of(const outbox::Operation& operation, const connectors::DeliveryResult& result);
    // Claimed, never sent: back to pending as it was.
    static OutcomeToRecord released(const outbox::Operation& operation);
    // True when the outcomes were recorded in the outbox (then their log lines are written and
    // the after-delivery hook runs).
    bool settle(const std::vector<OutcomeToRecord>& outcomes);
    void record_outcome_locked(const connectors::DeliveryResult& result, UnixMillis now);
    void hold_for_rate_limit_locked(const connectors::DeliveryResult& result);
    std::chrono::milliseconds backoff_delay(int attempts, const connectors::DeliveryResult& result);
    // Start-up or link back: jittered first flush, drain preparation, stall clock restarted.
    void begin_sending_period_locked();
    // Why the thread may not send now, and until when (nullopt: until notified).
    bool may_send_locked(Clock::time_point now, std::optional<Clock::time_point>& retry_at);

    const std::string upstream_;
    outbox::Outbox& outbox_;
    connectors::Connector& connector_;
    HttpFactory make_http_;
    const DispatchSettings settings_;
    std::function<void()> after_delivery_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::minstd_rand random_;
    CircuitBreaker breaker_;
    bool link_up_;
    bool stopping_ = false;
    std::uint64_t generation_ = 1;  // bumped by every wake-up reason (new work, link, recovery)
    Clock::time_point flush_not_before_{};
    Clock::time_point auth_hold_until_{};
    Clock::time_point rate_hold_until_{};  // after a 429: the whole upstream waits
    int consecutive_rate_limits_ = 0;
    bool drain_starting_ = true;  // the first sender after start or link-up prepares the session  // after a refused login: the whole upstream waits
    UpstreamStatus status_;
    std::vector<std::unique_ptr<transport::HttpClient>> clients_;
    std::vector<std::thread> threads_;
};

}  // namespace outpost::agent
