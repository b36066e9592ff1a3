// A picking station end to end with real Linux drivers (issue 6): outpostd on a board file whose
// scanner is hal/linux's SerialScanner on a pseudo-terminal the test opens and whose indicator
// is the SysfsIndicator on a fake LED tree, with the sim link. The upstream simulator serves the
// WMS materials and a SMILE order's pick list (the agent pulls both) and takes the picking order
// over mutual TLS. The test types as a serial scanner does: the order label, GS1 item labels
// (GTIN, expiry, batch, a count after a GS) and the confirm label, one line each with the
// terminators scanners use (CR, LF, CRLF), into the pty master.
// Also: a scanner device that does not exist leaves the agent delivering with status naming the
// scanner's error, and a baud rate the driver cannot set is refused when outpostd starts.

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "outbox_file.hpp"
#include "pick_list_fixture.hpp"
#include "pty.hpp"

namespace outpost::testing {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream file(path);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

void write_text(const std::string& path, const std::string& content) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::trunc) << content;
}

// boards/<name>/board.toml in `dir`; returns the boards folder.
std::string write_board(const TempDir& dir, const std::string& name, const std::string& body) {
    write_text(dir.file("boards/" + name + "/board.toml"), "name = \"" + name + "\"\n" + body);
    return dir.file("boards");
}

int this_year() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    return utc.tm_year + 1900;
}

// GS1 (17) expiry text, YYMMDD.
std::string yymmdd(int year, int month, int day) {
    char text[8];
    std::snprintf(text, sizeof text, "%02d%02d%02d", year % 100, month, day);
    return text;
}

// The picking-order payloads in the outbox file, read beside the running agent.
std::vector<nlohmann::json> picking_payloads(const std::string& outbox_path) {
    return queued_payloads(outbox_path, "picking-order");
}

class SerialStation : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_FALSE(pty.slave().empty()) << "no pseudo-terminal available";
        // A fake /sys/class/leds: the status LED and an LED-class beeper (hal/linux/sysfs_indicator).
        for (const char* name : {"trigger", "brightness", "delay_on", "delay_off"}) write_text(led(name), "");
        write_text(led("max_brightness"), "255\n");
        for (const char* name : {"trigger", "repeat", "pattern"}) write_text(beeper(name), "");
        write_text(beeper("max_brightness"), "1\n");
        // Generated materials: their GTINs carry valid check digits, which a scan must have (the
        // contract's BCG-20 example, 08991234567895, does not: the parser refuses it).
        seed_order(sim, 48211, "SSL-2026-000123", "allocated",
                   {{{"id", 1}, {"material_code", "MAT-00002"}, {"qty", 2}, {"batch_code", "B2311A"}},
                    {{"id", 2}, {"material_code", "MAT-00001"}, {"qty", 1}}});
    }

    // A material's GTIN as the agent's catalog holds it (pulled from WMS).
    std::string gtin_of(const std::string& code) {
        const auto answer = agent->call({{"cmd", "catalog.material"}, {"code", code}});
        EXPECT_TRUE(answer.value("ok", false)) << answer.dump();
        return answer.value("material", nlohmann::json::object()).value("gtin", "");
    }

    std::string led(const std::string& name) const { return dir.file("leds/station:green/" + name); }
    std::string beeper(const std::string& name) const { return dir.file("leds/station:beeper/" + name); }

    // Starts outpostd on a picking-station board: the serial scanner on the pty at 115200 baud.
    void start_agent() {
        AgentSettings settings = pick_list_agent(sim, /*link_up=*/true);
        settings.board = "serial-station";
        settings.boards_dir = write_board(dir, "serial-station",
                                          "[hal]\nnetwork_link = \"sim\"\nscanner = \"serial\"\n"
                                          "indicator = \"sysfs-led\"\nwatchdog = \"none\"\n"
                                          "[devices]\nscanner = \"" + pty.slave() + "\"\nscanner_baud = 115200\n"
                                          "led_ok = \"" + dir.file("leds/station:green") + "\"\n"
                                          "beeper = \"" + dir.file("leds/station:beeper") + "\"\n");
        agent = std::make_unique<AgentHarness>(sim, settings, &dir);
    }

    // One line typed by the scanner; returns the pick session once the agent has checked it.
    nlohmann::json type(const std::string& line) {
        EXPECT_TRUE(pty.write(line));
        ++typed;
        nlohmann::json session;
        const bool seen = wait_until([&] {
            session = agent->status()["pick_session"];
            return session.value("scans", 0) >= typed;
        });
        EXPECT_TRUE(seen) << "scan " << typed << " never reached the session: " << session.dump() << "\n" << agent->log();
        return session;
    }

    std::vector<nlohmann::json> accepted_pickings() { return sim.accepted()["pickings"]; }

    Pty pty;  // declared first: closed after the agent stopped reading it
    Simulator sim{pick_list_simulator()};
    TempDir dir;
    std::unique_ptr<AgentHarness> agent;
    int typed = 0;
};

TEST_F(SerialStation, ScansTypedIntoATtyQueueOnePickingOrderDeliveredOnce) {
    start_agent();
    ASSERT_TRUE(wait_for_pick_list_pulls(*agent)) << agent->status()["catalog"].dump(2) << "\n" << agent->log();
    // The agent starts the scanner before its control loop answers anything (Agent::run): by
    // now the tty is in raw mode and nothing typed from here on is lost to the line discipline.
    auto session = agent->status()["pick_session"];
    ASSERT_EQ(session["scanner_error"], "") << session.dump() << "\n" << agent->log();
    const std::string ampoule_gtin = gtin_of("MAT-00002");
    const std::string box_gtin = gtin_of("MAT-00001");
    ASSERT_EQ(ampoule_gtin.size(), 14u);
    const int year = this_year();
    const std::string expiry = yymmdd(year + 2, 5, 31);
    const std::string expiry_date = std::to_string(year + 2) + "-05-31";

    session = type("]C0SSL-2026-000123\r\n");  // Code 128 order label, CRLF
    ASSERT_EQ(session["last_verdict"], "accepted") << session.dump();
    EXPECT_EQ(session["state"], "picking");
    EXPECT_EQ(session["order"], "SSL-2026-000123");
    EXPECT_EQ(read_text(led("trigger")), "timer") << "the LED blinks while an order is open";
    EXPECT_EQ(read_text(beeper("repeat")), "1") << "one OK beep";

    // GS1-128 with an expiry before today: refused with the error beep (three beeps).
    session = type("]C101" + ampoule_gtin + "17" + yymmdd(year - 1, 12, 31) + "10B2311A\r");
    EXPECT_EQ(session["last_verdict"], "refused") << session.dump();
    EXPECT_NE(session["last_message"].get<std::string>().find("expired batch B2311A of MAT-00002"), std::string::npos)
        << session.dump();
    EXPECT_EQ(read_text(beeper("repeat")), "3");

    // Batch (10) is variable length: a GS ends it before the count (30), LF-terminated.
    session = type("]C101" + ampoule_gtin + "17" + expiry + "10B2311A\x1d" "302\n");
    EXPECT_EQ(session["last_verdict"], "accepted") << session.dump();
    EXPECT_EQ(session["last_message"], "MAT-00002 batch B2311A: 2 of 2 picked");
    EXPECT_EQ(read_text(beeper("repeat")), "1");

    // GS1 DataMatrix; the order names no batch for MAT-00001, so any batch of it will do.
    session = type("]d201" + box_gtin + "17" + expiry + "10LOT7\r\n");
    EXPECT_EQ(session["last_verdict"], "accepted") << session.dump();
    EXPECT_EQ(session["lines_picked"], 2);
    EXPECT_EQ(session["lines_remaining"], 0);

    auto shown = outpostctl(agent->socket_path(), dir, "status");
    EXPECT_NE(shown.output.find("pick      picking order SSL-2026-000123, lines picked 2, remaining 0, last: MAT-00001 "
                                "batch LOT7: 1 of 1 picked"),
              std::string::npos)
        << shown.output;
    EXPECT_TRUE(picking_payloads(dir.file("outbox.db")).empty()) << "nothing is queued before the confirm";

    session = type("]C0CONFIRM\r\n");
    ASSERT_EQ(session["last_verdict"], "queued") << session.dump() << "\n" << agent->log();
    EXPECT_EQ(session["state"], "idle");
    EXPECT_EQ(read_text(led("trigger")), "none");
    EXPECT_EQ(read_text(led("brightness")), "255") << "steady on: the pick is queued";

    ASSERT_TRUE(wait_until([&] { return agent->status()["outbox"]["delivered"] == 1; }))
        << agent->status().dump(2) << "\n" << agent->log();
    const auto payloads = picking_payloads(dir.file("outbox.db"));
    ASSERT_EQ(payloads.size(), 1u);
    EXPECT_EQ(payloads[0]["key_ssl"], "SSL-2026-000123");
    EXPECT_EQ(payloads[0]["order_id"], 48211);
    EXPECT_EQ(payloads[0]["items"],
              (nlohmann::json::array({{{"material_code", "MAT-00002"},
                                       {"gtin", ampoule_gtin},
                                       {"batch_code", "B2311A"},
                                       {"expired_date", expiry_date},
                                       {"qty", 2},
                                       {"uom", "ampoule"}},
                                      {{"material_code", "MAT-00001"},
                                       {"gtin", box_gtin},
                                       {"batch_code", "LOT7"},
                                       {"expired_date", expiry_date},
                                       {"qty", 1},
                                       {"uom", "box"}}})));
    auto pickings = accepted_pickings();
    ASSERT_EQ(pickings.size(), 1u) << sim.accepted().dump();
    EXPECT_EQ(pickings[0]["key_ssl"], "SSL-2026-000123");
    EXPECT_EQ(pickings[0]["device_id"], "test-device");
    EXPECT_EQ(pickings[0]["picking_no"], payloads[0]["picking_no"]);

    // The operator scans the confirm label again: nothing is open, nothing more is queued or sent.
    session = type("]C0CONFIRM\r");
    EXPECT_EQ(session["last_verdict"], "refused") << session.dump();
    EXPECT_EQ(picking_payloads(dir.file("outbox.db")).size(), 1u);
    EXPECT_EQ(accepted_pickings().size(), 1u);
    EXPECT_EQ(sim.stats()["by_path"].value("/ssl/ifp/picking/order", 0), 1) << sim.stats().dump();

    shown = outpostctl(agent->socket_path(), dir, "status --json");
    ASSERT_EQ(shown.exit_code, 0) << shown.output;
    const auto status = nlohmann::json::parse(shown.output);
    EXPECT_EQ(status["pick_session"]["last_order"], "SSL-2026-000123");
    EXPECT_EQ(status["pick_session"]["scans"], 6);

    // Unplugged: the scanner's error is shown, the agent goes on answering.
    pty.close_master();
    ASSERT_TRUE(wait_until([&] { return !agent->status()["pick_session"].value("scanner_error", "").empty(); }))
        << agent->log();
    EXPECT_NE(agent->status()["pick_session"]["scanner_error"].get<std::string>().find(pty.slave()), std::string::npos);
    EXPECT_EQ(agent->status()["outbox"]["delivered"], 1);
}

TEST_F(SerialStation, AScannerDeviceThatDoesNotExistLeavesTheAgentDeliveringAndShowsWhy) {
    const std::string missing = dir.file("ttyUSB-unplugged");
    AgentSettings settings;
    settings.link_up = true;
    settings.board = "missing-scanner";
    settings.boards_dir = write_board(dir, "missing-scanner",
                                      "[hal]\nnetwork_link = \"sim\"\nscanner = \"serial\"\nindicator = \"none\"\n"
                                      "watchdog = \"none\"\n[devices]\nscanner = \"" + missing + "\"\n");
    agent = std::make_unique<AgentHarness>(sim, settings, &dir);

    const auto session = agent->status()["pick_session"];
    const std::string error = session.value("scanner_error", "");
    EXPECT_NE(error.find("cannot start: " + missing + ": open"), std::string::npos) << session.dump();
    EXPECT_NE(agent->log().find("scanner: cannot start: " + missing), std::string::npos) << agent->log();
    const auto shown = outpostctl(agent->socket_path(), dir, "status");
    EXPECT_EQ(shown.exit_code, 0) << shown.output;
    EXPECT_NE(shown.output.find("SCANNER: cannot start: " + missing), std::string::npos) << shown.output;

    // The queue matters more than the station: producers are served and delivery goes on.
    agent->enqueue_picking("SSL-NO-SCANNER", 1);
    EXPECT_TRUE(wait_until([&] { return agent->status()["outbox"]["delivered"] == 1; })) << agent->log();
    EXPECT_EQ(agent->call({{"cmd", "pick.confirm"}})["verdict"], "refused") << "the session still answers";
}

TEST_F(SerialStation, ABaudRateTheScannerDriverCannotSetIsRefusedAtStart) {
    const std::pair<std::string, std::string> bauds[] = {{"12345", "12345"}, {"\"9600 baud\"", "9600 baud"}};
    for (const auto& [baud, shown] : bauds) {
        AgentSettings settings;
        settings.board = "odd-baud";
        settings.boards_dir = write_board(dir, "odd-baud",
                                          "[hal]\nscanner = \"serial\"\nwatchdog = \"none\"\n[devices]\nscanner = \"" +
                                              pty.slave() + "\"\nscanner_baud = " + baud + "\n");
        EXPECT_THROW(AgentProcess(dir, settings), std::runtime_error) << baud;
        const std::string log = read_text(dir.file("outpostd.log"));
        EXPECT_NE(log.find("devices.scanner_baud = '" + shown + "' is not a rate"), std::string::npos) << log;
        EXPECT_NE(log.find("is not a rate the serial scanner supports"), std::string::npos) << log;
    }
}

}  // namespace
}  // namespace outpost::testing
