// JSON form of the liveness results (the CLI's output and the API's liveness_detail).
#include "live/live.h"
#include "live/util.h"

namespace ekyc::live {

nlohmann::json ToJson(const PassiveSignals& p) {
  nlohmann::json j = {{"moire_peak", Round(p.moire_peak)},
                      {"moire_isolation", Round(p.moire_isolation)},
                      {"glare_fraction", Round(p.glare_fraction)},
                      {"spoof_score", Round(p.spoof_score)}};
  if (p.glare_scene >= 0) j["glare_scene"] = Round(p.glare_scene);
  if (p.edge_sharpness >= 0) j["edge_sharpness"] = Round(p.edge_sharpness, 1e-5);
  if (p.screen_border >= 0) j["screen_border"] = Round(p.screen_border);
  if (p.model_antispoof_real >= 0) j["model_antispoof_real"] = Round(p.model_antispoof_real);
  if (p.model_liveness_live >= 0) j["model_liveness_live"] = Round(p.model_liveness_live);
  return j;
}

nlohmann::json ToJson(const CueResult& c) {
  return {{"name", c.name},
          {"vote", VoteName(c.vote)},
          {"strength", Round(c.strength)},
          {"detail", c.detail}};
}

nlohmann::json ToJson(const VideoLiveness& v) {
  nlohmann::json j;
  j["kind"] = "video";
  j["live"] = v.live;
  j["decision"] = DecisionName(v.decision);
  j["score"] = Round(v.score);
  j["threshold"] = v.threshold;
  j["reasons"] = v.reasons;
  j["cues"] = nlohmann::json::array();
  for (const CueResult& c : v.cues) j["cues"].push_back(ToJson(c));
  j["abstained"] = v.abstained;
  j["frames"] = {{"used", v.frames_used},
                 {"with_face", v.frames_with_face},
                 {"multi_face", v.frames_multi_face},
                 {"fps", Round(v.fps, 0.01)},
                 {"eye_frames", v.eye_frames},
                 {"eye_fps", Round(v.eye_fps, 0.01)}};
  j["active"] = {{"score", Round(v.active_score)},
                 {"blinks", v.blinks},
                 {"ear_baseline", Round(v.ear_baseline)},
                 {"ear_min_ratio", Round(v.ear_min_ratio)},
                 {"ear_jitter", Round(v.ear_jitter)},
                 {"eyelid_flow", Round(v.eyelid_flow, 1e-5)},
                 {"eyelid_flow_nose", Round(v.eyelid_flow_nose, 1e-5)},
                 {"yaw_range_deg", Round(v.yaw_range_deg, 0.1)},
                 {"pitch_range_deg", Round(v.pitch_range_deg, 0.1)},
                 {"nonrigid_residual", Round(v.nonrigid_residual)},
                 {"landmark_noise", Round(v.landmark_noise)},
                 {"nonrigid_to_noise", Round(v.nonrigid_to_noise, 0.01)},
                 {"flow_residual", Round(v.flow_residual, 1e-5)},
                 {"shape_change", Round(v.shape_change)},
                 {"motion", Round(v.motion)}};
  j["quality"] = {{"face_iod_px", Round(v.face_iod_px, 0.1)},
                  {"face_luma", Round(v.face_luma, 0.1)},
                  {"noise_sigma", Round(v.noise_sigma, 0.01)}};
  j["passive"] = ToJson(v.passive);
  if (v.challenge.requested) {
    j["challenge"] = {{"requested", v.challenge.requested_actions},
                      {"observed", v.challenge.observed_actions},
                      {"passed", v.challenge.passed}};
  }
  j["best_frame"] = {
      {"index", v.best_frame_index},
      {"box",
       {v.best_face_box.x, v.best_face_box.y, v.best_face_box.width, v.best_face_box.height}}};
  return j;
}

nlohmann::json ToJson(const PhotoLiveness& p) {
  nlohmann::json j;
  j["kind"] = "photo";
  j["passive_only"] = true;
  j["live"] = p.live;
  j["score"] = Round(p.score);
  j["threshold"] = p.threshold;
  j["reasons"] = p.reasons;
  j["passive"] = ToJson(p.passive);
  j["face_box"] = {p.face_box.x, p.face_box.y, p.face_box.width, p.face_box.height};
  return j;
}

}  // namespace ekyc::live
