#include "infer/infer.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/ids.h"

namespace ekyc::infer {
namespace {

namespace fs = std::filesystem;

Status ModelsMissing(const std::string& what) {
  return FailedPrecondition(
      "models.missing", what + "; run `make models` (tools/convert/build-models.sh) to build them");
}

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ModelsMissing("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in.good() && !in.eof())
    return Status(StatusCode::kDataLoss, "models.read_failed", "error reading " + path.string());
  return ss.str();
}

std::string ShapeString(const std::vector<int>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += 'x';
    out += std::to_string(s[i]);
  }
  return out + "]";
}

Result<ModelInfo> ParseEntry(const nlohmann::json& j) {
  try {
    ModelInfo m;
    m.id = j.at("id").get<std::string>();
    m.version = j.at("version").get<std::string>();
    m.file = j.at("file").get<std::string>();
    m.sha256 = j.at("sha256").get<std::string>();
    m.input_shape = j.at("input_shape").get<std::vector<int>>();
    m.input_name = j.at("input_name").get<std::string>();
    m.output_names = j.at("output_names").get<std::vector<std::string>>();
    m.preprocessing = j.value("preprocessing", "");
    // The file name comes from disk: never let it point outside the model directory.
    if (m.file.empty() || m.file.find('/') != std::string::npos ||
        m.file.find("..") != std::string::npos)
      return Status(StatusCode::kDataLoss, "models.bad_manifest",
                    "model " + m.id + " has an invalid file name");
    if (m.input_shape.size() != 4 || m.output_names.empty())
      return Status(StatusCode::kDataLoss, "models.bad_manifest",
                    "model " + m.id + " needs a 4-D NCHW input shape and at least one output");
    return m;
  } catch (const nlohmann::json::exception& e) {
    return Status(StatusCode::kDataLoss, "models.bad_manifest",
                  std::string("manifest entry is malformed: ") + e.what());
  }
}

}  // namespace

bool ShapeMatches(const std::vector<int>& expected, const std::vector<int>& got) {
  if (expected.size() != got.size()) return false;
  for (size_t i = 0; i < got.size(); ++i)
    if (expected[i] != -1 && expected[i] != got[i]) return false;
  return true;
}

Result<std::shared_ptr<const ModelSet>> ModelSet::Load(const std::string& model_dir) {
  const fs::path dir(model_dir);
  const fs::path manifest_path = dir / "manifest.json";
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return ModelsMissing("model directory " + model_dir + " does not exist");
  if (!fs::exists(manifest_path, ec)) return ModelsMissing("no manifest.json in " + model_dir);
  EKYC_ASSIGN_OR_RETURN(std::string text, ReadFile(manifest_path));
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return Status(
        StatusCode::kDataLoss, "models.bad_manifest",
        manifest_path.string() + " is not valid JSON (" + e.what() + "); re-run `make models`");
  }
  if (!manifest.contains("models") || !manifest["models"].is_array())
    return Status(StatusCode::kDataLoss, "models.bad_manifest",
                  manifest_path.string() + " has no \"models\" list");

  std::shared_ptr<ModelSet> set(new ModelSet());
  set->dir_ = model_dir;
  for (const auto& j : manifest["models"]) {
    EKYC_ASSIGN_OR_RETURN(ModelInfo info, ParseEntry(j));
    if (set->models_.count(info.id))
      return Status(StatusCode::kDataLoss, "models.bad_manifest",
                    "model " + info.id + " is listed twice");
    const fs::path file = dir / info.file;
    EKYC_ASSIGN_OR_RETURN(std::string bytes, ReadFile(file));
    const std::string got = Sha256Hex(bytes);
    if (got != info.sha256)
      return Status(StatusCode::kDataLoss, "models.checksum_mismatch",
                    "model " + info.id + ": " + file.string() + " has sha256 " + got +
                        " but the manifest says " + info.sha256 +
                        "; the file is corrupt or was replaced, re-run `make models`");
    set->order_.push_back(info.id);
    std::string id = info.id;
    set->models_.emplace(std::move(id), Entry{std::move(info), std::move(bytes)});
  }
  return std::shared_ptr<const ModelSet>(std::move(set));
}

bool ModelSet::Has(const std::string& id) const {
  return models_.count(id) != 0;
}

Result<ModelInfo> ModelSet::Info(const std::string& id) const {
  auto it = models_.find(id);
  if (it == models_.end())
    return NotFound("models.unknown",
                    "no model \"" + id + "\" in " + dir_ + "/manifest.json; run `make models`");
  return it->second.info;
}

std::vector<std::string> ModelSet::Ids() const {
  return order_;
}

Result<std::string_view> ModelSet::Bytes(const std::string& id) const {
  auto it = models_.find(id);
  if (it == models_.end())
    return NotFound("models.unknown",
                    "no model \"" + id + "\" in " + dir_ + "/manifest.json; run `make models`");
  return std::string_view(it->second.bytes);
}

Session::Session(std::shared_ptr<const ModelSet> models) : models_(std::move(models)) {}

Result<cv::dnn::Net*> Session::NetFor(const std::string& model_id) {
  auto it = nets_.find(model_id);
  if (it != nets_.end()) return &it->second;
  EKYC_ASSIGN_OR_RETURN(std::string_view bytes, models_->Bytes(model_id));
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return &nets_.emplace(model_id, std::move(net)).first->second;
  } catch (const cv::Exception& e) {
    return Internal("infer.load_failed",
                    "OpenCV could not load model " + model_id + ": " + e.what());
  }
}

Result<std::vector<cv::Mat>> Session::Run(const std::string& model_id, const cv::Mat& input_blob) {
  EKYC_ASSIGN_OR_RETURN(ModelInfo info, models_->Info(model_id));
  std::vector<int> got(input_blob.size.p, input_blob.size.p + input_blob.dims);
  if (input_blob.empty() || !ShapeMatches(info.input_shape, got) || input_blob.type() != CV_32F)
    return InvalidArgument(
        "infer.bad_input_shape",
        "model " + model_id + " expects a float32 NCHW blob of shape " +
            ShapeString(info.input_shape) + ", got " +
            (input_blob.empty() ? std::string("an empty matrix") : ShapeString(got)) +
            (input_blob.type() != CV_32F && !input_blob.empty() ? " (not float32)" : ""));
  EKYC_ASSIGN_OR_RETURN(cv::dnn::Net * net, NetFor(model_id));
  try {
    net->setInput(input_blob, info.input_name);
    std::vector<cv::Mat> outs;
    net->forward(outs, info.output_names);
    // forward() hands out views of buffers the next call reuses; callers keep their own copy.
    for (auto& m : outs) m = m.clone();
    return outs;
  } catch (const cv::Exception& e) {
    return Internal("infer.run_failed",
                    "OpenCV failed running model " + model_id + ": " + e.what());
  }
}

}  // namespace ekyc::infer
