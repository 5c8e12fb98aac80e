// The calibration fit: the tail model on distributions with a known answer, the per-population
// rule (the stricter population sets each anchor) and the written map.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "face/face.h"

namespace ekyc::face {
namespace {

// n impostor scores in `clusters` identity clusters (pairs spread over the cluster pairs).
std::vector<ImpostorScore> Impostors(std::vector<double> scores, int clusters, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> c(0, clusters - 1);
  std::vector<ImpostorScore> out;
  for (double s : scores) {
    int a = c(rng), b = c(rng);
    while (b == a) b = c(rng);
    out.push_back({s, a, b});
  }
  return out;
}

std::vector<double> Normal(size_t n, double mean, double sd, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(mean, sd);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Exponential tail above 0.2: P(X > 0.2 + y) = exp(-y / 0.05) for the top part.
TEST(FaceTail, ExponentialTailIsRecovered) {
  std::mt19937_64 rng(3);
  std::exponential_distribution<double> e(1 / 0.05);
  std::vector<double> s(40000);
  for (auto& x : s) x = 0.2 + e(rng);
  auto m = FitTail(s, {}, 0.05);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_NEAR(m->shape, 0.0, 0.12);
  EXPECT_NEAR(m->scale, 0.05, 0.008);
  EXPECT_NEAR(m->exceed_fraction, 0.05, 0.001);
  // True 1e-5 quantile: 0.2 + 0.05 ln(1e5) = 0.7756.
  EXPECT_NEAR(m->Quantile(1e-5), 0.2 + 0.05 * std::log(1e5), 0.06);
  // Far() and Quantile() are inverses above the threshold.
  EXPECT_NEAR(m->Far(m->Quantile(1e-4)), 1e-4, 1e-6);
}

// A bounded (negative-shape) generalised Pareto tail, like cosines that cannot exceed 1.
TEST(FaceTail, BoundedTailHasNegativeShape) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  const double xi = -0.3, sigma = 0.1;
  std::vector<double> s(30000);
  for (auto& x : s) x = sigma / xi * (std::pow(1 - u(rng), -xi) - 1);  // GPD(xi, sigma) from 0
  auto m = FitTail(s, {}, 0.2);
  ASSERT_TRUE(m.ok());
  EXPECT_LT(m->shape, -0.15);
  // The fitted upper end stays near the true one (sigma / -xi = 0.333).
  EXPECT_NEAR(m->Quantile(1e-9), 1.0 / 3.0, 0.05);
}

// The normal tail model recovers a normal distribution from its top 5 % alone, including the
// 1e-5 quantile nine times further out than the data it was fitted on.
TEST(FaceTail, NormalTailRecoversANormal) {
  auto s = Normal(40000, 0.1, 0.1, 4);
  auto m = FitNormalTail(s, {}, 0.05);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_NEAR(m->mean, 0.1, 0.02);
  EXPECT_NEAR(m->sd, 0.1, 0.01);
  EXPECT_NEAR(m->Quantile(1e-5), 0.1 + 4.2649 * 0.1, 0.03);
  EXPECT_NEAR(m->Far(m->Quantile(1e-4)), 1e-4, 1e-7);
  // Weights act as repeated scores.
  std::vector<double> doubled = s;
  doubled.insert(doubled.end(), s.begin(), s.end());
  auto w = FitNormalTail(s, std::vector<double>(s.size(), 2.0), 0.05);
  auto d = FitNormalTail(doubled, {}, 0.05);
  ASSERT_TRUE(w.ok() && d.ok());
  EXPECT_NEAR(w->Quantile(1e-5), d->Quantile(1e-5), 2e-3);
  EXPECT_EQ(FitNormalTail(Normal(100, 0, 1, 1), {}, 0.05).status().reason(),
            "face.calibration_data");
}

// Where the two tail models disagree beyond the data, the stricter (higher) one is the estimate:
// on a bounded tail the generalised Pareto ends early and the normal sets the quantile.
TEST(FaceTail, StricterTailModelIsThePointEstimate) {
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> s(20000);
  for (auto& x : s) x = 0.1 / -0.3 * (std::pow(1 - u(rng), 0.3) - 1);  // GPD(-0.3, 0.1)
  CalibrationFitOptions o;
  o.bootstrap = 40;
  auto e = EstimateTailQuantile(Impostors(s, 40, 2), 1e-5, o);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_GT(e->quantile_normal, e->quantile_gpd);
  EXPECT_DOUBLE_EQ(e->quantile, std::max(e->quantile_gpd, e->quantile_normal));
  EXPECT_GE(e->quantile_upper, e->quantile);
  // The combined rate is the higher of the two models'.
  const double c = e->quantile_gpd;
  EXPECT_DOUBLE_EQ(e->Far(c), std::max(e->model.Far(c), e->normal.Far(c)));
  EXPECT_GT(e->Far(c), 1e-5);
}

TEST(FaceTail, TooFewScoresOrWeightsMismatchAreRefused) {
  EXPECT_EQ(FitTail(Normal(100, 0, 1, 1), {}, 0.05).status().reason(), "face.calibration_data");
  EXPECT_FALSE(FitTail(Normal(1000, 0, 1, 1), {1.0, 2.0}, 0.05).ok());
}

// The cluster bootstrap gives an upper bound at or above the point estimate, the same for the
// same seed.
TEST(FaceTail, ClusterBootstrapUpperBound) {
  auto scores = Normal(20000, 0.1, 0.1, 9);
  CalibrationFitOptions o;
  o.bootstrap = 100;
  auto spread = Impostors(scores, 40, 1);
  auto a = EstimateTailQuantile(spread, 1e-5, o);
  auto again = EstimateTailQuantile(spread, 1e-5, o);
  ASSERT_TRUE(a.ok() && again.ok());
  EXPECT_GE(a->quantile_upper, a->quantile);
  EXPECT_DOUBLE_EQ(a->quantile_upper, again->quantile_upper);
  EXPECT_EQ(a->replicates, 100);
  // Normal(0.1, 0.1): the true 1e-5 quantile is 0.1 + 4.265 * 0.1 = 0.5265.
  EXPECT_NEAR(a->quantile, 0.5265, 0.06);
  // Two identity clusters only: nothing to resample, so the bound falls back to the highest
  // impostor seen or the point estimate, whichever is higher.
  auto two = Impostors(scores, 2, 1);
  auto c = EstimateTailQuantile(two, 1e-5, o);
  ASSERT_TRUE(c.ok());
  EXPECT_GE(c->quantile_upper, *std::max_element(scores.begin(), scores.end()) - 1e-12);
}

PopulationScores Population(const std::string& name, double imp_mean, double gen_mean,
                            uint64_t seed) {
  PopulationScores p;
  p.population = name;
  p.impostor = Impostors(Normal(20000, imp_mean, 0.1, seed), 60, seed);
  p.genuine = Normal(600, gen_mean, 0.1, seed + 1);
  return p;
}

// The population whose impostors score higher sets both anchors; the map puts 0.5 and 0.95
// exactly there, and every population's FAR at 0.5 is at most the target.
TEST(FaceCalibrationFit, StricterPopulationSetsTheAnchors) {
  CalibrationFitOptions o;
  o.bootstrap = 60;
  const std::vector<PopulationScores> pops = {Population("western", 0.05, 0.7, 11),
                                              Population("eastasia", 0.15, 0.75, 21)};
  auto side = FitCalibrationSide(pops, o);
  ASSERT_TRUE(side.ok()) << side.status().ToString();
  const auto& j = *side;
  EXPECT_EQ(j["anchors"]["0.5"]["set_by"], "eastasia");
  EXPECT_EQ(j["anchors"]["0.95"]["set_by"], "eastasia");
  auto cal =
      Calibration::FromJson({{"model", "m"}, {"slope", j["slope"]}, {"midpoint", j["midpoint"]}});
  ASSERT_TRUE(cal.ok());
  const double c_mid = j["anchors"]["0.5"]["cosine"], c_high = j["anchors"]["0.95"]["cosine"];
  EXPECT_NEAR(cal->Map(c_mid), 0.5, 1e-3);
  EXPECT_NEAR(cal->Map(c_high), 0.95, 2e-3);
  for (const auto& [name, e] : j["populations"].items())
    EXPECT_LE(e["far_at_0.5"].get<double>(), 1e-3 + 1e-9) << name;
  // Western impostors at the stricter point are rarer than the target.
  EXPECT_LT(j["populations"]["western"]["far_at_0.5"].get<double>(), 2e-4);
  // The table is monotone: a higher similarity never admits more impostors or genuine pairs.
  double far = 2, tar = 2;
  for (const auto& row : j["far_table"]) {
    EXPECT_LE(row["far"].get<double>(), far);
    EXPECT_LE(row["tar"].get<double>(), tar);
    far = row["far"];
    tar = row["tar"];
    for (const auto& [name, e] : row["populations"].items())
      EXPECT_LE(e["far"].get<double>(), row["far"].get<double>()) << name;
  }
  // Naming the populations that set the high anchor restricts it to them.
  o.high_populations = {"western"};
  auto w = FitCalibrationSide(pops, o);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ((*w)["anchors"]["0.95"]["set_by"], "western");
  EXPECT_EQ((*w)["anchors"]["0.5"]["set_by"], "eastasia");  // 0.5: every population
  EXPECT_LT((*w)["anchors"]["0.95"]["cosine"].get<double>(), c_high);
}

// 0.95 sits on the point estimate of the FAR 1e-5 cosine by default, on its bootstrap bound with
// high_upper_bound; both are recorded for every population.
TEST(FaceCalibrationFit, HighAnchorIsPointEstimateOrBound) {
  CalibrationFitOptions o;
  o.bootstrap = 60;
  const std::vector<PopulationScores> pops = {Population("eastasia", 0.15, 0.75, 21)};
  auto point = FitCalibrationSide(pops, o);
  o.high_upper_bound = true;
  auto bound = FitCalibrationSide(pops, o);
  ASSERT_TRUE(point.ok() && bound.ok());
  const auto& tail = (*point)["populations"]["eastasia"]["tail"];
  EXPECT_DOUBLE_EQ((*point)["anchors"]["0.95"]["cosine"].get<double>(),
                   tail["cosine_at_far_high"].get<double>());
  EXPECT_DOUBLE_EQ((*bound)["anchors"]["0.95"]["cosine"].get<double>(),
                   tail["cosine_at_far_high_upper"].get<double>());
  EXPECT_GT(tail["cosine_at_far_high_upper"].get<double>(), tail["cosine_at_far_high"].get<double>());
  EXPECT_DOUBLE_EQ(tail["cosine_at_far_high"].get<double>(),
                   std::max(tail["cosine_at_far_high_gpd"].get<double>(),
                            tail["cosine_at_far_high_normal"].get<double>()));
  // The same 0.5 either way; a wider 0.5..0.95 span means a flatter map.
  EXPECT_EQ((*point)["midpoint"], (*bound)["midpoint"]);
  EXPECT_GT((*point)["slope"].get<double>(), (*bound)["slope"].get<double>());
}

TEST(FaceCalibrationFit, WholeFileLoadsWithBothSides) {
  CalibrationFitOptions o;
  o.bootstrap = 30;
  auto j =
      FitCalibration("net@1", {Population("a", 0.1, 0.7, 3)}, {Population("a", 0.12, 0.6, 5)}, o);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  auto cal = Calibration::FromJson(*j);
  ASSERT_TRUE(cal.ok()) << cal.status().ToString();
  EXPECT_EQ(cal->model, "net@1");
  ASSERT_TRUE(cal->card_midpoint.has_value());
  EXPECT_NEAR(cal->MapCardVsSelfie(*cal->card_midpoint), 0.5, 1e-9);
  EXPECT_NE(*cal->card_midpoint, cal->midpoint);
}

TEST(FaceCalibrationFit, NotEnoughDataIsRefused) {
  CalibrationFitOptions o;
  PopulationScores small;
  small.population = "tiny";
  small.impostor = Impostors(Normal(500, 0, 0.1, 1), 10, 1);  // < 1000: no FAR 1e-3 reading
  small.genuine = {0.8, 0.9};
  EXPECT_EQ(FitCalibrationSide({small}, o).status().reason(), "face.calibration_data");
  PopulationScores no_genuine = Population("x", 0, 0.7, 1);
  no_genuine.genuine.clear();
  EXPECT_EQ(FitCalibrationSide({no_genuine}, o).status().reason(), "face.calibration_data");
}

TEST(FaceCalibrationFit, ClustersAreGenuineComponents) {
  auto c = ClusterImages({{"a1", "a2"}, {"a2", "a3"}, {"b1", "b2"}},
                         {"a1", "a2", "a3", "b1", "b2", "c1"});
  EXPECT_EQ(c["a1"], c["a3"]);
  EXPECT_EQ(c["b1"], c["b2"]);
  EXPECT_NE(c["a1"], c["b1"]);
  EXPECT_NE(c["c1"], c["a1"]);
  EXPECT_NE(c["c1"], c["b1"]);
}

}  // namespace
}  // namespace ekyc::face
