#pragma once
// Runs one puller (connectors/puller.hpp: WMS master data, later pick lists) on a thread of its
// own, on its own kept-alive connection, while the link is up.
//
// Contract:
// - While the link is down the thread sleeps on a condition variable with no timeout: an
//   offline device spends no CPU here and sends nothing. It is woken by set_link_up(),
//   pull_now() and stop().
// - The first pull starts a random 0..first_pull_jitter after start() (with the link up) or
//   after the link comes back, unless the last successful pull is more recent than the
//   puller's interval (then the schedule stands: a flapping link does not cause a pull per flap).
// - After a complete pull the next is due interval() later. A transient failure is retried with
//   exponential backoff and full jitter (Retry-After as a floor); a refused login waits the
//   backoff cap; a permanent failure waits the interval. Failures are logged and shown in
//   status; they never touch the delivery workers, which have their own threads and connections.
// - pull_now() (an operator's "refresh the catalog") makes the next pull due at once; with the
//   link down it starts when the link comes up.
// - stop() lets a pull in progress finish its current request (bounded by the transport's
//   timeouts; the puller stops before its next one) and joins.

#include <atomic>
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

#include "outpost/common/clock.hpp"
#include "outpost/common/expected.hpp"
#include "outpost/connectors/puller.hpp"
#include "outpost/transport/http_client.hpp"

namespace outpost::agent {

struct PullSettings {
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_cap{60000};
    std::chrono::milliseconds first_pull_jitter{3000};
};

struct PullStatus {
    std::string name;
    bool pulling = false;  // a pull is in progress
    std::optional<UnixMillis> last_success_at;
    std::optional<UnixMillis> last_attempt_at;
    std::optional<UnixMillis> next_pull_at;  // nullopt while the link is down
    int consecutive_failures = 0;
    std::string last_result;  // what the last complete pull brought
    std::string last_error;   // the last failure's message, kept until the next success
    std::int64_t pulls_completed = 0;  // since start
};

class PullWorker {
public:
    using HttpFactory = std::function<Expected<std::unique_ptr<transport::HttpClient>>()>;

    // `puller` outlives the worker.
    PullWorker(connectors::Puller& puller, HttpFactory make_http, PullSettings settings, bool link_up);
    ~PullWorker();  // stops and joins
    PullWorker(const PullWorker&) = delete;
    PullWorker& operator=(const PullWorker&) = delete;

    Expected<void> start();  // fails if the HTTP client cannot be created
    void stop();
    void set_link_up(bool up);
    void pull_now();
    [[nodiscard]] PullStatus status() const;

private:
    using Clock = std::chrono::steady_clock;

    void run();
    void record_locked(const connectors::DeliveryResult& result, UnixMillis started_at);
    std::chrono::milliseconds jitter_locked(std::chrono::milliseconds ceiling);

    connectors::Puller& puller_;
    HttpFactory make_http_;
    const PullSettings settings_;
    std::unique_ptr<transport::HttpClient> http_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::minstd_rand random_;
    bool link_up_;
    bool stopping_ = false;
    std::atomic<bool> stop_flag_{false};  // stopping_, for the puller between its requests
    std::uint64_t generation_ = 0;  // bumped by every wake-up reason
    Clock::time_point next_at_{};
    PullStatus status_;
    std::thread thread_;
};

}  // namespace outpost::agent
