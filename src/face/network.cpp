#include "face/network.h"

#include <cmath>
#include <fstream>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "core/ids.h"
#include "face/detector.h"

namespace ekyc::face {
namespace {

Status Contract(const std::string& name, const std::string& msg) {
  return FailedPrecondition("face.model_contract", "network '" + name + "': " + msg);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string FileSha256(const std::string& path) {
  const std::string bytes = ReadFile(path);
  return bytes.empty() ? std::string() : Sha256Hex(bytes);
}

Result<std::unique_ptr<FaceEngine::Network>> FaceEngine::Network::Create(
    const NetworkSpec& spec, const std::shared_ptr<const infer::ModelSet>& models,
    infer::Session* session) {
  EKYC_RETURN_IF_ERROR(spec.Validate());
  std::unique_ptr<Network> n(new Network());
  n->spec_ = spec;
  if (!spec.model.empty()) {
    if (!models || !models->Has(spec.model))
      return FailedPrecondition("face.model_missing", "network '" + spec.name + "' needs model '" +
                                                          spec.model +
                                                          "' in the model set; run `make models`");
    EKYC_ASSIGN_OR_RETURN(infer::ModelInfo info, models->Info(spec.model));
    // Embeddings and calibrations are only valid for the exact pinned source model.
    if (!spec.source.empty() && info.version.rfind(spec.source, 0) != 0)
      return FailedPrecondition(
          "face.model_mismatch",
          "model '" + spec.model + "' comes from '" + info.version + "', expected " + spec.source);
    const std::vector<int> want = {1, 3, spec.input_size, spec.input_size};
    if (info.input_shape != want)
      return Contract(spec.name, "the model's input is not 1x3x" + std::to_string(spec.input_size) +
                                     "x" + std::to_string(spec.input_size));
    if (!spec.output.empty()) {
      const auto it = std::find(info.output_names.begin(), info.output_names.end(), spec.output);
      if (it == info.output_names.end())
        return Contract(spec.name, "the model has no output '" + spec.output + "'");
      n->output_index_ = static_cast<size_t>(it - info.output_names.begin());
    }
    n->session_ = session;
  } else {
    const std::string bytes = ReadFile(spec.onnx_path);
    if (bytes.empty())
      return FailedPrecondition(
          "face.model_missing",
          "network '" + spec.name + "': cannot read ONNX file '" + spec.onnx_path + "'");
    const std::string sha = Sha256Hex(bytes);
    if (!spec.sha256.empty() && spec.sha256 != sha)
      return FailedPrecondition("face.model_mismatch", "network '" + spec.name + "': '" +
                                                           spec.onnx_path + "' has sha256 " + sha +
                                                           ", the description says " + spec.sha256);
    n->spec_.sha256 = sha;
    try {
      n->net_ = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
    } catch (const cv::Exception& e) {
      return FailedPrecondition(
          "face.model_invalid",
          "network '" + spec.name + "': OpenCV cannot load '" + spec.onnx_path + "': " + e.what());
    }
    n->net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    n->net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  }
  return n;
}

cv::Mat FaceEngine::Network::Crop(const cv::Mat& bgr3, const Face& face) const {
  if (spec_.crop == FaceCrop::kDlibChip)
    return DlibFaceChip(bgr3, face.landmarks68, spec_.input_size, spec_.chip_padding, spec_.border);
  // The neutral fill is the network's input mean, given in its own channel order.
  const cv::Scalar mean_bgr = spec_.rgb ? cv::Scalar(spec_.mean[2], spec_.mean[1], spec_.mean[0])
                                        : cv::Scalar(spec_.mean[0], spec_.mean[1], spec_.mean[2]);
  return AlignFace(bgr3, face.landmarks5, spec_.border, spec_.input_size, spec_.crop_scale,
                   mean_bgr);
}

Result<std::vector<float>> FaceEngine::Network::Forward(const cv::Mat& crop) {
  cv::Mat img;
  if (crop.size() != cv::Size(spec_.input_size, spec_.input_size))
    cv::resize(crop, img, cv::Size(spec_.input_size, spec_.input_size), 0, 0, cv::INTER_LINEAR);
  else
    img = crop;
  if (spec_.rgb) cv::cvtColor(img, img, cv::COLOR_BGR2RGB);
  cv::Mat f;
  img.convertTo(f, CV_32FC3);
  f -= cv::Scalar(spec_.mean[0], spec_.mean[1], spec_.mean[2]);
  cv::multiply(f, cv::Scalar(1.0 / spec_.std[0], 1.0 / spec_.std[1], 1.0 / spec_.std[2]), f);
  const cv::Mat blob = cv::dnn::blobFromImage(f, 1.0, cv::Size(), cv::Scalar(), false, false);
  cv::Mat out;
  if (session_ != nullptr) {
    EKYC_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs, session_->Run(spec_.model, blob));
    if (output_index_ >= outs.size())
      return Internal("face.embed_failed", "network '" + spec_.name + "' returned no output");
    out = outs[output_index_];
  } else {
    try {
      net_.setInput(blob);
      out = (spec_.output.empty() ? net_.forward() : net_.forward(spec_.output)).clone();
    } catch (const cv::Exception& e) {
      return Internal("face.embed_failed",
                      "network '" + spec_.name + "' failed: " + std::string(e.what()));
    }
  }
  if (out.total() != static_cast<size_t>(spec_.output_dim) || out.depth() != CV_32F)
    return Internal("face.embed_failed", "network '" + spec_.name + "' gave " +
                                             std::to_string(out.total()) + " values, expected " +
                                             std::to_string(spec_.output_dim));
  cv::Mat flat = out.reshape(1, 1);
  return std::vector<float>(flat.ptr<float>(), flat.ptr<float>() + spec_.output_dim);
}

Result<std::vector<float>> FaceEngine::Network::Embed(const cv::Mat& crop, bool flip) {
  EKYC_ASSIGN_OR_RETURN(std::vector<float> v, Forward(crop));
  if (flip) {
    cv::Mat mirrored;
    cv::flip(crop, mirrored, 1);
    EKYC_ASSIGN_OR_RETURN(std::vector<float> w, Forward(mirrored));
    for (size_t i = 0; i < v.size(); ++i) v[i] += w[i];
  }
  double n = 0;
  for (float x : v) n += static_cast<double>(x) * x;
  n = std::sqrt(std::max(n, 1e-20));
  for (float& x : v) x = static_cast<float>(x / n);
  return v;
}

Status FaceEngine::Network::CheckContract() {
  const int s = spec_.input_size;
  cv::Mat flat(s, s, CV_8UC3, cv::Scalar(128, 128, 128));
  cv::Mat pattern(s, s, CV_8UC3);
  for (int y = 0; y < s; ++y)
    for (int x = 0; x < s; ++x)
      pattern.at<cv::Vec3b>(y, x) =
          cv::Vec3b(static_cast<uchar>(255 * x / s), static_cast<uchar>(255 * y / s),
                    static_cast<uchar>(((x / 8 + y / 8) % 2) * 200 + 20));
  std::vector<float> outs[2];
  for (int k = 0; k < 2; ++k) {
    auto r = Forward(k == 0 ? flat : pattern);
    if (!r.ok())
      return Contract(spec_.name, "does not run on a 1x3x" + std::to_string(s) + "x" +
                                      std::to_string(s) + " input with " +
                                      std::to_string(spec_.output_dim) +
                                      "-D output: " + r.status().message());
    double norm = 0;
    for (float v : *r) {
      if (!std::isfinite(v)) return Contract(spec_.name, "output is not finite");
      norm += static_cast<double>(v) * v;
    }
    if (!(norm > 1e-12)) return Contract(spec_.name, "output is all zeros");
    outs[k] = std::move(*r);
  }
  if (Cosine(outs[0], outs[1]) > 0.999999)
    return Contract(spec_.name,
                    "output does not depend on the input (wrong output or a constant network)");
  return Status::Ok();
}

}  // namespace ekyc::face
