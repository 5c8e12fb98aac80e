// `ekyc store stats|rotate-key|gen-key|reembed`: maintenance of the face database (src/store).
// Stop every `ekyc serve` using the store before rotate-key or reembed.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "app/commands.h"
#include "core/config.h"
#include "core/log.h"
#include "face/face.h"
#include "store/store.h"

namespace ekyc::app {
namespace {

struct StoreArgs {
  bool check = false;
  std::string out;
  std::string from_model;
};

int Fail(const Status& s) {
  std::cerr << "error: " << s.ToString() << "\n";
  return 1;
}

Result<store::StoreOptions> Options() {
  EKYC_ASSIGN_OR_RETURN(Config config, Config::Load(ProcessEnv()));
  return store::OptionsFromConfig(config);
}

int Stats(const StoreArgs& args) {
  auto o = Options();
  if (!o.ok()) return Fail(o.status());
  o->create_key_if_missing = false;
  auto face_options = face::FaceEngineOptions::FromEnv();
  if (!face_options.ok()) return Fail(face_options.status());
  o->active_model = face::FaceEngine::EmbeddingModelId(*face_options);
  if (!args.from_model.empty()) o->active_model = args.from_model;
  auto s = store::OpenFaceStore(*o);
  if (!s.ok()) return Fail(s.status());
  auto st = (*s)->Stats();
  if (!st.ok()) return Fail(st.status());
  nlohmann::json j = {{"backend", st->backend},
                      {"active_model", st->active_model},
                      {"users", st->users},
                      {"faces", st->faces},
                      {"fingerprints", st->fingerprints},
                      {"audit_rows", st->audit_rows},
                      {"change_seq", st->change_seq},
                      {"index_source", st->index_source},
                      {"snapshot_seq", st->snapshot_seq}};
  for (const auto& [m, n] : st->embeddings_per_model) j["embeddings_per_model"][m] = n;
  for (const auto& [c, n] : st->indexed_per_collection) j["indexed_per_collection"][c] = n;
  if (args.check) {
    Status c = (*s)->CheckIndexConsistency();
    j["index_consistent"] = c.ok();
    if (!c.ok()) j["index_problem"] = c.message();
  }
  std::cout << j.dump(2) << "\n";
  return j.value("index_consistent", true) ? 0 : 1;
}

int Rotate() {
  auto o = Options();
  if (!o.ok()) return Fail(o.status());
  Logger log = Logger::Stderr("info");
  Status st = store::RotateKey(*o, &log);
  if (!st.ok()) return Fail(st);
  std::cout << "re-encrypted the store; the new key is in " << o->key_file
            << " (copy it to every node before restarting them)\n";
  return 0;
}

int GenKey(const StoreArgs& args) {
  std::string path = args.out;
  if (path.empty()) {
    auto o = Options();
    if (!o.ok()) return Fail(o.status());
    path = o->key_file;
  }
  Status st = store::GenerateKeyFile(path);
  if (!st.ok()) return Fail(st);
  std::cout << "wrote a new data key to " << path << " (mode 0600)\n";
  return 0;
}

// The model a store is migrated from when --from-model is not given: the one model other than
// `new_model` that has embeddings. Guessing among several would pick the wrong old vectors.
Result<std::string> OnlyOtherModel(store::StoreOptions o, const std::string& new_model) {
  o.active_model = new_model;  // its index is the one that is (nearly) empty: cheap to open
  EKYC_ASSIGN_OR_RETURN(auto s, store::OpenFaceStore(o));
  EKYC_ASSIGN_OR_RETURN(auto st, s->Stats());
  std::vector<std::string> others;
  for (const auto& [m, n] : st.embeddings_per_model) {
    if (m != new_model && n > 0) others.push_back(m);
  }
  if (others.size() == 1) return others.front();
  if (others.empty()) {
    return FailedPrecondition("store.nothing_to_reembed",
                              "no stored embeddings of a model other than the engine's (" +
                                  new_model + "): nothing to re-embed");
  }
  std::string list;
  for (const auto& m : others) list += (list.empty() ? "" : ", ") + m;
  return InvalidArgument("store.several_models",
                         "the store holds embeddings of several older models (" + list +
                             "); name the one in use with --from-model");
}

// Re-embeds every stored face that has a source image with the current face engine's model.
int Reembed(const StoreArgs& args) {
  auto o = Options();
  if (!o.ok()) return Fail(o.status());
  o->create_key_if_missing = false;
  auto face_options = face::FaceEngineOptions::FromEnv();
  if (!face_options.ok()) return Fail(face_options.status());
  auto engine = face::FaceEngine::Create(*face_options);
  if (!engine.ok()) return Fail(engine.status());
  std::string new_model = (*engine)->model_id();
  if (args.from_model.empty()) {
    auto from = OnlyOtherModel(*o, new_model);
    if (!from.ok()) return Fail(from.status());
    o->active_model = *from;
  } else {
    o->active_model = args.from_model;
  }
  auto s = store::OpenFaceStore(*o);
  if (!s.ok()) return Fail(s.status());
  store::Embedder embedder = [&](const store::ReembedInput& in) -> Result<std::vector<float>> {
    if (in.image == nullptr) return InvalidArgument("store.no_image", "no source image kept");
    std::vector<uchar> bytes(in.image->begin(), in.image->end());
    cv::Mat img = cv::imdecode(bytes, cv::IMREAD_COLOR);
    if (img.empty()) return InvalidArgument("image.unreadable", "stored image cannot be decoded");
    if (img.cols == 112 && img.rows == 112) {  // an aligned crop was stored
      EKYC_ASSIGN_OR_RETURN(auto e, (*engine)->EmbedAligned(img));
      return e.values;
    }
    EKYC_ASSIGN_OR_RETURN(
        auto a, (*engine)->Analyze(img, face::Source::kSelfie, /*enforce_quality=*/false));
    return a.embedding.values;
  };
  auto rep = (*s)->Reembed({"cli:reembed"}, new_model, embedder);
  if (!rep.ok()) return Fail(rep.status());
  nlohmann::json j = {{"from_model", o->active_model},
                      {"to_model", new_model},
                      {"embedded", rep->embedded},
                      {"skipped_no_image", rep->skipped_no_source},
                      {"failed", rep->failed}};
  std::cout << j.dump(2) << "\n";
  return 0;
}

}  // namespace

void AddStoreCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<StoreArgs>();
  auto* cmd = app.add_subcommand("store",
                                 "Face database maintenance (EKYC_STORE, EKYC_DATA_DIR, "
                                 "EKYC_PG_DSN, EKYC_DATA_KEY_FILE)");
  cmd->require_subcommand(1);

  auto* stats =
      cmd->add_subcommand("stats", "Counts of users, faces, embeddings per model, audit rows");
  stats->add_flag("--check", args->check,
                  "Also verify that the rebuilt index agrees with the tables");
  stats->add_option("--model", args->from_model,
                    "Active model id (default: the face engine's embedding id)");
  stats->callback([args, exit_code] { *exit_code = Stats(*args); });

  auto* rotate =
      cmd->add_subcommand("rotate-key",
                          "Re-encrypt all embeddings and images under a new key written to "
                          "EKYC_DATA_KEY_FILE (stop the servers first)");
  rotate->callback([exit_code] { *exit_code = Rotate(); });

  auto* gen = cmd->add_subcommand("gen-key",
                                  "Write a new random data key (refuses to overwrite); "
                                  "needed once before the first start on PostgreSQL");
  gen->add_option("--out", args->out, "Key file (default: EKYC_DATA_KEY_FILE)");
  gen->callback([args, exit_code] { *exit_code = GenKey(*args); });

  auto* reembed = cmd->add_subcommand(
      "reembed",
      "Add embeddings of the current face engine's model to every face with a stored image "
      "(stop the servers first; restart them with the new model afterwards)");
  reembed->add_option(
      "--from-model", args->from_model,
      "Model the store currently uses (default: the only model other than the engine's that has "
      "embeddings)");
  reembed->callback([args, exit_code] { *exit_code = Reembed(*args); });
}

}  // namespace ekyc::app
