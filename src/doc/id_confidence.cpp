#include "doc/id_confidence.h"

#include <algorithm>

namespace ekyc::doc {

std::vector<double> IdCharConfidences(const std::string& value, double confidence,
                                      const std::string& source,
                                      const std::vector<IdCandidate>& readings) {
  const double conf = std::clamp(confidence, 0.0, 1.0);
  std::vector<double> out(value.size(), conf);
  if (value.empty()) return out;
  // Machine-readable data decides every character at once.
  if (source.find("qr") != std::string::npos || source.find("mrz") != std::string::npos) return out;
  std::vector<const IdCandidate*> full;
  double total = 0;
  for (const IdCandidate& c : readings) {
    if (c.window || c.value.size() != value.size() || c.conf <= 0) continue;
    full.push_back(&c);
    total += c.conf;
  }
  if (full.size() < 2 || total <= 0) return out;
  for (size_t i = 0; i < value.size(); ++i) {
    double agree = 0;
    for (const IdCandidate* c : full) {
      if (c->value[i] == value[i]) agree += c->conf;
    }
    out[i] = conf * agree / total;
  }
  return out;
}

}  // namespace ekyc::doc
