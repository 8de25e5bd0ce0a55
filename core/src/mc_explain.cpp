// SPDX-License-Identifier: MIT
// MarginLab: "Show the math" of the Monte Carlo (odds.h monteCarlo()). A pass of its own after the
// numbers: it reads the request, the scenario's liquidation prices and the tally, and writes what the
// estimator did (the paths, the time step, each symbol's log step, Merton's jump parameters, the
// Brownian-bridge touch probability of a step for each liquidation price, the estimate, its standard
// error and 95% interval, the median time). The numbers it shows are the tally's, never recomputed
// into it.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "marginlab/evaluate.h"
#include "marginlab/odds.h"
#include "marginlab/options.h"
#include "explain.h"
#include "risk_steps.h"

namespace marginlab {

namespace {

using detail::n;
using detail::sn;

constexpr std::size_t kBarrierSteps = 10;  ///< liquidation prices explained one by one
constexpr double kZ95 = 1.959963984540054;  ///< the normal quantile of 97.5% (odds.cpp's)

Param param(const char* name, double x) { return {name, x}; }
Param param(const char* name, std::size_t x) { return {name, static_cast<double>(x)}; }
Param param(const char* name, std::string_view x) { return {name, std::string(x)}; }

double yearsOf(const MonteCarloRequest& r) { return r.years ? *r.years : *r.days / kDaysPerYear; }

/// The symbols in the order of first appearance (the correlation's order).
std::vector<std::string_view> symbolsOf(const Scenario& s) {
  std::vector<std::string_view> names;
  for (const Position& p : s.positions)
    if (std::find(names.begin(), names.end(), p.symbol) == names.end()) names.push_back(p.symbol);
  return names;
}

/// The paths, the time step and each symbol's log step (with Merton's compensated drift).
void explainGrid(std::vector<Step>& steps, const Scenario& s, const MonteCarloRequest& r, const MonteCarloTally& t) {
  const double years = yearsOf(r), dt = years / static_cast<double>(r.steps);
  detail::codedStep(steps, "mc.paths", {param("paths", t.paths), param("seed", static_cast<double>(r.seed))}, "paths",
                    "Paths simulated so far, each from its own stream of the seed (the same seed, the same paths)",
                    "n", n(static_cast<double>(t.paths)), static_cast<double>(t.paths));
  detail::codedStep(steps, "mc.timeStep", {param("years", years), param("steps", r.steps)}, "timeHistogram",
                    "Time step of each path (years, ACT/365)", "Δt = T / N",
                    n(years) + " / " + std::to_string(r.steps), dt);
  double kappa = 0;
  if (r.jumps) {
    const JumpModel& j = *r.jumps;
    kappa = std::exp(j.meanLog + 0.5 * j.stdevLog * j.stdevLog) - 1;
    detail::codedStep(steps, "mc.jumps",
                      {param("intensity", j.intensity), param("meanLog", j.meanLog), param("stdevLog", j.stdevLog)},
                      "probability",
                      "Merton jumps: λ = " + n(j.intensity) + " a year, each multiplies the mark by e^Y with Y ~ N(" +
                          n(j.meanLog) + ", " + n(j.stdevLog) + "²); the mean relative jump",
                      "κ = e^(μ_J + σ_J²/2) − 1", "e^(" + sn(j.meanLog) + " + " + n(j.stdevLog) + "²/2) − 1", kappa);
    detail::codedStep(steps, "mc.jumpsPerStep", {param("intensity", j.intensity), param("timeStep", dt)}, "probability",
                      "Expected jumps in one step: the count is drawn from a Poisson law, the times uniformly in "
                      "the step, and the diffusion between them is bridged",
                      "λ·Δt", n(j.intensity) + "×" + n(dt), j.intensity * dt);
  }
  const double lambda = r.jumps ? r.jumps->intensity : 0;
  for (std::string_view symbol : symbolsOf(s)) {
    const double sigma = r.volatility.find(symbol)->second;
    const auto d = r.drift.find(symbol);
    const double mu = d == r.drift.end() ? 0.0 : d->second;
    const double driftStep = (mu - 0.5 * sigma * sigma - lambda * kappa) * dt;
    detail::codedStep(steps, r.jumps ? "mc.logStepJumps" : "mc.logStep",
                      {param("symbol", symbol), param("volatility", sigma), param("drift", mu), param("timeStep", dt)},
                      "probability",
                      std::string(symbol) + ": one step of the log mark (exact for geometric Brownian motion), " +
                          "correlated across symbols through the Cholesky factor; its standard deviation",
                      r.jumps ? "ln(S_i+1/S_i) = (μ − σ²/2 − λκ)·Δt + σ·√Δt·Z + jumps"
                              : "ln(S_i+1/S_i) = (μ − σ²/2)·Δt + σ·√Δt·Z",
                      "drift " + n(driftStep) + ", σ·√Δt = " + n(sigma) + "×√" + n(dt), sigma * std::sqrt(dt));
  }
}

/// One liquidation price's bridge: the formula, and a worked step that starts one step's standard deviation
/// from it and ends where it began (e^-2 whatever σ and Δt).
void explainBridge(std::vector<Step>& steps, const std::string& field, const std::string& who, double mark, double lp,
                   double sigma, double dt, bool moving) {
  const bool below = lp <= mark;
  if (below ? mark <= lp : mark >= lp) {
    detail::codedStep(steps, "mc.alreadyPast", {param("liquidationPrice", lp), param("mark", mark)}, field,
                      who + ": the mark is already at the liquidation price: every path counts at once", "P = 1",
                      "LP " + n(lp) + ", mark " + n(mark), 1.0);
    return;
  }
  const double sd = sigma * std::sqrt(dt), start = below ? lp * std::exp(sd) : lp * std::exp(-sd);
  const double value = std::exp(-2 * std::log(start / lp) * std::log(start / lp) / (sigma * sigma * dt));
  detail::codedStep(
      steps, moving ? "mc.bridgeMoving" : "mc.bridge",
      {param("liquidationPrice", lp), param("volatility", sigma), param("timeStep", dt), param("start", start)}, field,
      who + ": liquidation price " + n(lp) + (below ? " below" : " above") + " the mark. A step whose ends are both " +
          (below ? "above" : "below") + " it touched it in between with the Brownian-bridge probability (a " +
          "uniform draw below it counts the touch)" +
          (moving ? "; with funding the price moves, taken as exponential in time within a step" : "") +
          ". Worked step: from one step's standard deviation away back to the same price",
      "p = exp(−2·ln(S_i/B)·ln(S_i+1/B) / (σ²·Δt))",
      "exp(−2×ln(" + n(start) + "/" + n(lp) + ")×ln(" + n(start) + "/" + n(lp) + ") / (" + n(sigma) + "²×" + n(dt) +
          "))",
      value);
}

/// Every isolated liquidation price (the first kBarrierSteps) and the cross account's.
void explainBarriers(std::vector<Step>& steps, const Scenario& s, const MonteCarloRequest& r) {
  const Report report = evaluate(s);
  if (!report.isolated || !report.cross) return;
  const double dt = yearsOf(r) / static_cast<double>(r.steps);
  const bool moving = r.fundingRate && *r.fundingRate != 0;
  std::size_t shown = 0;
  for (std::size_t i = 0; i < s.positions.size(); ++i) {
    const std::optional<double> lp = report.isolated->positions[i].liquidationPrice;
    if (!lp) continue;
    if (shown++ == kBarrierSteps) {
      detail::codedStep(steps, "mc.moreBarriers", {param("shown", kBarrierSteps)}, "isolatedByPosition",
                        "The other isolated positions are bridged the same way", "", "", std::nullopt);
      break;
    }
    const Position& p = s.positions[i];
    explainBridge(steps, "isolatedByPosition", "Isolated " + std::to_string(i + 1) + " (" + p.symbol + ")", p.mark(),
                  *lp, r.volatility.find(p.symbol)->second, dt, moving);
  }
  if (symbolsOf(s).size() > 1) {
    detail::codedStep(steps, "mc.crossSteps", {}, "continuous",
                      "Cross, several symbols: the account's margin is checked at the end of each step only (no "
                      "bridge), so more steps can find more liquidations",
                      "", "", std::nullopt);
    return;
  }
  if (const std::optional<double> lp = report.cross->positions[0].liquidationPrice)
    explainBridge(steps, "probability.cross", "Cross (one symbol: its nearest liquidation price)", s.positions[0].mark(),
                  *lp, r.volatility.find(s.positions[0].symbol)->second, dt, moving);
}

/// One mode's estimate, standard error, 95% Wilson interval and median time, as the tally gives them.
void explainMode(std::vector<Step>& steps, const MonteCarloTally& t, bool cross) {
  const std::string mode = cross ? "Cross" : "Isolated";
  const std::string field = cross ? "probability.cross" : "probability.isolated";
  const std::size_t hits = cross ? t.liquidatedPaths.cross : t.liquidatedPaths.isolated;
  const std::optional<double>& p = cross ? t.probability.cross : t.probability.isolated;
  const std::optional<double>& se = cross ? t.standardError.cross : t.standardError.isolated;
  const std::optional<ProbabilityInterval>& ci = cross ? t.interval95.cross : t.interval95.isolated;
  const std::optional<double>& median = cross ? t.medianDays.cross : t.medianDays.isolated;
  if (!p || !se || !ci) return;
  const std::string count = n(static_cast<double>(t.paths)), k = n(static_cast<double>(hits));
  detail::codedStep(steps, "mc.estimate", {param("liquidated", hits), param("paths", t.paths)}, field,
                    mode + ": share of the paths liquidated within the horizon", "p̂ = k / n", k + " / " + count, *p);
  detail::codedStep(steps, "mc.standardError", {param("probability", *p), param("paths", t.paths)},
                    cross ? "standardError.cross" : "standardError.isolated", mode + ": its standard error",
                    "SE = √(p̂·(1 − p̂) / n)", "√(" + n(*p) + "×(1 − " + n(*p) + ") / " + count + ")", *se);
  const std::string wilson = "(p̂ + z²/(2n) ∓ z·√(p̂(1 − p̂)/n + z²/(4n²))) / (1 + z²/n), z = " + n(kZ95);
  const std::string path = cross ? "interval95.cross" : "interval95.isolated";
  detail::codedStep(steps, "mc.intervalLow", {param("probability", *p), param("paths", t.paths)}, path + ".low",
                    mode + ": 95% interval, low end (Wilson score: inside [0, 1], right at 0 and at every path)",
                    wilson, "p̂ = " + n(*p) + ", n = " + count, ci->low);
  detail::codedStep(steps, "mc.intervalHigh", {param("probability", *p), param("paths", t.paths)}, path + ".high",
                    mode + ": 95% interval, high end", wilson, "p̂ = " + n(*p) + ", n = " + count, ci->high);
  if (median)
    detail::codedStep(steps, "mc.medianDays", {param("liquidated", hits)},
                      cross ? "medianDays.cross" : "medianDays.isolated",
                      mode + ": median time to liquidation: the end of the first step by which half the liquidated "
                             "paths were liquidated",
                      "t_½ = (i + 1)·T_days / N", "", *median);
}

}  // namespace

void explain(const Scenario& scenario, const MonteCarloRequest& request, MonteCarloTally& tally) {
  std::vector<Step> steps;
  explainGrid(steps, scenario, request, tally);
  explainBarriers(steps, scenario, request);
  explainMode(steps, tally, false);
  explainMode(steps, tally, true);
  tally.steps = std::move(steps);
}

}  // namespace marginlab
