#include "command_line.hpp"

#include <cstdio>
#include <string_view>

namespace outpostd {
namespace {

constexpr const char* kUsage =
    "outpostd: store-and-forward agent for warehouse devices\n"
    "usage: outpostd [-c FILE] [--check-config] [--version]\n"
    "  -c, --config FILE   configuration file (TOML; default /etc/outpost/outpostd.toml)\n"
    "  --check-config      validate the configuration and exit\n"
    "  --version           print the versions of the agent and its libraries\n"
    "  -h, --help          print this and exit\n";

Parsed bad_usage(const std::string& what) {
    std::fprintf(stderr, "outpostd: %s\n%s", what.c_str(), kUsage);
    return {std::nullopt, 2};
}

}  // namespace

Parsed parse_command_line(int argc, const char* const* argv) {
    CommandLine line;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            return {std::nullopt, 0};
        }
        if (arg == "--version") {
            line.show_version = true;
        } else if (arg == "--check-config") {
            line.check_only = true;
        } else if (arg == "-c" || arg == "--config") {
            if (i + 1 >= argc) return bad_usage(std::string(arg) + " needs a file name");
            line.config_path = argv[++i];
        } else if (arg.rfind("--config=", 0) == 0) {
            line.config_path = arg.substr(std::string_view("--config=").size());
        } else {
            return bad_usage("unknown argument '" + std::string(arg) + "'");
        }
    }
    if (line.config_path.empty()) return bad_usage("the configuration file name is empty");
    return {line, 0};
}

}  // namespace outpostd
