#pragma once
// outpostd's command line: -c/--config FILE, --check-config, --version, -h/--help.
//
// Three options do not need a parsing library: CLI11 was about 90 KB of the aarch64 binary,
// whose budget is 2.0 MB stripped (docs/footprint.md). outpostctl, with its subcommands, keeps
// CLI11.

#include <optional>
#include <string>

namespace outpostd {

struct CommandLine {
    std::string config_path = "/etc/outpost/outpostd.toml";
    bool show_version = false;
    bool check_only = false;
};

// The parsed command line; or, when the process should end now, its exit code: 0 after --help
// (usage on stdout), 2 for a bad command line (what was wrong and the usage on stderr).
struct Parsed {
    std::optional<CommandLine> line;
    int exit_code = 0;
};
Parsed parse_command_line(int argc, const char* const* argv);

}  // namespace outpostd
