// The single `ekyc` binary: the server and the command-line tools share every module.
#include <iostream>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "ekyc: eKYC server for Vietnamese identity documents (ID card reading, face matching, "
      "liveness, face database)"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  int exit_code = 0;
  ekyc::app::AddVersionCommand(app, &exit_code);
  ekyc::app::AddReadCommand(app, &exit_code);
  ekyc::app::AddServeCommand(app, &exit_code);
  ekyc::app::AddKeysCommand(app, &exit_code);
  ekyc::app::AddLiveCommand(app, &exit_code);
  ekyc::app::AddCardLiveCommand(app, &exit_code);
  ekyc::app::AddFaceCommand(app, &exit_code);
  ekyc::app::AddAddressCommand(app, &exit_code);
  ekyc::app::AddStoreCommand(app, &exit_code);
  ekyc::app::AddChipCommand(app, &exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
