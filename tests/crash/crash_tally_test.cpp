// The crash test's verdict must be able to say "no": fed made-up upstream lists, it counts
// duplicates, losses and strangers correctly.

#include <gtest/gtest.h>

#include "crash_tally.hpp"

namespace outpost::testing {
namespace {

nlohmann::json accepted_row(const std::string& key, const std::string& picking_no) {
    return {{"idempotency_key", key}, {"picking_no", picking_no}};
}

const std::vector<ProducedOperation> kProduced = {
    {"k1", "P1", true}, {"k2", "P2", true}, {"k3", "P3", false}, {"k4", "P4", false}};

TEST(CrashTally, EverythingAcknowledgedAppliedOnceIsClean) {
    const auto result = tally(kProduced, nlohmann::json::array({accepted_row("k1", "P1"), accepted_row("k2", "P2"), accepted_row("k3", "P3")}));
    EXPECT_EQ(result.acknowledged, 2);
    EXPECT_EQ(result.applied, 3);  // an unacknowledged operation may or may not arrive
    EXPECT_EQ(result.applied_twice, 0);
    EXPECT_EQ(result.lost, 0);
    EXPECT_TRUE(result.problems.empty());
    EXPECT_EQ(result.summary(), "acknowledged=2 applied=3 applied_twice=0 lost=0");
}

TEST(CrashTally, AnAcknowledgedOperationMissingUpstreamIsLost) {
    const auto result = tally(kProduced, nlohmann::json::array({accepted_row("k1", "P1")}));
    EXPECT_EQ(result.lost, 1);
    EXPECT_EQ(result.applied_twice, 0);
}

TEST(CrashTally, TheSameKeyAcceptedTwiceIsAppliedTwice) {
    const auto result = tally(kProduced, nlohmann::json::array({accepted_row("k1", "P1"), accepted_row("k1", "P1"), accepted_row("k2", "P2")}));
    EXPECT_EQ(result.applied_twice, 1);
    EXPECT_EQ(result.lost, 0);
}

TEST(CrashTally, OneOperationUnderTwoKeysIsAppliedTwiceAndNamed) {
    const auto result = tally(kProduced, nlohmann::json::array({accepted_row("k1", "P1"), accepted_row("k2", "P2"), accepted_row("k9", "P2")}));
    EXPECT_EQ(result.applied_twice, 1);
    ASSERT_EQ(result.problems.size(), 1u);
    EXPECT_NE(result.problems[0].find("k9"), std::string::npos);
}

TEST(CrashTally, AnUnacknowledgedOperationAppliedTwiceStillCounts) {
    const auto result = tally(kProduced, nlohmann::json::array({accepted_row("k1", "P1"), accepted_row("k2", "P2"),
                                                                accepted_row("k4", "P4"), accepted_row("k4", "P4")}));
    EXPECT_EQ(result.applied_twice, 1);
}

TEST(CrashTally, APickingNobodyProducedIsAProblem) {
    const auto result = tally(kProduced, nlohmann::json::array({accepted_row("k1", "P1"), accepted_row("k2", "P2"), accepted_row("kx", "PX")}));
    ASSERT_EQ(result.problems.size(), 1u);
    EXPECT_NE(result.problems[0].find("PX"), std::string::npos);
}

TEST(LaneOrder, APickingOvertakingAnEarlierOneOfItsOrderIsCounted) {
    const auto in_order = nlohmann::json::array({{{"key_ssl", "A"}, {"picking_no", "A-P1"}},
                                                 {{"key_ssl", "B"}, {"picking_no", "B-P7"}},
                                                 {{"key_ssl", "A"}, {"picking_no", "A-P2"}}});
    EXPECT_EQ(lane_order_violations(in_order), 0);
    const auto overtaken = nlohmann::json::array({{{"key_ssl", "A"}, {"picking_no", "A-P2"}},
                                                  {{"key_ssl", "B"}, {"picking_no", "B-P1"}},
                                                  {{"key_ssl", "A"}, {"picking_no", "A-P1"}}});
    EXPECT_EQ(lane_order_violations(overtaken), 1);
}

}  // namespace
}  // namespace outpost::testing
