// Which vendor outcomes count as failed attempts, and on which routes (api.h AttemptLimit).
#include "api/routes_common.h"

namespace ekyc::api {

std::vector<AttemptLimit> VendorAttemptLimits(const Config& config) {
  std::vector<AttemptLimit> out;
  // Retrying a spoof until one passes: per user_id, whichever key asks, and per key, whichever
  // user it names. Only the liveness decision counts; an unreadable video or a card problem
  // does not (those are E4xx and cost the attacker nothing to vary).
  AttemptLimit live;
  live.name = "liveness_attempts";
  live.routes = {"register_ekyc_front_back_face_video"};
  live.counted_reasons = {"live.spoof_detected"};
  live.subject_fields = {"user_id"};
  live.max_per_field = config.liveness_fail_limit_user;
  live.max_per_key = config.liveness_fail_limit_key;
  live.window_s = config.liveness_fail_window_s;
  live.code = "E463";
  live.what = "failed liveness attempts";
  if (live.max_per_field > 0 || live.max_per_key > 0) out.push_back(live);
  // Probing the face database for who is in it: searches that find nobody and verifications
  // against a user who does not exist or does not match. Hits do not count, so a client whose
  // users are mostly enrolled is not slowed down.
  AttemptLimit enumeration;
  enumeration.name = "enumeration";
  enumeration.routes = {"search_face", "verify_user_face"};
  enumeration.counted_reasons = {"face.match_failed", "face.id_not_found"};
  enumeration.max_per_key = config.enumeration_limit_key;
  enumeration.window_s = config.enumeration_window_s;
  enumeration.code = "E462";
  enumeration.what = "searches and verifications that matched nobody";
  if (enumeration.max_per_key > 0) out.push_back(enumeration);
  return out;
}

}  // namespace ekyc::api
