// Configuration parsing: a valid file, defaults, and errors that name the key.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "outpost/config/config.hpp"
#include "temp_dir.hpp"

namespace outpost::config {
namespace {

const std::string kValid = R"(
device_id = "hh-07"
[storage]
outbox_path = "data/outbox.db"
[control]
socket_path = "/run/outpost/outpostd.sock"
[tls]
ca_file = "pki/ca.pem"
cert_file = "pki/client.pem"
key_file = "pki/client.key"
[upstream.din]
base_url = "https://din.example.com/"
username = "device"
password = "secret"
)";

TEST(Config, ValidFileWithDefaults) {
    auto config = parse_config(kValid, "/etc/outpost/outpostd.toml");
    ASSERT_TRUE(config) << config.error().describe();
    EXPECT_EQ(config->device_id, "hh-07");
    EXPECT_EQ(config->board, "sim");
    EXPECT_FALSE(config->sim_link_initially_up);
    EXPECT_TRUE(config->sync_full);
    EXPECT_EQ(config->outbox_path, "/etc/outpost/data/outbox.db");  // relative to the file
    EXPECT_EQ(config->control_socket, "/run/outpost/outpostd.sock");
    EXPECT_EQ(config->tls.ca_file, "/etc/outpost/pki/ca.pem");
    const UpstreamConfig* din = config->upstream("din");
    ASSERT_NE(din, nullptr);
    EXPECT_EQ(din->base_url, "https://din.example.com");  // trailing slash dropped
    EXPECT_EQ(din->connect_timeout.count(), 5000);
    EXPECT_EQ(din->concurrency, 2);
    EXPECT_EQ(din->secrets.at("password"), "secret");
    EXPECT_EQ(din->options.at("username"), "device");  // the connector's own key, checked by it
    EXPECT_FALSE(din->options.contains("password"));     // secrets are kept apart from options
    EXPECT_EQ(config->delivery.backoff_cap.count(), 60000);
}

TEST(Config, PasswordFromFile) {
    outpost::testing::TempDir dir;
    std::ofstream(dir.file("din.password")) << "from-file\n";
    std::filesystem::permissions(dir.file("din.password"), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::string text = kValid;
    text.replace(text.find("password = \"secret\""), 19, "password_file = \"din.password\"");
    auto config = parse_config(text, dir.file("outpostd.toml"));
    ASSERT_TRUE(config) << config.error().describe();
    EXPECT_EQ(config->upstream("din")->secrets.at("password"), "from-file");
}

TEST(Config, PasswordFileThatIsNotUtf8IsRefused) {
    // It would go into the JSON login body, whose dump() throws on it (in a delivery thread).
    outpost::testing::TempDir dir;
    std::ofstream(dir.file("din.password")) << "p\xe4ss\n";  // Latin-1
    std::filesystem::permissions(dir.file("din.password"), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::string text = kValid;
    text.replace(text.find("password = \"secret\""), 19, "password_file = \"din.password\"");
    auto config = parse_config(text, dir.file("outpostd.toml"));
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("is not UTF-8 text"), std::string::npos) << config.error().message;
    EXPECT_EQ(config.error().message.find("p\xe4ss"), std::string::npos) << "the secret leaked into the error";
}

TEST(Config, PasswordFileReadableByOthersIsRefused) {
    outpost::testing::TempDir dir;
    std::ofstream(dir.file("din.password")) << "from-file\n";
    std::filesystem::permissions(dir.file("din.password"), std::filesystem::perms::owner_read |
                                                               std::filesystem::perms::owner_write |
                                                               std::filesystem::perms::others_read);
    std::string text = kValid;
    text.replace(text.find("password = \"secret\""), 19, "password_file = \"din.password\"");
    auto config = parse_config(text, dir.file("outpostd.toml"));
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("chmod 600"), std::string::npos) << config.error().message;
    EXPECT_EQ(config.error().message.find("from-file"), std::string::npos) << "the secret leaked into the error";
}

struct BadCase {
    const char* name;
    std::string from;
    std::string to;
    const char* fragment;
};

class BadConfig : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadConfig, NamesTheProblem) {
    std::string text = kValid;
    const auto& bad = GetParam();
    const auto at = text.find(bad.from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, bad.from.size(), bad.to);
    auto config = parse_config(text, "test.toml");
    ASSERT_FALSE(config) << bad.name;
    EXPECT_NE(config.error().message.find(bad.fragment), std::string::npos) << config.error().message;
    EXPECT_EQ(config.error().message.find("secret"), std::string::npos) << "a secret leaked into an error";
}

// A board folder with one board.toml, as the package installs them.
std::string write_board(const outpost::testing::TempDir& dir, const std::string& name, const std::string& text) {
    std::filesystem::create_directories(dir.file("boards/" + name));
    std::ofstream(dir.file("boards/" + name + "/board.toml")) << text;
    return dir.file("boards");
}

TEST(Config, BoardDeltasFillWhatTheDeviceFileLeavesOut) {
    outpost::testing::TempDir dir;
    write_board(dir, "station", R"(
name = "station"
[hal]
network_link = "linux"
watchdog = "dev"
[devices]
network_interface = "eth0"
scanner_baud = 115200
[config]
"upstream.din.concurrency" = 4
"upstream.wms.concurrency" = 3
"delivery.first_flush_jitter_ms" = 7000
"storage.sync" = "normal"
)");
    std::string text = kValid;
    text.replace(text.find("device_id = \"hh-07\""), 19, "device_id = \"hh-07\"\nboard = \"station\"\nboards_dir = \"boards\"");
    text.replace(text.find("[storage]"), 9, "[storage]\nsync = \"full\"");
    auto config = parse_config(text, dir.file("outpostd.toml"));
    ASSERT_TRUE(config) << config.error().describe();
    EXPECT_EQ(config->board_data.hal_choice("network_link", "sim"), "linux");
    EXPECT_EQ(config->board_data.device("network_interface"), "eth0");
    EXPECT_EQ(config->board_data.device("scanner_baud"), "115200");
    EXPECT_EQ(config->upstream("din")->concurrency, 4);                  // the board's delta
    EXPECT_EQ(config->delivery.first_flush_jitter.count(), 7000);         // over the default
    EXPECT_TRUE(config->sync_full);                                       // the device's own key wins
    EXPECT_EQ(config->upstream("wms"), nullptr);                          // not configured: not created
}

TEST(Config, BoardProblemsNameTheFileAndKey) {
    outpost::testing::TempDir dir;
    write_board(dir, "toaster", "name = \"toaster\"\n[hal]\nnetwork_link = \"carrier-pigeon\"\n");
    std::string text = kValid;
    text.replace(text.find("device_id = \"hh-07\""), 19, "device_id = \"hh-07\"\nboard = \"toaster\"\nboards_dir = \"boards\"");
    auto config = parse_config(text, dir.file("outpostd.toml"));
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("boards/toaster/board.toml"), std::string::npos) << config.error().message;
    EXPECT_NE(config.error().message.find("'hal.network_link' must be one of linux, sim"), std::string::npos)
        << config.error().message;

    std::string missing = kValid;
    missing.replace(missing.find("device_id = \"hh-07\""), 19, "device_id = \"hh-07\"\nboard = \"nope\"\nboards_dir = \"boards\"");
    auto absent = parse_config(missing, dir.file("outpostd.toml"));
    ASSERT_FALSE(absent);
    EXPECT_NE(absent.error().message.find("no board file at"), std::string::npos) << absent.error().message;

    write_board(dir, "typo", "name = \"typo\"\n[devices]\nscanner_buad = 9600\n");
    std::string typo = kValid;
    typo.replace(typo.find("device_id = \"hh-07\""), 19, "device_id = \"hh-07\"\nboard = \"typo\"\nboards_dir = \"boards\"");
    auto misspelt = parse_config(typo, dir.file("outpostd.toml"));
    ASSERT_FALSE(misspelt);
    EXPECT_NE(misspelt.error().message.find("unknown device key 'devices.scanner_buad'"), std::string::npos)
        << misspelt.error().message;
}

TEST(Config, TheRepositoryBoardFilesAreValid) {
    for (const char* name : {"sim", "picking-station-aarch64", "handheld-armhf"}) {
        std::string text = kValid;
        text.replace(text.find("device_id = \"hh-07\""), 19,
                     std::string("device_id = \"hh-07\"\nboard = \"") + name + "\"\nboards_dir = \"" +
                         OUTPOST_SOURCE_DIR + "/boards\"");
        auto config = parse_config(text, "/etc/outpost/outpostd.toml");
        ASSERT_TRUE(config) << name << ": " << config.error().describe();
        EXPECT_FALSE(config->board_data.file.empty()) << name;
    }
}

TEST(Config, AtLeastOneUpstream) {
    std::string text = kValid.substr(0, kValid.find("[upstream.din]"));
    auto config = parse_config(text, "test.toml");
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("at least one upstream"), std::string::npos) << config.error().message;
}

TEST(Config, SeveralUpstreamsKeepTheirOwnKeys) {
    std::string text = kValid + R"(
[upstream.smartseller]
base_url = "https://seller.example.com"
api_key = "k"
batch = 100
token_pointer = "/data/api_token"
)";
    auto config = parse_config(text, "test.toml");
    ASSERT_TRUE(config) << config.error().describe();
    ASSERT_EQ(config->upstreams.size(), 2U);
    const UpstreamConfig* seller = config->upstream("smartseller");
    ASSERT_NE(seller, nullptr);
    EXPECT_EQ(seller->secrets.at("api_key"), "k");
    EXPECT_EQ(seller->options.at("batch"), 100);
    EXPECT_EQ(seller->options.at("token_pointer"), "/data/api_token");
    EXPECT_EQ(config->upstream("pmp"), nullptr);
}

TEST(Config, CatalogNextToTheOutboxUnlessToldAndItsPolicy) {
    auto defaults = parse_config(kValid, "/etc/outpost/outpostd.toml");
    ASSERT_TRUE(defaults) << defaults.error().describe();
    EXPECT_EQ(defaults->catalog_path, "/etc/outpost/data/catalog.db");
    EXPECT_EQ(defaults->catalog.max_age.count(), 24);
    EXPECT_FALSE(defaults->catalog.reject_when_stale);

    std::string text = kValid;
    text.replace(text.find("[storage]"), 9, "[storage]\ncatalog_path = \"cache/catalog.db\"");
    text += "[catalog]\nmax_age_hours = 72\nstale_policy = \"reject\"\n";
    auto told = parse_config(text, "/etc/outpost/outpostd.toml");
    ASSERT_TRUE(told) << told.error().describe();
    EXPECT_EQ(told->catalog_path, "/etc/outpost/cache/catalog.db");
    EXPECT_EQ(told->catalog.max_age.count(), 72);
    EXPECT_TRUE(told->catalog.reject_when_stale);

    for (const auto& [bad, fragment] :
         {std::pair{"[catalog]\nstale_policy = \"ignore\"\n", "'catalog.stale_policy'"},
          std::pair{"[catalog]\nmax_age_hours = 0\n", "'catalog.max_age_hours'"},
          std::pair{"[catalog]\nmax_age = 1\n", "unknown key 'catalog.max_age'"}}) {
        auto refused = parse_config(kValid + bad, "test.toml");
        ASSERT_FALSE(refused) << bad;
        EXPECT_NE(refused.error().message.find(fragment), std::string::npos) << refused.error().message;
    }
    std::string same_file = kValid;
    same_file.replace(same_file.find("[storage]"), 9, "[storage]\ncatalog_path = \"data/outbox.db\"");
    EXPECT_FALSE(parse_config(same_file, "/etc/outpost/outpostd.toml"));
}

// [picking] (pick sessions on a station): codes and the warehouse's UTC offset.
TEST(Config, PickingCodesAndTheWarehousesOffset) {
    auto defaults = parse_config(kValid, "test.toml");
    ASSERT_TRUE(defaults) << defaults.error().describe();
    EXPECT_EQ(defaults->picking.confirm_code, "CONFIRM");
    EXPECT_EQ(defaults->picking.utc_offset_minutes, 0);
    auto told = parse_config(kValid + "[picking]\nconfirm_code = \"OK-PICK\"\nutc_offset = \"-03:30\"\n", "test.toml");
    ASSERT_TRUE(told) << told.error().describe();
    EXPECT_EQ(told->picking.confirm_code, "OK-PICK");
    EXPECT_EQ(told->picking.cancel_code, "CANCEL");
    EXPECT_EQ(told->picking.utc_offset_minutes, -210);
    for (const char* bad : {"+7", "+07:60", "+15:00", "UTC+7"}) {
        auto refused = parse_config(kValid + "[picking]\nutc_offset = \"" + bad + "\"\n", "test.toml");
        ASSERT_FALSE(refused) << bad;
        EXPECT_NE(refused.error().message.find("'picking.utc_offset'"), std::string::npos) << refused.error().message;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadConfig,
    ::testing::Values(
        BadCase{"plain http", "https://din", "http://din", "must start with https://"},
        BadCase{"missing device", "device_id = \"hh-07\"", "", "missing required key 'device_id'"},
        BadCase{"typo in a common key", "[storage]", "[storage]\nsynk = \"full\"", "unknown key 'storage.synk'"},
        BadCase{"no upstream", "[upstream.din]", "[other]", "unknown key 'other'"},
        BadCase{"zero concurrency", "username", "concurrency = 0\nusername", "'upstream.din.concurrency'"},
        BadCase{"syntax", "[storage]", "[storage", "line "},
        BadCase{"bad sync", "outbox_path", "sync = \"sometimes\"\noutbox_path", "'storage.sync'"},
        BadCase{"unknown board", "device_id = \"hh-07\"", "device_id = \"x\"\nboard = \"toaster\"\nboards_dir = \"/nonexistent\"",
                "board 'toaster': no board file at /nonexistent/toaster/board.toml"},
        BadCase{"both passwords", "password = \"secret\"", "password = \"secret\"\npassword_file = \"x\"",
                "only one of"},
        // Found by tests/fuzz/config: values the agent's arithmetic overflows on, or a
        // threshold that wrapped to 0 as an int (tests/fuzz/regressions/config).
        BadCase{"retention beyond ten years", "outbox_path", "retention_hours = 87601\noutbox_path",
                "'storage.retention_hours' must be a positive integer of at most 87600"},
        BadCase{"timeout beyond a day", "username", "request_timeout_ms = 86400001\nusername",
                "'upstream.din.request_timeout_ms' must be a positive integer (milliseconds) of at most 86400000"},
        BadCase{"huge backoff", "[upstream.din]", "[delivery]\nbackoff_cap_ms = 9223372036854775807\n[upstream.din]",
                "'delivery.backoff_cap_ms'"},
        BadCase{"jitter beyond a day", "[upstream.din]", "[delivery]\nfirst_flush_jitter_ms = 86400001\n[upstream.din]",
                "'delivery.first_flush_jitter_ms' must be an integer from 0 to 86400000"},
        BadCase{"threshold beyond an int", "[upstream.din]", "[delivery]\nbreaker_threshold = 4294967296\n[upstream.din]",
                "'delivery.breaker_threshold' must be a positive integer of at most 1000000"},
        // toml++ 3.3.0 bugs (core/config/src/toml.hpp): an assertion and undefined behaviour.
        BadCase{"malformed table header", "[storage]", "[=storage]", "line "},
        BadCase{"non-ASCII key", "device_id", "ger\xc3\xa4t = 1\ndevice_id", "line "}),
    [](const auto& test_info) {
        std::string name = test_info.param.name;
        for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        return name;
    });

// Hardening keys (docs/control-socket.md, docs/tls.md).
TEST(Config, ControlGroupAndClientCertificateWarning) {
    auto defaults = parse_config(kValid, "/etc/outpost/outpostd.toml");
    ASSERT_TRUE(defaults) << defaults.error().describe();
    EXPECT_EQ(defaults->control_group, "");
    EXPECT_EQ(defaults->tls.client_cert_warn_days, 30);
    EXPECT_EQ(defaults->tls.client_cert_check_interval.count(), 21600);

    std::string text = kValid;
    text.replace(text.find("[tls]\n"), 6,
                 "group = \"outpost-producers\"\n[tls]\nclient_cert_warn_days = 0\nclient_cert_check_interval_s = 60\n");
    auto config = parse_config(text, "/etc/outpost/outpostd.toml");
    ASSERT_TRUE(config) << config.error().describe();
    EXPECT_EQ(config->control_group, "outpost-producers");
    EXPECT_EQ(config->tls.client_cert_warn_days, 0);
    EXPECT_EQ(config->tls.client_cert_check_interval.count(), 60);

    for (const auto& [bad, key] : std::vector<std::pair<std::string, std::string>>{
             {"group = 5\n[tls]\n", "'control.group' must be a string"},
             {"group = \"\"\n[tls]\n", "'control.group' must not be empty"},
             {"[tls]\nclient_cert_warn_days = -1\n", "'tls.client_cert_warn_days' must be an integer from 0 to 3650"},
             {"[tls]\nclient_cert_warn_days = \"30\"\n", "'tls.client_cert_warn_days' must be an integer"},
             {"[tls]\nclient_cert_check_interval_s = 0\n", "'tls.client_cert_check_interval_s' must be a positive integer"}}) {
        std::string broken = kValid;
        broken.replace(broken.find("[tls]\n"), 6, bad);
        auto refused = parse_config(broken, "/etc/outpost/outpostd.toml");
        ASSERT_FALSE(refused) << bad;
        EXPECT_NE(refused.error().message.find(key), std::string::npos) << refused.error().message;
    }
}

}  // namespace
}  // namespace outpost::config
