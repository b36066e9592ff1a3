#pragma once
// outpostctl catalog status [--json] | material CODE | material --gtin GTIN | pull
// (the agent's catalog.* control commands).

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace outpost::ctl {

struct CatalogCommands {
    CLI::App* status = nullptr;
    CLI::App* material = nullptr;
    CLI::App* pull = nullptr;
    bool json = false;
    std::string code;
    std::string gtin;
};

// Adds the `catalog` subcommand and its own subcommands to `app`; `commands` holds what they parse.
void add_catalog_commands(CLI::App& app, CatalogCommands& commands);

// Runs the catalog subcommand that was parsed and returns its exit code; nullopt when none was.
std::optional<int> run_catalog_command(const CatalogCommands& commands, const std::string& socket);

}  // namespace outpost::ctl
