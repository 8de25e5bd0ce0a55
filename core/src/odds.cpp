// SPDX-License-Identifier: MIT
// MarginLab: the probability that the mark touches a liquidation price within a horizon.
// Closed form: first passage of Brownian motion with drift (Harrison, "Brownian Motion and
// Stochastic Flow Systems", 1985, §1.8; Shreve, "Stochastic Calculus for Finance II", 7.2.2).
// Monte Carlo: correlated GBM, log-Euler (exact per step), xoshiro256** seeded by splitmix64.
#include "marginlab/odds.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <cstring>
#include <string>
#include <string_view>

#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "marginlab/stress.h"
#include "marginlab/surface.h"
#include "marginlab/validate.h"
#include "model.h"
#include "explain.h"
#include "risk_steps.h"

namespace marginlab {

namespace {

// Bounds that keep every number finite (exp of the log-price stays far from overflow).
constexpr double kMaxVolatility = 10;  ///< annualised, 1000 %
constexpr double kMaxDrift = 10;       ///< annualised, |mu|
constexpr double kMaxYears = 100;      ///< horizon
constexpr double kDaysPerYear = 365;   ///< ACT/365: a horizon in days is days / 365 years
constexpr std::size_t kMaxPaths = 10'000'000;
constexpr std::size_t kMaxSteps = 100'000;
constexpr double kMaxPathSteps = 2e9;  ///< paths x steps
constexpr double kHoursPerYear = 8760;  ///< ACT/365 hours: a funding interval of h hours is h / 8760 years
constexpr double kMinFundingHours = 1.0 / 60;  ///< one minute
constexpr double kMaxStrike = 1e15;            ///< a surface strike's bound (quote per coin)
constexpr double kMaxJumpsMean = 5;            ///< jumps expected per step, at most
constexpr double kMaxJumpIntensity = 1000;     ///< jumps per year
constexpr double kMaxJumpLog = 5;              ///< |meanLog| and stdevLog
constexpr double kSymmetryTolerance = 1e-12;
constexpr double kCholeskyTolerance =
    1e-10;  ///< pivots in [-tol, tol] count as zero (semi-definite)

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kLogSqrt2Pi = 0.91893853320467274178;

using detail::n;
using detail::sn;

using detail::add;

double normalCdf(double x) noexcept { return 0.5 * std::erfc(-x * kInvSqrt2); }

/// ln N(x), also where N(x) underflows (asymptotic series of the Mills ratio below -30).
double logNormalCdf(double x) noexcept {
  if (x > -30) return std::log(normalCdf(x));
  const double x2 = x * x;
  return -0.5 * x2 - std::log(-x) - kLogSqrt2Pi +
         std::log1p(-1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2));
}

/// The terms of the down-barrier formula after reflecting an up barrier (b -> -b, m -> -m).
struct Passage {
  double b = 0, m = 0, sd = 0;  ///< log distance (signed as given), log drift, sigma sqrt(t)
  bool up = false;
  double d1 = 0, d2 = 0;  ///< arguments of N() in the reflected (down) form
  double reflection = 0;  ///< exponent 2 m b / sigma^2
  double p = 0;
};

Passage passage(double spot, double barrier, double sigma, double years, double mu) noexcept {
  Passage r;
  r.sd = sigma * std::sqrt(years);
  r.m = mu - 0.5 * sigma * sigma;
  r.b = std::log(barrier / spot);
  r.up = r.b > 0;
  if (r.b == 0) return r.p = 1, r;
  if (!(r.sd > 0)) return r.p = 0, r;
  const double b = r.up ? -r.b : r.b;  // reflected: b < 0
  const double m = r.up ? -r.m : r.m;
  const double mt = m * years;
  r.d1 = (b - mt) / r.sd;
  r.d2 = (b + mt) / r.sd;
  r.reflection = 2 * m * b / (sigma * sigma);
  double p = normalCdf(r.d1) + std::exp(r.reflection + logNormalCdf(r.d2));
  if (!std::isfinite(p)) p = mt <= b ? 1 : 0;  // sigma^2 underflowed: the drift alone decides
  r.p = std::clamp(p, 0.0, 1.0);
  return r;
}

// ---- deterministic random numbers: only + - * / sqrt floor frexp ldexp, exact in IEEE ----

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

/// xoshiro256** (Blackman & Vigna, 2018), seeded from (seed, path) through splitmix64.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t path) noexcept {
    std::uint64_t h = seed;
    h = splitmix64(h) + path;  // a bijection of the seed, offset by the path: distinct per path
    std::uint64_t st = splitmix64(h);
    for (auto& word : s_) word = splitmix64(st);
  }
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, 1), 53 bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::array<std::uint64_t, 4> s_{};
};

constexpr double kLn2Hi =
    6.93147180369123816490e-01;  // fdlibm split: k * hi is exact for |k| < 2^11
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLog2e = 1.44269504088896338700;

/// 2^k, exact, for -1022 <= k <= 1023.
double pow2(int k) noexcept {
  const std::uint64_t bits = static_cast<std::uint64_t>(k + 1023) << 52;
  double out = 0;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

/// exp(x) without libm (libm differs in the last ulp between builds): Cody-Waite reduction and
/// the degree-13 Taylor polynomial on |r| <= ln2/2 (truncation < 1e-17 relative), evaluated by
/// Estrin's scheme (short dependency chains; the same operations in the same order everywhere).
double detExp(double x) noexcept {
  if (x > 709.78) return HUGE_VAL;
  if (x < -745.2) return 0;
  const double kf = std::floor(x * kLog2e + 0.5);
  const double r = (x - kf * kLn2Hi) - kf * kLn2Lo;
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double a0 = 1 + r, a1 = 0.5 + r * (1.0 / 6), a2 = 1.0 / 24 + r * (1.0 / 120),
               a3 = 1.0 / 720 + r * (1.0 / 5040), a4 = 1.0 / 40320 + r * (1.0 / 362880),
               a5 = 1.0 / 3628800 + r * (1.0 / 39916800),
               a6 = 1.0 / 479001600 + r * (1.0 / 6227020800);
  const double b0 = a0 + a1 * r2, b1 = a2 + a3 * r2, b2 = a4 + a5 * r2;
  const double p = (b0 + b1 * r4) + (b2 + a6 * r4) * r8;  // in [0.7, 1.42]
  const int k = static_cast<int>(kf);
  if (k >= -1021) return p * pow2(k);
  return p * pow2(k + 60) *
         pow2(-60);  // subnormal result: the first product is exact, one rounding
}

/// ln(x) for x > 0 without libm: x = f 2^e with f in [sqrt(1/2), sqrt(2)), ln f = 2 atanh(z),
/// z = (f-1)/(f+1), |z| <= 0.172, series in w = z^2 to w^9 (truncation < 3e-17), Estrin's scheme.
double detLog(double x) noexcept {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  const int field = static_cast<int>((bits >> 52) & 0x7ff);
  int e = 0;
  double f = 0;
  if (field == 0) {
    f = std::frexp(x, &e);  // subnormal: f in [0.5, 1)
  } else {
    e = field - 1022;
    bits = (bits & 0x000FFFFFFFFFFFFFULL) | (std::uint64_t{1022} << 52);
    std::memcpy(&f, &bits, sizeof f);  // f in [0.5, 1)
  }
  if (f < 0.70710678118654752440) {
    f *= 2;
    --e;
  }
  const double z = (f - 1) / (f + 1);
  const double w = z * z, w2 = w * w, w4 = w2 * w2, w8 = w4 * w4;
  const double a0 = 1 + w * (1.0 / 3), a1 = 1.0 / 5 + w * (1.0 / 7), a2 = 1.0 / 9 + w * (1.0 / 11),
               a3 = 1.0 / 13 + w * (1.0 / 15), a4 = 1.0 / 17 + w * (1.0 / 19);
  const double series = (a0 + a1 * w2) + (a2 + a3 * w2) * w4 + a4 * w8;
  return e * kLn2Hi + (e * kLn2Lo + 2 * z * series);
}

/// Standard normals by Marsaglia's polar method, both of each pair used.
class Normals {
 public:
  explicit Normals(Rng& rng) noexcept : rng_(rng) {}
  double next() noexcept {
    if (hasSpare_) {
      hasSpare_ = false;
      return spare_;
    }
    double u = 0, v = 0, s = 0;
    do {
      u = 2 * rng_.uniform() - 1;
      v = 2 * rng_.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    const double factor = std::sqrt(-2 * detLog(s) / s);
    spare_ = v * factor;
    hasSpare_ = true;
    return u * factor;
  }

 private:
  Rng& rng_;
  double spare_ = 0;
  bool hasSpare_ = false;
};

/// Phi(z) from + - * / and detExp only (the same bits on every build), to about 1e-16 absolute:
/// Marsaglia's series Phi(z) = 1/2 + phi(z) (z + z^3/3 + z^5/(3 5) + ...) (J. Stat. Softw. 11(4),
/// 2004), all terms of one sign; 0 or 1 past |z| = 8.3, where Phi rounds to them.
double detNormalCdf(double z) noexcept {
  if (z <= -8.3) return 0;
  if (z >= 8.3) return 1;
  double term = z, sum = z;
  const double z2 = z * z;
  for (int n = 1; n < 400 && std::fabs(term) > 1e-17 * std::fabs(sum); ++n) {
    term *= z2 / (2 * n + 1);
    sum += term;
  }
  constexpr double kInvSqrt2Pi = 0.398942280401432677940;
  return std::clamp(0.5 + kInvSqrt2Pi * detExp(-0.5 * z2) * sum, 0.0, 1.0);
}

// ---- request checks (messages in check.cpp, section "Risk lab: odds, Monte Carlo") ----

Param param(const char* name, double x) { return {name, x}; }
Param param(const char* name, std::size_t x) { return {name, static_cast<double>(x)}; }

/// A volatility or a horizon: finite, > 0 (`positive`) or >= 0, and at most `limit`.
void checkRate(Checker& c, const std::string& path, double x, bool positive, double limit) {
  if (!isValidNumber(x)) c.fail(path, "notFinite");
  else if (positive && !(x > 0)) c.fail(path, "mustBePositive", {param("value", x)});
  else if (!positive && x < 0) c.fail(path, "mustBeNonNegative", {param("value", x)});
  else c.atMost(path, x, limit);
}

/// Exactly one of years and days, each > 0 (`positive`) or >= 0, and at most 100 years.
void checkHorizon(Checker& c, const std::optional<double>& years, const std::optional<double>& days,
                  bool positive) {
  if (years && days) c.fail("request.days", "horizonTwice");
  if (!years && !days) c.fail("request.years", "horizonMissing");
  if (years) checkRate(c, "request.years", *years, positive, kMaxYears);
  if (days) checkRate(c, "request.days", *days, positive, kMaxYears * kDaysPerYear);
}

/// The horizon in years of a valid request.
template <class Request>
double horizonYears(const Request& r) noexcept {
  return r.years ? *r.years : *r.days / kDaysPerYear;
}
/// The horizon in days of a valid request.
template <class Request>
double horizonDays(const Request& r) noexcept {
  return r.days ? *r.days : *r.years * kDaysPerYear;
}

/// A funding rate per interval (|rate| < 1, the funding tool's rule) and the interval's length in hours.
void checkFunding(Checker& c, const std::optional<double>& rate, double hours) {
  if (rate && c.finite("request.fundingRate", *rate) && !(std::abs(*rate) < 1))
    c.fail("request.fundingRate", "fundingRate", {param("value", *rate)});
  if (c.finite("request.fundingIntervalHours", hours) && !(hours >= kMinFundingHours && hours <= kHoursPerYear))
    c.fail("request.fundingIntervalHours", "fundingIntervalHours",
           {param("value", hours), param("low", kMinFundingHours), param("high", kHoursPerYear)});
}

void checkOdds(const Scenario& s, const OddsRequest& r, Checker& c) {
  if (r.position >= s.positions.size() && !s.positions.empty())
    c.fail("request.position", "positionIndex", {param("value", r.position), param("limit", s.positions.size())});
  checkRate(c, "request.volatility", r.volatility, false, kMaxVolatility);
  checkHorizon(c, r.years, r.days, false);
  c.between("request.drift", r.drift, -kMaxDrift, kMaxDrift);
  checkFunding(c, r.fundingRate, r.fundingIntervalHours);
  if (r.volatilityFrom) {
    if (!r.volatilityFrom->surface) c.fail("request.volatilityFrom.surface", "missing");
    else c.merge(validateVolSurface(*r.volatilityFrom->surface, "request.volatilityFrom.surface"));
    if (r.volatilityFrom->strike) checkRate(c, "request.volatilityFrom.strike", *r.volatilityFrom->strike, true, kMaxStrike);
  }
}

/// Lower-triangular L with L L^T = c, for a positive semi-definite c (zero pivots give zero
/// columns), or nullopt when c is not positive semi-definite within kCholeskyTolerance.
std::optional<std::vector<double>> cholesky(const std::vector<std::vector<double>>& c,
                                            std::size_t size) {
  std::vector<double> l(size * size, 0.0);
  for (std::size_t j = 0; j < size; ++j) {
    double d = c[j][j];
    for (std::size_t k = 0; k < j; ++k) d -= l[j * size + k] * l[j * size + k];
    if (d < -kCholeskyTolerance) return std::nullopt;
    const bool zero = d <= kCholeskyTolerance;
    const double pivot = zero ? 0.0 : std::sqrt(d);
    l[j * size + j] = pivot;
    for (std::size_t i = j + 1; i < size; ++i) {
      double x = c[i][j];
      for (std::size_t k = 0; k < j; ++k) x -= l[i * size + k] * l[j * size + k];
      if (zero) {
        if (std::abs(x) > std::sqrt(kCholeskyTolerance))
          return std::nullopt;  // a zero pivot with a non-zero column
      } else {
        l[i * size + j] = x / pivot;
      }
    }
  }
  return l;
}

/// Symbols in the order of first appearance, and the symbol of each position.
struct Symbols {
  std::vector<std::string_view> names;
  std::vector<std::size_t> of;  ///< per position: index into names
};

Symbols symbolsOf(const Scenario& s) {
  Symbols out;
  out.of.resize(s.positions.size());
  for (std::size_t i = 0; i < s.positions.size(); ++i) {
    const std::string_view symbol = s.positions[i].symbol;
    const auto it = std::find(out.names.begin(), out.names.end(), symbol);
    out.of[i] = static_cast<std::size_t>(it - out.names.begin());
    if (it == out.names.end()) out.names.push_back(symbol);
  }
  return out;
}

void checkSymbols(const Symbols& symbols, const MonteCarloRequest& r, Checker& c) {
  for (std::string_view symbol : symbols.names) {
    const std::string path = "request.volatility." + std::string(symbol);
    const auto it = r.volatility.find(symbol);
    if (it == r.volatility.end()) c.fail(path, "volatilityMissing", {Param{"symbol", std::string(symbol)}});
    else checkRate(c, path, it->second, true, kMaxVolatility);
    if (const auto d = r.drift.find(symbol); d != r.drift.end())
      c.between("request.drift." + std::string(symbol), d->second, -kMaxDrift, kMaxDrift);
  }
}

std::string entryPath(std::size_t i, std::size_t j) {
  return "request.correlation[" + std::to_string(i) + "][" + std::to_string(j) + "]";
}

/// Entry (i, j) of a square matrix: finite, 1 on the diagonal, in [-1, 1], symmetric.
bool checkEntry(const std::vector<std::vector<double>>& m, std::size_t i, std::size_t j, Checker& c) {
  const double x = m[i][j];
  if (!isValidNumber(x)) c.fail(entryPath(i, j), "notFinite");
  else if (i == j && x != 1) c.fail(entryPath(i, j), "correlationDiagonal", {param("value", x)});
  else if (x < -1 || x > 1) c.fail(entryPath(i, j), "between", {param("value", x), param("low", -1.0), param("high", 1.0)});
  else if (i > j && isValidNumber(m[j][i]) && std::abs(x - m[j][i]) > kSymmetryTolerance)
    c.fail(entryPath(i, j), "correlationSymmetric",
           {param("value", x), Param{"mirror", entryPath(j, i)}, param("other", m[j][i])});
  else return true;
  return false;
}

/// The correlation's shape and entries; true when a Cholesky factor can be tried.
bool checkCorrelationEntries(const std::vector<std::vector<double>>& m, std::size_t size, Checker& c) {
  if (m.size() != size) {
    c.fail("request.correlation", "correlationRows", {param("count", m.size()), param("symbols", size)});
    return false;
  }
  bool shape = true;
  for (std::size_t i = 0; i < size; ++i) {
    if (m[i].size() == size) continue;
    c.fail("request.correlation[" + std::to_string(i) + "]", "correlationColumns",
           {param("count", m[i].size()), param("symbols", size)});
    shape = false;
  }
  bool entries = shape;
  for (std::size_t i = 0; shape && i < size; ++i)
    for (std::size_t j = 0; j < size; ++j) entries = checkEntry(m, i, j, c) && entries;
  return entries;
}

void checkCorrelation(const MonteCarloRequest& r, std::size_t size, Checker& c) {
  if (r.correlation.empty()) return;
  if (checkCorrelationEntries(r.correlation, size, c) && !cholesky(r.correlation, size))
    c.fail("request.correlation", "correlationDefinite", {param("tolerance", kCholeskyTolerance)});
}

/// A count of steps or paths: > 0 and at most `limit`.
bool checkCount(Checker& c, const char* path, std::size_t x, std::size_t limit) {
  if (x == 0) return c.fail(path, "countPositive"), false;
  if (x > limit) return c.fail(path, "countAtMost", {param("value", x), param("limit", limit)}), false;
  return true;
}

/// Merton's jumps: intensity in [0, 1000] a year, meanLog in [-5, 5], stdevLog in [0, 5], and at most 5
/// jumps expected in a step (the horizon and steps checked and valid).
void checkJumps(const MonteCarloRequest& r, bool stepsValid, Checker& c) {
  if (!r.jumps) return;
  const JumpModel& j = *r.jumps;
  const bool intensity = c.between("request.jumps.intensity", j.intensity, 0, kMaxJumpIntensity);
  c.between("request.jumps.meanLog", j.meanLog, -kMaxJumpLog, kMaxJumpLog);
  c.between("request.jumps.stdevLog", j.stdevLog, 0, kMaxJumpLog);
  if (!intensity || !stepsValid || !c.ok()) return;
  const double mean = j.intensity * horizonYears(r) / static_cast<double>(r.steps);
  if (mean > kMaxJumpsMean)
    c.fail("request.jumps.intensity", "jumpsPerStep",
           {param("value", j.intensity), param("mean", mean), param("limit", kMaxJumpsMean)});
}

void checkMonteCarlo(const Scenario& s, const MonteCarloRequest& r, Checker& c) {
  const Symbols symbols = symbolsOf(s);
  checkSymbols(symbols, r, c);
  checkCorrelation(r, symbols.names.size(), c);
  checkHorizon(c, r.years, r.days, true);
  checkFunding(c, r.fundingRate, r.fundingIntervalHours);
  checkJumps(r, r.steps > 0 && r.steps <= kMaxSteps, c);
  checkCount(c, "request.steps", r.steps, kMaxSteps);
  if (checkCount(c, "request.paths", r.paths, kMaxPaths) &&
      static_cast<double>(r.paths) * static_cast<double>(r.steps) > kMaxPathSteps)
    c.fail("request.paths", "pathSteps",
           {param("value", r.paths), param("steps", r.steps), param("limit", kMaxPathSteps)});
}

/// The chunk [begin, end) and the tally it continues.
void checkChunk(const Scenario& s, const MonteCarloRequest& r, std::size_t begin, std::size_t end,
                const MonteCarloTally& tally, Checker& c) {
  if (begin > end) c.fail("begin", "chunkOrder", {param("value", begin), param("end", end)});
  if (end > r.paths) c.fail("end", "chunkEnd", {param("value", end), param("paths", r.paths)});
  const std::size_t positions = s.positions.size();
  if (!tally.isolatedByPosition.empty() && tally.isolatedByPosition.size() != positions)
    c.fail("tally.isolatedByPosition", "tallyPositions",
           {param("count", tally.isolatedByPosition.size()), param("expected", positions)});
  const auto histogram = [&](const std::vector<std::size_t>& h, const char* path) {
    if (!h.empty() && h.size() != r.steps)
      c.fail(path, "tallyHistogram", {param("count", h.size()), param("expected", r.steps)});
  };
  histogram(tally.timeHistogram.isolated, "tally.timeHistogram.isolated");
  histogram(tally.timeHistogram.cross, "tally.timeHistogram.cross");
}

// ---- the closed form's kernel and explanation ----

/// What the closed form of one request uses: the volatility (the request's or the surface's) and, with
/// funding, the total paid over the horizon and each mode's liquidation price after it.
struct OddsInputs {
  double sigma = 0, years = 0, mark = 0;
  std::optional<double> payment;                  ///< with funding: the horizon's total (settlement asset)
  ByMode<std::optional<double>> atHorizon;        ///< the liquidation price at the horizon
};

/// One mode's barrier: the price now (B0), at the horizon (BT), the price the formula takes and the
/// drift of its log, c = ln(BT / B0) / t (0 without funding).
struct ModeBarrier {
  std::optional<double> price;
  double shift = 0;
  bool exact = true;
};

ModeBarrier modeBarrier(const PositionOutcome& o, const std::optional<double>& atHorizon, bool funding,
                        double years) noexcept {
  ModeBarrier b{o.liquidationPrice};
  if (!funding) return b;
  b.exact = false;
  if (!b.price) b.price = atHorizon;  // one end without a price: the other, held fixed
  else if (atHorizon && years > 0) b.shift = std::log(*atHorizon / *b.price) / years;
  return b;
}

OddsInputs oddsInputs(const Scenario& s, const OddsRequest& r, const Report& report) {
  OddsInputs in;
  in.years = horizonYears(r);
  in.mark = s.positions[r.position].mark();
  in.sigma = r.volatility;
  if (r.volatilityFrom)
    in.sigma = surfaceVolatility(*r.volatilityFrom->surface, in.years, r.volatilityFrom->strike.value_or(in.mark));
  in.atHorizon = {report.isolated->positions[r.position].liquidationPrice,
                  report.cross->positions[r.position].liquidationPrice};
  if (r.fundingRate) {
    const double intervals = in.years * kHoursPerYear / r.fundingIntervalHours;
    in.payment = fundingPaymentPerInterval(s, r.position, *r.fundingRate) * intervals;
    in.atHorizon = liquidationAfterFunding(s, r.position, *in.payment).liquidationPrice;
  }
  return in;
}

/// One mode's probability: none without a liquidation price, 1 when the mark is already past it. With
/// funding, the barrier B0 e^(c t) moves the log distance by c t, which is the drift mu - c against a
/// fixed barrier (the first passage of a Brownian motion with drift to a line).
std::optional<double> touchProbability(const PositionOutcome& o, const ModeBarrier& b, const OddsInputs& in,
                                       double mu) noexcept {
  if (!b.price) return std::nullopt;
  if (o.distanceToLiquidation && *o.distanceToLiquidation <= 0) return 1.0;
  return passage(in.mark, *b.price, in.sigma, in.years, mu - b.shift).p;
}

/// The touch formula of one mode, reflected for an up barrier.
void explainTouch(std::vector<Step>& steps, const std::string& field, const std::string& mode,
                  const Passage& r, double years) {
  const std::string d = r.up ? "(−b + m·t)" : "(b − m·t)";
  const std::string e = r.up ? "(−b − m·t)" : "(b + m·t)";
  const std::string bs = r.up ? sn(-r.b) : sn(r.b);
  const std::string mt = sn(r.m * years);
  detail::codedStep(steps, r.up ? "odds.touchAbove" : "odds.touchBelow",
          {param("logDistance", r.b), param("logDriftTime", r.m * years), param("spread", r.sd),
           param("reflection", r.reflection), param("d1", r.d1), param("d2", r.d2)},
          field,
          mode + ": probability that the mark touches the liquidation price " + (r.up ? "above" : "below") +
              " it within t",
          "P = N(" + d + "/(σ√t)) + e^(2·m·b/σ²)·N(" + e + "/(σ√t))",
          "N((" + bs + (r.up ? " + " : " − ") + mt + ") / " + n(r.sd) + ") + e^(" + n(r.reflection) + ")·N((" +
              bs + (r.up ? " − " : " + ") + mt + ") / " + n(r.sd) + ") = N(" + n(r.d1) + ") + e^(" +
              n(r.reflection) + ")·N(" + n(r.d2) + ")",
          r.p);
}

/// With funding: the barrier's price at the horizon and the drift of its log.
void explainFundingBarrier(std::vector<Step>& steps, const std::string& field, const std::string& mode,
                           const PositionOutcome& o, const std::optional<double>& atHorizon, const ModeBarrier& b) {
  if (!atHorizon) {
    detail::codedStep(steps, "odds.funding.noPriceAtHorizon", {}, field,
                      mode + ": after the funding no positive price liquidates the position", "", "", std::nullopt);
  } else {
    detail::codedStep(steps, "odds.funding.priceAtHorizon", {param("liquidationPrice", *atHorizon)}, field,
                      mode + ": the liquidation price after the horizon's funding (the funding tool's kernel)",
                      "B_T = LP after paying F", n(*atHorizon), *atHorizon);
  }
  if (o.liquidationPrice && atHorizon)
    detail::codedStep(steps, "odds.funding.barrierDrift",
                      {param("from", *o.liquidationPrice), param("to", *atHorizon), param("shift", b.shift)}, field,
                      mode + ": the barrier taken as B0·e^(c·t); its log drifts by c, which subtracts from the "
                             "mark's log drift (approximate: the funding barrier is linear in time)",
                      "c = ln(B_T / B0) / t", "ln(" + n(*atHorizon) + " / " + n(*o.liquidationPrice) + ") / t", b.shift);
}

/// The steps of one mode, ending with its probability.
void explainMode(std::vector<Step>& steps, const PositionOutcome& o, const ModeBarrier& barrier,
                 const OddsInputs& in, const std::optional<double>& atHorizon, double mu, bool cross) {
  const std::string field = cross ? "crossProbability" : "isolatedProbability";
  const std::string mode = cross ? "Cross (the other symbols held at their marks)" : "Isolated";
  const double mark = in.mark, years = in.years;
  if (in.payment) explainFundingBarrier(steps, field, mode, o, atHorizon, barrier);
  if (!barrier.price) {
    detail::codedStep(steps, "odds.noLiquidation", {}, field,
            mode + ": no positive price liquidates the position, so no probability", "", "", std::nullopt);
    return;
  }
  const double lp = *barrier.price;
  if (o.distanceToLiquidation && *o.distanceToLiquidation <= 0) {
    detail::codedStep(steps, "odds.alreadyPast", {param("liquidationPrice", lp), param("mark", mark)}, field,
            mode + ": the mark is already at or past the liquidation price", "P = 1",
            "LP " + n(lp) + ", mark " + n(mark), 1.0);
    return;
  }
  const Passage r = passage(mark, lp, in.sigma, years, mu - barrier.shift);
  detail::codedStep(steps, "odds.logDistance", {param("liquidationPrice", lp), param("mark", mark)}, field,
          mode + ": log distance from the mark to the liquidation price", "b = ln(LP / P_mark)",
          "ln(" + n(lp) + " / " + n(mark) + ")", r.b);
  if (r.b == 0 || !(r.sd > 0)) {
    detail::codedStep(steps, r.b == 0 ? "odds.atMark" : "odds.noSpread", {}, field,
            mode + (r.b == 0 ? ": the liquidation price is the mark" : ": no volatility or no time, so no touch"),
            r.b == 0 ? "P = 1" : "P = 0", "", r.p);
    return;
  }
  explainTouch(steps, field, mode, r, years);
}

// ---- the Monte Carlo kernel ----

/// A liquidation price on one symbol's path: an isolated position's, or a one-symbol cross account's.
/// The path touches it when the mark reaches it (below: at or below it; above: at or above it), at a
/// step's end or between two steps (the Brownian bridge, runPaths).
struct Barrier {
  std::size_t position, symbol;  ///< position: the isolated position (unused for the cross barrier)
  double price;
  bool below;
  double logDistance0;  ///< ln(mark / price) at the start
  double bridgeScale;   ///< 2 / (sigma^2 dt) of its symbol
};

/// What every path shares: per symbol the start and the log drift and volatility of one step,
/// the Cholesky factor, the isolated barriers, and the cross account's terms.
struct PathSetup {
  Symbols symbols;
  std::size_t steps = 0;
  std::uint64_t seed = 0;
  std::vector<double> mark0, driftStep, volStep, chol;
  std::vector<Barrier> barriers;
  std::optional<Barrier> crossBarrier;  ///< a one-symbol cross account's nearest liquidation price
  detail::Model model;
  double wallet = 0;
};

Barrier barrierAt(const PathSetup& p, std::size_t position, std::size_t symbol, double price) {
  const double mark = p.mark0[symbol], vol = p.volStep[symbol];
  return {position, symbol, price, price <= mark, detLog(mark / price), 2 / (vol * vol)};
}

PathSetup setUp(const Scenario& s, const MonteCarloRequest& r, const Report& report) {
  PathSetup p;
  p.symbols = symbolsOf(s);
  p.steps = r.steps;
  p.seed = r.seed;
  const std::size_t count = p.symbols.names.size();
  p.chol.assign(count * count, 0.0);
  for (std::size_t j = 0; j < count; ++j) p.chol[j * count + j] = 1;
  if (!r.correlation.empty()) p.chol = *cholesky(r.correlation, count);
  const double dt = horizonYears(r) / static_cast<double>(r.steps);
  const double sqrtDt = std::sqrt(dt);
  p.mark0.resize(count);
  for (std::string_view symbol : p.symbols.names) {
    const double sigma = r.volatility.find(symbol)->second;
    const auto d = r.drift.find(symbol);
    const double mu = d == r.drift.end() ? 0.0 : d->second;
    p.driftStep.push_back((mu - 0.5 * sigma * sigma) * dt);
    p.volStep.push_back(sigma * sqrtDt);
  }
  for (std::size_t i = 0; i < s.positions.size(); ++i) p.mark0[p.symbols.of[i]] = s.positions[i].mark();
  for (std::size_t i = 0; i < s.positions.size(); ++i)
    if (const auto lp = report.isolated->positions[i].liquidationPrice)
      p.barriers.push_back(barrierAt(p, i, p.symbols.of[i], *lp));
  if (const auto lp = report.cross->positions[0].liquidationPrice; count == 1 && lp)
    p.crossBarrier = barrierAt(p, 0, 0, *lp);
  p.model = detail::buildModel(s);
  p.wallet = s.walletBalance;
  return p;
}

/// Cross: walletBalance + sum(PnL_i - MM_i) <= 0, every position cross, at the simulated marks.
bool crossLiquidated(const PathSetup& p, const std::vector<double>& prices) noexcept {
  double margin = p.wallet;
  for (const detail::Leg& leg : p.model.legs) {
    const double price = prices[p.symbols.of[leg.index]];
    const double u = leg.u(price);
    const detail::Maintenance mm = detail::maintenanceAt(p.model, leg, u);
    margin += leg.pnlAt(price) - (mm.c0 + mm.c1 * u);
  }
  return margin <= 0;
}

/// One path's state as it is walked.
struct PathState {
  std::vector<double> prices, eps, moves;  ///< moves: each symbol's log move over the last step
  std::vector<double> uniforms;            ///< each symbol's bridge draw for the last step (NaN: not yet)
  std::vector<double> bridgeEps, bridgeZ;  ///< several symbols: the draws' correlated normals (Gaussian copula)
  bool drawn = false;                      ///< this step's bridge draws made
  Rng* bridgeRng = nullptr;                ///< the path's bridge stream
  Normals* bridgeNormals = nullptr;
  std::vector<double> logDistance;         ///< per barrier (the cross barrier last): ln(mark / price) now
  std::vector<char> hit;
  std::size_t remaining = 0;
  bool anyIsolated = false, crossDone = false;
};

/// The bridge's uniform of `symbol` for this step, drawn when a barrier first needs one in the step
/// (most steps are far from every barrier and draw nothing: the same draws for the same seed on
/// every build, since the need is decided by the path itself). One symbol: a uniform; several:
/// correlated normals with the steps' correlation for every symbol at once, and Phi of this one's
/// (a Gaussian copula).
inline double bridgeUniform(const PathSetup& p, PathState& st, std::size_t symbol) noexcept {
  const std::size_t count = st.uniforms.size();
  if (!st.drawn) {
    st.drawn = true;
    if (count == 1) {
      st.uniforms[0] = st.bridgeRng->uniform();
    } else {
      for (std::size_t j = 0; j < count; ++j) st.bridgeEps[j] = st.bridgeNormals->next();
      for (std::size_t j = 0; j < count; ++j) {
        double z = 0;
        for (std::size_t k = 0; k <= j; ++k) z += p.chol[j * count + k] * st.bridgeEps[k];
        st.bridgeZ[j] = z;
        st.uniforms[j] = std::numeric_limits<double>::quiet_NaN();
      }
    }
  }
  double& u = st.uniforms[symbol];
  if (u != u) u = detNormalCdf(st.bridgeZ[symbol]);
  return u;
}

/// Advances barrier k's distance by its symbol's move and tells whether the path touched it: at the
/// step's end, or between the step's ends, where ln(S/B) moves as a Brownian bridge that crosses 0
/// with probability exp(-2 ln(S_i/B) ln(S_i+1/B) / (sigma^2 dt)) (drift does not enter). A barrier
/// below draws u, one above 1 - u: touches of one side nest, touches of both sides in one step (tiny
/// odds) nearly never coincide.
inline bool touched(const PathSetup& p, const Barrier& b, PathState& st, std::size_t k, double price) noexcept {
  const double before = st.logDistance[k];
  const double after = st.logDistance[k] = before + st.moves[b.symbol];
  if (b.below ? price <= b.price : price >= b.price) return true;
  const double exponent = -before * after * b.bridgeScale;  // both distances share a sign: exponent < 0
  if (!(exponent > -40)) return false;                      // odds below 4e-18
  const double u = bridgeUniform(p, st, b.symbol);
  return (b.below ? u : 1 - u) < detExp(exponent);
}

/// Checks the marks after a step (bin: where a first hit is counted) and counts first hits; `bridge`:
/// the touches between the last two marks count too (not at the start).
inline void checkMarks(const PathSetup& p, PathState& st, std::size_t bin, bool bridge, MonteCarloTally& tally) {
  for (std::size_t b = 0; b < p.barriers.size(); ++b) {
    if (st.hit[b]) continue;
    const Barrier& br = p.barriers[b];
    const double price = st.prices[br.symbol];
    const bool hit = bridge ? touched(p, br, st, b, price) : (br.below ? price <= br.price : price >= br.price);
    if (hit) {
      st.hit[b] = 1;
      --st.remaining;
      ++tally.isolatedByPosition[br.position];
      if (!st.anyIsolated) {
        st.anyIsolated = true;
        ++tally.liquidatedPaths.isolated;
        ++tally.timeHistogram.isolated[bin];
      }
    }
  }
  if (st.crossDone) return;
  bool crossHit = crossLiquidated(p, st.prices);
  if (p.crossBarrier && bridge) crossHit |= touched(p, *p.crossBarrier, st, p.barriers.size(), st.prices[0]);
  if (crossHit) {
    st.crossDone = true;
    ++tally.liquidatedPaths.cross;
    ++tally.timeHistogram.cross[bin];
  }
}

/// The paths [begin, end), in one flattened call: every function the loop calls is inlined (the
/// size-optimised wasm build would otherwise call out for each tier lookup and random number).
/// The bridge's draws come from a stream of their own, so the marks are those of the same seed
/// without the bridge. One symbol draws a uniform a step; several draw correlated normals with the
/// steps' correlation and take Phi of them (a Gaussian copula): each symbol's touches keep their exact
/// odds, and perfectly correlated symbols touch together.
__attribute__((flatten)) void runPaths(const PathSetup& p, std::size_t begin, std::size_t end,
                                       MonteCarloTally& tally) {
  const std::size_t count = p.symbols.names.size();
  constexpr std::uint64_t kBridgeStream = 0xB81D6E5D0C3A9F47ULL;
  PathState st;
  st.eps.resize(count);
  st.moves.resize(count);
  st.uniforms.resize(count);
  st.bridgeEps.resize(count);
  st.bridgeZ.resize(count);
  st.hit.resize(p.barriers.size());
  st.logDistance.resize(p.barriers.size() + 1);
  for (std::size_t path = begin; path < end; ++path) {
    Rng rng(p.seed, path), bridgeRng(p.seed ^ kBridgeStream, path);
    Normals normals(rng), bridgeNormals(bridgeRng);
    st.bridgeRng = &bridgeRng;
    st.bridgeNormals = &bridgeNormals;
    st.prices = p.mark0;
    std::fill(st.hit.begin(), st.hit.end(), 0);
    for (std::size_t b = 0; b < p.barriers.size(); ++b) st.logDistance[b] = p.barriers[b].logDistance0;
    if (p.crossBarrier) st.logDistance.back() = p.crossBarrier->logDistance0;
    st.remaining = p.barriers.size();
    st.anyIsolated = st.crossDone = false;
    // Step 0 checks the marks themselves (already past counts in the first bin) and then each
    // step's end and the bridge before it: bin s holds the paths first hit during step s + 1.
    checkMarks(p, st, 0, false, tally);
    for (std::size_t s = 0; s < p.steps && (st.remaining > 0 || !st.crossDone); ++s) {
      for (std::size_t j = 0; j < count; ++j) st.eps[j] = normals.next();
      for (std::size_t j = 0; j < count; ++j) {
        double z = 0;
        for (std::size_t k = 0; k <= j; ++k) z += p.chol[j * count + k] * st.eps[k];
        st.moves[j] = p.driftStep[j] + p.volStep[j] * z;
        st.prices[j] *= detExp(st.moves[j]);
      }
      st.drawn = false;
      checkMarks(p, st, s, true, tally);
    }
    ++tally.paths;
  }
}

/// The normal quantile of 97.5%: the 95% interval's z.
constexpr double kZ95 = 1.959963984540054;

/// The standard error of a proportion of `hits` in `n` and its 95% Wilson score interval (which stays
/// inside [0, 1] and is right at 0 and n hits, where the normal interval collapses).
void proportionError(std::size_t hits, std::size_t n, std::optional<double>& standardError,
                     std::optional<ProbabilityInterval>& interval) noexcept {
  standardError.reset();
  interval.reset();
  if (n == 0) return;
  const double count = static_cast<double>(n), p = static_cast<double>(hits) / count;
  standardError = std::sqrt(p * (1 - p) / count);
  const double z2 = kZ95 * kZ95, centre = (p + z2 / (2 * count)) / (1 + z2 / count);
  const double half = kZ95 * std::sqrt(p * (1 - p) / count + z2 / (4 * count * count)) / (1 + z2 / count);
  // At no hit or every hit the interval ends at 0 or 1 exactly (centre and half agree up to rounding).
  interval = ProbabilityInterval{hits == 0 ? 0.0 : std::max(0.0, centre - half), hits == n ? 1.0 : std::min(1.0, centre + half)};
}

/// Days until half of `liquidated` paths were liquidated: the end of the first bin where the
/// running count reaches half of them; absent when none was.
std::optional<double> medianDays(const std::vector<std::size_t>& histogram, std::size_t liquidated,
                                 double daysPerStep) noexcept {
  if (liquidated == 0) return std::nullopt;
  std::size_t seen = 0;
  for (std::size_t i = 0; i < histogram.size(); ++i) {
    seen += histogram[i];
    if (2 * seen >= liquidated) return static_cast<double>(i + 1) * daysPerStep;
  }
  return std::nullopt;  // a tally whose histogram holds fewer paths than its count
}


// ---- the general kernel: funding, jumps and the account's loss (value at risk) ----

constexpr std::size_t kMaxKnots = 256;   ///< funding: liquidation prices solved at most this often per barrier
constexpr double kNoBarrierLog = 700;    ///< |ln B| standing for "no price": never touched (odds e^-700)
constexpr int kMaxJumpsPerStep = 64;     ///< Poisson draws stop here (P < 1e-40 at the mean's limit of 5)

/// A liquidation price that may move with funding: ln B at knots 0..K evenly spaced over the horizon (a
/// single knot without funding), linear in time between them (B exponential between knots).
struct MovingBarrier {
  std::size_t position = 0, symbol = 0;
  bool below = true;
  std::vector<double> logKnots;
};

double logBarrierAt(const MovingBarrier& b, double t, double years) noexcept {
  const std::size_t k = b.logKnots.size() - 1;
  if (k == 0) return b.logKnots[0];
  const double u = t / years * static_cast<double>(k);
  const std::size_t i = std::min(static_cast<std::size_t>(u), k - 1);
  return b.logKnots[i] + (u - static_cast<double>(i)) * (b.logKnots[i + 1] - b.logKnots[i]);
}

/// What the general kernel adds to PathSetup.
struct GeneralSetup {
  double years = 0, dt = 0;
  std::vector<MovingBarrier> barriers;       ///< isolated, by position (those with a price somewhere)
  std::optional<MovingBarrier> crossBarrier;  ///< a one-symbol cross account's
  std::vector<double> paymentPerYear;        ///< per position: funding paid per year (settlement asset)
  double walletPerYear = 0;                  ///< the cross wallet's funding per year: their sum
  std::optional<JumpModel> jumps;
  std::vector<double> variance;              ///< per symbol: sigma^2, annual
  std::vector<double> value0;                ///< per position: isolated margin + PnL at the mark
  double equity0 = 0;                        ///< the cross account's equity now
};

/// ln B at the knots: the funding kernel's liquidation price after the payments made by each knot's time.
std::optional<MovingBarrier> movingBarrier(const Scenario& s, std::size_t position, bool cross, double perYear,
                                           double years, std::size_t knots, double mark) {
  MovingBarrier b{position, 0, true, {}};
  std::optional<double> first;
  for (std::size_t k = 0; k <= knots; ++k) {
    const double t = knots == 0 ? 0 : years * static_cast<double>(k) / static_cast<double>(knots);
    const FundingResult f = liquidationAfterFunding(s, cross ? 0 : position, perYear * t);
    const std::optional<double> lp = cross ? f.liquidationPrice.cross : f.liquidationPrice.isolated;
    if (lp && !first) first = lp;
    b.logKnots.push_back(lp ? detLog(*lp) : std::numeric_limits<double>::quiet_NaN());
  }
  if (!first) return std::nullopt;
  b.below = *first <= mark;
  for (double& x : b.logKnots)
    if (x != x) x = b.below ? -kNoBarrierLog : kNoBarrierLog;
  return b;
}

GeneralSetup generalSetUp(const Scenario& s, const MonteCarloRequest& r, const PathSetup& p, const Report& report) {
  GeneralSetup g;
  g.years = horizonYears(r);
  g.dt = g.years / static_cast<double>(r.steps);
  const bool funding = r.fundingRate && *r.fundingRate != 0;
  const std::size_t knots = funding ? std::min(r.steps, kMaxKnots) : 0;
  g.paymentPerYear.assign(s.positions.size(), 0.0);
  for (std::size_t i = 0; funding && i < s.positions.size(); ++i) {
    g.paymentPerYear[i] = fundingPaymentPerInterval(s, i, *r.fundingRate) * kHoursPerYear / r.fundingIntervalHours;
    g.walletPerYear += g.paymentPerYear[i];
  }
  for (std::size_t i = 0; i < s.positions.size(); ++i) {
    const detail::Leg& leg = p.model.legs[i];
    g.value0.push_back(leg.isolatedMargin + leg.pnlAt(leg.mark));
    g.equity0 += leg.pnlAt(leg.mark);
    auto b = movingBarrier(s, i, false, g.paymentPerYear[i], g.years, knots, s.positions[i].mark());
    if (b) g.barriers.push_back(std::move(*b)), g.barriers.back().symbol = p.symbols.of[i];
  }
  g.equity0 += s.walletBalance;
  if (p.symbols.names.size() == 1 && (report.cross->positions[0].liquidationPrice || funding))
    g.crossBarrier = movingBarrier(s, 0, true, g.walletPerYear, g.years, knots, s.positions[0].mark());
  g.jumps = r.jumps;
  for (std::size_t j = 0; j < p.symbols.names.size(); ++j) g.variance.push_back(p.volStep[j] * p.volStep[j] / g.dt);
  return g;
}

/// One continuous piece of a symbol's log path within a step: from (ta, xa) just after a jump (or the
/// step's start) to (tb, xb) just before the next jump (or the step's end), and the bridge's uniform.
struct Segment {
  double ta, tb, xa, xb, u;
};

/// How a barrier was touched: not, continuously (closed at the liquidation price), or by a jump past it
/// (closed at the mark after the jump, `logPrice`).
struct Touch {
  bool hit = false, gap = false;
  double logPrice = 0;
};

Touch touchIn(const MovingBarrier& b, const std::vector<Segment>& segs, double variance, double years) noexcept {
  const double sign = b.below ? 1 : -1;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const Segment& g = segs[i];
    const double da = sign * (g.xa - logBarrierAt(b, g.ta, years));
    const double db = sign * (g.xb - logBarrierAt(b, g.tb, years));
    if (i > 0 && da <= 0) return {true, true, g.xa};
    if (db <= 0) return {true, false, 0};
    const double exponent = -2 * da * db / (variance * (g.tb - g.ta));
    if (exponent > -40 && (b.below ? g.u : 1 - g.u) < detExp(exponent)) return {true, false, 0};
  }
  return {};
}

/// Jumps in a step: a Poisson count by inversion (the same operations on every build).
int poissonCount(Rng& rng, double mean) noexcept {
  const double u = rng.uniform();
  double p = detExp(-mean), sum = p;
  int n = 0;
  while (u > sum && n < kMaxJumpsPerStep) {
    ++n;
    p *= mean / n;
    sum += p;
  }
  return n;
}

/// The step's segments of one symbol from log price x: no jump, one segment; with jumps, the diffusion at
/// each jump time drawn from its Brownian bridge between the step's ends, then the jump added.
void buildSegments(std::vector<Segment>& segs, double x, double t0, double t1, double move, double variance,
                   const JumpModel* jumps, Rng& jumpRng, Normals& jumpNormals, double u0) {
  segs.clear();
  const int count = jumps ? poissonCount(jumpRng, jumps->intensity * (t1 - t0)) : 0;
  std::array<double, kMaxJumpsPerStep> times{};
  for (int i = 0; i < count; ++i) {
    double tau = t0 + (t1 - t0) * jumpRng.uniform();
    int k = i;
    for (; k > 0 && times[k - 1] > tau; --k) times[k] = times[k - 1];  // insertion: sorted
    times[k] = tau;
  }
  double ta = t0, xa = x, tp = t0, dp = 0, jumped = 0, u = u0;
  for (int i = 0; i < count; ++i) {
    const double tau = times[i], w = (tau - tp) / (t1 - tp);
    const double d = dp + (move - dp) * w + std::sqrt(variance * (tau - tp) * (1 - w)) * jumpNormals.next();
    segs.push_back({ta, tau, xa, x + d + jumped, u});
    jumped += jumps->meanLog + jumps->stdevLog * jumpNormals.next();
    ta = tp = tau;
    dp = d;
    xa = x + d + jumped;
    u = jumpRng.uniform();
  }
  segs.push_back({ta, t1, xa, x + move + jumped, u});
}

/// The account's loss on one path, per mode, and the insurance fund's (the loss past bankruptcy).
struct PathLoss {
  ByMode<double> account, fund;
};

/// One path's state in the general kernel.
struct GeneralState {
  std::vector<double> x, prices, eps, u;
  std::vector<std::vector<Segment>> segs;  ///< per symbol, this step's
  std::vector<char> hit;                   ///< per barrier
  std::vector<char> positionHit;           ///< per position (isolated)
  PathLoss loss;
  bool anyIsolated = false, crossDone = false;
};

/// The bridge's uniforms of one step, one per symbol: a uniform for one symbol, Phi of correlated normals
/// for several (the fast kernel's Gaussian copula).
void stepUniforms(const PathSetup& p, GeneralState& st, Rng& bridgeRng, Normals& bridgeNormals) noexcept {
  const std::size_t count = st.u.size();
  if (count == 1) {
    st.u[0] = bridgeRng.uniform();
    return;
  }
  for (std::size_t j = 0; j < count; ++j) st.eps[j] = bridgeNormals.next();
  for (std::size_t j = count; j-- > 0;) {  // from the last: row j reads entries k <= j only
    double z = 0;
    for (std::size_t k = 0; k <= j; ++k) z += p.chol[j * count + k] * st.eps[k];
    st.u[j] = detNormalCdf(z);
  }
}

/// The cross account's equity at `prices` with the wallet after funding, and its margin over maintenance.
std::pair<double, double> crossEquity(const PathSetup& p, const std::vector<double>& prices, double wallet) noexcept {
  double equity = wallet, margin = wallet;
  for (const detail::Leg& leg : p.model.legs) {
    const double price = prices[p.symbols.of[leg.index]];
    const double u = leg.u(price);
    const detail::Maintenance mm = detail::maintenanceAt(p.model, leg, u);
    equity += leg.pnlAt(price);
    margin += leg.pnlAt(price) - (mm.c0 + mm.c1 * u);
  }
  return {equity, margin};
}

/// The isolated barriers after a step: first touches counted; with `var`, a jump past bankruptcy charges
/// the fund what the position's value fell below zero.
void generalIsolated(const PathSetup& p, const GeneralSetup& g, GeneralState& st, std::size_t bin, double t,
                     MonteCarloTally& tally) {
  for (std::size_t k = 0; k < g.barriers.size(); ++k) {
    if (st.hit[k]) continue;
    const MovingBarrier& b = g.barriers[k];
    const Touch touch = touchIn(b, st.segs[b.symbol], g.variance[b.symbol], g.years);
    if (!touch.hit) continue;
    st.hit[k] = st.positionHit[b.position] = 1;
    ++tally.isolatedByPosition[b.position];
    if (!st.anyIsolated) {
      st.anyIsolated = true;
      ++tally.liquidatedPaths.isolated;
      ++tally.timeHistogram.isolated[bin];
    }
    if (touch.gap) {
      const detail::Leg& leg = p.model.legs[b.position];
      const double value = leg.isolatedMargin - g.paymentPerYear[b.position] * t + leg.pnlAt(detExp(touch.logPrice));
      st.loss.fund.isolated += std::max(0.0, -value);
    }
  }
}

/// The cross account after a step: the one-symbol barrier through the segments, every account at the
/// step's end (its maintenance with the wallet after funding).
void generalCross(const PathSetup& p, const GeneralSetup& g, GeneralState& st, std::size_t bin, double t,
                  MonteCarloTally& tally) {
  if (st.crossDone) return;
  const double wallet = p.wallet - g.walletPerYear * t;
  Touch touch;
  if (g.crossBarrier) touch = touchIn(*g.crossBarrier, st.segs[0], g.variance[0], g.years);
  const auto [equity, margin] = crossEquity(p, st.prices, wallet);
  if (!touch.hit && margin > 0) return;
  st.crossDone = true;
  ++tally.liquidatedPaths.cross;
  ++tally.timeHistogram.cross[bin];
  if (touch.hit && !touch.gap) return;  // closed at the liquidation price: equity >= maintenance >= 0
  double closed = equity;
  if (touch.gap) closed = crossEquity(p, std::vector<double>{detExp(touch.logPrice)}, wallet).first;
  st.loss.fund.cross = std::max(0.0, -closed);
}

/// The account's loss at the horizon: liquidated positions (or a liquidated cross account) lose their
/// value now; the others their change in value, funding included.
void finalLoss(const PathSetup& p, const GeneralSetup& g, GeneralState& st) {
  double iso = 0, equity = p.wallet - g.walletPerYear * g.years;
  for (const detail::Leg& leg : p.model.legs) {
    const double pnl = leg.pnlAt(st.prices[p.symbols.of[leg.index]]);
    equity += pnl;
    const double value = leg.isolatedMargin - g.paymentPerYear[leg.index] * g.years + pnl;
    iso += st.positionHit[leg.index] ? g.value0[leg.index] : g.value0[leg.index] - value;
  }
  st.loss.account = {iso, st.crossDone ? g.equity0 : g.equity0 - equity};
}

/// Paths [begin, end) with funding, jumps or the loss (`losses` non-null: one entry per path). The marks'
/// normals come from the path's stream as in runPaths; the bridge's uniforms and the jumps from streams
/// of their own.
void runGeneral(const PathSetup& p, const GeneralSetup& g, std::size_t begin, std::size_t end, MonteCarloTally& tally,
                std::vector<PathLoss>* losses) {
  const std::size_t count = p.symbols.names.size();
  constexpr std::uint64_t kBridgeStream = 0xB81D6E5D0C3A9F47ULL, kJumpStream = 0x6A09E667F3BCC909ULL;
  GeneralState st;
  st.x.resize(count);
  st.eps.resize(count);
  st.u.resize(count);
  st.segs.resize(count);
  st.hit.resize(g.barriers.size());
  st.positionHit.resize(p.model.legs.size());
  std::vector<double> z(count);
  const JumpModel* jumps = g.jumps ? &*g.jumps : nullptr;
  for (std::size_t path = begin; path < end; ++path) {
    Rng rng(p.seed, path), bridgeRng(p.seed ^ kBridgeStream, path), jumpRng(p.seed ^ kJumpStream, path);
    Normals normals(rng), bridgeNormals(bridgeRng), jumpNormals(jumpRng);
    st.prices = p.mark0;
    for (std::size_t j = 0; j < count; ++j) {
      st.x[j] = detLog(p.mark0[j]);
      st.segs[j].assign(1, Segment{0, 0, st.x[j], st.x[j], 1});  // the start: touched only if already past
    }
    std::fill(st.hit.begin(), st.hit.end(), 0);
    std::fill(st.positionHit.begin(), st.positionHit.end(), 0);
    st.loss = {};
    st.anyIsolated = st.crossDone = false;
    generalIsolated(p, g, st, 0, 0, tally);
    generalCross(p, g, st, 0, 0, tally);
    for (std::size_t s = 0; s < p.steps; ++s) {
      if (!losses && st.crossDone && std::all_of(st.hit.begin(), st.hit.end(), [](char h) { return h != 0; })) break;
      const double t0 = g.dt * static_cast<double>(s), t1 = g.dt * static_cast<double>(s + 1);
      for (std::size_t j = 0; j < count; ++j) st.eps[j] = normals.next();
      for (std::size_t j = 0; j < count; ++j) {
        double zj = 0;
        for (std::size_t k = 0; k <= j; ++k) zj += p.chol[j * count + k] * st.eps[k];
        z[j] = p.driftStep[j] + p.volStep[j] * zj;
      }
      stepUniforms(p, st, bridgeRng, bridgeNormals);
      for (std::size_t j = 0; j < count; ++j) {
        buildSegments(st.segs[j], st.x[j], t0, t1, z[j], g.variance[j], jumps, jumpRng, jumpNormals, st.u[j]);
        st.x[j] = st.segs[j].back().xb;
        st.prices[j] = detExp(st.x[j]);
      }
      generalIsolated(p, g, st, s, t1, tally);
      generalCross(p, g, st, s, t1, tally);
    }
    if (losses) {
      finalLoss(p, g, st);
      losses->push_back(st.loss);
    }
    ++tally.paths;
  }
}

/// Funding or jumps take the general kernel; without them the fast one (runPaths) runs unchanged.
bool generalKernel(const MonteCarloRequest& r) noexcept {
  return (r.fundingRate && *r.fundingRate != 0) || r.jumps;
}

/// The compensated drift with jumps: mu - sigma^2/2 - intensity kappa per year, kappa = E[e^Y] - 1.
void compensateJumps(PathSetup& p, const MonteCarloRequest& r) {
  if (!r.jumps) return;
  const JumpModel& j = *r.jumps;
  const double kappa = detExp(j.meanLog + 0.5 * j.stdevLog * j.stdevLog) - 1;
  const double dt = horizonYears(r) / static_cast<double>(r.steps);
  for (double& d : p.driftStep) d -= j.intensity * kappa * dt;
}

constexpr std::size_t kVarSections = 20;
constexpr std::size_t kMinVarPaths = 2000;       ///< 100 paths a section: one past the 99% quantile
constexpr std::size_t kMaxVarPaths = 1'000'000;  ///< every path's loss is kept to sort
constexpr std::array<double, 4> kFundLevels{0.5, 0.9, 0.99, 0.999};

/// The order statistic L_(m), m = ceil(n a) (1-based) of sorted losses, and the mean of it and every
/// loss above it (the expected shortfall's estimator).
std::pair<double, double> tailOf(const std::vector<double>& sorted, double a) noexcept {
  const std::size_t n = sorted.size();
  const auto m = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(static_cast<double>(n) * a - 1e-9)));
  double sum = 0;
  for (std::size_t i = m - 1; i < n; ++i) sum += sorted[i];
  return {sorted[m - 1], sum / static_cast<double>(n - m + 1)};
}

/// VaR and ES at `a` over every path, and their standard errors by sectioning: the paths cut into 20
/// sections in path order, each section's estimate computed alike, SE = their standard deviation / sqrt(20).
void tailEstimates(const std::vector<double>& losses, double a, TailEstimate& var, TailEstimate& es) {
  std::vector<double> sorted = losses;
  std::sort(sorted.begin(), sorted.end());
  std::tie(var.value, es.value) = tailOf(sorted, a);
  std::array<double, kVarSections> v{}, e{};
  const std::size_t n = losses.size();
  for (std::size_t k = 0; k < kVarSections; ++k) {
    std::vector<double> part(losses.begin() + static_cast<std::ptrdiff_t>(k * n / kVarSections),
                             losses.begin() + static_cast<std::ptrdiff_t>((k + 1) * n / kVarSections));
    std::sort(part.begin(), part.end());
    std::tie(v[k], e[k]) = tailOf(part, a);
  }
  const auto se = [](const std::array<double, kVarSections>& xs) {
    double mean = 0, ss = 0;
    for (double x : xs) mean += x / kVarSections;
    for (double x : xs) ss += (x - mean) * (x - mean);
    return std::sqrt(ss / (kVarSections - 1) / kVarSections);
  };
  var.standardError = se(v);
  es.standardError = se(e);
}

LossMeasures lossMeasures(const std::vector<double>& losses) {
  LossMeasures m;
  tailEstimates(losses, 0.99, m.var99, m.es99);
  tailEstimates(losses, 0.975, m.var975, m.es975);
  for (double x : losses) m.mean += x / static_cast<double>(losses.size());
  return m;
}

FundLoss fundLoss(std::vector<double> losses) {
  FundLoss f;
  std::sort(losses.begin(), losses.end());
  for (double a : kFundLevels) f.quantiles.push_back(tailOf(losses, a).first);
  for (double x : losses) {
    f.mean += x / static_cast<double>(losses.size());
    if (x > 0) f.probability += 1.0 / static_cast<double>(losses.size());
  }
  return f;
}

}  // namespace

double firstPassageProbability(double spot, double barrier, double sigma, double years,
                               double mu) noexcept {
  return passage(spot, barrier, sigma, years, mu).p;
}

std::vector<InputError> validate(const Scenario& scenario, const OddsRequest& request) {
  Checker c;
  c.errors = validate(scenario);
  checkOdds(scenario, request, c);
  return std::move(c.errors);
}

Result<OddsResult> liquidationOdds(const Scenario& scenario, const OddsRequest& request) {
  Result<OddsResult> result;
  Report report = evaluate(scenario);
  Checker c;
  c.errors = std::move(report.errors);
  checkOdds(scenario, request, c);
  if (!c.ok()) {
    result.errors = std::move(c.errors);
    return result;
  }
  const OddsInputs in = oddsInputs(scenario, request, report);
  const PositionOutcome& iso = report.isolated->positions[request.position];
  const PositionOutcome& cross = report.cross->positions[request.position];
  const ModeBarrier bi = modeBarrier(iso, in.atHorizon.isolated, in.payment.has_value(), in.years);
  const ModeBarrier bc = modeBarrier(cross, in.atHorizon.cross, in.payment.has_value(), in.years);
  OddsResult& odds = result.value.emplace();
  odds.probability = {touchProbability(iso, bi, in, request.drift), touchProbability(cross, bc, in, request.drift)};
  odds.volatility = in.sigma;
  odds.liquidationPriceAtHorizon = in.atHorizon;
  odds.exact = !in.payment;
  return result;
}

void explain(const Scenario& scenario, const OddsRequest& request, OddsResult& result) {
  const Report report = evaluate(scenario);
  const OddsInputs in = oddsInputs(scenario, request, report);
  const double years = in.years, sigma = in.sigma, mu = request.drift;
  std::vector<Step>& steps = result.steps;
  steps.clear();
  if (request.days)
    detail::codedStep(steps, "odds.horizonYears", {param("days", *request.days)}, "probability",
            "The horizon in years (ACT/365)", "t = days / 365", n(*request.days) + " / 365", years);
  if (request.volatilityFrom)
    detail::codedStep(steps, "odds.volatilityFromSurface",
                      {param("years", years), param("strike", request.volatilityFrom->strike.value_or(in.mark))},
                      "volatility", "The volatility from the surface at the horizon and the strike (linear in total "
                      "variance across expiries, in volatility against ln K across strikes)",
                      "σ = σ_surface(t, K)", "σ_surface(" + n(years) + ", " + n(request.volatilityFrom->strike.value_or(in.mark)) + ")", sigma);
  detail::codedStep(steps, "odds.spread", {param("volatility", sigma), param("years", years)}, "probability",
          "The mark follows geometric Brownian motion: volatility σ and drift μ per year, horizon t in years",
          "σ√t", n(sigma) + "×√" + n(years), sigma * std::sqrt(years));
  detail::codedStep(steps, "odds.logDrift", {param("drift", mu), param("volatility", sigma)}, "probability",
          "Drift of the log of the mark", "m = μ − σ²/2", sn(mu) + " − " + n(sigma) + "²/2",
          mu - 0.5 * sigma * sigma);
  if (in.payment)
    detail::codedStep(steps, "odds.funding.total",
                      {param("rate", *request.fundingRate), param("intervalHours", request.fundingIntervalHours)},
                      "probability", "Funding paid over the horizon, accrued continuously at the mark's notional",
                      "F = rate·N·(t·8760 / h)", "", *in.payment);
  const PositionOutcome& iso = report.isolated->positions[request.position];
  const PositionOutcome& cross = report.cross->positions[request.position];
  const bool funding = in.payment.has_value();
  explainMode(steps, iso, modeBarrier(iso, in.atHorizon.isolated, funding, years), in, in.atHorizon.isolated, mu, false);
  explainMode(steps, cross, modeBarrier(cross, in.atHorizon.cross, funding, years), in, in.atHorizon.cross, mu, true);
}

std::vector<InputError> validate(const Scenario& scenario, const MonteCarloRequest& request) {
  Checker c;
  c.errors = validate(scenario);
  checkMonteCarlo(scenario, request, c);
  return std::move(c.errors);
}

Result<MonteCarloTally> monteCarlo(const Scenario& scenario, const MonteCarloRequest& request,
                                   std::size_t begin, std::size_t end, MonteCarloTally tally) {
  Result<MonteCarloTally> result;
  Report report = evaluate(scenario);
  Checker c;
  c.errors = std::move(report.errors);
  checkMonteCarlo(scenario, request, c);
  checkChunk(scenario, request, begin, end, tally, c);
  if (!c.ok()) {
    result.errors = std::move(c.errors);
    return result;
  }
  tally.isolatedByPosition.resize(scenario.positions.size(), 0);
  tally.timeHistogram.isolated.resize(request.steps, 0);
  tally.timeHistogram.cross.resize(request.steps, 0);
  if (!generalKernel(request)) {
    runPaths(setUp(scenario, request, report), begin, end, tally);
  } else {
    PathSetup p = setUp(scenario, request, report);
    compensateJumps(p, request);
    runGeneral(p, generalSetUp(scenario, request, p, report), begin, end, tally, nullptr);
  }

  const double daysPerStep = horizonDays(request) / static_cast<double>(request.steps);
  const ByMode<std::size_t>& hits = tally.liquidatedPaths;
  const double paths = static_cast<double>(tally.paths);
  tally.probability = {};
  if (tally.paths > 0)
    tally.probability = {static_cast<double>(hits.isolated) / paths, static_cast<double>(hits.cross) / paths};
  tally.medianDays = {medianDays(tally.timeHistogram.isolated, hits.isolated, daysPerStep),
                      medianDays(tally.timeHistogram.cross, hits.cross, daysPerStep)};
  proportionError(hits.isolated, tally.paths, tally.standardError.isolated, tally.interval95.isolated);
  proportionError(hits.cross, tally.paths, tally.standardError.cross, tally.interval95.cross);
  tally.continuous = {true, symbolsOf(scenario).names.size() == 1};
  result.value = std::move(tally);
  return result;
}

std::vector<InputError> validateValueAtRisk(const Scenario& scenario, const MonteCarloRequest& request) {
  Checker c;
  c.errors = validate(scenario);
  checkMonteCarlo(scenario, request, c);
  if (request.paths > 0 && (request.paths < kMinVarPaths || request.paths > kMaxVarPaths))
    c.fail("request.paths", "varPaths",
           {param("value", request.paths), param("low", kMinVarPaths), param("high", kMaxVarPaths),
            param("sections", kVarSections)});
  return std::move(c.errors);
}

Result<VarResult> valueAtRisk(const Scenario& scenario, const MonteCarloRequest& request) {
  Result<VarResult> result;
  result.errors = validateValueAtRisk(scenario, request);
  if (!result.errors.empty()) return result;
  const Report report = evaluate(scenario);
  PathSetup p = setUp(scenario, request, report);
  compensateJumps(p, request);
  MonteCarloTally tally;
  tally.isolatedByPosition.resize(scenario.positions.size(), 0);
  tally.timeHistogram.isolated.resize(request.steps, 0);
  tally.timeHistogram.cross.resize(request.steps, 0);
  std::vector<PathLoss> losses;
  losses.reserve(request.paths);
  runGeneral(p, generalSetUp(scenario, request, p, report), 0, request.paths, tally, &losses);
  VarResult& v = result.value.emplace();
  v.paths = tally.paths;
  v.levels.assign(kFundLevels.begin(), kFundLevels.end());
  v.sections = kVarSections;
  for (const bool isolated : {true, false}) {
    std::vector<double> account, fund;
    for (const PathLoss& l : losses) {
      account.push_back(isolated ? l.account.isolated : l.account.cross);
      fund.push_back(isolated ? l.fund.isolated : l.fund.cross);
    }
    (isolated ? v.loss.isolated : v.loss.cross) = lossMeasures(account);
    (isolated ? v.insuranceFund.isolated : v.insuranceFund.cross) = fundLoss(std::move(fund));
  }
  return result;
}

void explain(const Scenario& /*scenario*/, const MonteCarloRequest& request, VarResult& v) {
  std::vector<Step>& steps = v.steps;
  steps.clear();
  const double n = static_cast<double>(v.paths);
  detail::codedStep(steps, "var.paths", {param("paths", n), param("years", horizonYears(request))}, "paths",
                    "Every path runs to the horizon; a liquidated position (isolated) or account (cross) loses its "
                    "value now, the others their fall in value, funding included",
                    "L = V_0 − V_T", "", n);
  const auto mode = [&](const LossMeasures& m, const FundLoss& f, const std::string& name) {
    for (const auto& [a, var, es] : {std::tuple{0.99, &m.var99, &m.es99}, std::tuple{0.975, &m.var975, &m.es975}}) {
      const std::string level = a == 0.99 ? "99%" : "97.5%";
      const double index = std::max(1.0, std::ceil(n * a - 1e-9));
      detail::codedStep(steps, "var.quantile", {param("level", a), param("index", index), param("standardError", var->standardError)},
                        name + "Var", name + ": value at risk at " + level + ", the order statistic of the sorted losses "
                        "(standard error: 20 sections)", "VaR = L_(⌈n·a⌉)", "L_(" + detail::n(index) + ")", var->value);
      detail::codedStep(steps, "var.shortfall", {param("level", a), param("index", index), param("standardError", es->standardError)},
                        name + "Es", name + ": expected shortfall at " + level + ", the mean of the losses from the VaR up",
                        "ES = mean(L_(⌈n·a⌉) … L_(n))", "", es->value);
    }
    detail::codedStep(steps, "var.fund", {param("probability", f.probability), param("mean", f.mean)}, name + "Fund",
                      name + ": the insurance fund's loss, past bankruptcy when a jump carries the mark past the "
                      "liquidation price (a continuous mark is closed at it)", "P(fund loss > 0)", "", f.probability);
  };
  mode(v.loss.isolated, v.insuranceFund.isolated, "isolated");
  mode(v.loss.cross, v.insuranceFund.cross, "cross");
}

}  // namespace marginlab
