// Stand-alone `ekyc-live` binary with only the `live` subcommands (same code as `ekyc live`), so the
// liveness evaluation can be built without every other module: tools/live/eval.sh uses it.
#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"ekyc-live: liveness checks and evaluation (same as `ekyc live`)"};
  app.require_subcommand(1);
  int exit_code = 0;
  ekyc::app::AddLiveCommand(app, &exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
