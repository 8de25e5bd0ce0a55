// SPDX-License-Identifier: MIT
// MarginLab (internal): Brent's bracketed root finder (Brent, "Algorithms for Minimization without
// Derivatives", 1973, ch. 4), shared by the implied-volatility solver and the options account's
// liquidation prices. It always terminates: at most maxIterations steps, and the bracket never
// widens.
#pragma once

#include <cmath>
#include <utility>

namespace marginlab::detail {

struct Root {
  double x = 0;        ///< inside [a, b]
  double fx = 0;       ///< f(x)
  int iterations = 0;  ///< function evaluations after the two ends
  bool converged = false;  ///< |bracket| <= tolerance or f(x) == 0 before maxIterations
};

/// A root of f in [a, b], given fa = f(a) and fb = f(b) of opposite signs (or one of them 0).
/// Stops when the bracket is narrower than 2 * (4 eps |x| + xTolerance / 2).
template <class F>
Root brent(F&& f, double a, double b, double fa, double fb, double xTolerance, int maxIterations) {
  if (fa == 0) return {a, fa, 0, true};
  if (fb == 0) return {b, fb, 0, true};
  constexpr double kEps = 2.220446049250313e-16;
  double c = a, fc = fa, d = b - a, e = d;
  Root r;
  for (int i = 0; i < maxIterations; ++i) {
    if ((fb > 0) == (fc > 0)) {  // keep the root between b and c
      c = a, fc = fa;
      d = e = b - a;
    }
    if (std::fabs(fc) < std::fabs(fb)) {  // b is the best guess
      a = b, b = c, c = a;
      fa = fb, fb = fc, fc = fa;
    }
    const double tol = 2 * kEps * std::fabs(b) + 0.5 * xTolerance;
    const double m = 0.5 * (c - b);
    if (std::fabs(m) <= tol || fb == 0) return {b, fb, i, true};
    if (std::fabs(e) >= tol && std::fabs(fa) > std::fabs(fb)) {
      // Inverse quadratic interpolation, or the secant when only two points differ.
      const double s = fb / fa;
      double p, q;
      if (a == c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const double qa = fa / fc, rb = fb / fc;
        p = s * (2 * m * qa * (qa - rb) - (b - a) * (rb - 1));
        q = (qa - 1) * (rb - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < std::fmin(3 * m * q - std::fabs(tol * q), std::fabs(e * q))) {
        e = d;
        d = p / q;
      } else {  // interpolation would leave the bracket or converge slowly: bisect
        d = m;
        e = d;
      }
    } else {
      d = m;
      e = d;
    }
    a = b, fa = fb;
    b += std::fabs(d) > tol ? d : (m > 0 ? tol : -tol);
    fb = f(b);
    r.iterations = i + 1;
  }
  r.x = b, r.fx = fb, r.converged = false;
  return r;
}

}  // namespace marginlab::detail
