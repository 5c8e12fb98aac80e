#include "doc/line_finder.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace ekyc::doc {

LineFinder::~LineFinder() = default;

Result<std::unique_ptr<LineFinder>> LineFinder::Create(
    std::shared_ptr<const infer::ModelSet> models, const LineFinderOptions& options) {
  if (!models || !models->Has(options.model_id))
    return FailedPrecondition("doc.detector_missing",
                              "the model set lacks the text detector '" + options.model_id +
                                  "'; run `make models`");
  EKYC_ASSIGN_OR_RETURN(infer::ModelInfo info, models->Info(options.model_id));
  if (info.input_shape.size() != 4 || info.input_shape[1] != 3 || info.input_shape[2] <= 0 ||
      info.input_shape[3] <= 0)
    return FailedPrecondition("doc.detector_invalid",
                              "the text detector needs a fixed 1x3xHxW input");
  std::unique_ptr<LineFinder> f(new LineFinder());
  f->options_ = options;
  f->session_ = std::make_unique<infer::Session>(models);
  f->input_size_ = cv::Size(info.input_shape[3], info.input_shape[2]);
  // ImageNet mean and deviation on BGR input, as the converted model's manifest says.
  f->mean_ = cv::Scalar(0.485, 0.456, 0.406);
  f->std_ = cv::Scalar(0.229, 0.224, 0.225);
  return f;
}

Result<std::vector<TextLineBox>> LineFinder::Find(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3)
    return InvalidArgument("doc.bad_image", "the line finder needs a BGR image");
  // Letterboxed: scaled to fit the detector's fixed input with its aspect kept (a block of a few
  // lines is far wider than a card), the rest white.
  const double s = std::min(static_cast<double>(input_size_.width) / bgr.cols,
                            static_cast<double>(input_size_.height) / bgr.rows);
  const cv::Size fit(std::max(1, static_cast<int>(std::lround(bgr.cols * s))),
                     std::max(1, static_cast<int>(std::lround(bgr.rows * s))));
  cv::Mat canvas(input_size_, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::resize(bgr, canvas(cv::Rect(cv::Point(0, 0), fit)), fit, 0, 0,
             s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Mat f;
  canvas.convertTo(f, CV_32FC3, 1.0 / 255.0);
  cv::subtract(f, mean_, f);
  cv::divide(f, std_, f);
  cv::Mat blob = cv::dnn::blobFromImage(f);  // HWC -> 1x3xHxW, no further scaling
  EKYC_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs, session_->Run(options_.model_id, blob));
  const cv::Mat& out = outs.at(0);
  cv::Mat prob(input_size_.height, input_size_.width, CV_32F, const_cast<float*>(out.ptr<float>()));
  cv::Mat mask = prob > options_.pixel_threshold;

  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  const double sx = 1.0 / s, sy = 1.0 / s;
  std::vector<TextLineBox> lines;
  for (int i = 1; i < n; ++i) {
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    if (std::min(w, h) < options_.min_core_side) continue;
    const cv::Rect core(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP), w, h);
    const double score = cv::mean(prob(core), labels(core) == i)[0];
    if (score < options_.box_threshold) continue;
    // DB's unclip: grow the core by area * ratio / perimeter on every side.
    const double area = stats.at<int>(i, cv::CC_STAT_AREA);
    const double d = area * options_.unclip_ratio / (2.0 * (w + h));
    const double x0 = (core.x - d) * sx, x1 = (core.x + w + d) * sx;
    const double y0 = (core.y - d) * sy, y1 = (core.y + h + d) * sy;
    cv::Rect box(cv::Point(static_cast<int>(std::floor(x0)), static_cast<int>(std::floor(y0))),
                 cv::Point(static_cast<int>(std::ceil(x1)), static_cast<int>(std::ceil(y1))));
    box &= cv::Rect(0, 0, bgr.cols, bgr.rows);
    if (box.area() > 0) lines.push_back({box, score});
  }
  // Reading order: rows by vertical centre (a box whose centre lies within half the row's first
  // box height joins that row), then left to right within a row.
  auto centre = [](const TextLineBox& l) { return l.box.y + l.box.height / 2; };
  std::sort(lines.begin(), lines.end(),
            [&](const TextLineBox& a, const TextLineBox& b) { return centre(a) < centre(b); });
  for (size_t row = 0; row < lines.size();) {
    size_t end = row + 1;
    while (end < lines.size() && centre(lines[end]) - centre(lines[row]) <= lines[row].box.height / 2)
      ++end;
    std::sort(lines.begin() + row, lines.begin() + end,
              [](const TextLineBox& a, const TextLineBox& b) { return a.box.x < b.box.x; });
    row = end;
  }
  return lines;
}

}  // namespace ekyc::doc
