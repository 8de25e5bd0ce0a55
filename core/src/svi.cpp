// SPDX-License-Identifier: MIT
// MarginLab: volatility surfaces from option quotes (svi.h). Numbers only; explain() at the end.
//
// Sources: Gatheral, "A parsimonious arbitrage-free implied volatility parameterization" (2004), raw
// SVI; Gatheral & Jacquier, "Arbitrage-free SVI volatility surfaces" (2014): g(k) (eq. 2.1, Lemma
// 2.2), calendar arbitrage as w decreasing in T at fixed k (Lemma 2.1); De Marco & Martini (Zeliade),
// "Quasi-explicit calibration of Gatheral's SVI model" (2009): for fixed (m, sigma) the rest is a
// linear least squares over (a, d = rho b sigma, c = b sigma) with 0 <= c, |d| <= c, |d| <= 4 sigma - c;
// Lee, "The moment formula for implied volatility at extreme strikes" (2004): wing slope <= 2.
#include "marginlab/svi.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "marginlab/check.h"
#include "marginlab/format.h"
#include "risk_steps.h"

namespace marginlab {

namespace {

struct Raw {
  double a = 0, b = 0, rho = 0, m = 0, sigma = 0;
  [[nodiscard]] double w(double k) const noexcept { return sviTotalVariance(a, b, rho, m, sigma, k); }
};

/// One expiry's quotes reduced to what the fit needs.
struct Slice {
  double years = 0, forward = 0;
  bool parity = false;
  std::vector<double> strikes, k, w, vol;  ///< by strike, ascending; w = vol^2 T
};

std::string at(std::size_t i, std::string_view field) { return "quotes[" + std::to_string(i) + "]." + std::string(field); }

// ---- validation -------------------------------------------------------------------------------------

void checkQuote(Checker& c, const OptionQuote& q, std::size_t i) {
  if (c.positive(at(i, "expiryYears"), q.expiryYears)) c.atMost(at(i, "expiryYears"), q.expiryYears, kMaxBlackYears);
  c.positive(at(i, "strike"), q.strike);
  if (q.price) c.positive(at(i, "price"), *q.price);
  if (q.volatility && c.positive(at(i, "volatility"), *q.volatility))
    c.atMost(at(i, "volatility"), *q.volatility, kMaxOptionVolatility);
  if (!q.price && !q.volatility) c.fail("quotes[" + std::to_string(i) + "]", "sviPriceOrVolatility");
}

/// Quote indices by expiry (ascending), and the checks across quotes: duplicates, and (when every
/// quote's own fields are valid, so that no quote is left out of its expiry) the counts.
std::map<double, std::vector<std::size_t>> byExpiry(Checker& c, const std::vector<OptionQuote>& quotes) {
  const bool count = c.ok();
  std::map<double, std::vector<std::size_t>> out;
  std::map<std::array<double, 3>, std::size_t> seen;
  for (std::size_t i = 0; i < quotes.size(); ++i) {
    const OptionQuote& q = quotes[i];
    if (!isValidPositive(q.expiryYears) || !isValidPositive(q.strike)) continue;  // reported by checkQuote
    const std::array<double, 3> key{q.expiryYears, q.strike, q.type == OptionType::Call ? 0.0 : 1.0};
    if (const auto [it, fresh] = seen.emplace(key, i); !fresh)
      c.fail(at(i, "strike"), "sviDuplicateQuote",
             {{"value", q.strike}, {"other", static_cast<double>(it->second)}, {"type", std::string(toString(q.type))}});
    else out[q.expiryYears].push_back(i);
  }
  if (!count) return out;
  if (out.size() > kMaxSurfaceFitExpiries) {
    c.fail("quotes", "sviTooManyExpiries",
           {{"count", static_cast<double>(out.size())}, {"limit", static_cast<double>(kMaxSurfaceFitExpiries)}});
    return out;
  }
  for (const auto& [years, indices] : out) {
    std::vector<double> strikes;
    for (std::size_t i : indices) strikes.push_back(quotes[i].strike);
    std::sort(strikes.begin(), strikes.end());
    const auto distinct = static_cast<std::size_t>(std::unique(strikes.begin(), strikes.end()) - strikes.begin());
    if (distinct < kMinSmileStrikes)
      c.fail(at(indices.front(), "expiryYears"), "sviTooFewStrikes",
             {{"value", years}, {"count", static_cast<double>(distinct)}, {"limit", static_cast<double>(kMinSmileStrikes)}});
  }
  return out;
}

/// The request's fields and each quote's; false when the list itself is empty or too long.
bool checkStructure(Checker& c, const SurfaceFitRequest& r) {
  c.positive("underlyingPrice", r.underlyingPrice);
  c.between("interestRate", r.interestRate, -kMaxBlackRate, kMaxBlackRate, " (continuous, annual: 0.05 is 5%)");
  if (!c.listSize("quotes", r.quotes.size(), kMaxSurfaceQuotes, "quote")) return false;
  for (std::size_t i = 0; i < r.quotes.size(); ++i) checkQuote(c, r.quotes[i], i);
  return true;
}

// ---- forwards and implied volatilities ------------------------------------------------------------------

/// The forward: put-call parity at the priced pair with the least |C - P|, else carry. 0 on error.
double forwardOf(Checker& c, const SurfaceFitRequest& r, const std::vector<std::size_t>& indices, double years,
                 bool& parity) {
  const double discount = std::exp(-r.interestRate * years);
  std::map<double, std::array<std::optional<std::size_t>, 2>> priced;  // strike -> call, put
  for (std::size_t i : indices)
    if (r.quotes[i].price) priced[r.quotes[i].strike][r.quotes[i].type == OptionType::Call ? 0 : 1] = i;
  std::optional<std::size_t> call, put;
  for (const auto& [strike, pair] : priced) {
    if (!pair[0] || !pair[1]) continue;
    const double gap = std::abs(*r.quotes[*pair[0]].price - *r.quotes[*pair[1]].price);
    if (!call || gap < std::abs(*r.quotes[*call].price - *r.quotes[*put].price)) call = pair[0], put = pair[1];
  }
  parity = call.has_value();
  if (!parity) return r.underlyingPrice * std::exp(r.interestRate * years);
  const double strike = r.quotes[*call].strike;
  const double forward = strike + (*r.quotes[*call].price - *r.quotes[*put].price) / discount;
  if (isValidPositive(forward)) return forward;
  c.fail(at(*call, "price"), "sviParityForward", {{"strike", strike}, {"forward", forward}});
  return 0;
}

/// The volatility a quote gives at `forward`, or none with the error at quotes[i].price.
std::optional<double> volatilityOf(Checker& c, const SurfaceFitRequest& r, std::size_t i, double forward) {
  const OptionQuote& q = r.quotes[i];
  if (!q.price) return q.volatility;
  const double discount = std::exp(-r.interestRate * q.expiryYears);
  Result<ImpliedVolatility> iv = impliedVolatility(q.type, q.strike, forward, q.expiryYears, *q.price, discount);
  if (!iv) {
    for (InputError& e : iv.errors) {
      const std::string path = at(i, e.path);
      if (e.message.rfind(e.path, 0) == 0) e.message.replace(0, e.path.size(), path);  // "{path} ..." rows
      e.path = path;
    }
    c.merge(std::move(iv.errors));
    return std::nullopt;
  }
  if (!iv.value->volatility) c.fail(at(i, "price"), "sviNotInformative", {{"value", *q.price}});
  return iv.value->volatility;
}

/// One expiry: its forward and one volatility per strike, the out-of-the-money quote's where both
/// types are quoted (every priced quote is solved, so each bad price is reported).
Slice sliceOf(Checker& c, const SurfaceFitRequest& r, double years, const std::vector<std::size_t>& indices) {
  Slice s;
  s.years = years;
  s.forward = forwardOf(c, r, indices, years, s.parity);
  if (s.forward <= 0) return s;
  std::map<double, std::array<std::optional<double>, 2>> vols;  // strike -> call, put
  for (std::size_t i : indices)
    if (const std::optional<double> v = volatilityOf(c, r, i, s.forward))
      vols[r.quotes[i].strike][r.quotes[i].type == OptionType::Call ? 0 : 1] = v;
  for (const auto& [strike, pair] : vols) {
    const bool callSide = strike >= s.forward;
    const std::optional<double> v = pair[callSide ? 0 : 1] ? pair[callSide ? 0 : 1] : pair[callSide ? 1 : 0];
    s.strikes.push_back(strike);
    s.k.push_back(std::log(strike / s.forward));
    s.vol.push_back(*v);
    s.w.push_back(*v * *v * years);
  }
  return s;
}

/// Every expiry's slice, with every error at once.
std::vector<Slice> slicesOf(Checker& c, const SurfaceFitRequest& r) {
  std::vector<Slice> slices;
  if (!checkStructure(c, r)) return slices;
  const std::map<double, std::vector<std::size_t>> expiries = byExpiry(c, r.quotes);
  if (!c.ok()) return slices;  // the prices are solved only once every field is valid
  for (const auto& [years, indices] : expiries) slices.push_back(sliceOf(c, r, years, indices));
  return slices;
}

// ---- the fit ----------------------------------------------------------------------------------------------

/// Zeliade's inner problem for fixed (m, sigma): min sum (a + d y + c z - w)^2, y = (k - m) / sigma,
/// z = sqrt(y^2 + 1), over the quadrilateral (c, d): (0, 0), (2s, 2s), (4s, 0), (2s, -2s) with a free.
/// a is eliminated by centring; the quadratic in (c, d) is minimised inside or, when its minimiser is
/// outside (or it has none), on the four edges. Returns the sum of squares.
double innerFit(const Slice& s, double m, double sigma, Raw& out) {
  const std::size_t n = s.k.size();
  double ym = 0, zm = 0, wm = 0;
  std::vector<double> y(n), z(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = (s.k[i] - m) / sigma, z[i] = std::sqrt(y[i] * y[i] + 1);
    ym += y[i] / n, zm += z[i] / n, wm += s.w[i] / n;
  }
  double syy = 0, syz = 0, szz = 0, syw = 0, szw = 0, sww = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dy = y[i] - ym, dz = z[i] - zm, dw = s.w[i] - wm;
    syy += dy * dy, syz += dy * dz, szz += dz * dz, syw += dy * dw, szw += dz * dw, sww += dw * dw;
  }
  // q(c, d) = sum (d dy + c dz - dw)^2
  const auto q = [&](double c, double d) { return c * c * szz + 2 * c * d * syz + d * d * syy - 2 * c * szw - 2 * d * syw + sww; };
  const auto inside = [&](double c, double d) { return c >= 0 && std::abs(d) <= c && std::abs(d) <= 4 * sigma - c; };
  double bestC = 0, bestD = 0, best = std::numeric_limits<double>::infinity();
  const double det = szz * syy - syz * syz;
  if (det > 1e-14 * (szz * syy + 1e-300)) {
    const double c = (szw * syy - syw * syz) / det, d = (syw * szz - szw * syz) / det;
    if (inside(c, d)) best = q(c, d), bestC = c, bestD = d;
  }
  if (!std::isfinite(best)) {
    const std::array<std::array<double, 2>, 5> v{{{0, 0}, {2 * sigma, 2 * sigma}, {4 * sigma, 0}, {2 * sigma, -2 * sigma}, {0, 0}}};
    for (std::size_t e = 0; e < 4; ++e) {
      const double ec = v[e + 1][0] - v[e][0], ed = v[e + 1][1] - v[e][1];
      // q along the edge: q(v + t e) = A t^2 + 2 B t + q(v)
      const double A = ec * ec * szz + 2 * ec * ed * syz + ed * ed * syy;
      const double B = v[e][0] * (ec * szz + ed * syz) + v[e][1] * (ec * syz + ed * syy) - ec * szw - ed * syw;
      const double t = A > 0 ? std::clamp(-B / A, 0.0, 1.0) : (B < 0 ? 1.0 : 0.0);
      const double c = v[e][0] + t * ec, d = v[e][1] + t * ed, value = q(c, d);
      if (value < best) best = value, bestC = c, bestD = d;
    }
  }
  out.m = m, out.sigma = sigma;
  out.b = bestC / sigma;
  out.rho = bestC > 0 ? std::clamp(bestD / bestC, -1.0, 1.0) : 0;
  out.a = wm - bestD * ym - bestC * zm;
  return std::max(best, 0.0);
}

/// The outer objective over (m, ln sigma), sigma kept in [1e-4, 10] and m within the quoted k's span
/// (plus 1) beyond either end; a fit whose least total
/// variance a + b sigma sqrt(1 - rho^2) is negative is penalised.
double outer(const Slice& s, double m, double logSigma, Raw& out) {
  const double span = s.k.back() - s.k.front() + 1;
  m = std::clamp(m, s.k.front() - span, s.k.back() + span);
  const double sigma = std::exp(std::clamp(logSigma, std::log(1e-4), std::log(10.0)));
  const double value = innerFit(s, m, sigma, out);
  const double least = out.a + out.b * out.sigma * std::sqrt(1 - out.rho * out.rho);
  return least < 0 ? value + 1e3 * least * least + 1e-3 * -least : value;
}

/// Nelder-Mead (reflection 1, expansion 2, contraction 1/2, shrink 1/2) from `start`.
std::array<double, 2> nelderMead(const Slice& s, std::array<double, 2> start, std::array<double, 2> step) {
  Raw scratch;
  std::array<std::array<double, 2>, 3> x{start, {start[0] + step[0], start[1]}, {start[0], start[1] + step[1]}};
  std::array<double, 3> f{};
  for (int i = 0; i < 3; ++i) f[i] = outer(s, x[i][0], x[i][1], scratch);
  const auto eval = [&](const std::array<double, 2>& p) { return outer(s, p[0], p[1], scratch); };
  for (int iter = 0; iter < 1000; ++iter) {
    std::array<int, 3> o{0, 1, 2};
    std::sort(o.begin(), o.end(), [&](int i, int j) { return f[i] < f[j]; });
    const int lo = o[0], mid = o[1], hi = o[2];
    const double size = std::max(std::abs(x[hi][0] - x[lo][0]) + std::abs(x[mid][0] - x[lo][0]),
                                 std::abs(x[hi][1] - x[lo][1]) + std::abs(x[mid][1] - x[lo][1]));
    if (size < 1e-11 || f[hi] - f[lo] <= 1e-30) break;
    const std::array<double, 2> c{(x[lo][0] + x[mid][0]) / 2, (x[lo][1] + x[mid][1]) / 2};
    const auto along = [&](double t) { return std::array<double, 2>{c[0] + t * (x[hi][0] - c[0]), c[1] + t * (x[hi][1] - c[1])}; };
    const std::array<double, 2> r = along(-1);
    const double fr = eval(r);
    if (fr < f[lo]) {
      const std::array<double, 2> e = along(-2);
      const double fe = eval(e);
      x[hi] = fe < fr ? e : r, f[hi] = std::min(fe, fr);
    } else if (fr < f[mid]) {
      x[hi] = r, f[hi] = fr;
    } else {
      const std::array<double, 2> k = fr < f[hi] ? along(-0.5) : along(0.5);
      const double fk = eval(k);
      if (fk < std::min(fr, f[hi])) {
        x[hi] = k, f[hi] = fk;
      } else {
        for (int i : {mid, hi}) x[i] = {(x[i][0] + x[lo][0]) / 2, (x[i][1] + x[lo][1]) / 2}, f[i] = eval(x[i]);
      }
    }
  }
  const int best = static_cast<int>(std::min_element(f.begin(), f.end()) - f.begin());
  return x[best];
}

/// The fit of one slice: a grid of starts, then Nelder-Mead from the best, restarted once from its end.
Raw fitSlice(const Slice& s) {
  const double lo = s.k.front(), hi = s.k.back(), span = hi - lo;
  Raw scratch;
  std::array<double, 2> best{0, std::log(0.1)};
  double bestValue = std::numeric_limits<double>::infinity();
  for (int i = 0; i <= 8; ++i)
    for (double sigma : {0.01, 0.03, 0.1, 0.3, 1.0}) {
      const double m = lo + span * i / 8;
      const double value = outer(s, m, std::log(sigma), scratch);
      if (value < bestValue) bestValue = value, best = {m, std::log(sigma)};
    }
  std::array<double, 2> x = nelderMead(s, best, {span / 8 + 1e-3, 0.5});
  x = nelderMead(s, x, {span / 64 + 1e-4, 0.1});
  Raw out;
  outer(s, x[0], x[1], out);
  return out;
}

// ---- the checks ---------------------------------------------------------------------------------------------

constexpr std::size_t kCheckPoints = 2001;
constexpr double kCheckReach = 10;  ///< the grid spans k in m +- 10 (strikes e^-10 to e^10 of the forward)

/// The butterfly grid: k = m + sigma sinh(u), u uniform, dense where the smile bends.
double gridK(const Raw& p, std::size_t i) {
  const double u = std::asinh(kCheckReach / p.sigma);
  return p.m + p.sigma * std::sinh(-u + 2 * u * static_cast<double>(i) / (kCheckPoints - 1));
}

/// A check along k: the grid's points `at(i)` (n of them, increasing), the value checked at any k, and
/// whether a value fails.
struct Scan {
  std::function<double(std::size_t)> at;
  std::function<double(double)> value;
  std::function<bool(double, double)> bad;  ///< (value, k)
};

/// The edge between a good k and a bad one, by bisection (the values are continuous in k).
double edge(const Scan& s, double good, double bad) {
  for (int i = 0; i < 60 && std::abs(bad - good) > 1e-12 * (1 + std::abs(bad)); ++i) {
    const double mid = (good + bad) / 2;
    (s.bad(s.value(mid), mid) ? bad : good) = mid;
  }
  return bad;
}

/// Each run of grid points that fail, as an entry of `base`'s kind, its ends refined between the grid's
/// points, and its worst value (`worse` picks it).
template <class Worse>
void runs(std::vector<SurfaceArbitrage>& out, const SurfaceArbitrage& base, double forward, std::size_t n, const Scan& s,
          Worse worse) {
  std::vector<double> k(n), v(n);
  std::vector<char> bad(n);
  for (std::size_t i = 0; i < n; ++i) k[i] = s.at(i), v[i] = s.value(k[i]), bad[i] = s.bad(v[i], k[i]);
  for (std::size_t i = 0; i < n; ++i) {
    if (!bad[i]) continue;
    SurfaceArbitrage a = base;
    a.fromLogMoneyness = i == 0 ? k[0] : edge(s, k[i - 1], k[i]);
    a.worst = v[i];
    for (; i + 1 < n && bad[i + 1]; ++i) a.worst = worse(a.worst, v[i + 1]);
    a.toLogMoneyness = i + 1 == n ? k[i] : edge(s, k[i + 1], k[i]);
    a.fromStrike = forward * std::exp(a.fromLogMoneyness), a.toStrike = forward * std::exp(a.toLogMoneyness);
    out.push_back(a);
  }
}

void checkButterfly(SviSmile& smile, const Raw& p, std::vector<SurfaceArbitrage>& out) {
  // g where w > 0; no density exists where w <= 0, counted as -1.
  const auto g = [&](double k) {
    const double x = p.w(k) > 0 ? sviDensityFactor(p.a, p.b, p.rho, p.m, p.sigma, k) : -1;
    return std::isfinite(x) ? x : -1;
  };
  const Scan scan{[&](std::size_t i) { return gridK(p, i); }, g, [](double v, double) { return !(v >= 0); }};
  smile.minDensity = std::numeric_limits<double>::infinity();
  bool positive = true;
  for (std::size_t i = 0; i < kCheckPoints; ++i) {
    const double k = gridK(p, i), v = g(k);
    positive = positive && p.w(k) > 0;
    if (v < smile.minDensity) smile.minDensity = v, smile.minDensityLogMoneyness = k;
  }
  smile.wingSlope = p.b * (1 + std::abs(p.rho));
  smile.butterflyFree = positive && smile.minDensity >= 0 && smile.wingSlope <= 2;
  runs(out, SurfaceArbitrage{.kind = "butterfly", .expiryYears = smile.expiryYears}, smile.forward, kCheckPoints, scan,
       [](double a, double b) { return std::min(a, b); });
}

/// Calendar: the later w must not fall below the earlier at any k of a grid k = 0.1 sinh(u) to +-10.
void checkCalendar(const SviSmile& early, SviSmile& later, const Raw& p0, const Raw& p1, std::vector<SurfaceArbitrage>& out) {
  const double u = std::asinh(kCheckReach / 0.1);
  const Scan scan{[&](std::size_t i) { return 0.1 * std::sinh(-u + 2 * u * static_cast<double>(i) / (kCheckPoints - 1)); },
                  [&](double k) { return p0.w(k) - p1.w(k); },
                  [&](double fall, double k) { return fall > 1e-12 * (1 + std::abs(p0.w(k))); }};
  const std::size_t before = out.size();
  runs(out, SurfaceArbitrage{.kind = "calendar", .expiryYears = early.expiryYears, .laterExpiryYears = later.expiryYears},
       early.forward, kCheckPoints, scan, [](double a, double b) { return std::max(a, b); });
  if (out.size() > before) later.calendarFree = false;
}

/// The quotes themselves: undiscounted call values across strikes must fall, by at most the strike
/// step, and be convex. Each breach is an entry over the strikes involved.
void checkQuotes(const Slice& s, std::vector<SurfaceArbitrage>& out) {
  const std::size_t n = s.strikes.size();
  std::vector<double> call(n);
  for (std::size_t j = 0; j < n; ++j)
    call[j] = black76Price(OptionType::Call, s.strikes[j], s.forward, s.vol[j] * std::sqrt(s.years));
  const double tol = 1e-9 * s.forward;
  const auto add = [&](std::size_t from, std::size_t to, double breach) {
    out.push_back({.kind = "quotes", .expiryYears = s.years, .fromStrike = s.strikes[from], .toStrike = s.strikes[to],
                   .fromLogMoneyness = s.k[from], .toLogMoneyness = s.k[to], .worst = breach});
  };
  for (std::size_t j = 0; j + 1 < n; ++j) {
    const double drop = call[j] - call[j + 1], step = s.strikes[j + 1] - s.strikes[j];
    if (drop < -tol) add(j, j + 1, -drop);
    else if (drop > step + tol) add(j, j + 1, drop - step);
    if (j + 2 < n) {
      const double lambda = (s.strikes[j + 2] - s.strikes[j + 1]) / (s.strikes[j + 2] - s.strikes[j]);
      const double breach = call[j + 1] - (lambda * call[j] + (1 - lambda) * call[j + 2]);
      if (breach > tol) add(j, j + 2, breach);
    }
  }
}

// ---- the surface ----------------------------------------------------------------------------------------------

VolSurface sample(const SurfaceFitResult& fit, const std::vector<Slice>& slices) {
  VolSurface out;
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const Slice& s : slices) lo = std::min(lo, s.strikes.front()), hi = std::max(hi, s.strikes.back());
  for (std::size_t j = 0; j < kSurfaceFitStrikes; ++j)
    out.strikes.push_back(lo * std::pow(hi / lo, static_cast<double>(j) / (kSurfaceFitStrikes - 1)));
  for (std::size_t i = 0; i < fit.smiles.size(); ++i) {
    const double t0 = fit.smiles[i].expiryYears;
    const std::size_t steps = i + 1 < fit.smiles.size() ? kSurfaceFitSubsteps + 1 : 1;
    for (std::size_t s = 0; s < steps; ++s)
      out.expiries.push_back(s == 0 ? t0 : t0 + (fit.smiles[i + 1].expiryYears - t0) * static_cast<double>(s) / (kSurfaceFitSubsteps + 1));
  }
  for (double t : out.expiries) {
    std::vector<double>& row = out.vols.emplace_back();
    for (double k : out.strikes)
      row.push_back(std::clamp(surfaceFitVolatility(fit, t, k), kMinImpliedVolatility, kMaxOptionVolatility));
  }
  return out;
}

SviSmile smileOf(const Slice& s, const Raw& p) {
  SviSmile out{.expiryYears = s.years, .forward = s.forward, .forwardSource = s.parity ? "putCallParity" : "carry",
               .a = p.a, .b = p.b, .rho = p.rho, .m = p.m, .sigma = p.sigma};
  double sum = 0;
  for (std::size_t j = 0; j < s.k.size(); ++j) {
    const double fitted = std::sqrt(std::max(p.w(s.k[j]), 0.0) / s.years);
    sum += (fitted - s.vol[j]) * (fitted - s.vol[j]);
  }
  out.rmse = std::sqrt(sum / static_cast<double>(s.k.size()));
  out.quotes = s.k.size();
  return out;
}

Raw rawOf(const SviSmile& s) { return Raw{s.a, s.b, s.rho, s.m, s.sigma}; }

}  // namespace

double sviTotalVariance(double a, double b, double rho, double m, double sigma, double k) noexcept {
  const double x = k - m;
  return a + b * (rho * x + std::sqrt(x * x + sigma * sigma));
}

double sviDensityFactor(double a, double b, double rho, double m, double sigma, double k) noexcept {
  const double x = k - m, r = std::sqrt(x * x + sigma * sigma);
  const double w = a + b * (rho * x + r);
  const double w1 = b * (rho + x / r);
  const double w2 = b * sigma * sigma / (r * r * r);
  const double first = 1 - k * w1 / (2 * w);
  return first * first - w1 * w1 / 4 * (1 / w + 0.25) + w2 / 2;
}

std::vector<InputError> validate(const SurfaceFitRequest& request) {
  Checker c;
  slicesOf(c, request);
  return std::move(c.errors);
}

Result<SurfaceFitResult> fitSurface(const SurfaceFitRequest& request) {
  Checker c;
  const std::vector<Slice> slices = slicesOf(c, request);
  Result<SurfaceFitResult> out;
  if (!c.ok()) {
    out.errors = std::move(c.errors);
    return out;
  }
  SurfaceFitResult& fit = out.value.emplace();
  std::vector<Raw> raws;
  for (const Slice& s : slices) {
    raws.push_back(fitSlice(s));
    fit.smiles.push_back(smileOf(s, raws.back()));
    checkButterfly(fit.smiles.back(), raws.back(), fit.arbitrage);
    checkQuotes(s, fit.arbitrage);
    if (fit.smiles.size() > 1)
      checkCalendar(fit.smiles[fit.smiles.size() - 2], fit.smiles.back(), raws[raws.size() - 2], raws.back(), fit.arbitrage);
  }
  for (SviSmile& s : fit.smiles) s.arbitrageFree = s.butterflyFree && s.calendarFree;
  fit.surface = sample(fit, slices);
  return out;
}

double surfaceFitVolatility(const SurfaceFitResult& fit, double years, double strike) noexcept {
  const std::vector<SviSmile>& s = fit.smiles;
  if (s.empty() || !(years > 0)) return 0;
  const auto vol = [&](const SviSmile& x) { return std::sqrt(std::max(rawOf(x).w(std::log(strike / x.forward)), 0.0) / x.expiryYears); };
  if (years <= s.front().expiryYears) return vol(s.front());
  if (years >= s.back().expiryYears) return vol(s.back());
  const auto next = std::upper_bound(s.begin(), s.end(), years, [](double t, const SviSmile& x) { return t < x.expiryYears; });
  const SviSmile& a = *(next - 1);
  const SviSmile& b = *next;
  const double alpha = (years - a.expiryYears) / (b.expiryYears - a.expiryYears);
  const double k = std::log(strike) - ((1 - alpha) * std::log(a.forward) + alpha * std::log(b.forward));
  const double w = (1 - alpha) * rawOf(a).w(k) + alpha * rawOf(b).w(k);
  return std::sqrt(std::max(w, 0.0) / years);
}

void explain(const SurfaceFitRequest& request, SurfaceFitResult& result) {
  using detail::add;
  const auto n = [](double x) { return formatNumber(x); };
  for (const SviSmile& s : result.smiles) {
    const std::string at = "smiles[T=" + n(s.expiryYears) + "]";
    if (s.forwardSource == "carry")
      add(result.steps, "surfaceFit.forward.carry", at + ".forward", "Forward (no call and put priced at one strike)",
          "F = S exp(r T)", n(request.underlyingPrice) + " x exp(" + n(request.interestRate) + " x " + n(s.expiryYears) + ")",
          s.forward, {{"expiryYears", s.expiryYears}});
    else
      add(result.steps, "surfaceFit.forward.parity", at + ".forward", "Forward from put-call parity",
          "F = K + (C - P) / exp(-r T), at the strike where |C - P| is least", "F = " + n(s.forward), s.forward,
          {{"expiryYears", s.expiryYears}});
    add(result.steps, "surfaceFit.svi", at, "Raw SVI fitted in total variance (quasi-explicit: Nelder-Mead over m, sigma)",
        "w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)), k = ln(K / F)",
        "a = " + n(s.a) + ", b = " + n(s.b) + ", rho = " + n(s.rho) + ", m = " + n(s.m) + ", sigma = " + n(s.sigma), s.rmse,
        {{"a", s.a}, {"b", s.b}, {"rho", s.rho}, {"m", s.m}, {"sigma", s.sigma}, {"quotes", static_cast<double>(s.quotes)}});
    add(result.steps, "surfaceFit.butterfly", at + ".butterflyFree",
        s.butterflyFree ? "No butterfly arbitrage" : "Butterfly arbitrage",
        "g(k) = (1 - k w'/(2w))^2 - w'^2/4 (1/w + 1/4) + w''/2 >= 0 on the grid; b (1 + |rho|) <= 2",
        "min g = " + n(s.minDensity) + " at k = " + n(s.minDensityLogMoneyness) + "; b (1 + |rho|) = " + n(s.wingSlope),
        s.minDensity, {{"minDensity", s.minDensity}, {"wingSlope", s.wingSlope}});
    add(result.steps, "surfaceFit.calendar", at + ".calendarFree",
        s.calendarFree ? "Total variance does not fall from the previous expiry" : "Calendar arbitrage",
        "w(k, T) >= w(k, previous T) at every k checked", s.calendarFree ? "holds" : "fails", std::nullopt, {});
  }
}

}  // namespace marginlab
