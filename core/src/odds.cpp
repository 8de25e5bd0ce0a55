// SPDX-License-Identifier: MIT
// MarginLab: the probability that the mark touches a liquidation price within a horizon.
// Closed form: first passage of Brownian motion with drift (Harrison, "Brownian Motion and
// Stochastic Flow Systems", 1985, §1.8; Shreve, "Stochastic Calculus for Finance II", 7.2.2).
// Monte Carlo: correlated GBM, log-Euler (exact per step), xoshiro256** seeded by splitmix64.
#include "marginlab/odds.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>

#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "marginlab/validate.h"
#include "model.h"
#include "explain.h"

namespace marginlab {

namespace {

// Bounds that keep every number finite (exp of the log-price stays far from overflow).
constexpr double kMaxVolatility = 10;  ///< annualised, 1000 %
constexpr double kMaxDrift = 10;       ///< annualised, |mu|
constexpr double kMaxYears = 100;      ///< horizon
constexpr std::size_t kMaxPaths = 10'000'000;
constexpr std::size_t kMaxSteps = 100'000;
constexpr double kMaxPathSteps = 2e9;  ///< paths x steps
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

// ---- request checks ----

std::string sizeText(std::size_t x) { return std::to_string(x); }

void checkRate(std::vector<InputError>& errors, const std::string& path, double x, bool positive,
               double limit) {
  if (!isValidNumber(x)) {
    errors.push_back({path, ErrorCode::NotFinite, path + " must be a finite number"});
  } else if (positive && !(x > 0)) {
    errors.push_back({path, ErrorCode::NotPositive, path + " (" + n(x) + ") must be > 0"});
  } else if (!positive && x < 0) {
    errors.push_back({path, ErrorCode::Negative, path + " (" + n(x) + ") must be >= 0"});
  } else if (x > limit) {
    errors.push_back(
        {path, ErrorCode::OutOfRange, path + " (" + n(x) + ") must be <= " + n(limit)});
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

}  // namespace

double firstPassageProbability(double spot, double barrier, double sigma, double years,
                               double mu) noexcept {
  return passage(spot, barrier, sigma, years, mu).p;
}

Result<OddsResult> liquidationOdds(const Scenario& scenario, std::size_t position, double sigma,
                                   double years, double mu) {
  Result<OddsResult> result;
  Report report = evaluate(scenario);
  result.errors = std::move(report.errors);
  if (position >= scenario.positions.size() && !scenario.positions.empty()) {
    result.errors.push_back({"position", ErrorCode::OutOfRange,
                             "position (" + sizeText(position) + ") must be < " +
                                 sizeText(scenario.positions.size()) +
                                 ", the number of positions"});
  }
  checkRate(result.errors, "sigma", sigma, false, kMaxVolatility);
  checkRate(result.errors, "years", years, false, kMaxYears);
  if (!isValidNumber(mu)) {
    result.errors.push_back({"mu", ErrorCode::NotFinite, "mu must be a finite number"});
  } else if (std::abs(mu) > kMaxDrift) {
    result.errors.push_back(
        {"mu", ErrorCode::OutOfRange,
         "mu (" + n(mu) + ") must be between " + n(-kMaxDrift) + " and " + n(kMaxDrift)});
  }
  if (!result.errors.empty()) return result;

  OddsResult odds;
  const double mark = scenario.positions[position].mark();
  add(odds.steps, "probability",
      "The mark follows geometric Brownian motion: volatility σ and drift μ per year, horizon t in "
      "years",
      "σ√t", n(sigma) + "×√" + n(years), sigma * std::sqrt(years));
  const double m = mu - 0.5 * sigma * sigma;
  add(odds.steps, "probability", "Drift of the log of the mark", "m = μ − σ²/2",
      sn(mu) + " − " + n(sigma) + "²/2", m);

  const auto one = [&](const PositionOutcome& o, bool cross) -> std::optional<double> {
    const std::string field = cross ? "crossProbability" : "isolatedProbability";
    const std::string mode = cross ? "Cross (the other symbols held at their marks)" : "Isolated";
    if (!o.liquidationPrice) {
      add(odds.steps, field,
          mode + ": no positive price liquidates the position, so no probability", "", "",
          std::nullopt);
      return std::nullopt;
    }
    const double lp = *o.liquidationPrice;
    if (o.distanceToLiquidation && *o.distanceToLiquidation <= 0) {
      add(odds.steps, field, mode + ": the mark is already at or past the liquidation price",
          "P = 1", "LP " + n(lp) + ", mark " + n(mark), 1.0);
      return 1.0;
    }
    const Passage r = passage(mark, lp, sigma, years, mu);
    add(odds.steps, field, mode + ": log distance from the mark to the liquidation price",
        "b = ln(LP / P_mark)", "ln(" + n(lp) + " / " + n(mark) + ")", r.b);
    if (r.b == 0 || !(r.sd > 0)) {
      add(odds.steps, field,
          mode + (r.b == 0 ? ": the liquidation price is the mark"
                           : ": no volatility or no time, so no touch"),
          r.b == 0 ? "P = 1" : "P = 0", "", r.p);
      return r.p;
    }
    const std::string d = r.up ? "(−b + m·t)" : "(b − m·t)";
    const std::string e = r.up ? "(−b − m·t)" : "(b + m·t)";
    const std::string bs = r.up ? sn(-r.b) : sn(r.b);
    const std::string mt = sn(r.m * years);
    add(odds.steps, field,
        mode + ": probability that the mark touches the liquidation price " +
            (r.up ? "above" : "below") + " it within t",
        "P = N(" + d + "/(σ√t)) + e^(2·m·b/σ²)·N(" + e + "/(σ√t))",
        "N((" + bs + (r.up ? " + " : " − ") + mt + ") / " + n(r.sd) + ") + e^(" + n(r.reflection) +
            ")·N((" + bs + (r.up ? " − " : " + ") + mt + ") / " + n(r.sd) + ") = N(" + n(r.d1) +
            ") + e^(" + n(r.reflection) + ")·N(" + n(r.d2) + ")",
        r.p);
    return r.p;
  };
  odds.isolatedProbability = one(report.isolated->positions[position], false);
  odds.crossProbability = one(report.cross->positions[position], true);
  result.value = std::move(odds);
  return result;
}

Result<MonteCarloTally> monteCarlo(const Scenario& scenario, const MonteCarloRequest& request,
                                   std::size_t begin, std::size_t end, MonteCarloTally tally) {
  Result<MonteCarloTally> result;
  Report report = evaluate(scenario);
  std::vector<InputError>& errors = result.errors;
  errors = std::move(report.errors);

  // Symbols in the order of first appearance.
  std::vector<std::string_view> symbols;
  std::vector<std::size_t> symbolOf(scenario.positions.size());
  for (std::size_t i = 0; i < scenario.positions.size(); ++i) {
    const std::string_view symbol = scenario.positions[i].symbol;
    const auto it = std::find(symbols.begin(), symbols.end(), symbol);
    symbolOf[i] = static_cast<std::size_t>(it - symbols.begin());
    if (it == symbols.end()) symbols.push_back(symbol);
  }
  const std::size_t count = symbols.size();

  for (std::string_view symbol : symbols) {
    const std::string path = "request.volatility." + std::string(symbol);
    const auto it = request.volatility.find(symbol);
    if (it == request.volatility.end()) {
      errors.push_back(
          {path, ErrorCode::Missing, path + " is missing: every symbol needs a volatility"});
    } else {
      checkRate(errors, path, it->second, true, kMaxVolatility);
    }
    if (const auto d = request.drift.find(symbol); d != request.drift.end()) {
      const std::string dpath = "request.drift." + std::string(symbol);
      if (!isValidNumber(d->second)) {
        errors.push_back({dpath, ErrorCode::NotFinite, dpath + " must be a finite number"});
      } else if (std::abs(d->second) > kMaxDrift) {
        errors.push_back({dpath, ErrorCode::OutOfRange,
                          dpath + " (" + n(d->second) + ") must be between " + n(-kMaxDrift) +
                              " and " + n(kMaxDrift)});
      }
    }
  }

  const auto& c = request.correlation;
  bool correlationOk = true;
  if (!c.empty()) {
    if (c.size() != count) {
      correlationOk = false;
      errors.push_back({"request.correlation", ErrorCode::OutOfRange,
                        "request.correlation has " + sizeText(c.size()) +
                            " rows but the scenario has " + sizeText(count) + " symbols"});
    }
    for (std::size_t i = 0; c.size() == count && i < count; ++i) {
      const std::string row = "request.correlation[" + sizeText(i) + "]";
      if (c[i].size() != count) {
        correlationOk = false;
        errors.push_back({row, ErrorCode::OutOfRange,
                          row + " has " + sizeText(c[i].size()) + " entries but the scenario has " +
                              sizeText(count) + " symbols"});
      }
    }
    const bool shapeOk = correlationOk;
    for (std::size_t i = 0; shapeOk && i < count; ++i) {
      for (std::size_t j = 0; j < count; ++j) {
        const std::string path = "request.correlation[" + sizeText(i) + "][" + sizeText(j) + "]";
        const double x = c[i][j];
        if (!isValidNumber(x)) {
          errors.push_back({path, ErrorCode::NotFinite, path + " must be a finite number"});
        } else if (i == j && x != 1) {
          errors.push_back(
              {path, ErrorCode::OutOfRange, path + " (" + n(x) + ") must be 1 on the diagonal"});
        } else if (x < -1 || x > 1) {
          errors.push_back(
              {path, ErrorCode::OutOfRange, path + " (" + n(x) + ") must be between -1 and 1"});
        } else if (i > j && isValidNumber(c[j][i]) && std::abs(x - c[j][i]) > kSymmetryTolerance) {
          errors.push_back({path, ErrorCode::OutOfRange,
                            path + " (" + n(x) + ") must equal request.correlation[" + sizeText(j) +
                                "][" + sizeText(i) + "] (" + n(c[j][i]) +
                                "): the matrix is symmetric"});
        } else {
          continue;
        }
        correlationOk = false;
      }
    }
  }
  std::vector<double> chol(count * count, 0.0);
  for (std::size_t j = 0; j < count; ++j) chol[j * count + j] = 1;
  if (!c.empty() && correlationOk) {
    if (auto l = cholesky(c, count)) {
      chol = std::move(*l);
    } else {
      errors.push_back(
          {"request.correlation", ErrorCode::OutOfRange,
           "request.correlation is not positive semi-definite (Cholesky pivot below -" +
               n(kCholeskyTolerance) + ")"});
    }
  }

  checkRate(errors, "request.years", request.years, true, kMaxYears);
  if (request.steps == 0) {
    errors.push_back({"request.steps", ErrorCode::NotPositive, "request.steps must be > 0"});
  } else if (request.steps > kMaxSteps) {
    errors.push_back(
        {"request.steps", ErrorCode::TooMany,
         "request.steps (" + sizeText(request.steps) + ") must be <= " + sizeText(kMaxSteps)});
  }
  if (request.paths == 0) {
    errors.push_back({"request.paths", ErrorCode::NotPositive, "request.paths must be > 0"});
  } else if (request.paths > kMaxPaths) {
    errors.push_back(
        {"request.paths", ErrorCode::TooMany,
         "request.paths (" + sizeText(request.paths) + ") must be <= " + sizeText(kMaxPaths)});
  } else if (static_cast<double>(request.paths) * static_cast<double>(request.steps) >
             kMaxPathSteps) {
    errors.push_back({"request.paths", ErrorCode::TooMany,
                      "request.paths × request.steps (" + sizeText(request.paths) + " × " +
                          sizeText(request.steps) + ") must be <= " + n(kMaxPathSteps)});
  }
  if (begin > end) {
    errors.push_back({"begin", ErrorCode::OutOfRange,
                      "begin (" + sizeText(begin) + ") must be <= end (" + sizeText(end) + ")"});
  }
  if (end > request.paths) {
    errors.push_back(
        {"end", ErrorCode::OutOfRange,
         "end (" + sizeText(end) + ") must be <= request.paths (" + sizeText(request.paths) + ")"});
  }
  const std::size_t positions = scenario.positions.size();
  if (!tally.isolatedByPosition.empty() && tally.isolatedByPosition.size() != positions) {
    errors.push_back({"tally.isolatedByPosition", ErrorCode::OutOfRange,
                      "tally.isolatedByPosition has " + sizeText(tally.isolatedByPosition.size()) +
                          " entries; a tally of this scenario has " + sizeText(positions)});
  }
  if (!tally.isolatedTimeHistogram.empty() && tally.isolatedTimeHistogram.size() != request.steps) {
    errors.push_back({"tally.isolatedTimeHistogram", ErrorCode::OutOfRange,
                      "tally.isolatedTimeHistogram has " +
                          sizeText(tally.isolatedTimeHistogram.size()) +
                          " entries; a tally of this request has request.steps (" +
                          sizeText(request.steps) + ")"});
  }
  if (!tally.crossTimeHistogram.empty() && tally.crossTimeHistogram.size() != request.steps) {
    errors.push_back({"tally.crossTimeHistogram", ErrorCode::OutOfRange,
                      "tally.crossTimeHistogram has " + sizeText(tally.crossTimeHistogram.size()) +
                          " entries; a tally of this request has request.steps (" +
                          sizeText(request.steps) + ")"});
  }
  if (!errors.empty()) return result;

  tally.isolatedByPosition.resize(positions, 0);
  tally.isolatedTimeHistogram.resize(request.steps, 0);
  tally.crossTimeHistogram.resize(request.steps, 0);

  // Per symbol: log drift and volatility of one step.
  const double dt = request.years / static_cast<double>(request.steps);
  const double sqrtDt = std::sqrt(dt);
  std::vector<double> mark0(count), driftStep(count), volStep(count);
  for (std::size_t j = 0; j < count; ++j) {
    const double sigma = request.volatility.find(symbols[j])->second;
    const auto d = request.drift.find(symbols[j]);
    const double mu = d == request.drift.end() ? 0.0 : d->second;
    driftStep[j] = (mu - 0.5 * sigma * sigma) * dt;
    volStep[j] = sigma * sqrtDt;
  }
  for (std::size_t i = 0; i < positions; ++i) mark0[symbolOf[i]] = scenario.positions[i].mark();

  // Isolated: each position against its own liquidation price (long: at or below, short: at or
  // above).
  struct Barrier {
    std::size_t position, symbol;
    double price;
    bool below;
  };
  std::vector<Barrier> barriers;
  for (std::size_t i = 0; i < positions; ++i) {
    if (const auto lp = report.isolated->positions[i].liquidationPrice)
      barriers.push_back({i, symbolOf[i], *lp, scenario.positions[i].side == Side::Long});
  }
  // Cross: walletBalance + sum(PnL_i - MM_i) <= 0, every position cross, at the simulated marks.
  const detail::Model model = detail::buildModel(scenario);
  const double wallet = scenario.walletBalance;
  const auto crossLiquidated = [&](const std::vector<double>& prices) {
    double margin = wallet;
    for (const detail::Leg& leg : model.legs) {
      const double price = prices[symbolOf[leg.index]];
      const double u = leg.u(price);
      const detail::Maintenance mm = detail::maintenanceAt(model, leg, u);
      margin += leg.pnlAt(price) - (mm.c0 + mm.c1 * u);
    }
    return margin <= 0;
  };

  std::vector<double> prices(count), eps(count);
  std::vector<char> hit(barriers.size());
  // The paths in one flattened call: every function the loop calls is inlined (the size-optimised
  // wasm build would otherwise call out for each tier lookup and random number).
  [&]() __attribute__((flatten)) {
    for (std::size_t path = begin; path < end; ++path) {
      Rng rng(request.seed, path);
      Normals normals(rng);
      prices = mark0;
      std::fill(hit.begin(), hit.end(), 0);
      std::size_t remaining = barriers.size();
      bool anyIsolated = false, crossDone = false;
      // Step 0 checks the marks themselves (already past counts in the first bin) and then each
      // step's end: bin s holds the paths first hit at the end of step s + 1.
      const auto check = [&](std::size_t bin) {
        for (std::size_t b = 0; b < barriers.size(); ++b) {
          if (hit[b]) continue;
          const Barrier& br = barriers[b];
          const double p = prices[br.symbol];
          if (br.below ? p <= br.price : p >= br.price) {
            hit[b] = 1;
            --remaining;
            ++tally.isolatedByPosition[br.position];
            if (!anyIsolated) {
              anyIsolated = true;
              ++tally.isolatedAnyLiquidated;
              ++tally.isolatedTimeHistogram[bin];
            }
          }
        }
        if (!crossDone && crossLiquidated(prices)) {
          crossDone = true;
          ++tally.crossLiquidated;
          ++tally.crossTimeHistogram[bin];
        }
      };
      check(0);
      for (std::size_t s = 0; s < request.steps && (remaining > 0 || !crossDone); ++s) {
        for (std::size_t j = 0; j < count; ++j) eps[j] = normals.next();
        for (std::size_t j = 0; j < count; ++j) {
          double z = 0;
          for (std::size_t k = 0; k <= j; ++k) z += chol[j * count + k] * eps[k];
          prices[j] *= detExp(driftStep[j] + volStep[j] * z);
        }
        check(s);
      }
      ++tally.paths;
    }
  }
  ();
  result.value = std::move(tally);
  return result;
}

}  // namespace marginlab
