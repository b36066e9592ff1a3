// outpostd's command line: --version, and refusing a bad configuration with a clear message.

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "simulator.hpp"
#include "temp_dir.hpp"
#include "test_paths.hpp"

namespace outpost::testing {
namespace {

// Runs a shell command, returns its exit code and combined output.
int run(const std::string& command, std::string& output) {
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return -1;
    char buffer[512];
    output.clear();
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    const int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(OutpostdCli, VersionNamesEveryLibrary) {
    std::string output;
    ASSERT_EQ(run(std::string(paths::kOutpostd) + " --version", output), 0) << output;
    EXPECT_NE(output.find("libcurl 8."), std::string::npos) << output;
    EXPECT_NE(output.find("TLS backend mbedTLS/3.6."), std::string::npos) << output;
    EXPECT_NE(output.find("Mbed TLS 3.6."), std::string::npos) << output;
    EXPECT_NE(output.find("SQLite 3."), std::string::npos) << output;
}

TEST(OutpostdCli, HelpPrintsTheOptionsAndABadCommandLineIsRefused) {
    std::string output;
    ASSERT_EQ(run(std::string(paths::kOutpostd) + " --help", output), 0) << output;
    EXPECT_NE(output.find("--check-config"), std::string::npos) << output;
    EXPECT_EQ(run(std::string(paths::kOutpostd) + " --confgi x.toml", output), 2);
    EXPECT_NE(output.find("unknown argument '--confgi'"), std::string::npos) << output;
    EXPECT_EQ(run(std::string(paths::kOutpostd) + " --config", output), 2);
    EXPECT_NE(output.find("--config needs a file name"), std::string::npos) << output;
}

TEST(OutpostdCli, RefusesAConfigurationWithATypoNamingTheKey) {
    TempDir dir;
    std::ofstream(dir.file("bad.toml")) << "device_id = \"x\"\ndevcie_name = \"y\"\n";
    std::string output;
    EXPECT_EQ(run(std::string(paths::kOutpostd) + " --config " + dir.file("bad.toml"), output), 1);
    EXPECT_NE(output.find("unknown key 'devcie_name'"), std::string::npos) << output;
}

TEST(OutpostdCli, MissingConfigurationFileIsAClearError) {
    std::string output;
    EXPECT_EQ(run(std::string(paths::kOutpostd) + " --config /nonexistent/outpostd.toml", output), 1);
    EXPECT_NE(output.find("/nonexistent/outpostd.toml: cannot read"), std::string::npos) << output;
}

TEST(OutpostdCli, RefusesAPrivateKeyReadableByOthers) {
    TempDir dir;
    std::filesystem::copy_file(pki_file("client.key"), dir.file("client.key"));
    std::filesystem::permissions(dir.file("client.key"), std::filesystem::perms::owner_read |
                                                             std::filesystem::perms::owner_write |
                                                             std::filesystem::perms::group_read |
                                                             std::filesystem::perms::others_read);
    std::ofstream(dir.file("outpostd.toml"))
        << "device_id = \"x\"\n[storage]\noutbox_path = \"outbox.db\"\n[control]\nsocket_path = \"s.sock\"\n"
        << "[tls]\nca_file = \"" << pki_file("ca.pem") << "\"\ncert_file = \"" << pki_file("client.pem")
        << "\"\nkey_file = \"client.key\"\n[upstream.din]\nbase_url = \"https://localhost:1\"\n"
        << "username = \"u\"\npassword = \"p\"\n";
    std::string output;
    EXPECT_EQ(run(std::string(paths::kOutpostd) + " --config " + dir.file("outpostd.toml"), output), 1);
    EXPECT_NE(output.find("client.key is accessible to group or others (mode 0644)"), std::string::npos) << output;
    EXPECT_NE(output.find("chmod 600"), std::string::npos) << output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("outbox.db"))) << "started anyway";
}

}  // namespace
}  // namespace outpost::testing
