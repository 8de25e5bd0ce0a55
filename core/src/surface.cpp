// SPDX-License-Identifier: MIT
// MarginLab: the volatility surface: validation and interpolation (linear in volatility across
// log-moneyness, linear in total variance across expiries, flat beyond the ends).
#include "marginlab/surface.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "marginlab/format.h"
#include "marginlab/validate.h"

namespace marginlab {

namespace {

std::string indexed(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

void checkAxis(std::vector<InputError>& errors, const std::string& path, const std::vector<double>& axis,
               std::size_t limit) {
  if (axis.empty()) {
    errors.push_back({path, ErrorCode::Empty, path + " must hold at least one value"});
    return;
  }
  if (axis.size() > limit) {
    errors.push_back({path, ErrorCode::TooMany,
                      path + " has " + std::to_string(axis.size()) + " values; at most " + std::to_string(limit)});
    return;
  }
  for (std::size_t i = 0; i < axis.size(); ++i) {
    const std::string at = indexed(path, i);
    if (!checkPositive(errors, at, axis[i])) continue;
    if (i > 0 && isValidPositive(axis[i - 1]) && !(axis[i] > axis[i - 1]))
      errors.push_back({at, ErrorCode::Unsorted,
                        at + " (" + formatNumber(axis[i]) + ") must be greater than " + indexed(path, i - 1) + " (" +
                            formatNumber(axis[i - 1]) + "): the axis must be strictly increasing"});
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
  std::vector<InputError> errors;
  checkAxis(errors, path + ".expiries", s.expiries, kMaxSurfaceExpiries);
  checkAxis(errors, path + ".strikes", s.strikes, kMaxSurfaceStrikes);
  const std::string vols = path + ".vols";
  if (s.vols.size() != s.expiries.size()) {
    errors.push_back({vols, ErrorCode::OutOfRange,
                      vols + " has " + std::to_string(s.vols.size()) + " rows; it needs one per expiry (" +
                          std::to_string(s.expiries.size()) + ")"});
    if (s.vols.size() > kMaxSurfaceExpiries) return errors;
  }
  for (std::size_t i = 0; i < s.vols.size(); ++i) {
    const std::string row = indexed(vols, i);
    if (s.vols[i].size() != s.strikes.size()) {
      errors.push_back({row, ErrorCode::OutOfRange,
                        row + " has " + std::to_string(s.vols[i].size()) + " values; it needs one per strike (" +
                            std::to_string(s.strikes.size()) + ")"});
      if (s.vols[i].size() > kMaxSurfaceStrikes) continue;
    }
    for (std::size_t j = 0; j < s.vols[i].size(); ++j) {
      const std::string at = indexed(row, j);
      const double v = s.vols[i][j];
      if (!isValidNumber(v)) errors.push_back({at, ErrorCode::NotFinite, at + " must be a finite number"});
      else if (!(v > 0))
        errors.push_back({at, ErrorCode::NotPositive, at + " (" + formatNumber(v) + ") must be > 0"});
      else if (v > kMaxOptionVolatility)
        errors.push_back({at, ErrorCode::OutOfRange,
                          at + " (" + formatNumber(v) + ") must be <= " + formatNumber(kMaxOptionVolatility)});
    }
  }
  return errors;
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
