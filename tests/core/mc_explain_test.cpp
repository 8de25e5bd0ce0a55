// SPDX-License-Identifier: MIT
// odds.h explain(scenario, MonteCarloRequest, MonteCarloTally&): the Monte Carlo's "Show the math".
// Hand values: the time step, the log step's standard deviation, Merton's kappa and the bridge's
// worked step (e^-2: an independent closed form), and a property test that explaining changes no number.
#include <cmath>
#include <string>

#include "marginlab/odds.h"
#include "support.h"

using namespace mltest;

namespace {

/// Long 1 AAA @ 100, 10x, simple 0.5%: isolated LP 90 / 0.995 = 90.4522613..., cross (wallet 15) 85 / 0.995.
Scenario oneLong() {
  Scenario s{.rules = Rules::Simple, .walletBalance = 15};
  s.positions = {Position{.symbol = "AAA", .quantity = 1, .entryPrice = 100, .leverage = 10}};
  return s;
}

MonteCarloTally run(const Scenario& s, const MonteCarloRequest& r) {
  auto result = monteCarlo(s, r, 0, r.paths);
  REQUIRE(result);
  return *result.value;
}

const Step* find(const std::vector<Step>& steps, const std::string& code, std::size_t nth = 0) {
  for (const Step& s : steps)
    if (s.code == code && nth-- == 0) return &s;
  return nullptr;
}

/// Every number of two tallies, compared exactly.
bool sameNumbers(const MonteCarloTally& a, const MonteCarloTally& b) {
  const auto sameCi = [](const std::optional<ProbabilityInterval>& x, const std::optional<ProbabilityInterval>& y) {
    return x.has_value() == y.has_value() && (!x || (x->low == y->low && x->high == y->high));
  };
  return a.paths == b.paths && a.liquidatedPaths.isolated == b.liquidatedPaths.isolated &&
         a.liquidatedPaths.cross == b.liquidatedPaths.cross && a.isolatedByPosition == b.isolatedByPosition &&
         a.timeHistogram.isolated == b.timeHistogram.isolated && a.timeHistogram.cross == b.timeHistogram.cross &&
         a.probability.isolated == b.probability.isolated && a.probability.cross == b.probability.cross &&
         a.medianDays.isolated == b.medianDays.isolated && a.medianDays.cross == b.medianDays.cross &&
         a.standardError.isolated == b.standardError.isolated && a.standardError.cross == b.standardError.cross &&
         sameCi(a.interval95.isolated, b.interval95.isolated) && sameCi(a.interval95.cross, b.interval95.cross) &&
         a.continuous.isolated == b.continuous.isolated && a.continuous.cross == b.continuous.cross;
}

}  // namespace

TEST_CASE("monteCarlo explain: the grid, the bridge, the estimate and its error, by hand", "[odds][mc-explain]") {
  const Scenario s = oneLong();
  const MonteCarloRequest r{.volatility = {{"AAA", 0.8}}, .days = 30, .steps = 120, .paths = 4000, .seed = 3};
  MonteCarloTally t = run(s, r);
  CHECK(t.steps.empty());  // numbers only until explained
  explain(s, r, t);
  const Step* paths = find(t.steps, "mc.paths");
  REQUIRE(paths);
  CHECK(*paths->value == 4000);
  // Δt = 30/365/120 = 1/1460 years; σ√Δt = 0.8/√1460 = 0.02093695690360855 (by hand).
  const Step* dt = find(t.steps, "mc.timeStep");
  REQUIRE(dt);
  CHECK_THAT(*dt->value, WithinRel(1.0 / 1460, 1e-15));
  const Step* logStep = find(t.steps, "mc.logStep");
  REQUIRE(logStep);
  CHECK_THAT(*logStep->value, WithinRel(0.02093695690360855, 1e-14));
  // The bridge: a step from B·e^(σ√Δt) (92.36602064321333 for B = 90.4522613) back to the same price touched
  // B with probability exp(−2 (σ√Δt)² / (σ²Δt)) = e^−2 = 0.1353352832366127, whatever σ and Δt.
  const Step* isolated = find(t.steps, "mc.bridge", 0);
  const Step* cross = find(t.steps, "mc.bridge", 1);
  REQUIRE(isolated);
  REQUIRE(cross);
  // Tolerance 1e-12: ln(B·e^x / B) returns x only to a few ulps of rounding.
  CHECK_THAT(*isolated->value, WithinRel(0.1353352832366127, 1e-12));
  CHECK_THAT(*cross->value, WithinRel(0.1353352832366127, 1e-12));
  CHECK(isolated->formula == "p = exp(−2·ln(S_i/B)·ln(S_i+1/B) / (σ²·Δt))");
  CHECK(isolated->substituted.find("92.36602064") != std::string::npos);
  CHECK(isolated->substituted.find("90.45226131") != std::string::npos);
  // The estimate, its standard error, its interval and the median are the tally's own numbers.
  for (bool crossMode : {false, true}) {
    const Step* est = find(t.steps, "mc.estimate", crossMode ? 1 : 0);
    const Step* se = find(t.steps, "mc.standardError", crossMode ? 1 : 0);
    const Step* low = find(t.steps, "mc.intervalLow", crossMode ? 1 : 0);
    const Step* high = find(t.steps, "mc.intervalHigh", crossMode ? 1 : 0);
    REQUIRE((est && se && low && high));
    CHECK(est->value == (crossMode ? t.probability.cross : t.probability.isolated));
    CHECK(se->value == (crossMode ? t.standardError.cross : t.standardError.isolated));
    CHECK(*low->value == (crossMode ? t.interval95.cross : t.interval95.isolated)->low);
    CHECK(*high->value == (crossMode ? t.interval95.cross : t.interval95.isolated)->high);
    const std::size_t k = crossMode ? t.liquidatedPaths.cross : t.liquidatedPaths.isolated;
    CHECK(est->substituted == std::to_string(k) + " / 4000");
  }
  CHECK(find(t.steps, "mc.jumps") == nullptr);
}

TEST_CASE("monteCarlo explain: Merton's parameters with jumps", "[odds][mc-explain]") {
  const Scenario s = oneLong();
  MonteCarloRequest r{.volatility = {{"AAA", 0.8}}, .days = 30, .steps = 120, .paths = 200, .seed = 5};
  r.jumps = JumpModel{.intensity = 12, .meanLog = -0.1, .stdevLog = 0.2};
  MonteCarloTally t = run(s, r);
  explain(s, r, t);
  // κ = e^(−0.1 + 0.2²/2) − 1 = e^−0.08 − 1 = −0.07688365361336424; λΔt = 12/1460 = 0.008219178082191782.
  const Step* kappa = find(t.steps, "mc.jumps");
  const Step* perStep = find(t.steps, "mc.jumpsPerStep");
  REQUIRE((kappa && perStep));
  CHECK_THAT(*kappa->value, WithinRel(-0.07688365361336424, 1e-13));
  CHECK_THAT(*perStep->value, WithinRel(0.008219178082191782, 1e-14));
  CHECK(find(t.steps, "mc.logStepJumps") != nullptr);
}

TEST_CASE("monteCarlo explain changes no number (property, over seeds and models)", "[odds][mc-explain]") {
  Scenario two{.rules = Rules::Simple, .walletBalance = 30};
  two.positions = {Position{.symbol = "AAA", .quantity = 1, .entryPrice = 100, .leverage = 10},
                   Position{.symbol = "BBB", .side = Side::Short, .quantity = 2, .entryPrice = 50, .leverage = 5}};
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const bool jumps = seed % 3 == 0, funding = seed % 4 == 0, pair = seed % 2 == 0;
    const Scenario s = pair ? two : oneLong();
    MonteCarloRequest r{.days = 5.0 + static_cast<double>(seed), .steps = static_cast<std::size_t>(3 + seed * 7), .paths = 300,
                        .seed = seed};
    r.volatility = {{"AAA", 0.2 + 0.1 * static_cast<double>(seed)}, {"BBB", 0.5}};
    if (!pair) r.volatility.erase("BBB");
    if (jumps) r.jumps = JumpModel{.intensity = 5, .meanLog = -0.05, .stdevLog = 0.1};
    if (funding) r.fundingRate = 0.0005;
    const MonteCarloTally plain = run(s, r);
    MonteCarloTally explained = plain;
    explain(s, r, explained);
    INFO("seed " << seed);
    CHECK(sameNumbers(plain, explained));
    CHECK(!explained.steps.empty());
    CHECK(find(explained.steps, pair ? "mc.crossSteps" : "mc.estimate") != nullptr);
    CHECK((find(explained.steps, funding ? "mc.bridgeMoving" : "mc.bridge") != nullptr));
  }
}
