#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv/cv_image.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "face/detector.h"

namespace ekyc::face {

struct DlibFaceDetector::Impl {
  dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
  dlib::shape_predictor predictor;

  // Runs detection (+ landmarks when `fit_landmarks`) on `gray` (already scaled); returns faces in
  // `gray` coordinates. The caller skips the fit when it refits at full resolution anyway (the
  // shape predictor costs about as much as the HOG pass on a 320 px selfie).
  std::vector<Face> DetectScaled(const cv::Mat& gray, bool fit_landmarks) {
    dlib::cv_image<unsigned char> img(gray);
    std::vector<dlib::rect_detection> dets;
    detector(img, dets, 0.0);
    std::vector<Face> faces;
    for (const auto& d : dets) {
      Face f;
      f.box = cv::Rect(static_cast<int>(d.rect.left()), static_cast<int>(d.rect.top()),
                       static_cast<int>(d.rect.width()), static_cast<int>(d.rect.height()));
      f.score = d.detection_confidence;
      if (!fit_landmarks) {
        faces.push_back(std::move(f));
        continue;
      }
      dlib::full_object_detection shape = predictor(img, d.rect);
      f.landmarks68.reserve(shape.num_parts());
      for (unsigned long i = 0; i < shape.num_parts(); ++i)
        f.landmarks68.emplace_back(static_cast<float>(shape.part(i).x()),
                                   static_cast<float>(shape.part(i).y()));
      faces.push_back(std::move(f));
    }
    return faces;
  }
};

DlibFaceDetector::DlibFaceDetector() : impl_(std::make_unique<Impl>()) {}
DlibFaceDetector::~DlibFaceDetector() = default;

Result<std::unique_ptr<DlibFaceDetector>> DlibFaceDetector::Create(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return FailedPrecondition(
        "face.landmark_model_missing",
        "dlib 68-point shape predictor not found at '" + path +
            "' (install Debian package libdlib-data or set EKYC_DLIB_SHAPE_PREDICTOR)");
  }
  std::unique_ptr<DlibFaceDetector> d(new DlibFaceDetector());
  try {
    dlib::deserialize(path) >> d->impl_->predictor;
  } catch (const std::exception& e) {
    return FailedPrecondition("face.landmark_model_invalid",
                              "cannot load dlib shape predictor '" + path + "': " + e.what());
  }
  return d;
}

namespace {

// dlib's HOG detector and shape predictor work on 8-bit grey images.
cv::Mat ToGray(const cv::Mat& bgr) {
  cv::Mat gray;
  if (bgr.channels() == 3)
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  else if (bgr.channels() == 4)
    cv::cvtColor(bgr, gray, cv::COLOR_BGRA2GRAY);
  else
    gray = bgr;
  return gray;
}

}  // namespace

Face DlibFaceDetector::FitLandmarks(const cv::Mat& bgr, const cv::Rect& box) {
  const cv::Mat gray = ToGray(bgr);
  dlib::cv_image<unsigned char> img(gray);
  dlib::full_object_detection shape = impl_->predictor(
      img, dlib::rectangle(box.x, box.y, box.x + box.width - 1, box.y + box.height - 1));
  Face f;
  f.box = box;
  for (unsigned long i = 0; i < shape.num_parts(); ++i)
    f.landmarks68.emplace_back(static_cast<float>(shape.part(i).x()),
                               static_cast<float>(shape.part(i).y()));
  f.landmarks5 = ReduceTo5(f.landmarks68);
  return f;
}

Detection DlibFaceDetector::Detect(const cv::Mat& bgr, Source source) {
  Detection out;
  const cv::Mat gray = ToGray(bgr);
  const int side = std::max(gray.cols, gray.rows);

  // Passes (border padding as a fraction of the longer side, target longer side in px) tried in
  // order until a face is found. Selfies: one pass at <= selfie_side_ px, a padded pass for tight
  // crops, then (when selfie_side_ is small) one at <= 640 px for small faces. Card portraits are
  // small, printed and tightly cropped, so they are padded (the HOG window needs context around the
  // face) and tried at growing scales.
  struct Pass {
    double pad;
    int target;
  };
  std::vector<Pass> passes;
  if (source == Source::kSelfie) {
    passes = {{0.0, std::min(side, selfie_side_)}, {0.25, selfie_side_}};
    if (selfie_side_ < 640 && side > selfie_side_) passes.push_back({0.0, std::min(side, 640)});
  } else {
    passes = {{0.25, card_side_}, {0.25, 800}, {0.25, 1100}, {0.0, std::min(side, 640)}};
  }
  for (const Pass& pass : passes) {
    const int pad = static_cast<int>(side * pass.pad);
    cv::Mat src = gray;
    if (pad > 0) cv::copyMakeBorder(gray, src, pad, pad, pad, pad, cv::BORDER_REPLICATE);
    const double s = static_cast<double>(pass.target) / std::max(src.cols, src.rows);
    cv::Mat scaled;
    if (std::abs(s - 1.0) < 1e-3)
      scaled = src;
    else
      cv::resize(src, scaled, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    ++out.scales_tried;
    // Detected on a reduced copy without padding: the 68 points are fitted on the full-resolution
    // image below (about 1 ms more, keeps the original image's precision for the alignment).
    const bool refit_full = s < 1.0 && pad == 0;
    std::vector<Face> faces = impl_->DetectScaled(scaled, !refit_full);
    if (faces.empty()) continue;
    auto back = [&](double v) { return static_cast<float>(v / s - pad); };
    for (auto& f : faces) {
      for (auto& p : f.landmarks68) p = {back(p.x), back(p.y)};
      f.box =
          cv::Rect(cv::Point(static_cast<int>(back(f.box.x)), static_cast<int>(back(f.box.y))),
                   cv::Size(static_cast<int>(f.box.width / s), static_cast<int>(f.box.height / s)));
      if (refit_full) {
        dlib::cv_image<unsigned char> full(gray);
        const dlib::full_object_detection shape =
            impl_->predictor(full, dlib::rectangle(f.box.x, f.box.y, f.box.x + f.box.width - 1,
                                                   f.box.y + f.box.height - 1));
        f.landmarks68.clear();
        f.landmarks68.reserve(shape.num_parts());
        for (unsigned long i = 0; i < shape.num_parts(); ++i)
          f.landmarks68.emplace_back(static_cast<float>(shape.part(i).x()),
                                     static_cast<float>(shape.part(i).y()));
      }
      f.landmarks5 = ReduceTo5(f.landmarks68);
    }
    std::sort(faces.begin(), faces.end(),
              [](const Face& a, const Face& b) { return a.box.area() > b.box.area(); });
    out.faces = std::move(faces);
    break;
  }
  return out;
}

cv::Mat DlibFaceChip(const cv::Mat& bgr, const std::vector<cv::Point2f>& pts68, int size,
                     double padding, CropBorder border) {
  if (pts68.size() != 68 || bgr.empty() || bgr.type() != CV_8UC3) return {};
  std::vector<dlib::point> parts;
  parts.reserve(pts68.size());
  for (const auto& p : pts68) parts.emplace_back(std::lround(p.x), std::lround(p.y));
  const dlib::full_object_detection shape(dlib::rectangle(), parts);
  dlib::chip_details details =
      dlib::get_face_chip_details(shape, static_cast<unsigned long>(size), padding);
  cv::Mat src = bgr;
  if (border != CropBorder::kBlack) {
    // Pad the image just enough to hold the chip (its corners mapped back into the image, plus
    // 2 px for the bilinear taps) and move the chip by the same offset: dlib then resamples
    // exactly as without padding, only what lies outside the original image differs.
    const dlib::point_transform_affine to_image = dlib::inv(dlib::get_mapping_to_chip(details));
    double margin = 0;
    for (const auto& c : {dlib::dpoint(0, 0), dlib::dpoint(size - 1, 0), dlib::dpoint(0, size - 1),
                          dlib::dpoint(size - 1, size - 1)}) {
      const dlib::dpoint q = to_image(c);
      margin = std::max({margin, -q.x(), -q.y(), q.x() - (bgr.cols - 1), q.y() - (bgr.rows - 1)});
    }
    if (margin > 0) {
      const int pad = static_cast<int>(std::ceil(margin)) + 2;
      // kNeutral: face-api's input mean (RGB 122.782, 117.001, 104.298), as BGR.
      cv::copyMakeBorder(bgr, src, pad, pad, pad, pad, CvBorderType(border),
                         BorderValue(border, cv::Scalar(104, 117, 123)));
      details.rect = dlib::translate_rect(details.rect, dlib::dpoint(pad, pad));
    }
  }
  dlib::cv_image<dlib::bgr_pixel> img(src);
  dlib::matrix<dlib::bgr_pixel> chip;
  dlib::extract_image_chip(img, details, chip);
  cv::Mat out(static_cast<int>(chip.nr()), static_cast<int>(chip.nc()), CV_8UC3);
  for (long r = 0; r < chip.nr(); ++r)
    for (long c = 0; c < chip.nc(); ++c) {
      const dlib::bgr_pixel& px = chip(r, c);
      out.at<cv::Vec3b>(static_cast<int>(r), static_cast<int>(c)) =
          cv::Vec3b(px.blue, px.green, px.red);
    }
  return out;
}

}  // namespace ekyc::face
