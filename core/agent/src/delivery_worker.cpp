#include "outpost/agent/delivery_worker.hpp"

#include <algorithm>
#include <utility>

#include "helper_thread.hpp"
#include "outpost/common/log.hpp"

namespace outpost::agent {

DeliveryWorker::DeliveryWorker(std::string upstream, outbox::Outbox& outbox, connectors::Connector& connector,
                               HttpFactory make_http, DispatchSettings settings, bool link_up)
    : upstream_(std::move(upstream)),
      outbox_(outbox),
      connector_(connector),
      make_http_(std::move(make_http)),
      settings_(settings),
      random_(std::random_device{}()),
      breaker_(settings.breaker, std::random_device{}()),
      link_up_(link_up) {
    status_.circuit = to_string(breaker_.state());
}

DeliveryWorker::~DeliveryWorker() { stop(); }

Expected<void> DeliveryWorker::start() {
    const int threads = std::max(1, settings_.concurrency);
    for (int i = 0; i < threads; ++i) {
        auto http = make_http_();
        if (!http) return http.error();
        clients_.push_back(std::move(*http));
    }
    {
        // A device that boots with the link up is a device reconnecting, like a link coming back.
        std::lock_guard lock(mutex_);
        begin_sending_period_locked();
    }
    for (auto& client : clients_) threads_.emplace_back([this, http = client.get()] { run(*http); });
    return {};
}

void DeliveryWorker::begin_sending_period_locked() {
    // The first request waits a random 0..first_flush_jitter, the first sender prepares the
    // session for the drain, and "stalled" counts from now.
    status_.ready_since = wall_clock_now_ms();
    const auto jitter = settings_.first_flush_jitter.count();
    const std::chrono::milliseconds delay(std::uniform_int_distribution<long long>(0, jitter)(random_));
    flush_not_before_ = Clock::now() + delay;
    status_.first_flush_at = status_.ready_since + delay.count();
    drain_starting_ = true;
}

void DeliveryWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
    threads_.clear();
}

void DeliveryWorker::notify_enqueued() {
    {
        std::lock_guard lock(mutex_);
        ++generation_;
    }
    wake_.notify_all();
}

void DeliveryWorker::set_link_up(bool up) {
    {
        std::lock_guard lock(mutex_);
        if (up && !link_up_) begin_sending_period_locked();
        link_up_ = up;
        ++generation_;
    }
    wake_.notify_all();
}

UpstreamStatus DeliveryWorker::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

std::chrono::milliseconds DeliveryWorker::backoff_delay(int attempts, const connectors::DeliveryResult& result) {
    // Full jitter: a random delay in [0, min(cap, base * 2^attempts)], so a fleet that failed
    // together does not retry together.
    const int exponent = std::min(attempts, 20);
    const auto ceiling = std::min(settings_.backoff_cap,
                                  std::chrono::milliseconds(settings_.backoff_base.count() * (1LL << exponent)));
    std::lock_guard lock(mutex_);
    std::uniform_int_distribution<long long> pick(0, ceiling.count());
    auto delay = std::chrono::milliseconds(pick(random_));
    if (result.retry_after) delay = std::max<std::chrono::milliseconds>(delay, *result.retry_after);
    return delay;
}

void DeliveryWorker::record_outcome_locked(const connectors::DeliveryResult& result, UnixMillis now) {
    status_.last_attempt_at = now;
    const auto state_before = breaker_.state();
    bool recovered = false;
    switch (result.outcome) {
        case connectors::Outcome::Delivered:
        case connectors::Outcome::AlreadyDelivered:
            recovered = breaker_.record_success();
            consecutive_rate_limits_ = 0;
            status_.rate_limited_until.reset();
            status_.last_success_at = now;
            status_.auth = "ok";
            ++status_.delivered_total;
            break;
        case connectors::Outcome::Permanent:
            // The upstream answered, and meant it: it is healthy, the operation is not.
            recovered = breaker_.record_success();
            status_.auth = "ok";
            status_.last_error = result.message;
            break;
        case connectors::Outcome::Transient:
            if (result.rate_limited) {
                hold_for_rate_limit_locked(result);
            } else {
                breaker_.record_transient_failure(Clock::now());
            }
            status_.last_error = result.message;
            break;
        case connectors::Outcome::AuthFailed:
            // Wrong credentials do not fix themselves in seconds: every thread of this upstream
            // waits the backoff cap before anyone tries to log in again.
            breaker_.record_neutral();
            auth_hold_until_ = Clock::now() + settings_.backoff_cap;
            status_.auth = "failed";
            status_.last_error = result.message;
            break;
    }
    if (auth_hold_until_ > Clock::now()) {
        status_.paused_until = now + settings_.backoff_cap.count();
    } else if (rate_hold_until_ > Clock::now()) {
        status_.paused_until = status_.rate_limited_until;
    } else if (breaker_.state() == CircuitBreaker::State::Open) {
        status_.paused_until = now + std::chrono::duration_cast<std::chrono::milliseconds>(
                                         breaker_.open_until() - Clock::now()).count();
    } else {
        status_.paused_until.reset();
    }
    status_.circuit = to_string(breaker_.state());
    status_.consecutive_failures = breaker_.consecutive_failures();
    if (breaker_.state() != state_before) {
        if (breaker_.state() == CircuitBreaker::State::Open) {
            log::warning(upstream_, "circuit open after " + std::to_string(breaker_.consecutive_failures()) +
                                        " consecutive transient failures: " + result.message);
        }
        ++generation_;  // threads waiting for the probe's outcome must look again
        wake_.notify_all();
    }
    if (recovered) {
        log::info(upstream_, "upstream answers again: circuit closed, retries are due now");
        // Everything that backed off while the upstream was down is due again now; the jitter
        // already happened in the breaker's probe interval.
        if (auto due = outbox_.make_due(upstream_, now); !due) log::error(upstream_, due.error().describe());
        ++generation_;
        wake_.notify_all();
    }
}

void DeliveryWorker::hold_for_rate_limit_locked(const connectors::DeliveryResult& result) {
    // The upstream is healthy: a half-open probe that met the limit is released, nothing counts
    // towards opening the circuit.
    breaker_.record_neutral();
    std::chrono::milliseconds hold;
    if (result.retry_after) {
        hold = *result.retry_after;
    } else {
        const int exponent = std::min(consecutive_rate_limits_, 20);
        hold = std::min(settings_.backoff_cap,
                        std::chrono::milliseconds(settings_.backoff_base.count() * (1LL << exponent)));
    }
    ++consecutive_rate_limits_;
    const auto until = Clock::now() + hold;
    if (until > rate_hold_until_) {
        rate_hold_until_ = until;
        status_.rate_limited_until = wall_clock_now_ms() + hold.count();
    }
    log::warning(upstream_, "rate limited: nothing is sent for " + std::to_string(hold.count()) + " ms (" +
                                (result.retry_after ? "the server's Retry-After" : "no Retry-After: own backoff") +
                                ")");
}

DeliveryWorker::OutcomeToRecord DeliveryWorker::outcome_of(const outbox::Operation& operation,
                                                           const connectors::DeliveryResult& result) {
    const UnixMillis now = wall_clock_now_ms();
    OutcomeToRecord outcome;
    outcome.settlement.id = operation.id;
    switch (result.outcome) {
        case connectors::Outcome::Delivered:
        case connectors::Outcome::AlreadyDelivered:
            outcome.settlement.kind = outbox::Settlement::Kind::Delivered;
            outcome.settlement.at = now;
            break;
        case connectors::Outcome::Permanent:
            outcome.settlement.kind = outbox::Settlement::Kind::Dead;
            outcome.settlement.error = result.message;
            outcome.log_line = "operation " + std::to_string(operation.id) + " (" + operation.kind + ", key " +
                               operation.idempotency_key + ") moved to dead letters: " + result.message;
            break;
        case connectors::Outcome::AuthFailed:
            // Wrong credentials will not fix themselves in seconds: wait the full cap so the
            // login endpoint is not hammered.
            outcome.settlement.kind = outbox::Settlement::Kind::Retry;
            outcome.settlement.at = now + settings_.backoff_cap.count();
            outcome.settlement.error = result.message;
            break;
        case connectors::Outcome::Transient: {
            const auto delay = backoff_delay(operation.attempts, result);
            outcome.settlement.kind = outbox::Settlement::Kind::Retry;
            outcome.settlement.at = now + delay.count();
            outcome.settlement.error = result.message;
            outcome.log_line = "operation " + std::to_string(operation.id) + " will be retried in " +
                               std::to_string(delay.count()) + " ms: " + result.message;
            outcome.warning = true;
            break;
        }
    }
    return outcome;
}

bool DeliveryWorker::settle(const std::vector<OutcomeToRecord>& outcomes) {
    std::vector<outbox::Settlement> settlements;
    settlements.reserve(outcomes.size());
    for (const auto& outcome : outcomes) settlements.push_back(outcome.settlement);
    auto settled = outbox_.settle(settlements);
    if (!settled) {
        log::error(upstream_, "recording the outcome of " + std::to_string(outcomes.size()) +
                                  " operation(s) failed (will retry): " + settled.error().describe());
        return false;
    }
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        if (!(*settled)[i]) {
            // Not in flight any more: nothing to record, and trying again cannot help.
            log::error(upstream_, (*settled)[i].error().describe());
        } else if (!outcomes[i].log_line.empty()) {
            if (outcomes[i].warning) {
                log::warning(upstream_, outcomes[i].log_line);
            } else {
                log::error(upstream_, outcomes[i].log_line);
            }
        }
    }
    if (after_delivery_) after_delivery_();
    return true;
}

DeliveryWorker::OutcomeToRecord DeliveryWorker::released(const outbox::Operation& operation) {
    return OutcomeToRecord{{operation.id, outbox::Settlement::Kind::Release, 0, {}}, {}, false};
}

std::vector<DeliveryWorker::OutcomeToRecord> DeliveryWorker::deliver_batch(
    transport::HttpClient& http, const std::vector<outbox::Operation>& batch, bool first_allowed) {
    std::vector<OutcomeToRecord> outcomes;
    outcomes.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (i > 0 || !first_allowed) {
            // Each request asks whether it may go (the first of a batch may have been allowed by
            // the caller): the link may have gone, the circuit opened (or, half-open, its probe
            // is the one just sent), stop been asked for.
            std::lock_guard lock(mutex_);
            std::optional<Clock::time_point> retry_at;
            if (stopping_ || !may_send_locked(Clock::now(), retry_at)) {
                for (std::size_t j = i; j < batch.size(); ++j) outcomes.push_back(released(batch[j]));
                break;
            }
        }
        const auto result = connector_.deliver(http, batch[i]);
        outcomes.push_back(outcome_of(batch[i], result));
        std::lock_guard lock(mutex_);
        record_outcome_locked(result, wall_clock_now_ms());
    }
    return outcomes;
}

bool DeliveryWorker::may_send_locked(Clock::time_point now, std::optional<Clock::time_point>& retry_at) {
    retry_at.reset();
    if (!link_up_) return false;  // woken by the link observer
    if (now < flush_not_before_ || now < auth_hold_until_ || now < rate_hold_until_) {
        retry_at = std::max({flush_not_before_, auth_hold_until_, rate_hold_until_});
        return false;
    }
    if (!breaker_.try_acquire(now)) {
        if (breaker_.state() == CircuitBreaker::State::Open) retry_at = breaker_.next_allowed(now);
        return false;  // half-open with the probe out: woken when it settles
    }
    status_.circuit = to_string(breaker_.state());
    return true;
}

namespace {
constexpr UnixMillis kClockJumpHorizonMs = 24LL * 60 * 60 * 1000;
}  // namespace

std::vector<DeliveryWorker::OutcomeToRecord> DeliveryWorker::deliver_claimed(transport::HttpClient& http,
                                                                            HelperThread& helper,
                                                                            std::vector<outbox::Operation> batch) {
    std::vector<OutcomeToRecord> previous;  // the outcomes of the batch before `batch`, not recorded yet
    bool first_allowed = true;              // the caller asked may_send_locked() for the first batch
    while (true) {
        // On the helper, while `batch` is sent: record the previous batch's outcomes, then claim
        // the next batch. That claim leaves out the lanes of `batch` (in flight), so FIFO per lane
        // holds; a lane's next operation comes in a later batch.
        bool recorded = true;
        Expected<std::vector<outbox::Operation>> next = std::vector<outbox::Operation>{};
        helper.start([&] {
            if (!previous.empty()) {
                recorded = settle(previous);
            }
            if (recorded) next = outbox_.claim_batch(upstream_, wall_clock_now_ms(), std::max(1, settings_.claim_batch));
        });
        auto outcomes = deliver_batch(http, batch, first_allowed);
        helper.wait();
        if (!recorded) {
            // The outbox could not record (a full disk, say) and claimed nothing more: both
            // batches' outcomes wait for the caller's retry.
            previous.insert(previous.end(), outcomes.begin(), outcomes.end());
            return previous;
        }
        if (!next) log::error(upstream_, next.error().describe());
        const bool cut_short = std::any_of(outcomes.begin(), outcomes.end(), [](const OutcomeToRecord& outcome) {
            return outcome.settlement.kind == outbox::Settlement::Kind::Release;
        });
        if (cut_short || !next || next->empty()) {
            // Sending stopped (link, circuit, stop), or nothing was claimed ahead: record this
            // batch here, hand back what was claimed ahead, and let the caller decide what next.
            if (next) {
                for (const auto& operation : *next) outcomes.push_back(released(operation));
            }
            if (!settle(outcomes)) return outcomes;
            return {};
        }
        previous = std::move(outcomes);
        batch = std::move(*next);
        first_allowed = false;  // deliver_batch asks for every request of a batch claimed ahead
    }
}

void DeliveryWorker::run(transport::HttpClient& http) {
    HelperThread helper;  // records outcomes and claims ahead while this thread sends
    std::vector<OutcomeToRecord> unsettled;  // outcomes the outbox could not record yet (full disk, say)
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (!unsettled.empty()) {
            lock.unlock();
            const bool recorded = settle(unsettled);
            lock.lock();
            if (recorded) {
                unsettled.clear();
            } else {
                wake_.wait_for(lock, settings_.backoff_base, [this] { return stopping_; });
            }
            continue;
        }
        std::optional<Clock::time_point> retry_at;
        if (!may_send_locked(Clock::now(), retry_at)) {
            const auto seen = generation_;
            auto woken = [&] { return stopping_ || generation_ != seen; };
            if (retry_at) {
                wake_.wait_until(lock, *retry_at, woken);
            } else {
                wake_.wait(lock, woken);
            }
            continue;
        }
        const auto seen = generation_;
        const bool prepare_drain = std::exchange(drain_starting_, false);
        lock.unlock();

        if (prepare_drain) {
            if (auto counts = outbox_.counts(); counts) connector_.before_drain(http, counts->pending);
        }
        const UnixMillis now = wall_clock_now_ms();
        auto claimed = outbox_.claim_batch(upstream_, now, std::max(1, settings_.claim_batch));
        if (claimed && !claimed->empty()) {
            unsettled = deliver_claimed(http, helper, std::move(*claimed));
            lock.lock();
            continue;
        }
        // Nothing to send: hand back the breaker's probe, and sleep until the earliest retry or
        // until something new happens.
        std::optional<UnixMillis> wake_at;
        if (!claimed) {
            log::error(upstream_, claimed.error().describe());
            wake_at = now + settings_.backoff_base.count();
        } else if (auto due = outbox_.next_due(upstream_); due && due->has_value()) {
            wake_at = **due;
            // No backoff or Retry-After reaches a day ahead: a retry time that far out was set
            // before the wall clock went back (an RTC reset, a bad NTP answer). Waiting for it
            // would stall the queue for as long; it is due now instead.
            if (*wake_at > now + std::max<UnixMillis>(kClockJumpHorizonMs, 2 * settings_.backoff_cap.count())) {
                log::warning(upstream_, "retry times lie far in the future (the wall clock went back?); "
                                        "they are due now");
                if (auto made = outbox_.make_due(upstream_, now); !made) log::error(upstream_, made.error().describe());
                wake_at = now;
            }
        }
        lock.lock();
        breaker_.record_neutral();
        auto woken = [&] { return stopping_ || generation_ != seen; };
        if (wake_at) {
            const auto wait = std::chrono::milliseconds(std::max<UnixMillis>(*wake_at - wall_clock_now_ms(), 1));
            wake_.wait_for(lock, wait, woken);
        } else {
            wake_.wait(lock, woken);
        }
    }
}

}  // namespace outpost::agent
