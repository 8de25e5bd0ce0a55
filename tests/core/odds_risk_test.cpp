// SPDX-License-Identifier: MIT
// odds.h: funding, a volatility surface and Merton jumps in the odds, and the account's value at risk.
// References from outside the code: hand formulas (the liquidation price after funding, the
// lognormal quantile and shortfall), the first passage of a Brownian motion with drift to a line,
// and an event-driven Monte Carlo of the jump-diffusion written here (exact jump times, no grid).
#include "marginlab/odds.h"

#include <cmath>
#include <random>

#include "support.h"

using namespace mltest;

namespace {

/// Simple profile (flat 0.5 %): long 1 AAA @ 100, mark 100, 10x. Isolated: M = 10 and
/// LP = (100 − M + F) / 0.995 after funding F paid; cross with wallet W: LP = (100 − W + F) / 0.995.
Scenario oneLong(double wallet = 15, double leverage = 10) {
  Scenario s{.rules = Rules::Simple, .walletBalance = wallet};
  s.positions = {Position{.symbol = "AAA", .quantity = 1, .entryPrice = 100, .leverage = leverage}};
  return s;
}

double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// Closed-form first passage of ln S (drift m, volatility s) to the level b < 0 by t: Harrison (1985) 1.8.
double passageDown(double b, double m, double s, double t) {
  const double sd = s * std::sqrt(t);
  return normalCdf((b - m * t) / sd) + std::exp(2 * m * b / (s * s)) * normalCdf((b + m * t) / sd);
}

MonteCarloTally runAll(const Scenario& s, const MonteCarloRequest& r) {
  auto result = monteCarlo(s, r, 0, r.paths);
  INFO("first error: " << (result.errors.empty() ? std::string("none") : result.errors.front().path + ": " + result.errors.front().message));
  REQUIRE(result);
  return *result.value;
}

}  // namespace

TEST_CASE("liquidationOdds: funding moves the barrier; the closed form says it is approximate", "[odds][funding]") {
  // 0.01% per 8 hours on a notional of 100 is 0.01 an interval; 30 days are 90 intervals, F = 0.9.
  // Isolated: LP from 90 / 0.995 = 90.4523 to 90.9 / 0.995 = 91.3568 (the funding tool's example);
  // cross (wallet 15): from 85 / 0.995 = 85.4271 to 85.9 / 0.995 = 86.3317.
  const Scenario s = oneLong();
  const OddsRequest plain{.position = 0, .volatility = 0.8, .days = 30};
  OddsRequest r = plain;
  r.fundingRate = 0.0001;
  auto got = liquidationOdds(s, r);
  REQUIRE(got);
  CHECK_FALSE(got.value->exact);
  CHECK(*got.value->liquidationPriceAtHorizon.isolated == Approx(90.9 / 0.995).epsilon(1e-12));
  CHECK(*got.value->liquidationPriceAtHorizon.cross == Approx(85.9 / 0.995).epsilon(1e-12));
  // The barrier B0 e^(ct) with c = ln(BT/B0)/T: ln S_t - c t is a Brownian motion with drift m - c and
  // the barrier is the fixed level ln(B0/S0): the first passage with drift m - c.
  const double t = 30.0 / 365, m = -0.32;
  for (const bool cross : {false, true}) {
    const double b0 = (cross ? 85 : 90) / 0.995, bt = (cross ? 85.9 : 90.9) / 0.995;
    const double c = std::log(bt / b0) / t;
    const double expected = passageDown(std::log(b0 / 100), m - c, 0.8, t);
    const double p = *(cross ? got.value->probability.cross : got.value->probability.isolated);
    CHECK(p == Approx(expected).epsilon(1e-12));
    // Bounds free of the line: between the fixed barriers at B0 and at BT.
    CHECK(p > passageDown(std::log(b0 / 100), m, 0.8, t));
    CHECK(p < passageDown(std::log(bt / 100), m, 0.8, t));
  }
  auto none = liquidationOdds(s, plain);
  REQUIRE(none);
  CHECK(none.value->exact);
  CHECK(*none.value->liquidationPriceAtHorizon.isolated == Approx(90 / 0.995).epsilon(1e-12));
  // Funding received (negative rate) moves the long's barrier down.
  r.fundingRate = -0.0001;
  auto received = liquidationOdds(s, r);
  REQUIRE(received);
  CHECK(*received.value->liquidationPriceAtHorizon.isolated == Approx(89.1 / 0.995).epsilon(1e-12));
  CHECK(*received.value->probability.isolated < *none.value->probability.isolated);
}

TEST_CASE("liquidationOdds: hourly funding is the same total as 8-hourly at an eighth of the rate", "[odds][funding]") {
  const Scenario s = oneLong();
  OddsRequest a{.position = 0, .volatility = 0.8, .days = 30, .fundingRate = 0.0008};
  OddsRequest b = a;
  b.fundingRate = 0.0001;
  b.fundingIntervalHours = 1;
  auto x = liquidationOdds(s, a), y = liquidationOdds(s, b);
  REQUIRE((x && y));
  // 30 days: 90 intervals x 0.08 = 720 intervals x 0.01 = 7.2 paid; LP = 97.2 / 0.995.
  CHECK(*x.value->liquidationPriceAtHorizon.isolated == Approx(97.2 / 0.995).epsilon(1e-12));
  CHECK(*y.value->liquidationPriceAtHorizon.isolated == Approx(97.2 / 0.995).epsilon(1e-12));
}

TEST_CASE("liquidationOdds: the volatility from a surface at the horizon", "[odds][surface]") {
  // Two expiries (1/24, 1/4 year) and strikes 80, 100, 120. At the horizon 30 days and the mark 100
  // (the default strike): linear in total variance between 0.6^2/24 and 0.9^2/4:
  // w = 0.015 + (30/365 - 1/24) / (1/4 - 1/24) (0.2025 - 0.015), sigma = sqrt(w / (30/365)).
  const Scenario s = oneLong();
  OddsRequest r{.position = 0, .days = 30};
  r.volatilityFrom = VolatilityFrom{.surface = VolSurface{.expiries = {1.0 / 24, 0.25}, .strikes = {80, 100, 120},
                                                .vols = {{0.7, 0.6, 0.65}, {1.0, 0.9, 0.95}}}};
  auto got = liquidationOdds(s, r);
  REQUIRE(got);
  const double t = 30.0 / 365, e0 = 1.0 / 24, e1 = 0.25;
  const double w = 0.015 + (t - e0) / (e1 - e0) * (0.2025 - 0.015);
  const double sigma = std::sqrt(w / t);
  CHECK(got.value->volatility == Approx(sigma).epsilon(1e-12));
  CHECK(*got.value->probability.isolated == Approx(passageDown(std::log(90 / 0.995 / 100), -0.5 * sigma * sigma, sigma, t)).epsilon(1e-12));
  // Strike 110: ln(110/100) / ln(120/100) = 0.5228 of the way from 100 to 120 on each row.
  r.volatilityFrom->strike = 110;
  got = liquidationOdds(s, r);
  REQUIRE(got);
  const double f = std::log(1.1) / std::log(1.2);
  const double s0 = 0.6 + f * 0.05, s1 = 0.9 + f * 0.05;
  const double w2 = s0 * s0 * e0 + (t - e0) / (e1 - e0) * (s1 * s1 * e1 - s0 * s0 * e0);
  CHECK(got.value->volatility == Approx(std::sqrt(w2 / t)).epsilon(1e-12));
}

TEST_CASE("odds requests: funding, surface and jumps are checked at their paths", "[odds]") {
  const Scenario s = oneLong();
  OddsRequest r{.position = 0, .volatility = 0.8, .days = 30, .fundingRate = 1.5};
  r.fundingIntervalHours = 0;
  auto bad = liquidationOdds(s, r);
  REQUIRE_FALSE(bad);
  CHECK(hasError(bad.errors, "request.fundingRate", ErrorCode::OutOfRange));
  CHECK(hasError(bad.errors, "request.fundingIntervalHours", ErrorCode::OutOfRange));
  r = OddsRequest{.position = 0, .days = 30};
  r.volatilityFrom = VolatilityFrom{.surface = VolSurface{.expiries = {0.1}, .strikes = {100}, .vols = {{-1}}}, .strike = -5};
  bad = liquidationOdds(s, r);
  REQUIRE_FALSE(bad);
  CHECK(hasError(bad.errors, "request.volatilityFrom.surface.vols[0][0]", ErrorCode::NotPositive));
  CHECK(hasError(bad.errors, "request.volatilityFrom.strike", ErrorCode::NotPositive));
  MonteCarloRequest m{.volatility = {{"AAA", 0.8}}, .days = 30, .steps = 1, .paths = 10};
  m.jumps = JumpModel{.intensity = 1000, .meanLog = 9, .stdevLog = -1};
  auto mc = monteCarlo(s, m, 0, 10);
  REQUIRE_FALSE(mc);
  CHECK(hasError(mc.errors, "request.jumps.meanLog", ErrorCode::OutOfRange));
  CHECK(hasError(mc.errors, "request.jumps.stdevLog", ErrorCode::OutOfRange));
  m.jumps = JumpModel{.intensity = 1000};  // 82 jumps expected in one 30-day step
  mc = monteCarlo(s, m, 0, 10);
  REQUIRE_FALSE(mc);
  CHECK(hasError(mc.errors, "request.jumps.intensity", ErrorCode::OutOfRange));
  m.jumps.reset();
  m.fundingRate = std::numeric_limits<double>::quiet_NaN();
  mc = monteCarlo(s, m, 0, 10);
  REQUIRE_FALSE(mc);
  CHECK(hasError(mc.errors, "request.fundingRate", ErrorCode::NotFinite));
  m.fundingRate.reset();
  CHECK(hasError(validateValueAtRisk(s, m), "request.paths", ErrorCode::OutOfRange));
}

TEST_CASE("monteCarlo: with funding, against the first passage to an exponentially moving barrier", "[odds][funding]") {
  // 0.03% per 8 hours, 30 days: F = 2.7, the isolated LP moves linearly from 90/0.995 to 92.7/0.995
  // and the cross LP (wallet 15) from 85/0.995 to 87.7/0.995. Reference: the barrier B0 e^(ct) with
  // c = ln(BT/B0)/T, whose first passage is the drift-adjusted closed form (ln S_t - c t has drift
  // m - c against the fixed level ln(B0/S0)). The linear barrier is at most (ln(BT/B0))^2/8 = 1.1e-4 in
  // log from the exponential one (the chord of a concave log); the probability moves by about 3 per unit
  // of log barrier (2 phi(.)/(sigma sqrt t)), so at most 3.3e-4, a fifth of the 0.0014 standard error.
  // Tolerance: 3 standard errors. The move from no funding is many standard errors.
  const Scenario s = oneLong();
  const double t = 30.0 / 365, m = -0.32;
  MonteCarloRequest r{.volatility = {{"AAA", 0.8}}, .days = 30, .steps = 120, .paths = 100000, .seed = 11};
  r.fundingRate = 0.0003;
  const MonteCarloTally got = runAll(s, r);
  for (const bool cross : {false, true}) {
    const double b0 = (cross ? 85 : 90) / 0.995, bt = (cross ? 87.7 : 92.7) / 0.995;
    const double c = std::log(bt / b0) / t;
    const double expected = passageDown(std::log(b0 / 100), m - c, 0.8, t);
    const double without = passageDown(std::log(b0 / 100), m, 0.8, t);
    const double p = *(cross ? got.probability.cross : got.probability.isolated);
    const double se = *(cross ? got.standardError.cross : got.standardError.isolated);
    INFO((cross ? "cross" : "isolated") << ": Monte Carlo " << p << " ± " << se << ", reference " << expected
                                        << ", without funding " << without);
    CHECK(std::abs(p - expected) < 3 * se);
    CHECK(expected - without > 10 * se);
  }
}

namespace {

/// The reference for jumps: an event-driven Monte Carlo of ln(S/B) for a fixed barrier below, with no
/// time grid. The next jump comes after an exponential time; the diffusion to it (or to the horizon) is
/// drawn exactly, the touch in between by the Brownian bridge's probability exp(-2 x0 x1 / (s^2 dt)),
/// then the jump. Its own generator (std::mt19937_64) and distributions.
struct JumpReference {
  double x0, m, s, lambda, muJ, sJ, horizon;
  double probability(std::size_t paths, std::uint64_t seed) const {
    std::mt19937_64 gen(seed);
    std::normal_distribution<double> z;
    std::uniform_real_distribution<double> u;
    std::exponential_distribution<double> wait(lambda);
    std::size_t hits = 0;
    for (std::size_t i = 0; i < paths; ++i) {
      double x = x0, t = 0;
      for (;;) {
        const double next = std::min(horizon, t + wait(gen)), dt = next - t;
        const double y = x + m * dt + s * std::sqrt(dt) * z(gen);
        if (y <= 0 || u(gen) < std::exp(-2 * x * y / (s * s * dt))) {
          ++hits;
          break;
        }
        if (next >= horizon) break;
        x = y + muJ + sJ * z(gen);
        if (x <= 0) {
          ++hits;
          break;
        }
        t = next;
      }
    }
    return static_cast<double>(hits) / static_cast<double>(paths);
  }
};

}  // namespace

TEST_CASE("monteCarlo: Merton jumps against an event-driven reference and the closed form as lambda -> 0",
          "[odds][jumps]") {
  const Scenario s = oneLong();
  const double t = 30.0 / 365, sigma = 0.8, b0 = 90 / 0.995;
  // (a) lambda -> 0: 0.01 jumps a year make a jump in 0.08% of the paths, below the 0.0015 standard
  // error; the Monte Carlo then agrees with the jump-free closed form within 3 standard errors.
  MonteCarloRequest r{.volatility = {{"AAA", sigma}}, .days = 30, .steps = 60, .paths = 100000, .seed = 5};
  r.jumps = JumpModel{.intensity = 0.01, .meanLog = -0.1, .stdevLog = 0.1};
  MonteCarloTally got = runAll(s, r);
  const double closed = passageDown(std::log(b0 / 100), -0.5 * sigma * sigma, sigma, t);
  CHECK(std::abs(*got.probability.isolated - closed) < 3 * *got.standardError.isolated);
  // (b) 12 jumps a year of mean log -10% and deviation 15%: against the reference, both with 100,000
  // paths. The diffusion's drift is compensated, m = mu - sigma^2/2 - lambda kappa, kappa =
  // e^(muJ + sJ^2/2) - 1; the drift mu = lambda kappa cancels it, so m = -sigma^2/2 as without jumps.
  const double kappa = std::exp(-0.1 + 0.5 * 0.15 * 0.15) - 1;
  r.jumps = JumpModel{.intensity = 12, .meanLog = -0.1, .stdevLog = 0.15};
  r.drift = {{"AAA", 12 * kappa}};
  r.steps = 30;
  got = runAll(s, r);
  const JumpReference ref{std::log(100 / b0), -0.5 * sigma * sigma, sigma, 12, -0.1, 0.15, t};
  const double expected = ref.probability(100000, 2026);
  const double p = *got.probability.isolated;
  const double se = std::sqrt(p * (1 - p) / 100000 + expected * (1 - expected) / 100000);
  INFO("stepped " << p << ", event-driven reference " << expected << ", jump-free " << closed);
  CHECK(std::abs(p - expected) < 3 * se);
  CHECK(expected - closed > 5 * se);  // the jumps matter at this size
}

TEST_CASE("valueAtRisk: one position without liquidation against the lognormal quantile", "[odds][var]") {
  // A 1x long (no liquidation price: LP = (100 − 100) / 0.995 = 0) with wallet 100 (cross: none
  // either). Loss L = 100 (1 − e^X), X ~ N(m t, s^2 t), m = −s^2/2: VaR_a = 100 (1 − e^(m t + s sqrt(t)
  // z_(1−a))), ES_a = 100 (1 − e^(m t + s^2 t/2) N(z_(1−a) − s sqrt t) / (1 − a)); z_0.01 = −2.3263478740,
  // z_0.025 = −1.9599639845. The SE of the order statistic is about sqrt(a (1 − a) / n) / f_L(VaR).
  const Scenario s = oneLong(100, 1);
  const double sigma = 0.8, t = 30.0 / 365, sd = sigma * std::sqrt(t), mt = -0.5 * sigma * sigma * t;
  MonteCarloRequest r{.volatility = {{"AAA", sigma}}, .days = 30, .steps = 10, .paths = 200000, .seed = 1};
  auto got = valueAtRisk(s, r);
  REQUIRE(got);
  explain(s, r, *got.value);
  CHECK_FALSE(got.value->steps.empty());
  for (const auto& [a, z] : {std::pair{0.99, -2.3263478740}, std::pair{0.975, -1.9599639845}}) {
    const double var = 100 * (1 - std::exp(mt + sd * z));
    const double es = 100 * (1 - std::exp(mt + sd * sd / 2) * normalCdf(z - sd) / (1 - a));
    const double density = std::exp(-z * z / 2) / std::sqrt(2 * M_PI) / sd / (100 * std::exp(mt + sd * z));
    const double asymptotic = std::sqrt(a * (1 - a) / r.paths) / density;
    for (const LossMeasures& m : {got.value->loss.isolated, got.value->loss.cross}) {
      const TailEstimate& v = a == 0.99 ? m.var99 : m.var975;
      const TailEstimate& e = a == 0.99 ? m.es99 : m.es975;
      INFO("a " << a << ": VaR " << v.value << " ± " << v.standardError << " (hand " << var << ", asymptotic SE "
                << asymptotic << "); ES " << e.value << " ± " << e.standardError << " (hand " << es << ")");
      CHECK(std::abs(v.value - var) < 3 * v.standardError);
      CHECK(std::abs(e.value - es) < 3 * e.standardError);
      CHECK((v.standardError > 0.5 * asymptotic && v.standardError < 2 * asymptotic));
    }
    CHECK(got.value->insuranceFund.isolated.probability == 0);
  }
}

TEST_CASE("valueAtRisk: a jump past bankruptcy charges the insurance fund", "[odds][var]") {
  // 10x long, M = 10, bankruptcy at 90; nearly no diffusion (sigma 1%) and jumps of e^-0.5 = 0.6065:
  // the first jump closes the position at about 60.65, 29.35 past bankruptcy (10 + 60.65 − 100 < 0).
  // Paths with a jump: 1 − e^(−12·30/365) = 0.6270. Every liquidated path loses the margin, 10. The
  // drift mu = lambda kappa cancels the jumps' compensation, so the mark stays near 100 between jumps.
  const Scenario s = oneLong();
  const double kappa = std::exp(-0.5 + 0.5e-6) - 1;
  MonteCarloRequest r{.volatility = {{"AAA", 0.01}}, .drift = {{"AAA", 12 * kappa}}, .days = 30, .steps = 30,
                      .paths = 20000, .seed = 9};
  r.jumps = JumpModel{.intensity = 12, .meanLog = -0.5, .stdevLog = 0.001};
  auto got = valueAtRisk(s, r);
  REQUIRE(got);
  const FundLoss& f = got.value->insuranceFund.isolated;
  const double p = 1 - std::exp(-12 * 30.0 / 365);
  CHECK(std::abs(f.probability - p) < 3 * std::sqrt(p * (1 - p) / r.paths));
  REQUIRE(f.quantiles.size() == 4);
  CHECK(f.quantiles[0] == Approx(90 - 100 * std::exp(-0.5)).margin(0.5));  // the median: a jump
  CHECK(got.value->loss.isolated.var99.value == Approx(10).margin(1e-9));
}
