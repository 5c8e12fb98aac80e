#include "live/measure.h"

#include <atomic>
#include <bit>
#include <cmath>
#include <limits>
#include <opencv2/calib3d.hpp>
#include <thread>
#include <utility>

#include "live/models.h"
#include "live/thresholds.h"
#include "live/util.h"

namespace ekyc::live {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<cv::Point2f> ToVec(const Landmarks68& p) {
  return {p.begin(), p.end()};
}

// Evenly spaced tracked samples (q-th of n over nt).
int Spread(int q, int n, int nt) {
  return n == 1 ? nt / 2 : static_cast<int>(std::lround(q * (nt - 1.0) / (n - 1.0)));
}

// Eye aspect ratio on every used frame (track.dense) after mapping the eyes through a homography
// fitted on the rigid-ish points (brows, nose, jaw) into a reference frame, so tilting a photo
// (which squashes the eyes in the image) is not a blink.
std::vector<double> PlanarCorrectedEar(const FaceTrack& t) {
  const int u = static_cast<int>(t.used.size());
  std::vector<double> raw(u, kNaN);
  for (int p = 0; p < u; ++p)
    if (t.dense_has[p]) raw[p] = MeanEyeAspectRatio(t.dense[p].pts);
  const double ear75 = Percentile(raw, 0.75);
  int ref = -1;
  for (int p = 0; p < u; ++p) {
    if (!t.dense_has[p]) continue;
    if (ref < 0 || std::abs(raw[p] - ear75) < std::abs(raw[ref] - ear75)) ref = p;
  }
  std::vector<double> ear(u, kNaN);
  if (ref < 0) return ear;
  const std::vector<cv::Point2f> ref_rigid(t.dense[ref].pts.begin(), t.dense[ref].pts.begin() + 36);
  for (int p = 0; p < u; ++p) {
    if (!t.dense_has[p]) continue;
    const std::vector<cv::Point2f> rigid(t.dense[p].pts.begin(), t.dense[p].pts.begin() + 36);
    const cv::Mat h = cv::findHomography(rigid, ref_rigid, 0);
    if (h.empty()) continue;
    std::vector<cv::Point2f> eyes(t.dense[p].pts.begin() + 36, t.dense[p].pts.begin() + 48), mapped;
    cv::perspectiveTransform(eyes, mapped, h);
    ear[p] = 0.5 * (EyeAspectRatio(&mapped[0]) + EyeAspectRatio(&mapped[6]));
  }
  return ear;
}

// See ClipMeasurements::eyelid_flow.
void MeasureEyelidFlow(const std::vector<cv::Mat>& frames, const FaceTrack& t,
                       ClipMeasurements& m) {
  const std::vector<int>& closed = m.blinks.closed_frames;  // sample indices, runs in order
  const double open_level = m.blinks.baseline * (1.0 - thresholds::kBlinkDrop / 2.0);
  double best_ratio = -1.0;
  for (size_t q = 0; q < closed.size();) {
    size_t e = q;
    while (e + 1 < closed.size() && closed[e + 1] == closed[e] + 1) ++e;
    int shut = closed[q];
    for (size_t k = q; k <= e; ++k)
      if (m.ear[closed[k]] < m.ear[shut]) shut = closed[k];
    int open = -1;
    for (int k = closed[q] - 1; k >= 0; --k)
      if (t.dense_has[k] && std::isfinite(m.ear[k]) && m.ear[k] >= open_level) {
        open = k;
        break;
      }
    q = e + 1;
    if (open < 0) continue;
    std::vector<double> r;
    FlowPlanarResidual(frames[t.used[open]], t.dense[open].pts, frames[t.used[shut]],
                       t.dense[shut].pts, &r);
    if (r.size() != 51) continue;
    // Interior landmark p is r[p - 17]: upper eyelids 37, 38, 43, 44; nose 27..35.
    const double lid = 0.25 * (r[37 - 17] + r[38 - 17] + r[43 - 17] + r[44 - 17]);
    std::vector<double> nose(r.begin() + (27 - 17), r.begin() + (36 - 17));
    const double ref = Percentile(nose, 0.5);
    const double ratio = lid / std::max(ref, 1e-4);
    if (ratio > best_ratio) {
      best_ratio = ratio;
      m.eyelid_flow = lid;
      m.eyelid_flow_nose = ref;
    }
  }
}

}  // namespace

Result<ClipMeasurements> MeasureClip(const std::vector<cv::Mat>& frames, const FaceTrack& t,
                                     LandmarkDetector& detector, LandmarkDetector* helper,
                                     SpoofModels* models, int passive_frames) {
  ClipMeasurements out;
  const int nt = static_cast<int>(t.tracked.size());
  std::vector<std::vector<cv::Point2f>> pts(nt);
  std::vector<double> iod(nt);
  std::vector<HeadPose> pose(nt);
  for (int i = 0; i < nt; ++i) {
    pts[i] = ToVec(t.at(i).pts);
    iod[i] = InterOcular(t.at(i).pts);
    pose[i] = EstimateHeadPose(t.at(i).pts, frames[t.frame_at(i)].size());
  }

  // Landmark noise floor: refit each frame from a box shifted by 5 % of its size; how far the
  // interior landmarks move is what landmark error alone does on this face.
  std::vector<double> jitter(nt);
  auto refit = [&](LandmarkDetector& det, int i0, int i1) -> Status {
    for (int i = i0; i < i1; ++i) {
      cv::Rect2f b = t.at(i).box;
      b.x += 0.05f * b.width;
      b.y += 0.05f * b.height;
      EKYC_ASSIGN_OR_RETURN(auto g, det.Fit(frames[t.frame_at(i)], b));
      std::vector<double> d;
      for (int p = 17; p < 68; ++p) d.push_back(cv::norm(g.pts[p] - t.at(i).pts[p]) / iod[i]);
      jitter[i] = Percentile(std::move(d), 0.9);
    }
    return Status::Ok();
  };
  // All pairs (~435 RANSAC fits for 30 frames): sparser pair sets made the statistic noticeably
  // less stable. Row i holds the pairs (i, j > i).
  std::vector<std::vector<double>> resid_rows(nt), motion_rows(nt), shape_rows(nt);
  std::atomic<int> next_row{0};
  auto pairs = [&] {
    for (int i; (i = next_row.fetch_add(1)) < nt;) {
      for (int j = i + 1; j < nt; ++j) {
        resid_rows[i].push_back(PlanarResidual(pts[i], pts[j], iod[j], /*first_scored=*/17));
        shape_rows[i].push_back(SimilarityResidual(pts[i], pts[j], iod[j], /*first=*/17));
        std::vector<double> d(68);
        for (int p = 0; p < 68; ++p) d[p] = cv::norm(pts[i][p] - pts[j][p]) / iod[j];
        motion_rows[i].push_back(Percentile(std::move(d), 0.5));
      }
    }
  };
  // Dense-flow planarity on pairs a short and a longer step apart (about 1/10 and 1/5 of the
  // tracked sequence): enough time for a mouth or an eye to change, little enough for the flow to
  // follow. Pairs start on every other sample (26 pairs for 30 samples): all starts doubled the
  // cost for the same median. Every pair is stored at its own index.
  std::vector<std::pair<int, int>> flow_pairs;
  for (int g : {std::max(1, nt / 10), std::max(2, nt / 5)}) {
    if (!flow_pairs.empty() && flow_pairs.back().second - flow_pairs.back().first == g) continue;
    for (int i = 0; i + g < nt; i += 2) flow_pairs.emplace_back(i, i + g);
  }
  std::vector<double> flow_res(flow_pairs.size(), kNaN);
  std::atomic<int> next_flow{0};
  auto flows = [&] {
    for (int k; (k = next_flow.fetch_add(1)) < static_cast<int>(flow_pairs.size());) {
      const auto [i, j] = flow_pairs[k];
      flow_res[k] = FlowPlanarResidual(frames[t.frame_at(i)], t.at(i).pts, frames[t.frame_at(j)],
                                       t.at(j).pts);
    }
  };
  // Passive signals and image quality on a few evenly spaced tracked frames (medians resist one
  // odd frame). The CNNs are not thread-safe, so this stays on the calling thread.
  const int np = std::min(nt, std::max(1, passive_frames));
  std::vector<double> moire, isolation, glare, glare_out, edge, luma, noise, m_real, m_live;
  auto passive = [&]() -> Status {
    for (int q = 0; q < np; ++q) {
      const int i = Spread(q, np, nt);
      const cv::Mat& frame = frames[t.frame_at(i)];
      const cv::Rect r = ClipRect(t.at(i).box, frame.size());
      const cv::Mat gray = Gray(frame);
      if (r.width >= 32 && r.height >= 32) {
        const cv::Mat face = gray(r);
        double iso = 0.0;
        moire.push_back(MoirePeak(face, &iso));
        isolation.push_back(iso);
        if (frame.channels() == 3) {
          // Glare is counted outside the eyeglasses band: lenses reflect the room's lamps and
          // the screen the user looks at, which is no evidence of a presentation attack.
          cv::Mat outside(r.size(), CV_8UC1, cv::Scalar(255));
          outside(EyeglassesBand(t.at(i).pts, r, thresholds::kGlassesBelowEyes)).setTo(0);
          glare.push_back(GlareFraction(frame(r), outside));
        } else {
          glare.push_back(0.0);
        }
        if (frame.channels() == 3) {
          const double scene = SceneGlareFraction(frame, r, thresholds::kSceneEnlarge,
                                                  thresholds::kSceneMinShare);
          if (std::isfinite(scene)) glare_out.push_back(scene);
        }
        luma.push_back(cv::mean(face)[0]);
        noise.push_back(NoiseSigma(face));
      }
      edge.push_back(EdgeSharpness(gray));
      if (models != nullptr && !models->empty()) {
        EKYC_ASSIGN_OR_RETURN(auto ms, models->Score(frame, t.at(i).box));
        if (ms.antispoof_real) m_real.push_back(*ms.antispoof_real);
        if (ms.liveness_live) m_live.push_back(*ms.liveness_live);
      }
    }
    return Status::Ok();
  };
  {
    const int half = helper != nullptr ? nt / 2 : nt;
    Status helper_status;
    std::jthread worker;
    if (helper != nullptr) {
      worker = std::jthread([&] {
        helper_status = refit(*helper, half, nt);
        pairs();
        flows();
      });
    }
    Status main_status = refit(detector, 0, half);
    if (main_status.ok()) main_status = passive();
    pairs();
    flows();
    if (worker.joinable()) worker.join();
    EKYC_RETURN_IF_ERROR(main_status);
    EKYC_RETURN_IF_ERROR(helper_status);
  }

  out.landmark_noise = Percentile(jitter, 0.5);
  std::vector<double> resid, motion, shape;
  for (int i = 0; i < nt; ++i) {
    resid.insert(resid.end(), resid_rows[i].begin(), resid_rows[i].end());
    shape.insert(shape.end(), shape_rows[i].begin(), shape_rows[i].end());
    motion.insert(motion.end(), motion_rows[i].begin(), motion_rows[i].end());
  }
  out.nonrigid_residual = Percentile(resid, 0.9);
  out.motion = Percentile(motion, 0.9);
  out.shape_change = Percentile(shape, 0.9);
  out.flow_residual = Percentile(flow_res, 0.5);
  for (double f : flow_res) out.flow_pairs_measured += std::isfinite(f) ? 1 : 0;

  std::vector<double> yaw, pitch;
  for (const auto& p : pose)
    if (p.ok) {
      yaw.push_back(p.yaw_deg);
      pitch.push_back(p.pitch_deg);
    }
  if (!yaw.empty()) {
    out.yaw_range_deg = Percentile(yaw, 0.9) - Percentile(yaw, 0.1);
    out.pitch_range_deg = Percentile(pitch, 0.9) - Percentile(pitch, 0.1);
  }

  out.ear = PlanarCorrectedEar(t);
  const int max_run =
      std::max(1, static_cast<int>(std::lround(thresholds::kBlinkMaxSeconds * t.used_fps)));
  out.blinks = DetectBlinks(out.ear, thresholds::kBlinkDrop, max_run);
  {
    std::vector<double> steps;
    for (size_t k = 1; k < out.ear.size(); ++k)
      if (std::isfinite(out.ear[k]) && std::isfinite(out.ear[k - 1]))
        steps.push_back(std::abs(out.ear[k] - out.ear[k - 1]));
    out.ear_jitter = out.blinks.baseline > 0 && !steps.empty()
                         ? Percentile(steps, 0.5) / out.blinks.baseline
                         : kNaN;
  }

  MeasureEyelidFlow(frames, t, out);

  out.face_iod_px = Percentile(iod, 0.5);
  out.face_luma = Percentile(luma, 0.5);
  out.noise_sigma = Percentile(noise, 0.5);
  out.moire_peak = Percentile(moire, 0.5);
  out.moire_isolation = Percentile(isolation, 0.5);
  out.glare_fraction = Percentile(glare, 0.5);
  out.glare_scene = Percentile(glare_out, 0.5);
  out.edge_sharpness = Percentile(edge, 0.5);
  {
    // Cheap (one Hough pass at 320 px), so on more frames than the other passive signals.
    const int nb = std::min(nt, thresholds::kBorderFrames);
    int framed = 0;
    for (int q = 0; q < nb; ++q) {
      const int i = Spread(q, nb, nt);
      const unsigned mask = ScreenBorderMask(Gray(frames[t.frame_at(i)]), t.at(i).box);
      framed += std::popcount(mask) >= thresholds::kBorderMinSides;
    }
    if (nb > 0) out.screen_border = static_cast<double>(framed) / nb;
  }
  if (!m_real.empty()) out.model_antispoof_real = Percentile(m_real, 0.5);
  if (!m_live.empty()) out.model_liveness_live = Percentile(m_live, 0.5);
  return out;
}

}  // namespace ekyc::live
