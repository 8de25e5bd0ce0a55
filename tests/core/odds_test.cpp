// SPDX-License-Identifier: MIT
// odds.h: the closed-form first-passage probability (hand-computed values, limits, monotony, a
// Brownian-bridge Monte Carlo in this file), liquidationOdds(), and monteCarlo() (errors,
// agreement with the closed form, reproducibility, chunking, correlation).
#include "marginlab/odds.h"

#include <cstdint>
#include <limits>
#include <numbers>
#include <random>

#include "support.h"

using namespace mltest;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Simple profile (flat 0.5 % table for any symbol): long 1 AAA @ 100, mark 100, 10x.
/// Isolated: M = 10, LP solves 10 + (LP − 100) = 0.005·LP, LP = 90 / 0.995 = 90.4522613...
/// Cross, wallet 15: 15 + (LP − 100) = 0.005·LP, LP = 85 / 0.995 = 85.4271356...
Scenario oneLong(double wallet = 15) {
  Scenario s{.rules = Rules::Simple, .walletBalance = wallet};
  s.positions = {Position{.symbol = "AAA", .quantity = 1, .entryPrice = 100, .leverage = 10}};
  return s;
}

/// Two symbols, the same long in each (both isolated LPs 90.4522613...), wallet 30.
Scenario twoLongs() {
  Scenario s{.rules = Rules::Simple, .walletBalance = 30};
  s.positions = {Position{.symbol = "AAA", .quantity = 1, .entryPrice = 100, .leverage = 10},
                 Position{.symbol = "BBB", .quantity = 1, .entryPrice = 100, .leverage = 10}};
  return s;
}

/// liquidationOdds() then explain(), requiring no error.
OddsResult oddsOk(const Scenario& s, const OddsRequest& r) {
  auto result = liquidationOdds(s, r);
  INFO("first error: " << (result.errors.empty() ? std::string("none") : result.errors.front().message));
  REQUIRE(result);
  explain(s, r, *result.value);
  return *result.value;
}

MonteCarloTally runOk(const Scenario& s, const MonteCarloRequest& r, std::size_t begin,
                      std::size_t end, MonteCarloTally tally = {}) {
  auto result = monteCarlo(s, r, begin, end, std::move(tally));
  INFO("first error: " << (result.errors.empty() ? std::string("none")
                                                 : result.errors.front().path + ": " +
                                                       result.errors.front().message));
  REQUIRE(result);
  REQUIRE(result.value);
  return *result.value;
}

bool sameTally(const MonteCarloTally& a, const MonteCarloTally& b) {
  return a.paths == b.paths && a.liquidatedPaths.isolated == b.liquidatedPaths.isolated &&
         a.liquidatedPaths.cross == b.liquidatedPaths.cross && a.isolatedByPosition == b.isolatedByPosition &&
         a.timeHistogram.isolated == b.timeHistogram.isolated && a.timeHistogram.cross == b.timeHistogram.cross &&
         a.probability.isolated == b.probability.isolated && a.probability.cross == b.probability.cross &&
         a.medianDays.isolated == b.medianDays.isolated && a.medianDays.cross == b.medianDays.cross;
}

std::size_t sum(const std::vector<std::size_t>& v) {
  std::size_t total = 0;
  for (std::size_t x : v) total += x;
  return total;
}

}  // namespace

TEST_CASE("firstPassageProbability: hand-computed values", "[odds]") {
  // P = N((b − m t)/(σ√t)) + e^(2mb/σ²)·N((b + m t)/(σ√t)), m = μ − σ²/2, b = ln(B/S); the
  // reference values were computed with mpmath at 30 digits. Tolerance 1e-12 relative.

  // Down: S 100, B 80, σ 0.8, t 0.25, μ 0: m = −0.32, m t = −0.08, σ√t = 0.4, b = ln 0.8 =
  // −0.2231435513; with μ = 0, e^(2mb/σ²) = e^(−b) = S/B = 1.25:
  // P = N(−0.3578588783) + 1.25·N(−0.7578588783) = 0.6405591317713089.
  CHECK_THAT(firstPassageProbability(100, 80, 0.8, 0.25), WithinRel(0.6405591317713089, 1e-12));
  // Up: S 100, B 125, same σ, t: b = ln 1.25 = 0.2231435513, reflected (b, m) -> (−b, −m):
  // P = N(−0.7578588783) + e^(−0.2231435513)·N(−0.3578588783) = 0.5124473054170471.
  CHECK_THAT(firstPassageProbability(100, 125, 0.8, 0.25), WithinRel(0.5124473054170471, 1e-12));
  // No log drift (μ = σ²/2 = 0.32, m = 0): the reflection principle, P = 2·N(b/(σ√t)) =
  // 2·N(−0.2231435513 / 0.4) = 2·N(−0.5578588783) = 0.5769407535735480, the same both ways.
  CHECK_THAT(firstPassageProbability(100, 80, 0.8, 0.25, 0.32),
             WithinRel(0.5769407535735480, 1e-12));
  CHECK_THAT(firstPassageProbability(100, 125, 0.8, 0.25, 0.32),
             WithinRel(0.5769407535735480, 1e-12));
  // With drift: S 100, B 90, σ 0.6, t 0.5, μ 0.1: m = −0.08, b = ln 0.9 = −0.1053605157,
  // σ√t = 0.4242640687, e^(2mb/σ²) = 1.0479405905:
  // P = N(−0.1540562128) + 1.0479405905·N(−0.3426180211) = 0.8222691477715658.
  CHECK_THAT(firstPassageProbability(100, 90, 0.6, 0.5, 0.1), WithinRel(0.8222691477715658, 1e-12));
}

TEST_CASE("firstPassageProbability: limits", "[odds]") {
  CHECK(firstPassageProbability(100, 100, 0.8, 0.25) == 1);  // touched now
  CHECK(firstPassageProbability(100, 100, 0, 0) == 1);
  CHECK_THAT(firstPassageProbability(100, 100 * (1 - 1e-9), 0.8, 0.25), WithinAbs(1, 1e-7));
  CHECK_THAT(firstPassageProbability(100, 100 * (1 + 1e-9), 0.8, 0.25), WithinAbs(1, 1e-7));
  CHECK(firstPassageProbability(100, 1, 0.5, 1) < 1e-15);  // ln 0.01 = −4.6 is 9 σ away
  CHECK(firstPassageProbability(100, 10000, 0.5, 1) < 1e-15);
  CHECK(firstPassageProbability(100, 90, 0, 1) == 0);  // σ√t = 0, not touched
  CHECK(firstPassageProbability(100, 90, 0.8, 0) == 0);
  CHECK(firstPassageProbability(100, 110, 0.8, 0, 5) == 0);
  // A strong drift toward the barrier makes the touch near certain; away, near impossible.
  CHECK(firstPassageProbability(100, 90, 0.01, 1, -1) > 1 - 1e-12);
  CHECK(firstPassageProbability(100, 90, 0.01, 1, 1) < 1e-12);
}

TEST_CASE("firstPassageProbability: monotone in sigma and years, finite in [0, 1]", "[odds]") {
  for (double barrier : {50.0, 80.0, 99.0, 101.0, 125.0, 200.0}) {
    INFO("barrier " << barrier);
    double previous = 0;
    for (double years = 0.001; years < 20; years *= 1.3) {  // more time, more chances
      const double p = firstPassageProbability(100, barrier, 0.7, years, 0.05);
      CHECK(p >= previous - 1e-15);
      previous = p;
    }
    if (barrier < 100) {  // μ = 0: more σ is more spread and more downward log drift
      previous = 0;
      for (double sigma = 0.01; sigma < 10; sigma *= 1.2) {
        const double p = firstPassageProbability(100, barrier, sigma, 0.5);
        CHECK(p >= previous - 1e-15);
        previous = p;
      }
    }
  }
  // An extreme grid: never NaN, never outside [0, 1].
  std::size_t checked = 0;
  for (double sigma : {1e-8, 1e-4, 0.01, 0.5, 3.0, 10.0})
    for (double years : {1e-9, 1e-3, 1.0, 100.0})
      for (double mu : {-10.0, -0.5, 0.0, 0.5, 10.0})
        for (double barrier : {1e-6, 50.0, 99.999, 100.001, 200.0, 1e9}) {
          const double p = firstPassageProbability(100, barrier, sigma, years, mu);
          if (!(p >= 0 && p <= 1))
            FAIL_CHECK("p = " << p << " at σ " << sigma << ", t " << years << ", μ " << mu << ", B "
                              << barrier);
          ++checked;
        }
  CHECK(checked == 720);
}

TEST_CASE("firstPassageProbability: agrees with a Brownian-bridge Monte Carlo", "[odds]") {
  // The log of the mark is X = m t + σ W. Between two grid points x0, x1 above a down barrier
  // b, the bridge touches b with probability exp(−2 (x0 − b)(x1 − b) / (σ² dt)) (exact, so
  // 100 steps carry no discretisation bias). Each path contributes 1 − Π(1 − p_k); 20,000
  // paths. Tolerance: 4 standard errors of that mean (sample standard deviation / √paths).
  const double spot = 100, sigma = 0.8, years = 0.25;
  const int paths = 20000, steps = 100;
  const double dt = years / steps;
  std::mt19937_64 engine(20261125);  // fully specified by the standard: the same on every build
  const auto uniform = [&] { return (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53; };
  for (auto [barrier, mu] : {std::pair{80.0, 0.0}, std::pair{125.0, 0.0}, std::pair{90.0, 0.3}}) {
    const double m = mu - sigma * sigma / 2;
    const double b = std::log(barrier / spot);
    const double dir = b < 0 ? 1 : -1;  // distance to the barrier is dir·(x − b) > 0 before a touch
    double total = 0, totalSq = 0;
    for (int i = 0; i < paths; ++i) {
      double x = 0, survive = 1;
      for (int k = 0; k < steps && survive > 0; k += 2) {
        // Box–Muller: two normals per pair of uniforms.
        const double r = std::sqrt(-2 * std::log(uniform())), a = 2 * std::numbers::pi * uniform();
        for (double z : {r * std::cos(a), r * std::sin(a)}) {
          const double next = x + m * dt + sigma * std::sqrt(dt) * z;
          const double d0 = dir * (x - b), d1 = dir * (next - b);
          survive *= d1 <= 0 ? 0 : 1 - std::exp(-2 * d0 * d1 / (sigma * sigma * dt));
          x = next;
        }
      }
      total += 1 - survive;
      totalSq += (1 - survive) * (1 - survive);
    }
    const double mean = total / paths;
    const double se = std::sqrt((totalSq / paths - mean * mean) / paths);
    const double exact = firstPassageProbability(spot, barrier, sigma, years, mu);
    INFO("barrier " << barrier << ", μ " << mu << ": Monte Carlo " << mean << " ± " << se
                    << ", closed form " << exact);
    CHECK(std::abs(mean - exact) < 4 * se);
  }
}

TEST_CASE("liquidationOdds: a long in both modes, from evaluate's liquidation prices", "[odds]") {
  const Scenario s = oneLong();
  const Report r = evaluateOk(s);
  const double isoLp = *r.isolated->positions[0].liquidationPrice;
  const double crossLp = *r.cross->positions[0].liquidationPrice;
  CHECK_THAT(isoLp, WithinRel(90 / 0.995, 1e-12));
  CHECK_THAT(crossLp, WithinRel(85 / 0.995, 1e-12));

  const OddsResult odds = oddsOk(s, {.volatility = 0.8, .years = 1.0 / 12});
  REQUIRE(odds.probability.isolated);
  REQUIRE(odds.probability.cross);
  // mpmath: S 100, B 90.45226131, σ 0.8, t 1/12: N(−0.3190494190) + 1.1055555556·N(−0.5499895266).
  CHECK_THAT(*odds.probability.isolated, WithinRel(0.6967416994636029, 1e-11));
  CHECK_THAT(*odds.probability.isolated, WithinRel(firstPassageProbability(100, isoLp, 0.8, 1.0 / 12), 1e-15));
  CHECK_THAT(*odds.probability.cross, WithinRel(firstPassageProbability(100, crossLp, 0.8, 1.0 / 12), 1e-15));
  CHECK(*odds.probability.cross < *odds.probability.isolated);  // the wallet's extra 5 helps

  // The steps: σ√t, m, then per mode b and P; the last value of each mode is the probability.
  const auto& steps = odds.steps;
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].formula == "σ√t");
  CHECK(steps[0].code == "odds.spread");
  CHECK_THAT(*steps[0].value, WithinRel(0.8 * std::sqrt(1.0 / 12), 1e-15));
  CHECK(steps[1].formula == "m = μ − σ²/2");
  CHECK_THAT(*steps[1].value, WithinRel(-0.32, 1e-15));
  CHECK(steps[2].field == "isolatedProbability");
  CHECK(steps[2].substituted == "ln(90.45226131 / 100)");
  CHECK_THAT(*steps[2].value, WithinRel(std::log(isoLp / 100), 1e-15));
  CHECK(steps[3].field == "isolatedProbability");
  CHECK(steps[3].code == "odds.touchBelow");
  CHECK_THAT(steps[3].formula, Catch::Matchers::Contains("N((b − m·t)/(σ√t))"));
  CHECK_THAT(steps[3].substituted, Catch::Matchers::Contains("N(-0.319049419)"));
  CHECK(*steps[3].value == *odds.probability.isolated);
  CHECK(steps[5].field == "crossProbability");
  CHECK_THAT(steps[5].label, Catch::Matchers::Contains("other symbols held at their marks"));
  CHECK(*steps[5].value == *odds.probability.cross);
}

TEST_CASE("liquidationOdds: the horizon in days is days / 365 years", "[odds]") {
  const Scenario s = oneLong();
  const OddsResult inYears = oddsOk(s, {.volatility = 0.8, .years = 30.0 / 365});
  const OddsResult inDays = oddsOk(s, {.volatility = 0.8, .days = 30});
  CHECK(*inDays.probability.isolated == *inYears.probability.isolated);
  CHECK(*inDays.probability.cross == *inYears.probability.cross);
  // One more step first: the conversion.
  REQUIRE(inDays.steps.size() == inYears.steps.size() + 1);
  CHECK(inDays.steps[0].code == "odds.horizonYears");
  CHECK(inDays.steps[0].substituted == "30 / 365");
  CHECK(*inDays.steps[0].value == 30.0 / 365);
  for (std::size_t i = 0; i < inYears.steps.size(); ++i) CHECK(inDays.steps[i + 1].substituted == inYears.steps[i].substituted);
}

TEST_CASE("liquidationOdds: a short is an up barrier; drift moves it", "[odds]") {
  Scenario s{.rules = Rules::Simple, .walletBalance = 15};
  s.positions = {Position{.symbol = "AAA", .side = Side::Short, .quantity = 1, .entryPrice = 100, .leverage = 10}};
  const Report r = evaluateOk(s);
  const double lp = *r.isolated->positions[0].liquidationPrice;
  REQUIRE(lp > 100);
  const OddsResult odds = oddsOk(s, {.volatility = 0.5, .years = 0.25, .drift = 0.2});
  CHECK_THAT(*odds.probability.isolated, WithinRel(firstPassageProbability(100, lp, 0.5, 0.25, 0.2), 1e-15));
  CHECK_THAT(odds.steps[3].formula, Catch::Matchers::Contains("N((−b + m·t)/(σ√t))"));
  CHECK_THAT(odds.steps[3].label, Catch::Matchers::Contains("above"));
  CHECK(odds.steps[3].code == "odds.touchAbove");
  // An upward drift brings a short's liquidation closer.
  CHECK(*oddsOk(s, {.volatility = 0.5, .years = 0.25, .drift = 0.5}).probability.isolated > *odds.probability.isolated);
}

TEST_CASE("liquidationOdds: no liquidation price, already past, zero volatility", "[odds]") {
  // Leverage 1 with a large wallet: no positive price liquidates it in either mode.
  Scenario s{.rules = Rules::Simple, .walletBalance = 1000};
  s.positions = {Position{.symbol = "AAA", .quantity = 1, .entryPrice = 100, .leverage = 1}};
  OddsResult odds = oddsOk(s, {.volatility = 0.8, .years = 1});
  CHECK_FALSE(odds.probability.isolated);
  CHECK_FALSE(odds.probability.cross);
  CHECK_FALSE(odds.steps.back().value);
  CHECK_THAT(odds.steps.back().label, Catch::Matchers::Contains("no positive price"));

  // Mark 85 is below the isolated LP 90.45: probability 1 even with no volatility.
  s = oneLong();
  s.positions[0].markPrice = 85;
  odds = oddsOk(s, {.volatility = 0, .years = 1});
  CHECK(odds.probability.isolated == 1.0);
  // Cross LP 85.43 is above the mark 85 too.
  CHECK(odds.probability.cross == 1.0);

  s = oneLong();
  odds = oddsOk(s, {.volatility = 0, .years = 1});
  CHECK(odds.probability.isolated == 0.0);
  CHECK(odds.probability.cross == 0.0);
}

TEST_CASE("liquidationOdds: input errors", "[odds]") {
  const Scenario s = oneLong();
  auto odds = liquidationOdds(s, {.position = 1, .volatility = 0.8, .years = 1});
  CHECK_FALSE(odds);
  CHECK_FALSE(odds.value);
  CHECK(hasError(odds.errors, "request.position", ErrorCode::OutOfRange));
  CHECK(odds.errors[0].message == "request.position (1) must be < 1, the number of positions");
  CHECK(odds.errors[0].rule == "positionIndex");

  odds = liquidationOdds(s, {.volatility = -0.1, .years = kNaN, .drift = kNaN});
  CHECK(hasError(odds.errors, "request.volatility", ErrorCode::Negative));
  CHECK(hasError(odds.errors, "request.years", ErrorCode::NotFinite));
  CHECK(hasError(odds.errors, "request.drift", ErrorCode::NotFinite));
  odds = liquidationOdds(s, {.volatility = 11, .years = 101, .drift = 11});
  CHECK(hasError(odds.errors, "request.volatility", ErrorCode::OutOfRange));
  CHECK(hasError(odds.errors, "request.years", ErrorCode::OutOfRange));
  CHECK(hasError(odds.errors, "request.drift", ErrorCode::OutOfRange));
  CHECK(odds.errors.size() == 3);
  CHECK(odds.errors[2].message == "request.drift (11) must be between -10 and 10");

  // The horizon: exactly one of years and days.
  odds = liquidationOdds(s, {.volatility = 0.8});
  REQUIRE(odds.errors.size() == 1);
  CHECK(hasError(odds.errors, "request.years", ErrorCode::Missing));
  odds = liquidationOdds(s, {.volatility = 0.8, .years = 1, .days = 365});
  REQUIRE(odds.errors.size() == 1);
  CHECK(hasError(odds.errors, "request.days", ErrorCode::OutOfRange));
  CHECK(odds.errors[0].message == "request.days and request.years both give the horizon: give one of them");
  odds = liquidationOdds(s, {.volatility = 0.8, .days = 36501});
  CHECK(hasError(odds.errors, "request.days", ErrorCode::OutOfRange));
  odds = liquidationOdds(s, {.volatility = 0.8, .days = -1});
  CHECK(hasError(odds.errors, "request.days", ErrorCode::Negative));

  Scenario bad = s;
  bad.positions[0].leverage = 0;
  odds = liquidationOdds(bad, {.volatility = 0.8, .years = 1});
  CHECK(hasError(odds.errors, "positions[0].leverage", ErrorCode::NotPositive));
  // validate() gives the same list, the scenario's first.
  const auto listed = validate(bad, OddsRequest{.position = 3, .volatility = 0.8, .years = 1});
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].path == "positions[0].leverage");
  CHECK(listed[1].path == "request.position");
}

TEST_CASE("liquidationOdds: explain() changes no number", "[odds][explain]") {
  // Property: over longs and shorts, both horizons, with and without drift, the numbers with
  // steps equal the numbers without, bit for bit, and every mode ends with its probability.
  for (Side side : {Side::Long, Side::Short})
    for (double leverage : {1.0, 5.0, 20.0})
      for (double mark : {80.0, 100.0, 120.0})
        for (OddsRequest r : {OddsRequest{.volatility = 0.8, .years = 0.1}, OddsRequest{.volatility = 0, .days = 7},
                              OddsRequest{.volatility = 2, .days = 400, .drift = -1}}) {
          Scenario s{.rules = Rules::Simple, .walletBalance = 12};
          s.positions = {Position{.symbol = "AAA", .side = side, .quantity = 1, .entryPrice = 100,
                                  .markPrice = mark, .leverage = leverage}};
          const auto plain = liquidationOdds(s, r);
          REQUIRE(plain);
          OddsResult explained = *plain.value;
          CHECK(explained.steps.empty());
          explain(s, r, explained);
          CHECK(explained.probability.isolated == plain.value->probability.isolated);
          CHECK(explained.probability.cross == plain.value->probability.cross);
          REQUIRE(explained.steps.size() >= 4);
          CHECK(explained.steps.back().value == explained.probability.cross);
          for (const Step& step : explained.steps) CHECK_FALSE(step.code.empty());
        }
}

TEST_CASE("monteCarlo: input errors name the field", "[odds]") {
  const Scenario s = twoLongs();
  const MonteCarloRequest good{
      .volatility = {{"AAA", 0.8}, {"BBB", 0.6}}, .years = 0.1, .steps = 10, .paths = 100};
  REQUIRE(monteCarlo(s, good, 0, 100));

  MonteCarloRequest r = good;
  r.volatility = {{"AAA", 0}};  // BBB missing, AAA zero
  auto out = monteCarlo(s, r, 0, 100);
  CHECK_FALSE(out.value);
  CHECK(hasError(out.errors, "request.volatility.AAA", ErrorCode::NotPositive));
  CHECK(hasError(out.errors, "request.volatility.BBB", ErrorCode::Missing));
  r.volatility = {{"AAA", kNaN}, {"BBB", 11}};
  out = monteCarlo(s, r, 0, 100);
  CHECK(hasError(out.errors, "request.volatility.AAA", ErrorCode::NotFinite));
  CHECK(hasError(out.errors, "request.volatility.BBB", ErrorCode::OutOfRange));

  r = good;
  r.drift = {{"BBB", kNaN}};
  CHECK(hasError(monteCarlo(s, r, 0, 100).errors, "request.drift.BBB", ErrorCode::NotFinite));

  r = good;
  r.correlation = {{1, 0.5}, {0.4, 1}};  // not symmetric: reported at the lower entry
  out = monteCarlo(s, r, 0, 100);
  REQUIRE(out.errors.size() == 1);
  CHECK(hasError(out.errors, "request.correlation[1][0]", ErrorCode::OutOfRange));
  r.correlation = {{1, 1.5}, {1.5, 1}};
  out = monteCarlo(s, r, 0, 100);
  CHECK(hasError(out.errors, "request.correlation[0][1]", ErrorCode::OutOfRange));
  CHECK(hasError(out.errors, "request.correlation[1][0]", ErrorCode::OutOfRange));
  r.correlation = {{1, 0}, {0, 0.9}};
  CHECK(hasError(monteCarlo(s, r, 0, 100).errors, "request.correlation[1][1]",
                 ErrorCode::OutOfRange));
  r.correlation = {{1, kNaN}, {kNaN, 1}};
  CHECK(
      hasError(monteCarlo(s, r, 0, 100).errors, "request.correlation[0][1]", ErrorCode::NotFinite));
  r.correlation = {{1}};
  CHECK(hasError(monteCarlo(s, r, 0, 100).errors, "request.correlation", ErrorCode::OutOfRange));
  r.correlation = {{1, 0}, {0}};
  CHECK(hasError(monteCarlo(s, r, 0, 100).errors, "request.correlation[1]", ErrorCode::OutOfRange));

  r = good;
  r.years = 0;
  r.steps = 0;
  r.paths = 0;
  out = monteCarlo(s, r, 0, 0);
  CHECK(hasError(out.errors, "request.years", ErrorCode::NotPositive));
  CHECK(hasError(out.errors, "request.steps", ErrorCode::NotPositive));
  CHECK(hasError(out.errors, "request.paths", ErrorCode::NotPositive));
  r = good;
  r.years = kNaN;
  r.steps = 100'001;
  r.paths = 10'000'001;
  out = monteCarlo(s, r, 0, 100);
  CHECK(hasError(out.errors, "request.years", ErrorCode::NotFinite));
  CHECK(hasError(out.errors, "request.steps", ErrorCode::TooMany));
  CHECK(hasError(out.errors, "request.paths", ErrorCode::TooMany));
  r = good;
  r.steps = 100'000;
  r.paths = 20'001;  // 2.0001e9 path-steps
  CHECK(hasError(monteCarlo(s, r, 0, 100).errors, "request.paths", ErrorCode::TooMany));

  CHECK(hasError(monteCarlo(s, good, 50, 40).errors, "begin", ErrorCode::OutOfRange));
  CHECK(hasError(monteCarlo(s, good, 0, 101).errors, "end", ErrorCode::OutOfRange));
  CHECK(monteCarlo(s, good, 100, 100));  // an empty chunk is fine

  MonteCarloTally wrong;
  wrong.isolatedByPosition = {0, 0, 0};
  wrong.timeHistogram.cross = {0};
  out = monteCarlo(s, good, 0, 100, wrong);
  CHECK(hasError(out.errors, "tally.isolatedByPosition", ErrorCode::OutOfRange));
  CHECK(hasError(out.errors, "tally.timeHistogram.cross", ErrorCode::OutOfRange));

  Scenario bad = s;
  bad.positions[1].quantity = -1;
  CHECK(hasError(monteCarlo(bad, good, 0, 100).errors, "positions[1].quantity",
                 ErrorCode::NotPositive));

  // The horizon: exactly one of years and days, each > 0.
  r = good;
  r.years.reset();
  out = monteCarlo(s, r, 0, 100);
  REQUIRE(out.errors.size() == 1);
  CHECK(hasError(out.errors, "request.years", ErrorCode::Missing));
  r.days = 0;
  CHECK(hasError(monteCarlo(s, r, 0, 100).errors, "request.days", ErrorCode::NotPositive));
  r.days = 36501;
  CHECK(hasError(monteCarlo(s, r, 0, 100).errors, "request.days", ErrorCode::OutOfRange));
  r.years = 0.1;
  r.days = 36.5;
  CHECK(hasError(monteCarlo(s, r, 0, 100).errors, "request.days", ErrorCode::OutOfRange));

  // validate() checks the request without a chunk; its messages come from the one table.
  r = good;
  r.steps = 0;
  const auto listed = validate(s, r);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].message == "request.steps must be > 0");
  CHECK(listed[0].rule == "countPositive");
  CHECK(validate(s, good).empty());
}

TEST_CASE("monteCarlo: probability and median days against a hand count", "[odds]") {
  // The tally continued here is one the caller passes back: 10 paths, steps 4 over 8 days (2 days a
  // step). Isolated: 4 liquidated, bins {1, 0, 2, 1}: running 1, 1, 3 -> 3 >= 4/2 first in bin 2,
  // median (2 + 1) x 2 = 6 days; probability 4/10. Cross: 1 liquidated, bins {0, 0, 0, 1}: half
  // of 1 is reached in bin 3, median 8 days; probability 1/10. An empty chunk recomputes both.
  const Scenario s = oneLong();
  const MonteCarloRequest r{.volatility = {{"AAA", 0.8}}, .days = 8, .steps = 4, .paths = 10};
  MonteCarloTally given;
  given.paths = 10;
  given.liquidatedPaths = {4, 1};
  given.isolatedByPosition = {4};
  given.timeHistogram = {{1, 0, 2, 1}, {0, 0, 0, 1}};
  const MonteCarloTally t = runOk(s, r, 10, 10, given);
  CHECK(t.probability.isolated == 0.4);
  CHECK(t.probability.cross == 0.1);
  CHECK(t.medianDays.isolated == 6.0);
  CHECK(t.medianDays.cross == 8.0);
  // Even counts: half of 4 reached exactly at the end of a bin counts (bins {2, 0, 2, 0}: bin 0).
  given.timeHistogram.isolated = {2, 0, 2, 0};
  CHECK(runOk(s, r, 10, 10, given).medianDays.isolated == 2.0);
  // None liquidated: no median; no path simulated: no probability.
  given.liquidatedPaths.cross = 0;
  given.timeHistogram.cross = {0, 0, 0, 0};
  CHECK_FALSE(runOk(s, r, 10, 10, given).medianDays.cross);
  const MonteCarloTally empty = runOk(s, r, 0, 0);
  CHECK_FALSE(empty.probability.isolated);
  CHECK_FALSE(empty.probability.cross);
  CHECK_FALSE(empty.medianDays.isolated);
}

TEST_CASE("monteCarlo: a horizon in days is the same as days / 365 years", "[odds]") {
  // The same paths (a step of 30/365/30 years either way), the median in days from either.
  const Scenario s = twoLongs();
  MonteCarloRequest r{.volatility = {{"AAA", 0.8}, {"BBB", 0.6}}, .years = 30.0 / 365, .steps = 30, .paths = 300, .seed = 5};
  const MonteCarloTally inYears = runOk(s, r, 0, r.paths);
  r.years.reset();
  r.days = 30;
  const MonteCarloTally inDays = runOk(s, r, 0, r.paths);
  CHECK(inDays.liquidatedPaths.isolated == inYears.liquidatedPaths.isolated);
  CHECK(inDays.timeHistogram.cross == inYears.timeHistogram.cross);
  REQUIRE(inDays.medianDays.isolated);
  CHECK_THAT(*inDays.medianDays.isolated, WithinRel(*inYears.medianDays.isolated, 1e-12));
  // The probability is the share of paths; the median a whole number of 1-day steps here.
  CHECK(*inDays.probability.isolated == static_cast<double>(inDays.liquidatedPaths.isolated) / 300);
  CHECK(*inDays.medianDays.isolated == std::floor(*inDays.medianDays.isolated));
}

TEST_CASE("monteCarlo: the correlation must be positive semi-definite", "[odds]") {
  Scenario s{.rules = Rules::Simple, .walletBalance = 100};
  for (const char* symbol : {"AAA", "BBB", "CCC"})
    s.positions.push_back(
        Position{.symbol = symbol, .quantity = 1, .entryPrice = 100, .leverage = 10});
  MonteCarloRequest r{.volatility = {{"AAA", 0.8}, {"BBB", 0.6}, {"CCC", 0.5}},
                      .years = 0.1,
                      .steps = 10,
                      .paths = 10};
  // Symmetric, unit diagonal, entries in [-1, 1], yet not a correlation: AAA~BBB 0.9 and
  // BBB~CCC 0.9 cannot hold with AAA~CCC −0.9 (eigenvalues −0.8, 1.9, 1.9; determinant −2.888).
  r.correlation = {{1, 0.9, -0.9}, {0.9, 1, 0.9}, {-0.9, 0.9, 1}};
  auto out = monteCarlo(s, r, 0, 10);
  REQUIRE(out.errors.size() == 1);
  CHECK(hasError(out.errors, "request.correlation", ErrorCode::OutOfRange));
  CHECK_THAT(out.errors[0].message, Catch::Matchers::Contains("positive semi-definite"));
  // Semi-definite (singular) matrices pass: all ones, and an equicorrelated 0.5.
  r.correlation = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
  CHECK(monteCarlo(s, r, 0, 10));
  r.correlation = {{1, 0.5, 0.5}, {0.5, 1, 0.5}, {0.5, 0.5, 1}};
  CHECK(monteCarlo(s, r, 0, 10));
  // −0.5 equicorrelation is the edge (eigenvalue 0); −0.6 is past it (eigenvalue −0.2).
  r.correlation = {{1, -0.5, -0.5}, {-0.5, 1, -0.5}, {-0.5, -0.5, 1}};
  CHECK(monteCarlo(s, r, 0, 10));
  r.correlation = {{1, -0.6, -0.6}, {-0.6, 1, -0.6}, {-0.6, -0.6, 1}};
  CHECK(hasError(monteCarlo(s, r, 0, 10).errors, "request.correlation", ErrorCode::OutOfRange));
}

TEST_CASE("monteCarlo: one position agrees with the continuous closed form at any step count", "[odds]") {
  // The reference is the exact first-passage probability of the continuous path (firstPassageProbability,
  // tested above against hand values), not a discretely monitored approximation: a Monte Carlo that
  // looked at the mark only at the steps' ends misses the touches between them (0.576 at 10 steps
  // and about 0.657 at 120 against 0.6945 for the position below). With the Brownian bridge each
  // step's touches count, so the estimate agrees at 1 step as at 500. The isolated long liquidates
  // at 90.45 from a mark of 100 (cross: 85.43), σ 0.8, 30 days; 20,000 paths: a standard error of
  // about 0.0033. Tolerance: 4 of the estimate's own standard errors.
  const Scenario s = oneLong();
  const Report rep = evaluateOk(s);
  const double sigma = 0.8, years = 30.0 / 365;
  const std::size_t paths = 20000;
  for (const std::size_t steps : {1, 10, 30, 120, 500}) {
    const MonteCarloRequest r{.volatility = {{"AAA", sigma}}, .days = 30, .steps = steps, .paths = paths, .seed = 7};
    const MonteCarloTally t = runOk(s, r, 0, paths);
    CHECK(t.paths == paths);
    REQUIRE(t.isolatedByPosition.size() == 1);
    CHECK(t.isolatedByPosition[0] == t.liquidatedPaths.isolated);
    CHECK(sum(t.timeHistogram.isolated) == t.liquidatedPaths.isolated);
    CHECK(sum(t.timeHistogram.cross) == t.liquidatedPaths.cross);
    CHECK(t.continuous.isolated);
    CHECK(t.continuous.cross);  // one symbol
    for (bool cross : {false, true}) {
      const double lp = *(cross ? rep.cross : rep.isolated)->positions[0].liquidationPrice;
      const double expected = firstPassageProbability(100, lp, sigma, years);
      const double got = *(cross ? t.probability.cross : t.probability.isolated);
      const double se = *(cross ? t.standardError.cross : t.standardError.isolated);
      INFO(steps << " steps, " << (cross ? "cross" : "isolated") << ": Monte Carlo " << got << " ± " << se
                 << ", closed form " << expected);
      CHECK(std::abs(got - expected) < 4 * se);
      const ProbabilityInterval ci = *(cross ? t.interval95.cross : t.interval95.isolated);
      CHECK((ci.low < got && got < ci.high));
    }
    if (steps != 120) continue;
    // Time to liquidation: the paths hit in the first half of the steps against P(τ <= t/2).
    std::size_t firstHalf = 0;
    for (std::size_t k = 0; k < steps / 2; ++k) firstHalf += t.timeHistogram.isolated[k];
    const double lp = *rep.isolated->positions[0].liquidationPrice;
    const double expectedHalf = firstPassageProbability(100, lp, sigma, years / 2);
    CHECK(std::abs(static_cast<double>(firstHalf) / paths - expectedHalf) <
          4 * std::sqrt(expectedHalf * (1 - expectedHalf) / paths));
  }
}

TEST_CASE("monteCarlo: a short's barrier is above, with the bridge too", "[odds]") {
  // Up barrier: an isolated short, 5 steps, against the closed form within 4 standard errors.
  Scenario s = oneLong();
  s.positions[0].side = Side::Short;
  const Report rep = evaluateOk(s);
  const double lp = *rep.isolated->positions[0].liquidationPrice;
  REQUIRE(lp > 100);
  const MonteCarloRequest r{.volatility = {{"AAA", 0.6}}, .days = 20, .steps = 5, .paths = 20000, .seed = 3};
  const MonteCarloTally t = runOk(s, r, 0, r.paths);
  const double expected = firstPassageProbability(100, lp, 0.6, 20.0 / 365);
  INFO("Monte Carlo " << *t.probability.isolated << ", closed form " << expected);
  CHECK(std::abs(*t.probability.isolated - expected) < 4 * *t.standardError.isolated);
}

TEST_CASE("monteCarlo: the standard error and the 95% Wilson interval, by hand", "[odds]") {
  // 50 of 100: SE = sqrt(0.25 / 100) = 0.05; Wilson [0.4038, 0.5962] (the textbook interval).
  // 0 of 100: SE 0; Wilson [0, 3.8415/103.8415 = 0.036994]. The counts are a tally passed back.
  const Scenario s = oneLong();
  const MonteCarloRequest r{.volatility = {{"AAA", 0.8}}, .days = 8, .steps = 4, .paths = 100};
  MonteCarloTally given;
  given.paths = 100;
  given.liquidatedPaths = {50, 0};
  given.isolatedByPosition = {50};
  given.timeHistogram = {{50, 0, 0, 0}, {0, 0, 0, 0}};
  const MonteCarloTally t = runOk(s, r, 100, 100, given);
  CHECK_THAT(*t.standardError.isolated, WithinRel(0.05, 1e-15));
  CHECK_THAT(t.interval95.isolated->low, WithinAbs(0.40383153, 1e-8));
  CHECK_THAT(t.interval95.isolated->high, WithinAbs(0.59616847, 1e-8));
  CHECK(*t.standardError.cross == 0);
  CHECK(t.interval95.cross->low == 0);
  CHECK_THAT(t.interval95.cross->high, WithinAbs(3.841458820694124 / 103.841458820694124, 1e-12));
  CHECK_FALSE(runOk(s, r, 0, 0).standardError.isolated);
}

TEST_CASE("monteCarlo: a cross account of several symbols is checked at the steps", "[odds]") {
  const Scenario s = twoLongs();
  const MonteCarloRequest r{.volatility = {{"AAA", 0.8}, {"BBB", 0.6}}, .days = 30, .steps = 30, .paths = 200};
  const MonteCarloTally t = runOk(s, r, 0, r.paths);
  CHECK(t.continuous.isolated);
  CHECK_FALSE(t.continuous.cross);
}

TEST_CASE("monteCarlo: seeded, reproducible and independent of chunking", "[odds]") {
  const Scenario s = twoLongs();
  const MonteCarloRequest r{.volatility = {{"AAA", 0.8}, {"BBB", 0.6}},
                            .correlation = {{1, 0.3}, {0.3, 1}},
                            .drift = {{"AAA", 0.1}},
                            .years = 0.25,
                            .steps = 100,
                            .paths = 1000,
                            .seed = 42};
  const MonteCarloTally whole = runOk(s, r, 0, 1000);
  CHECK(whole.paths == 1000);
  CHECK(sameTally(whole, runOk(s, r, 0, 1000)));
  const MonteCarloTally first = runOk(s, r, 0, 500);
  CHECK(first.paths == 500);
  CHECK(sameTally(whole, runOk(s, r, 500, 1000, first)));
  MonteCarloTally chunks;  // uneven chunks, including an empty one
  for (auto [b, e] :
       {std::pair<std::size_t, std::size_t>{0, 1}, {1, 1}, {1, 333}, {333, 999}, {999, 1000}})
    chunks = runOk(s, r, b, e, chunks);
  CHECK(sameTally(whole, chunks));

  MonteCarloRequest other = r;
  other.seed = 43;
  CHECK_FALSE(sameTally(whole, runOk(s, other, 0, 1000)));

  // The same numbers on every build (own xoshiro256**, polar method, exp and log from + − × /
  // √ only): these counts were recorded natively and must match the wasm build exactly.
  std::size_t isoTime = 0, crossTime = 0;  // Σ bin·count: pins the histograms too
  for (std::size_t k = 0; k < r.steps; ++k) {
    isoTime += k * whole.timeHistogram.isolated[k];
    crossTime += k * whole.timeHistogram.cross[k];
  }
  CHECK(whole.liquidatedPaths.isolated == 938);
  CHECK(whole.isolatedByPosition == std::vector<std::size_t>{811, 775});
  CHECK(whole.liquidatedPaths.cross == 556);
  CHECK(isoTime == 13971);
  CHECK(crossTime == 20784);
}

TEST_CASE("monteCarlo: correlation 1 moves two symbols together", "[odds]") {
  // The same long on AAA and BBB with the same volatility: with correlation 1 both marks follow
  // one path, so on every path either both isolated positions are liquidated or neither.
  const Scenario s = twoLongs();
  MonteCarloRequest r{.volatility = {{"AAA", 0.8}, {"BBB", 0.8}},
                      .correlation = {{1, 1}, {1, 1}},
                      .years = 1.0 / 12,
                      .steps = 100,
                      .paths = 2000,
                      .seed = 3};
  const MonteCarloTally together = runOk(s, r, 0, r.paths);
  CHECK(together.isolatedByPosition[0] == together.isolatedByPosition[1]);
  CHECK(together.isolatedByPosition[0] == together.liquidatedPaths.isolated);
  CHECK(together.liquidatedPaths.isolated > 0);

  r.correlation = {};  // identity: independent, so "any" exceeds either one
  const MonteCarloTally apart = runOk(s, r, 0, r.paths);
  CHECK(apart.liquidatedPaths.isolated > apart.isolatedByPosition[0]);
  CHECK(apart.liquidatedPaths.isolated > apart.isolatedByPosition[1]);
  // AAA draws the first normal of each step in both runs, so its marks are the same; its count differs
  // only by touches between steps, whose draws come when some barrier is near (BBB's too): within 4
  // standard errors of 2,000 paths.
  const double p0 = static_cast<double>(together.isolatedByPosition[0]) / r.paths;
  CHECK(std::abs(static_cast<double>(apart.isolatedByPosition[0]) - static_cast<double>(together.isolatedByPosition[0])) <
        4 * std::sqrt(p0 * (1 - p0) * static_cast<double>(r.paths)));
}
