// `ekyc keys add|list|revoke`: manages the API keys file (EKYC_API_KEYS_FILE). Keys are stored
// hashed; `add` prints the new key once, as the last line of its output, so scripts can take it
// with `tail -n 1`.
#include <iostream>
#include <memory>

#include "api/api.h"
#include "app/commands.h"
#include "core/config.h"

namespace ekyc::app {
namespace {

struct KeysArgs {
  std::string name;
  std::string file;
};

Result<std::string> KeysFile(const KeysArgs& args) {
  if (!args.file.empty()) return args.file;
  EKYC_ASSIGN_OR_RETURN(Config config, Config::Load(ProcessEnv()));
  return config.api_keys_file;
}

int Fail(const Status& s) {
  std::cerr << "error: " << s.ToString() << "\n";
  return 1;
}

}  // namespace

void AddKeysCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<KeysArgs>();
  auto* keys = app.add_subcommand("keys", "Manage API keys (x-api-key) in EKYC_API_KEYS_FILE");
  keys->require_subcommand(1);
  keys->add_option("--file", args->file,
                   "Keys file (default: EKYC_API_KEYS_FILE or <EKYC_DATA_DIR>/api-keys.json)");

  auto* add = keys->add_subcommand("add", "Create a key; prints it once, as the last line");
  add->add_option("name", args->name,
                  "Key name (letters, digits, '_', '.', '-'), e.g. the client's name")
      ->required();
  add->callback([args, exit_code] {
    auto file = KeysFile(*args);
    if (!file.ok()) return void(*exit_code = Fail(file.status()));
    api::ApiKeyStore store(*file);
    auto key = store.Add(args->name);
    if (!key.ok()) return void(*exit_code = Fail(key.status()));
    std::cout << "Created API key '" << args->name << "' in " << *file
              << " (stored hashed). Copy it now: it cannot be shown again.\n"
              << *key << "\n";
    *exit_code = 0;
  });

  auto* list =
      keys->add_subcommand("list", "List key names, ids and creation times (never the keys)");
  list->callback([args, exit_code] {
    auto file = KeysFile(*args);
    if (!file.ok()) return void(*exit_code = Fail(file.status()));
    api::ApiKeyStore store(*file);
    auto entries = store.List();
    if (!entries.ok()) return void(*exit_code = Fail(entries.status()));
    if (entries->empty())
      std::cout << "no API keys in " << *file << "; create one with: ekyc keys add NAME\n";
    for (const auto& e : *entries) std::cout << e.name << "\t" << e.id << "\t" << e.created << "\n";
    *exit_code = 0;
  });

  auto* revoke =
      keys->add_subcommand("revoke", "Delete a key; a running server stops accepting it at once");
  revoke->add_option("name", args->name, "Key name")->required();
  revoke->callback([args, exit_code] {
    auto file = KeysFile(*args);
    if (!file.ok()) return void(*exit_code = Fail(file.status()));
    api::ApiKeyStore store(*file);
    if (Status s = store.Revoke(args->name); !s.ok()) return void(*exit_code = Fail(s));
    std::cout << "Revoked API key '" << args->name << "'\n";
    *exit_code = 0;
  });
}

}  // namespace ekyc::app
