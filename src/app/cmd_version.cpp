#include <iostream>

#include "app/commands.h"
#include "app/version.h"

namespace ekyc::app {

void AddVersionCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("version", "Print the server and API versions");
  cmd->callback([exit_code] {
    std::cout << "ekyc " << kEkycVersion << " (api_version " << kApiVersion << ")\n";
    *exit_code = 0;
  });
}

}  // namespace ekyc::app
