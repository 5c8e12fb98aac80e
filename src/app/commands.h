// Subcommands of the single `ekyc` binary. Each Add* function registers one subcommand (and its
// options) on the CLI11 app and sets its callback; the callback stores the process exit code in
// `*exit_code`. One file per subcommand family: cmd_<name>.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace ekyc::app {

void AddVersionCommand(CLI::App& app, int* exit_code);
void AddReadCommand(CLI::App& app, int* exit_code);
void AddServeCommand(CLI::App& app, int* exit_code);
void AddKeysCommand(CLI::App& app, int* exit_code);
void AddLiveCommand(CLI::App& app, int* exit_code);
void AddCardLiveCommand(CLI::App& app, int* exit_code);
void AddFaceCommand(CLI::App& app, int* exit_code);
void AddAddressCommand(CLI::App& app, int* exit_code);
void AddStoreCommand(CLI::App& app, int* exit_code);
void AddChipCommand(CLI::App& app, int* exit_code);

}  // namespace ekyc::app
