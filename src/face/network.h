// Internal: one embedding network of a FaceEngine (see NetworkSpec in face.h): cuts its crop,
// normalises it as its contract says, runs it and checks the contract by running it.
// Thread-safety: not thread-safe (owns or borrows a cv::dnn::Net); one per FaceEngine.
#pragma once

#include <memory>
#include <opencv2/dnn.hpp>

#include "face/face.h"

namespace ekyc::face {

class FaceEngine::Network {
 public:
  // `session` runs model-set networks (spec.model) and must outlive the network; files
  // (spec.onnx_path) are read here, their sha256 checked against spec.sha256 when given.
  static Result<std::unique_ptr<Network>> Create(
      const NetworkSpec& spec, const std::shared_ptr<const infer::ModelSet>& models,
      infer::Session* session);
  // The spec, with sha256 filled in for a file (what the embedding id is made of).
  const NetworkSpec& spec() const { return spec_; }
  // This network's input crop (BGR, input_size x input_size) of `face` in the 3-channel photo.
  cv::Mat Crop(const cv::Mat& bgr3, const Face& face) const;
  // L2-normalised embedding of a crop; with `flip` the sum with the mirrored crop's output.
  Result<std::vector<float>> Embed(const cv::Mat& crop, bool flip);
  // Runs the network on two fixed synthetic crops: the output must have the declared size, be
  // finite and non-zero, and differ between the two inputs. Reason "face.model_contract".
  Status CheckContract();

 private:
  Network() = default;
  Result<std::vector<float>> Forward(const cv::Mat& crop);
  NetworkSpec spec_;
  infer::Session* session_ = nullptr;
  size_t output_index_ = 0;  // model-set networks: which of ModelInfo::output_names
  cv::dnn::Net net_;         // file networks
};

// Hex sha256 of a file's bytes; "" when it cannot be read.
std::string FileSha256(const std::string& path);

}  // namespace ekyc::face
