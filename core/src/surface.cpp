// SPDX-License-Identifier: MIT
// MarginLab: the volatility surface: validation and interpolation (linear in volatility across
// log-moneyness, linear in total variance across expiries, flat beyond the ends).
#include "marginlab/surface.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "marginlab/check.h"

namespace marginlab {

namespace {

std::string indexed(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }
Param num(std::string_view name, double x) { return {std::string(name), x}; }
Param count(std::string_view name, std::size_t x) { return {std::string(name), static_cast<double>(x)}; }

void checkAxis(Checker& c, const std::string& path, const std::vector<double>& axis, std::size_t limit) {
  if (axis.empty()) return c.fail(path, "empty", {Param{"item", std::string("value")}});
  if (axis.size() > limit) return c.fail(path, "optionsTooManyValues", {count("count", axis.size()), count("limit", limit)});
  for (std::size_t i = 0; i < axis.size(); ++i) {
    const std::string at = indexed(path, i);
    if (!c.positive(at, axis[i])) continue;
    if (i > 0 && isValidPositive(axis[i - 1]) && !(axis[i] > axis[i - 1]))
      c.fail(at, "surfaceUnsorted",
             {num("value", axis[i]), Param{"previousPath", indexed(path, i - 1)}, num("previous", axis[i - 1])});
  }
}

/// One row of vols: as wide as the strikes, every value finite, > 0 and <= kMaxOptionVolatility.
void checkRow(Checker& c, const std::string& row, const std::vector<double>& vols, std::size_t strikes) {
  if (vols.size() != strikes) {
    c.fail(row, "surfaceRowWidth", {count("count", vols.size()), count("strikes", strikes)});
    if (vols.size() > kMaxSurfaceStrikes) return;
  }
  for (std::size_t j = 0; j < vols.size(); ++j) {
    const std::string at = indexed(row, j);
    const double v = vols[j];
    if (!c.finite(at, v)) continue;
    if (!(v > 0)) c.fail(at, "mustBePositive", {num("value", v)});
    else c.atMost(at, v, kMaxOptionVolatility);
  }
}

/// Index i with axis[i] <= x < axis[i + 1] and the weight of axis[i + 1], or a flat end.
struct Bracket {
  std::size_t i = 0;
  double w = 0;  ///< 0: axis[i] alone
};
template <class Key>
Bracket bracket(const std::vector<double>& axis, double x, Key key) noexcept {
  if (axis.size() < 2 || !(x > axis.front())) return {0, 0};
  if (!(x < axis.back())) return {axis.size() - 1, 0};
  const std::size_t hi = static_cast<std::size_t>(std::upper_bound(axis.begin(), axis.end(), x) - axis.begin());
  const std::size_t lo = hi - 1;
  const double k0 = key(axis[lo]), k1 = key(axis[hi]);
  return {lo, (key(x) - k0) / (k1 - k0)};
}

double rowVolatility(const VolSurface& s, std::size_t row, const Bracket& k) noexcept {
  const std::vector<double>& v = s.vols[row];
  return k.w == 0 ? v[k.i] : v[k.i] + k.w * (v[k.i + 1] - v[k.i]);
}

}  // namespace

std::vector<InputError> validateVolSurface(const VolSurface& s, const std::string& path) {
  Checker c;
  if (!s.expiryDates.empty()) c.fail(path + ".expiryDates", "surfaceDatesNeedValuation");
  checkAxis(c, path + ".expiries", s.expiries, kMaxSurfaceExpiries);
  checkAxis(c, path + ".strikes", s.strikes, kMaxSurfaceStrikes);
  const std::string vols = path + ".vols";
  if (s.vols.size() != s.expiries.size()) {
    c.fail(vols, "surfaceRows", {count("count", s.vols.size()), count("expiries", s.expiries.size())});
    if (s.vols.size() > kMaxSurfaceExpiries) return std::move(c.errors);
  }
  for (std::size_t i = 0; i < s.vols.size(); ++i) checkRow(c, indexed(vols, i), s.vols[i], s.strikes.size());
  return std::move(c.errors);
}

double surfaceSlope(const VolSurface& s) noexcept {
  double slope = 0;
  for (const std::vector<double>& row : s.vols)
    for (std::size_t j = 0; j + 1 < row.size() && j + 1 < s.strikes.size(); ++j)
      slope = std::max(slope, std::fabs(row[j + 1] - row[j]) / (std::log(s.strikes[j + 1]) - std::log(s.strikes[j])));
  return slope;
}

double surfaceVolatility(const VolSurface& s, double years, double strike) noexcept {
  const Bracket k = bracket(s.strikes, strike, [](double x) { return std::log(x); });
  const Bracket t = bracket(s.expiries, years, [](double x) { return x; });
  const double v0 = rowVolatility(s, t.i, k);
  if (t.w == 0) return v0;
  const double v1 = rowVolatility(s, t.i + 1, k);
  const double t0 = s.expiries[t.i], t1 = s.expiries[t.i + 1];
  const double variance = v0 * v0 * t0 + t.w * (v1 * v1 * t1 - v0 * v0 * t0);
  return std::sqrt(std::max(variance, 0.0) / years);
}

}  // namespace marginlab
