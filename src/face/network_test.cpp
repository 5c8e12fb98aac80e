// The embedding-network contract: its JSON form, the static checks, and the checks the engine
// makes by running a network (tiny committed ONNX files, tests/data/face, written by
// tools/face/make_test_models.py; the pinned model set where it is needed).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/ids.h"
#include "face/face.h"

namespace ekyc::face {
namespace {

namespace fs = std::filesystem;

const std::string kTestModels = std::string(EKYC_SOURCE_DIR) + "/tests/data/face/";
const std::string kPredictor = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";

nlohmann::json MeanColourJson() {
  return {{"name", "acme-mean@1"},
          {"onnx", "mean_colour.onnx"},
          {"input", {{"size", 112}, {"channels", "RGB"}, {"mean", 127.5}, {"std", 128}}},
          {"alignment", "arcface"},
          {"output", {{"dim", 3}}}};
}

TEST(FaceNetworkSpec, JsonContractIsReadAndPathsResolved) {
  auto s = NetworkSpec::FromJson(MeanColourJson(), "/opt/models");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->onnx_path, "/opt/models/mean_colour.onnx");
  EXPECT_TRUE(s->rgb);
  EXPECT_EQ(s->mean[2], 127.5);
  EXPECT_EQ(s->std[0], 128);
  EXPECT_EQ(s->crop, FaceCrop::kArcFace);
  EXPECT_EQ(s->border, CropBorder::kReplicate);
  EXPECT_EQ(s->output_dim, 3);
  auto j = MeanColourJson();
  j["input"]["mean"] = {123.7, 116.3, 103.5};
  j["input"]["std"] = {58.4, 57.1, 57.4};
  j["input"]["channels"] = "BGR";
  j["alignment"] = "dlib-chip";
  auto t = NetworkSpec::FromJson(j);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_FALSE(t->rgb);
  EXPECT_EQ(t->std[1], 57.1);
  EXPECT_EQ(t->crop, FaceCrop::kDlibChip);
  EXPECT_EQ(t->border, CropBorder::kBlack);  // dlib's own fill by default
  auto b = NetworkSpec::FromJson({{"builtin", "dlib-resnet128"}, {"weight", 0.3}});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->model, "dlib-resnet128");
  EXPECT_EQ(b->weight, 0.3);
}

TEST(FaceNetworkSpec, BadContractsAreRefused) {
  auto bad = [](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j = MeanColourJson();
    edit(j);
    return NetworkSpec::FromJson(j, "/m").status().reason();
  };
  EXPECT_EQ(bad([](auto& j) { j["input"]["std"] = 0; }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j["input"]["std"] = {1, 2}; }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j["input"]["channels"] = "YUV"; }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j["input"].erase("mean"); }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j["input"]["size"] = 8; }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j["alignment"] = "mtcnn"; }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j["output"]["dim"] = 1; }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j.erase("output"); }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j["weight"] = 0; }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j["name"] = "a+b"; }), "face.network_invalid");  // '+' joins ids
  EXPECT_EQ(bad([](auto& j) { j["name"] = ""; }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j["model"] = "x"; }), "face.network_invalid");  // model AND file
  EXPECT_EQ(bad([](auto& j) { j["sha256"] = "abc"; }), "face.network_invalid");
  EXPECT_EQ(bad([](auto& j) { j["border"] = "blue"; }), "face.network_invalid");
  EXPECT_EQ(NetworkSpec::FromJson({{"builtin", "nope"}}).status().reason(), "face.network_invalid");
  EXPECT_FALSE(NetworkSpec::FromJson(nlohmann::json::array()).ok());
}

TEST(FaceNetworkSpec, ListsNormaliseWeightsAndRefuseDuplicates) {
  nlohmann::json two = {{"networks",
                         {{{"builtin", "mobilefacenet"}, {"weight", 1}},
                          {{"builtin", "fr-feature"}, {"weight", 3}}}}};
  auto n = NetworksFromJson(two, "");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(n->size(), 2u);
  EXPECT_DOUBLE_EQ((*n)[0].weight, 0.25);
  EXPECT_DOUBLE_EQ((*n)[1].weight, 0.75);
  nlohmann::json dup = {{"networks", {{{"builtin", "fr-feature"}}, {{"builtin", "fr-feature"}}}}};
  EXPECT_FALSE(NetworksFromJson(dup, "").ok());
  EXPECT_FALSE(NetworksFromJson({{"networks", nlohmann::json::array()}}, "").ok());
  EXPECT_EQ(LoadNetworks("/nonexistent/embedder.json").status().reason(), "face.embedder_missing");
}

// The embedding id names an operator's file by its content: a different file under the same name
// gives a different id, so stored vectors of the two are never compared.
TEST(FaceNetworkSpec, FileNetworksAreNamedByTheirHash) {
  FaceEngineOptions o;
  o.flip_tta = false;
  auto s = NetworkSpec::FromJson(MeanColourJson(), kTestModels);
  ASSERT_TRUE(s.ok());
  o.networks = {*s};
  std::ifstream in(kTestModels + "mean_colour.onnx", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(FaceEngine::EmbeddingModelId(o), "acme-mean@1#" + Sha256Hex(bytes).substr(0, 12));
}

// An operator's embedder file that cannot be read is an error at configuration time: the server
// reports the face capability as unavailable and the CLI stops, instead of running on other
// networks than the operator asked for.
TEST(FaceNetworkSpec, BrokenEmbedderFileFromTheEnvironmentIsAnError) {
  const fs::path dir = fs::temp_directory_path() / ("ekyc-embedder-env-" + RandomHex(6));
  fs::create_directories(dir);
  const std::string broken = (dir / "embedder.json").string();
  std::ofstream(broken) << "{\"name\": \"acme\", \"onnx\": ";  // truncated JSON
  ::setenv("EKYC_FACE_EMBEDDER", broken.c_str(), 1);
  ::unsetenv("EKYC_FACE_CALIBRATION");
  auto bad = FaceEngineOptions::FromEnv();
  EXPECT_FALSE(bad.ok());
  ::setenv("EKYC_FACE_EMBEDDER", (dir / "absent.json").string().c_str(), 1);
  EXPECT_EQ(FaceEngineOptions::FromEnv().status().reason(), "face.embedder_missing");
  std::ofstream(broken) << MeanColourJson().dump();
  ::setenv("EKYC_FACE_EMBEDDER", broken.c_str(), 1);
  auto good = FaceEngineOptions::FromEnv();
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  ASSERT_EQ(good->networks.size(), 1u);
  EXPECT_EQ(good->networks[0].onnx_path, (dir / "mean_colour.onnx").string());
  EXPECT_TRUE(good->calibration_path.empty());  // an operator's network has no shipped calibration
  ::unsetenv("EKYC_FACE_EMBEDDER");
  auto defaults = FaceEngineOptions::FromEnv();
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->calibration_path.empty());
  fs::remove_all(dir);
}

class FaceContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kPredictor)) GTEST_SKIP() << "dlib shape predictor absent";
  }
  // An engine with exactly these networks (model set when available; no calibration).
  static Result<std::unique_ptr<FaceEngine>> Make(std::vector<NetworkSpec> nets) {
    FaceEngineOptions o;
    static const auto set = infer::ModelSet::Load(EKYC_MODEL_DIR);  // loaded (and hashed) once
    if (set.ok()) o.models = *set;
    o.shape_predictor_path = kPredictor;
    o.card_blazeface_first = o.models != nullptr;
    o.networks = std::move(nets);
    return FaceEngine::Create(o);
  }
  static NetworkSpec File(const std::string& file, int dim) {
    nlohmann::json j = MeanColourJson();
    j["onnx"] = file;
    j["output"]["dim"] = dim;
    return NetworkSpec::FromJson(j, kTestModels).value();
  }
};

TEST_F(FaceContractTest, AnInputDependentNetworkIsAccepted) {
  auto e = Make({File("mean_colour.onnx", 3)});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ((*e)->network_names(), std::vector<std::string>{"acme-mean@1"});
}

TEST_F(FaceContractTest, WrongOutputSizeIsRefused) {
  auto e = Make({File("mean_colour.onnx", 512)});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().reason(), "face.model_contract");
  EXPECT_NE(e.status().message().find("512"), std::string::npos) << e.status().message();
}

TEST_F(FaceContractTest, ConstantNetworkIsRefused) {
  auto e = Make({File("constant.onnx", 8)});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().reason(), "face.model_contract");
  EXPECT_NE(e.status().message().find("does not depend on the input"), std::string::npos)
      << e.status().message();
}

TEST_F(FaceContractTest, WrongFileHashOrMissingFileIsRefused) {
  NetworkSpec s = File("mean_colour.onnx", 3);
  s.sha256 = std::string(64, '0');
  EXPECT_EQ(Make({s}).status().reason(), "face.model_mismatch");
  EXPECT_EQ(Make({File("absent.onnx", 3)}).status().reason(), "face.model_missing");
}

TEST_F(FaceContractTest, WeightsMustSumToOne) {
  NetworkSpec a = File("mean_colour.onnx", 3);
  a.weight = 0.7;
  EXPECT_EQ(Make({a}).status().reason(), "face.options_invalid");
}

// A pinned network declared with another input size than the converted model has is refused
// before anything runs; so is a model the model set lacks.
TEST_F(FaceContractTest, PinnedModelMustMatchTheDeclaredInput) {
  auto set = infer::ModelSet::Load(EKYC_MODEL_DIR);
  if (!set.ok() || !(*set)->Has("fr-feature")) GTEST_SKIP() << "model set absent (make models)";
  NetworkSpec s = BuiltinNetwork("fr-feature").value();
  s.input_size = 150;
  auto e = Make({s});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().reason(), "face.model_contract");
  s = BuiltinNetwork("fr-feature").value();
  s.output = "no_such_output";
  EXPECT_EQ(Make({s}).status().reason(), "face.model_contract");
  s = BuiltinNetwork("fr-feature").value();
  s.model = "not-in-the-set";
  EXPECT_EQ(Make({s}).status().reason(), "face.model_missing");
  s = BuiltinNetwork("fr-feature").value();
  s.source = "some-other-package@9:";
  EXPECT_EQ(Make({s}).status().reason(), "face.model_mismatch");
  // Every built-in network passes its own contract.
  for (const auto& [name, spec] : BuiltinNetworks()) {
    auto ok = Make({spec});
    EXPECT_TRUE(ok.ok()) << name << ": " << ok.status().ToString();
  }
}

}  // namespace
}  // namespace ekyc::face
