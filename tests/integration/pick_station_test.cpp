// A pick session through outpostd on the sim board (issue 6): the catalog file holds a pick list
// and its materials; scans are fed over the control socket (sim.scan, through the SimScanner);
// refusals and acceptances come back as verdicts and as the SimIndicator's record in status;
// the confirm queues exactly one picking-order operation, read back from the outbox file.
// Also outpostctl sim scan / pick cancel, and a board without a scanner refusing pick commands.

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "agent_process.hpp"
#include "outbox_file.hpp"
#include "outpost/catalog/catalog.hpp"
#include "test_paths.hpp"

namespace outpost::testing {
namespace {

constexpr std::int64_t kDeviceNow = 1795403700000;  // 2026-11-23T03:15:00Z (sim.clock)

void fill_catalog(const std::string& path) {
    auto opened = catalog::Catalog::open(path);
    ASSERT_TRUE(opened) << opened.error().describe();
    catalog::MasterRecord bcg;
    bcg.id = 1;
    bcg.code = "BCG-20";
    bcg.gtin = "08991234567891";
    bcg.uom = "vial";
    bcg.is_batch = true;
    bcg.data = "{}";
    catalog::MasterRecord polio = bcg;
    polio.id = 2;
    polio.code = "POLIO-5";
    polio.gtin = "08991234567914";
    ASSERT_TRUE((*opened)->upsert(catalog::EntityType::Materials, std::vector{bcg, polio}));
    catalog::PickList list;
    list.order_id = 48211;
    list.key_ssl = "SSL-2026-000123";
    list.status = "allocated";
    list.items = {{1, "BCG-20", 2, "B2311A", "{}"}};
    list.data = "{}";
    ASSERT_TRUE((*opened)->upsert_pick_lists(std::vector{list}));
}

// The picking-order payloads in the outbox file, read beside the running agent.
std::vector<nlohmann::json> picking_payloads(const std::string& outbox_path) {
    return queued_payloads(outbox_path, "picking-order");
}

class PickStationTest : public ::testing::Test {
protected:
    void SetUp() override {
        fill_catalog(dir.file("catalog.db"));
        agent = std::make_unique<AgentProcess>(dir, AgentSettings{});
        ASSERT_TRUE(agent->call({{"cmd", "sim.clock"}, {"unix_ms", kDeviceNow}}).value("ok", false));
    }
    nlohmann::json scan(const std::string& code) { return agent->call({{"cmd", "sim.scan"}, {"code", code}}); }
    nlohmann::json session() { return agent->status()["pick_session"]; }

    TempDir dir;
    std::unique_ptr<AgentProcess> agent;
};

TEST_F(PickStationTest, ScansThroughTheControlSocketQueueOnePickingOrder) {
    EXPECT_EQ(session()["state"], "idle");

    EXPECT_EQ(scan("]C0SSL-2026-999999")["verdict"], "refused");
    EXPECT_EQ(scan("]C0SSL-2026-000123")["verdict"], "accepted");
    EXPECT_EQ(session()["state"], "picking");
    EXPECT_EQ(session()["order"], "SSL-2026-000123");

    const auto wrong = scan("]C10108991234567914172705311" "0P1");
    EXPECT_EQ(wrong["verdict"], "refused");
    EXPECT_NE(wrong["message"].get<std::string>().find("wrong item: POLIO-5"), std::string::npos) << wrong.dump();
    const auto expired = scan("]C1010899123456789117261122" "10B2311A");
    EXPECT_NE(expired["message"].get<std::string>().find("expired 2026-11-22"), std::string::npos) << expired.dump();
    EXPECT_EQ(scan("]C1010899123456789117270531" "10B2311A")["verdict"], "accepted");
    EXPECT_EQ(scan("(01)08991234567891(17)270531(10)B2311A")["verdict"], "accepted");  // human-readable form
    const auto over = scan("]C1010899123456789117270531" "10B2311A");
    EXPECT_NE(over["message"].get<std::string>().find("over-pick"), std::string::npos) << over.dump();
    EXPECT_EQ(session()["lines_picked"], 1);
    EXPECT_EQ(session()["lines_remaining"], 0);
    EXPECT_TRUE(picking_payloads(dir.file("outbox.db")).empty());

    const auto done = scan("]C0CONFIRM");
    ASSERT_EQ(done["verdict"], "queued") << done.dump();
    ASSERT_TRUE(done.contains("operation_id"));

    const auto status = session();
    EXPECT_EQ(status["state"], "idle");
    EXPECT_EQ(status["last_order"], "SSL-2026-000123");
    // The indicator's record: open (ok), unknown order, wrong item, expired, two picks, over-pick, done.
    EXPECT_EQ(status["indicator"]["beeps"],
              (nlohmann::json{"error", "ok", "error", "error", "ok", "ok", "error", "ok"}));
    EXPECT_EQ(status["indicator"]["led"], "on");
    EXPECT_EQ(agent->status()["outbox"]["pending"], 1) << agent->status().dump();

    const auto payloads = picking_payloads(dir.file("outbox.db"));
    ASSERT_EQ(payloads.size(), 1u);
    EXPECT_EQ(payloads[0]["key_ssl"], "SSL-2026-000123");
    EXPECT_EQ(payloads[0]["order_id"], 48211);
    EXPECT_EQ(payloads[0]["picked_at"], "2026-11-23T03:15:00+00:00");
    EXPECT_EQ(payloads[0]["items"],
              (nlohmann::json::array({{{"material_code", "BCG-20"}, {"gtin", "08991234567891"}, {"batch_code", "B2311A"},
                                       {"expired_date", "2027-05-31"}, {"qty", 2}, {"uom", "vial"}}})));

    // Confirming again has nothing to confirm: still one operation.
    EXPECT_EQ(agent->call({{"cmd", "pick.confirm"}})["verdict"], "refused");
    EXPECT_EQ(picking_payloads(dir.file("outbox.db")).size(), 1u);
}

TEST_F(PickStationTest, OutpostctlFeedsScansAndCancels) {
    struct Run {
        int exit_code;
        std::string output;
    };
    // Single-quoted for the shell: the codes hold "]" and "(".
    auto outpostctl = [&](const std::string& arguments) {
        const std::string command = std::string(paths::kOutpostctl) + " --socket " + agent->socket_path() + " " +
                                    arguments + " > " + dir.file("ctl.txt") + " 2>&1";
        const int status = std::system(command.c_str());
        std::ifstream out(dir.file("ctl.txt"));
        return Run{WEXITSTATUS(status), std::string((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>())};
    };
    const auto opened = outpostctl("sim scan ']C0SSL-2026-000123'");
    EXPECT_EQ(opened.exit_code, 0) << opened.output;
    EXPECT_NE(opened.output.find("accepted: order SSL-2026-000123"), std::string::npos) << opened.output;
    const auto shown = outpostctl("status");
    EXPECT_NE(shown.output.find("pick      picking order SSL-2026-000123, lines picked 0, remaining 1"),
              std::string::npos)
        << shown.output;
    const auto refused = outpostctl("sim scan '(01)08991234567914(17)270531(10)P1'");
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.output.find("refused: wrong item"), std::string::npos) << refused.output;
    const auto cancelled = outpostctl("pick cancel");
    EXPECT_EQ(cancelled.exit_code, 0) << cancelled.output;
    EXPECT_EQ(session()["state"], "idle");
    EXPECT_EQ(session()["indicator"]["led"], "off");
    EXPECT_TRUE(picking_payloads(dir.file("outbox.db")).empty());
}

}  // namespace
}  // namespace outpost::testing
