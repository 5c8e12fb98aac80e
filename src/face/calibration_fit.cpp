// Fitting the similarity calibration from labelled scores: per-population anchors (the stricter
// population wins) and peaks-over-threshold tail models for false-match rates too small to
// observe (the stricter model wins).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <numeric>
#include <optional>
#include <random>

#include "face/face.h"

namespace ekyc::face {
namespace {

// Fewest exceedances the tail fit accepts: below this the moments say little about the shape.
constexpr double kMinExceedances = 20;
// Similarities the FAR table reports (the vendor's threshold is a free number in [0,1]).
constexpr double kTableLevels[] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99};

Status DataError(const std::string& msg) {
  return InvalidArgument("face.calibration_data", msg);
}

// The cosine at which the share of `desc` (sorted descending) above it is at most `far`.
double EmpiricalAt(const std::vector<double>& desc, double far) {
  const size_t k = static_cast<size_t>(std::floor(far * static_cast<double>(desc.size())));
  return desc[std::min(k, desc.size() - 1)];
}

double ShareAbove(const std::vector<double>& v, double c) {
  if (v.empty()) return 0;
  return static_cast<double>(std::count_if(v.begin(), v.end(), [c](double x) { return x > c; })) /
         static_cast<double>(v.size());
}

double Round(double v, double unit) {
  return std::round(v / unit) * unit;
}

// Scores ordered highest first, with the total weight and the weight the tail fit takes.
struct TailSample {
  std::vector<size_t> order;
  double total = 0;
  double want = 0;
};

// What both tail fits start from; an error when the tail would hold too few pairs.
Result<TailSample> SortTail(const std::vector<double>& scores, const std::vector<double>& weights,
                            double tail_fraction) {
  if (!weights.empty() && weights.size() != scores.size()) return DataError("one weight per score");
  TailSample t;
  t.order.resize(scores.size());
  std::iota(t.order.begin(), t.order.end(), 0);
  std::sort(t.order.begin(), t.order.end(),
            [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  for (size_t i = 0; i < scores.size(); ++i) t.total += weights.empty() ? 1.0 : weights[i];
  t.want = tail_fraction * t.total;
  if (t.want < kMinExceedances)
    return DataError("too few impostor pairs for a tail model (" + std::to_string(int(t.total)) +
                     "; need " + std::to_string(int(kMinExceedances / tail_fraction)) + ")");
  return t;
}

}  // namespace

double TailModel::Quantile(double far) const {
  if (far >= exceed_fraction) return threshold;
  const double r = exceed_fraction / far;
  if (std::abs(shape) < 1e-9) return threshold + scale * std::log(r);
  return threshold + scale / shape * (std::pow(r, shape) - 1.0);
}

double TailModel::Far(double cosine) const {
  if (cosine <= threshold) return exceed_fraction;
  const double y = cosine - threshold;
  if (std::abs(shape) < 1e-9) return exceed_fraction * std::exp(-y / scale);
  const double t = 1.0 + shape * y / scale;
  if (t <= 0) return 0.0;  // beyond the fitted upper end
  return exceed_fraction * std::pow(t, -1.0 / shape);
}

Result<TailModel> FitTail(const std::vector<double>& scores, const std::vector<double>& weights,
                          double tail_fraction) {
  EKYC_ASSIGN_OR_RETURN(const TailSample t, SortTail(scores, weights, tail_fraction));
  const std::vector<size_t>& order = t.order;
  const double total = t.total, want = t.want;
  auto w = [&](size_t i) { return weights.empty() ? 1.0 : weights[i]; };
  // The highest scores up to `want` weight are the exceedances; the next score is the threshold.
  size_t j = 0;
  double cum = 0;
  while (j < order.size() && cum < want) cum += w(order[j++]);
  if (j >= order.size()) return DataError("no score below the tail");
  TailModel m;
  m.threshold = scores[order[j]];
  m.exceedances = j;
  m.exceed_fraction = cum / total;
  // Probability-weighted moments of the exceedances y (ascending), with plotting positions from
  // the cumulative weight: a0 = E[y], a1 = E[y (1 - F(y))].
  double a0 = 0, a1 = 0, before = 0;
  for (size_t k = j; k-- > 0;) {
    const size_t i = order[k];
    const double y = scores[i] - m.threshold, wi = w(i);
    const double f = (before + wi / 2) / cum;
    a0 += wi * y;
    a1 += wi * (1 - f) * y;
    before += wi;
  }
  a0 /= cum;
  a1 /= cum;
  const double d = a0 - 2 * a1;
  if (!(a0 > 0) || !(d > 0)) return DataError("the impostor tail is degenerate (ties?)");
  m.shape = 2 - a0 / d;
  m.scale = 2 * a0 * a1 / d;
  if (!(m.scale > 0) || !std::isfinite(m.shape)) return DataError("tail fit failed");
  return m;
}

namespace {

// z with P(Z > z) = p for a standard normal Z (bisection on erfc: exact to 1e-12, no table).
double NormalUpperQuantile(double p) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
    const double mid = (lo + hi) / 2;
    (0.5 * std::erfc(mid / std::sqrt(2.0)) > p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace

double NormalTail::Quantile(double far) const {
  return mean + sd * NormalUpperQuantile(far);
}

double NormalTail::Far(double cosine) const {
  return 0.5 * std::erfc((cosine - mean) / (sd * std::sqrt(2.0)));
}

Result<NormalTail> FitNormalTail(const std::vector<double>& scores,
                                 const std::vector<double>& weights, double tail_fraction) {
  EKYC_ASSIGN_OR_RETURN(const TailSample t, SortTail(scores, weights, tail_fraction));
  const std::vector<size_t>& order = t.order;
  const double total = t.total, want = t.want;
  auto w = [&](size_t i) { return weights.empty() ? 1.0 : weights[i]; };
  // Weighted least squares of score on z over the top `want` weight; plotting position of a
  // score = (weight above it + half its own) / total.
  double sw = 0, sz = 0, ss = 0, szz = 0, szs = 0, before = 0;
  for (size_t j = 0; j < order.size() && before < want; ++j) {
    const size_t i = order[j];
    const double wi = w(i);
    const double z = NormalUpperQuantile((before + wi / 2) / total);
    sw += wi, sz += wi * z, ss += wi * scores[i], szz += wi * z * z, szs += wi * z * scores[i];
    before += wi;
  }
  const double var_z = szz / sw - (sz / sw) * (sz / sw);
  if (!(var_z > 0)) return DataError("the impostor tail is degenerate (ties?)");
  NormalTail m;
  m.sd = (szs / sw - (sz / sw) * (ss / sw)) / var_z;
  m.mean = ss / sw - m.sd * sz / sw;
  if (!(m.sd > 0) || !std::isfinite(m.mean)) return DataError("normal tail fit failed");
  return m;
}

Result<TailEstimate> EstimateTailQuantile(const std::vector<ImpostorScore>& impostor, double far,
                                          const CalibrationFitOptions& options) {
  std::vector<double> all;
  all.reserve(impostor.size());
  for (const auto& s : impostor) all.push_back(s.cosine);
  TailEstimate out;
  EKYC_ASSIGN_OR_RETURN(out.model, FitTail(all, {}, options.tail_fraction));
  EKYC_ASSIGN_OR_RETURN(out.normal, FitNormalTail(all, {}, options.tail_fraction));
  out.quantile_gpd = out.model.Quantile(far);
  out.quantile_normal = out.normal.Quantile(far);
  out.quantile = std::max(out.quantile_gpd, out.quantile_normal);
  // Cluster bootstrap: draw identity clusters with replacement; an impostor pair counts once per
  // drawn copy of each of its two clusters.
  std::vector<int> clusters;
  for (const auto& s : impostor) clusters.push_back(s.cluster_a), clusters.push_back(s.cluster_b);
  std::sort(clusters.begin(), clusters.end());
  clusters.erase(std::unique(clusters.begin(), clusters.end()), clusters.end());
  std::vector<double> q;
  if (clusters.size() >= 2 && options.bootstrap > 0) {
    std::mt19937_64 rng(options.seed);
    std::uniform_int_distribution<size_t> pick(0, clusters.size() - 1);
    std::vector<double> count(clusters.size()), weights(impostor.size());
    auto index = [&](int c) {
      return static_cast<size_t>(std::lower_bound(clusters.begin(), clusters.end(), c) -
                                 clusters.begin());
    };
    std::vector<std::pair<size_t, size_t>> idx;
    for (const auto& s : impostor) idx.emplace_back(index(s.cluster_a), index(s.cluster_b));
    for (int b = 0; b < options.bootstrap; ++b) {
      std::fill(count.begin(), count.end(), 0.0);
      for (size_t k = 0; k < clusters.size(); ++k) count[pick(rng)] += 1;
      std::vector<double> s, w;
      for (size_t i = 0; i < impostor.size(); ++i) {
        const double wi = count[idx[i].first] * count[idx[i].second];
        if (wi > 0) s.push_back(all[i]), w.push_back(wi);
      }
      auto m = FitTail(s, w, options.tail_fraction);
      auto n = FitNormalTail(s, w, options.tail_fraction);
      if (m.ok() && n.ok()) q.push_back(std::max(m->Quantile(far), n->Quantile(far)));
    }
  }
  out.replicates = static_cast<int>(q.size());
  if (q.size() < 20) {
    // Too few clusters to resample: no honest upper bound, so take the highest impostor seen or
    // the point estimate, whichever is higher.
    out.quantile_upper = std::max(out.quantile, *std::max_element(all.begin(), all.end()));
    return out;
  }
  std::sort(q.begin(), q.end());
  const size_t k = static_cast<size_t>(
      std::min<double>(q.size() - 1, std::ceil(options.confidence * q.size()) - 1));
  out.quantile_upper = std::max(out.quantile, q[k]);
  return out;
}

Result<nlohmann::json> FitCalibrationSide(const std::vector<PopulationScores>& populations,
                                          const CalibrationFitOptions& options) {
  if (populations.empty()) return DataError("no labelled pairs");
  struct Pop {
    const PopulationScores* p;
    std::vector<double> imp_desc;
    double c_anchor = 0;
    std::optional<TailEstimate> tail;
    std::string tail_error;
  };
  std::vector<Pop> pops;
  for (const auto& p : populations) {
    if (p.genuine.empty() || p.impostor.empty())
      return DataError("population '" + p.population + "' needs genuine and impostor pairs");
    Pop q{&p, {}, 0, std::nullopt, ""};
    for (const auto& s : p.impostor) q.imp_desc.push_back(s.cosine);
    std::sort(q.imp_desc.begin(), q.imp_desc.end(), std::greater<>());
    q.c_anchor = EmpiricalAt(q.imp_desc, options.anchor_far);
    auto t = EstimateTailQuantile(p.impostor, options.high_far, options);
    if (t.ok())
      q.tail = *t;
    else
      q.tail_error = t.status().message();
    pops.push_back(std::move(q));
  }
  const Pop* mid_by = nullptr;
  const Pop* high_by = nullptr;
  for (const auto& q : pops) {
    if (q.imp_desc.size() * options.anchor_far < 1.0) continue;  // cannot read FAR 1e-3 off it
    if (!mid_by || q.c_anchor > mid_by->c_anchor) mid_by = &q;
  }
  auto sets_high = [&](const Pop& q) {
    const auto& h = options.high_populations;
    return h.empty() || std::find(h.begin(), h.end(), q.p->population) != h.end();
  };
  auto high_of = [&](const Pop& q) {
    return options.high_upper_bound ? q.tail->quantile_upper : q.tail->quantile;
  };
  for (const auto& q : pops)
    if (q.tail && sets_high(q) && (!high_by || high_of(q) > high_of(*high_by))) high_by = &q;
  if (!mid_by)
    return DataError("no population has enough impostor pairs to read FAR " +
                     std::to_string(options.anchor_far) + " (need " +
                     std::to_string(int(std::ceil(1 / options.anchor_far))) + ")");
  if (!high_by)
    return DataError("no population's impostor tail could be modelled (or none named for it): " +
                     pops[0].tail_error);
  const double mid = mid_by->c_anchor, high = high_of(*high_by);
  if (!(high > mid))
    return DataError("the FAR " + std::to_string(options.high_far) +
                     " cosine is not above the FAR " + std::to_string(options.anchor_far) + " one");
  const double logit_high = std::log(options.high_similarity / (1 - options.high_similarity));
  const double slope = logit_high / (high - mid);
  auto cosine_at = [&](double s) { return mid + std::log(s / (1 - s)) / slope; };

  nlohmann::json out;
  out["slope"] = Round(slope, 1e-4);
  out["midpoint"] = Round(mid, 1e-5);
  out["anchors"] = {
      {"0.5",
       {{"far", options.anchor_far},
        {"cosine", Round(mid, 1e-5)},
        {"set_by", mid_by->p->population},
        {"method", "empirical: the impostor score exceeded by this share of the fit pairs"}}},
      {std::to_string(options.high_similarity).substr(0, 4),
       {{"far", options.high_far},
        {"cosine", Round(high, 1e-5)},
        {"set_by", high_by->p->population},
        {"method",
         "the stricter of two tail models fitted to the top " +
             std::to_string(int(std::round(options.tail_fraction * 100))) +
             "% of impostor scores (generalised Pareto by probability-weighted moments; normal "
             "on the normal probability plot), extrapolated; " +
             (options.high_upper_bound
                  ? "the upper " + std::to_string(int(std::round(options.confidence * 100))) +
                        "% bound over " + std::to_string(options.bootstrap) +
                        " identity-cluster bootstrap replicates"
                  : std::string("the point estimate (the identity-cluster bootstrap bound is "
                                "reported per population)"))}}}};
  nlohmann::json table = nlohmann::json::array();
  for (double s : kTableLevels) {
    const double c = cosine_at(s);
    nlohmann::json row = {{"similarity", s}, {"cosine", Round(c, 1e-5)}};
    double far_max = 0, tar_min = 1;
    nlohmann::json per = nlohmann::json::object();
    for (const auto& q : pops) {
      const double far = ShareAbove(q.imp_desc, c), tar = ShareAbove(q.p->genuine, c);
      far_max = std::max(far_max, far);
      tar_min = std::min(tar_min, tar);
      nlohmann::json e = {{"far", Round(far, 1e-6)}, {"tar", Round(tar, 1e-4)}};
      // Where the data runs out, the tail model says what the rate is expected to be.
      if (q.tail && c > q.tail->model.threshold) e["far_modelled"] = q.tail->Far(c);
      per[q.p->population] = e;
    }
    row["far"] = Round(far_max, 1e-6);
    row["tar"] = Round(tar_min, 1e-4);
    row["populations"] = per;
    table.push_back(row);
  }
  out["far_table"] = table;
  nlohmann::json pj = nlohmann::json::object();
  for (const auto& q : pops) {
    nlohmann::json e = {
        {"genuine_pairs", q.p->genuine.size()},
        {"impostor_pairs", q.imp_desc.size()},
        {"cosine_at_far_" + std::to_string(options.anchor_far).substr(0, 5),
         Round(q.c_anchor, 1e-5)},
        {"far_at_0.5", Round(ShareAbove(q.imp_desc, mid), 1e-6)},
        {"tar_at_0.5", Round(ShareAbove(q.p->genuine, mid), 1e-4)},
        {"tar_at_high", Round(ShareAbove(q.p->genuine, high), 1e-4)},
        {"impostors_at_or_above_high", std::count_if(q.imp_desc.begin(), q.imp_desc.end(),
                                                     [high](double x) { return x >= high; })}};
    if (q.imp_desc.size() * options.anchor_far < 1.0)
      e["note"] = "fewer impostor pairs than 1/FAR: not used for the 0.5 anchor";
    if (q.tail) {
      e["tail"] = {{"threshold", Round(q.tail->model.threshold, 1e-5)},
                   {"scale", Round(q.tail->model.scale, 1e-6)},
                   {"shape", Round(q.tail->model.shape, 1e-4)},
                   {"exceedances", q.tail->model.exceedances},
                   {"normal_mean", Round(q.tail->normal.mean, 1e-6)},
                   {"normal_sd", Round(q.tail->normal.sd, 1e-6)},
                   {"cosine_at_far_high_gpd", Round(q.tail->quantile_gpd, 1e-5)},
                   {"cosine_at_far_high_normal", Round(q.tail->quantile_normal, 1e-5)},
                   {"cosine_at_far_high", Round(q.tail->quantile, 1e-5)},
                   {"cosine_at_far_high_upper", Round(q.tail->quantile_upper, 1e-5)},
                   {"bootstrap_replicates", q.tail->replicates}};
    } else {
      e["tail"] = {{"error", q.tail_error}};
    }
    pj[q.p->population] = e;
  }
  out["populations"] = pj;
  return out;
}

Result<nlohmann::json> FitCalibration(const std::string& model_id,
                                      const std::vector<PopulationScores>& selfie,
                                      const std::vector<PopulationScores>& card,
                                      const CalibrationFitOptions& options) {
  nlohmann::json out = {{"model", model_id},
                        {"map", "similarity = 1 / (1 + exp(-slope * (cosine - midpoint)))"}};
  EKYC_ASSIGN_OR_RETURN(nlohmann::json s, FitCalibrationSide(selfie, options));
  out.update(s);
  if (!card.empty()) {
    EKYC_ASSIGN_OR_RETURN(nlohmann::json c, FitCalibrationSide(card, options));
    out["card_vs_selfie"] = c;
  }
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  out["date"] = date;
  out["tool"] = "ekyc face calibrate";
  return out;
}

std::map<std::string, int> ClusterImages(
    const std::vector<std::pair<std::string, std::string>>& genuine_pairs,
    const std::vector<std::string>& images) {
  std::map<std::string, int> id;
  std::vector<int> parent;
  auto node = [&](const std::string& s) {
    auto [it, fresh] = id.emplace(s, static_cast<int>(parent.size()));
    if (fresh) parent.push_back(it->second);
    return it->second;
  };
  std::function<int(int)> find = [&](int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const auto& s : images) node(s);
  for (const auto& [a, b] : genuine_pairs) {
    const int x = find(node(a)), y = find(node(b));
    if (x != y) parent[std::max(x, y)] = std::min(x, y);
  }
  std::map<std::string, int> out;
  for (const auto& [s, i] : id) out[s] = find(i);
  return out;
}

}  // namespace ekyc::face
