// The only translation unit that includes dlib.
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <opencv2/imgproc.hpp>

#include "live/landmarks.h"

namespace ekyc::live {
namespace {

// dlib's cv_image wraps the pixels in place, so it needs one contiguous 8-bit plane.
Result<cv::Mat> ContinuousGray(const cv::Mat& img) {
  if (img.empty() || img.depth() != CV_8U || (img.channels() != 1 && img.channels() != 3)) {
    return InvalidArgument("live.bad_frame", "frame must be a non-empty 8-bit gray or BGR image");
  }
  cv::Mat gray;
  if (img.channels() == 3)
    cv::cvtColor(img, gray, cv::COLOR_BGR2GRAY);
  else
    gray = img;
  if (!gray.isContinuous()) gray = gray.clone();
  return gray;
}

// The HOG detector keeps scratch buffers (one per instance); the 95 MB shape predictor is only read
// (its operator() is const), so clones share it.
class DlibLandmarkDetector final : public LandmarkDetector {
 public:
  DlibLandmarkDetector(std::shared_ptr<const dlib::shape_predictor> sp, int detect_height)
      : detector_(dlib::get_frontal_face_detector()),
        sp_(std::move(sp)),
        detect_height_(detect_height) {}

  std::unique_ptr<LandmarkDetector> Clone() const override {
    return std::make_unique<DlibLandmarkDetector>(sp_, detect_height_);
  }

  Result<std::vector<FaceLandmarks>> Detect(const cv::Mat& img, float min_face_width,
                                            int full_frame_rows) override {
    auto gray_or = ContinuousGray(img);
    if (!gray_or.ok()) return gray_or.status();
    const cv::Mat gray = std::move(*gray_or);

    double scale = 1.0;
    cv::Mat small = gray;
    const int rows = full_frame_rows > 0 ? full_frame_rows : gray.rows;
    if (detect_height_ > 0 && rows > detect_height_)
      scale = static_cast<double>(detect_height_) / rows;
    // HOG finds faces from about 80 px wide; keep the smallest wanted face at ~90 px.
    if (min_face_width > 0) scale = std::min(scale, 90.0 / min_face_width);
    if (scale < 1.0)
      cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
    else
      scale = 1.0;
    dlib::cv_image<unsigned char> dsmall(small);
    std::vector<dlib::rect_detection> dets;
    detector_(dsmall, dets, 0.0);
    // Low-resolution clips (e.g. a cheap phone's 480x270) can hold faces under HOG's 80-px window:
    // when nothing was found at native size, look again on a copy enlarged up to detect_height
    // (at most 2x). Frames where a face is found at native size are not affected.
    if (dets.empty() && scale == 1.0 && detect_height_ > 0 && rows < detect_height_) {
      scale = std::min(2.0, static_cast<double>(detect_height_) / rows);
      cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_LINEAR);
      dlib::cv_image<unsigned char> dlarge(small);
      detector_(dlarge, dets, 0.0);
    }

    dlib::cv_image<unsigned char> dfull(gray);
    std::vector<FaceLandmarks> out;
    out.reserve(dets.size());
    for (const auto& d : dets) {
      const dlib::rectangle& r = d.rect;
      dlib::rectangle full(std::lround(r.left() / scale), std::lround(r.top() / scale),
                           std::lround(r.right() / scale), std::lround(r.bottom() / scale));
      dlib::full_object_detection shape = (*sp_)(dfull, full);
      if (shape.num_parts() != 68) continue;
      FaceLandmarks f;
      f.box = cv::Rect2f(static_cast<float>(full.left()), static_cast<float>(full.top()),
                         static_cast<float>(full.width()), static_cast<float>(full.height()));
      f.score = d.detection_confidence;
      for (unsigned i = 0; i < 68; ++i) {
        f.pts[i] = cv::Point2f(static_cast<float>(shape.part(i).x()),
                               static_cast<float>(shape.part(i).y()));
      }
      out.push_back(f);
    }
    std::sort(out.begin(), out.end(), [](const FaceLandmarks& a, const FaceLandmarks& b) {
      return a.box.area() > b.box.area();
    });
    return out;
  }

  Result<FaceLandmarks> Fit(const cv::Mat& img, const cv::Rect2f& box) override {
    auto gray_or = ContinuousGray(img);
    if (!gray_or.ok()) return gray_or.status();
    const cv::Mat gray = std::move(*gray_or);
    dlib::cv_image<unsigned char> dfull(gray);
    const dlib::rectangle r(std::lround(box.x), std::lround(box.y), std::lround(box.x + box.width),
                            std::lround(box.y + box.height));
    dlib::full_object_detection shape = (*sp_)(dfull, r);
    FaceLandmarks f;
    f.box = box;
    for (unsigned i = 0; i < 68 && i < shape.num_parts(); ++i) {
      f.pts[i] =
          cv::Point2f(static_cast<float>(shape.part(i).x()), static_cast<float>(shape.part(i).y()));
    }
    return f;
  }

 private:
  dlib::frontal_face_detector detector_;
  std::shared_ptr<const dlib::shape_predictor> sp_;
  int detect_height_;
};

}  // namespace

Result<std::unique_ptr<LandmarkDetector>> MakeDlibLandmarkDetector(const std::string& path,
                                                                   int detect_height) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return FailedPrecondition("live.model_missing", "dlib landmark model not found at " + path +
                                                        " (install libdlib-data)");
  }
  auto sp = std::make_shared<dlib::shape_predictor>();
  try {
    dlib::deserialize(path) >> *sp;
  } catch (const std::exception& e) {
    return FailedPrecondition("live.model_unreadable",
                              "cannot read dlib landmark model " + path + ": " + e.what());
  }
  std::unique_ptr<LandmarkDetector> det =
      std::make_unique<DlibLandmarkDetector>(std::move(sp), detect_height);
  return det;
}

}  // namespace ekyc::live
