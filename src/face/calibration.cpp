#include <cmath>
#include <fstream>

#include "face/face.h"

namespace ekyc::face {

double Calibration::Map(double cosine) const {
  const double z = slope * (cosine - midpoint);
  return 1.0 / (1.0 + std::exp(-z));
}

double Calibration::MapCardVsSelfie(double cosine) const {
  if (!card_slope || !card_midpoint) return Map(cosine);
  const double z = *card_slope * (cosine - *card_midpoint);
  return 1.0 / (1.0 + std::exp(-z));
}

Result<Calibration> Calibration::FromJson(const nlohmann::json& j) {
  Calibration c;
  try {
    c.model = j.at("model").get<std::string>();
    c.slope = j.at("slope").get<double>();
    c.midpoint = j.at("midpoint").get<double>();
    if (j.contains("far_table")) c.far_table = j.at("far_table");
    if (j.contains("card_vs_selfie")) {
      const auto& card = j.at("card_vs_selfie");
      c.card_slope = card.at("slope").get<double>();
      c.card_midpoint = card.at("midpoint").get<double>();
      if (card.contains("far_table")) c.card_far_table = card.at("far_table");
    }
  } catch (const std::exception& e) {
    return InvalidArgument(
        "face.calibration_invalid",
        std::string("calibration JSON lacks model/slope/midpoint (or card_vs_selfie's): ") +
            e.what());
  }
  if (!(c.slope > 0) || !std::isfinite(c.midpoint) || (c.card_slope && !(*c.card_slope > 0)) ||
      (c.card_midpoint && !std::isfinite(*c.card_midpoint)))
    return InvalidArgument("face.calibration_invalid",
                           "calibration slope must be > 0 (the map must increase)");
  return c;
}

Result<Calibration> Calibration::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return NotFound("face.calibration_missing", "cannot read calibration file '" + path + "'");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded())
    return InvalidArgument("face.calibration_invalid",
                           "calibration file '" + path + "' is not JSON");
  return FromJson(j);
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size() || a.empty()) return 0;
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (na <= 0 || nb <= 0) return 0;
  return dot / std::sqrt(na * nb);
}

}  // namespace ekyc::face
