// Converted ONNX models and running them with OpenCV DNN.
//
// The models are produced by tools/convert/build-models.sh (`make models`) into one directory
// with a manifest.json; see docs/models.md for where each comes from and how it was verified.
//
// Thread-safety: ModelSet is immutable after Load and safe to share between threads.
// Session is NOT thread-safe: use one per worker thread (each owns its own cv::dnn::Net objects).
#pragma once

#include <map>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ekyc::infer {

struct ModelInfo {
  std::string id;                // e.g. "blazeface-front"
  std::string version;           // "<package>@<version>:<file in package>"
  std::string file;              // file name inside the model directory
  std::string sha256;            // of the converted ONNX file, verified at load
  std::vector<int> input_shape;  // NCHW; -1 = any size (a line recogniser's width)
  std::string input_name;
  std::vector<std::string> output_names;  // Session::Run returns outputs in this order
  std::string preprocessing;              // human-readable notes from the manifest
};

// All models of one model directory, bytes held in memory once.
class ModelSet {
 public:
  // Reads <model_dir>/manifest.json, loads every listed file and checks its sha256.
  // Fails (FailedPrecondition) when the directory or manifest is missing, and (DataLoss) when a
  // file does not match its checksum, so a corrupt or swapped model is never run.
  static Result<std::shared_ptr<const ModelSet>> Load(const std::string& model_dir);

  bool Has(const std::string& id) const;
  Result<ModelInfo> Info(const std::string& id) const;
  // Ids in manifest order.
  std::vector<std::string> Ids() const;
  // The verified ONNX bytes of a model; valid as long as this ModelSet lives.
  Result<std::string_view> Bytes(const std::string& id) const;
  const std::string& dir() const { return dir_; }

 private:
  struct Entry {
    ModelInfo info;
    std::string bytes;
  };
  ModelSet() = default;
  std::string dir_;
  std::vector<std::string> order_;
  std::map<std::string, Entry> models_;
};

// Runs models; one cv::dnn::Net per model, created on first use (OpenCV backend, CPU target).
class Session {
 public:
  explicit Session(std::shared_ptr<const ModelSet> models);

  // `input_blob` must be a CV_32F blob of the model's NCHW input shape (any size where the
  // manifest says -1; e.g. from cv::dnn::blobFromImage). Returns deep copies of the outputs, in
  // ModelInfo::output_names order.
  Result<std::vector<cv::Mat>> Run(const std::string& model_id, const cv::Mat& input_blob);

  const ModelSet& models() const { return *models_; }

 private:
  Result<cv::dnn::Net*> NetFor(const std::string& model_id);

  std::shared_ptr<const ModelSet> models_;
  std::map<std::string, cv::dnn::Net> nets_;
};

// True when `got` has the dimensions of `expected`, where -1 in `expected` matches any size.
bool ShapeMatches(const std::vector<int>& expected, const std::vector<int>& got);

}  // namespace ekyc::infer
