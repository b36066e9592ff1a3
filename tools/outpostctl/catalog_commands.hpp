#pragma once
// outpostctl catalog status [--json] | material CODE | material --gtin GTIN | pull
//   | order KEY_OR_ID [--json] | orders [--status S] [--limit N] [--json]
// (the agent's catalog.* control commands).

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace outpost::ctl {

struct CatalogCommands {
    CLI::App* status = nullptr;
    CLI::App* material = nullptr;
    CLI::App* pull = nullptr;
    CLI::App* order = nullptr;
    CLI::App* orders = nullptr;
    bool json = false;
    std::string code;
    std::string gtin;
    std::string order_key;      // order: the key_ssl or the SMILE order id
    std::string status_filter;  // orders --status
    long long limit = 0;        // orders --limit; 0: the agent's default
};

// Adds the `catalog` subcommand and its own subcommands to `app`; `commands` holds what they parse.
void add_catalog_commands(CLI::App& app, CatalogCommands& commands);

// Runs the catalog subcommand that was parsed and returns its exit code; nullopt when none was.
std::optional<int> run_catalog_command(const CatalogCommands& commands, const std::string& socket);

}  // namespace outpost::ctl
