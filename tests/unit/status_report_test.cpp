// The status document's derived fields (issue 4): "stalled" and the first-flush hold.

#include <gtest/gtest.h>

#include "outpost/agent/status_report.hpp"
#include "outpost/common/clock.hpp"

namespace outpost::agent {
namespace {

constexpr UnixMillis kMinute = 60'000;

// One upstream with work due since `due_ago` and its last attempt `attempt_ago` before now.
StatusInputs inputs_with(UnixMillis now, UnixMillis due_ago, std::optional<UnixMillis> attempt_ago) {
    StatusInputs inputs;
    inputs.link_up = true;
    inputs.stall_after = std::chrono::milliseconds(kMinute);
    UpstreamQueue queue;
    queue.next_attempt_at = now - due_ago;
    queue.dispatcher.ready_since = now - 10 * kMinute;
    if (attempt_ago) queue.dispatcher.last_attempt_at = now - *attempt_ago;
    inputs.upstreams["din"] = queue;
    return inputs;
}

bool stalled(const StatusInputs& inputs) { return status_report(inputs)["upstreams"]["din"]["stalled"].get<bool>(); }

TEST(StatusReport, OverdueWorkWithNoAttemptForLongerThanExpectedIsStalled) {
    const UnixMillis now = wall_clock_now_ms();
    EXPECT_TRUE(stalled(inputs_with(now, 2 * kMinute, 5 * kMinute)));
    EXPECT_TRUE(stalled(inputs_with(now, 2 * kMinute, std::nullopt)));
}

TEST(StatusReport, RecentActivityIsNotStalled) {
    const UnixMillis now = wall_clock_now_ms();
    EXPECT_FALSE(stalled(inputs_with(now, 2 * kMinute, 1'000)));  // an attempt a second ago
    auto just_ready = inputs_with(now, 2 * kMinute, std::nullopt);
    just_ready.upstreams["din"].dispatcher.ready_since = now - 1'000;  // link came back a second ago
    EXPECT_FALSE(stalled(just_ready));
}

TEST(StatusReport, WaitingForAReasonIsNotStalled) {
    const UnixMillis now = wall_clock_now_ms();
    auto offline = inputs_with(now, 2 * kMinute, 5 * kMinute);
    offline.link_up = false;
    EXPECT_FALSE(stalled(offline));
    auto open = inputs_with(now, 2 * kMinute, 5 * kMinute);
    open.upstreams["din"].dispatcher.circuit = "open";
    EXPECT_FALSE(stalled(open));
    auto refused = inputs_with(now, 2 * kMinute, 5 * kMinute);
    refused.upstreams["din"].dispatcher.auth = "failed";
    EXPECT_FALSE(stalled(refused));
    auto nothing_due = inputs_with(now, -kMinute, 5 * kMinute);  // due in a minute (backoff)
    EXPECT_FALSE(stalled(nothing_due));
    auto empty = inputs_with(now, 0, 5 * kMinute);
    empty.upstreams["din"].next_attempt_at.reset();  // no pending work at all
    EXPECT_FALSE(stalled(empty));
}

TEST(StatusReport, FirstFlushHoldIsShownAndDelaysTheNextAttempt) {
    const UnixMillis now = wall_clock_now_ms();
    auto held = inputs_with(now, 1'000, std::nullopt);
    held.upstreams["din"].dispatcher.ready_since = now;
    held.upstreams["din"].dispatcher.first_flush_at = now + 2'000;
    const auto din = status_report(held)["upstreams"]["din"];
    EXPECT_EQ(din["first_flush_at"], format_rfc3339_utc(now + 2'000));
    EXPECT_GT(din["next_attempt_in_ms"].get<long long>(), 1'000);
    EXPECT_FALSE(din["stalled"].get<bool>());

    auto passed = held;
    passed.upstreams["din"].dispatcher.first_flush_at = now - 1;
    EXPECT_TRUE(status_report(passed)["upstreams"]["din"]["first_flush_at"].is_null());
}

}  // namespace
}  // namespace outpost::agent
