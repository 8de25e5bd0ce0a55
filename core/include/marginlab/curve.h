// SPDX-License-Identifier: MIT
// MarginLab: size-scaled margin curves, the venues whose margin rates grow continuously with the
// position instead of stepping through tier rows: Orderly (rate ~ notional^0.8) and Drift (rate ~
// sqrt of the base size). One position on its own margin; its liquidation prices solved exactly.
#pragma once

#include <optional>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Which venue's curve.
enum class SizeCurve {
  /// Orderly (docs: perpetual-futures/margin-leverage-and-pnl): IMR = max(baseImr, factor x |N|^(4/5)),
  /// MMR = max(baseMmr, baseMmr / baseImr x factor x |N|^(4/5)), N the notional at the price in question.
  Orderly,
  /// Drift (protocol-v2 math/margin.rs calculate_size_premium_liability_weight): a ratio r becomes
  /// max(r, 4/5 r + factor x sqrt(|size|)), size in base units, for the initial and the maintenance
  /// ratio alike (factor = the market's imf_factor / 1e6).
  Drift,
  /// dYdX v4 (v4-documentation concepts/trading/margin, open-interest-based IMF; VENUES.md 7.1, DY-5): the
  /// market's open interest notional OI scales the initial margin fraction, scaling = (OI − lowerCap) /
  /// (upperCap − lowerCap), IMF = min(baseIMF + max(scaling × (1 − baseIMF), 0), 1); the maintenance fraction
  /// stays baseMmr. baseImr is the base IMF; factor is not read.
  Dydx,
};

/// sizeCurve()'s input (fields.h): one position backed by its own collateral.
struct SizeCurveInput {
  SizeCurve curve = SizeCurve::Orderly;
  Side side = Side::Long;
  double quantity = 0;              ///< base units, > 0
  double entryPrice = 0;            ///< quote per base, > 0
  std::optional<double> markPrice;  ///< quote per base; default: entryPrice
  double collateral = 0;            ///< quote: the margin backing the position (its isolated margin), >= 0
  double baseImr = 0;               ///< fraction of notional, in [1e-6, 1]
  double baseMmr = 0;               ///< fraction of notional, in [1e-6, baseImr]
  double factor = 0;                ///< the curve's factor, in [0, 1] (0: the base rates only); not read by dydx
  /// dydx only (required there): the market's open interest notional and its caps, quote, >= 0, upper > lower.
  std::optional<double> openInterestNotional, openInterestLowerCap, openInterestUpperCap;
};

/// dYdX's open-interest scaling of the initial margin fraction (curve Dydx, a valid input).
double dydxInitialMarginFraction(double baseImf, double openInterest, double lowerCap, double upperCap) noexcept;

/// The largest factor an input may carry.
inline constexpr double kMaxCurveFactor = 1;
/// The smallest base rate an input may carry.
inline constexpr double kMinCurveRate = 1e-6;

struct SizeCurveResult {
  double notional = 0;           ///< quantity x mark, quote
  double initialMarginRate = 0;  ///< at the mark
  double maintenanceMarginRate = 0;
  double initialMargin = 0;      ///< rate x notional, quote
  double maintenanceMargin = 0;
  double equity = 0;             ///< collateral + PnL at the mark
  bool pastLiquidation = false;  ///< equity <= maintenance at the mark
  /// Where equity falls to maintenance on the way against the position (below the mark for a long,
  /// above for a short); absent when no positive price does it (or already past).
  std::optional<double> liquidationPrice;
  /// Orderly, a long: the price above the mark where maintenance, growing as notional^1.8, overtakes
  /// the gain; absent when none (Drift's rate does not move with the price, nor a short's side).
  std::optional<double> upperLiquidationPrice;
  std::optional<double> maintenanceMarginRateAtLiquidation;  ///< the curve's rate at liquidationPrice
  std::vector<Step> steps;  ///< explain() only
};

/// The input's errors, each at its name ("quantity", "baseMmr", ...).
std::vector<InputError> validate(const SizeCurveInput& input);
/// Checks, then computes numbers only.
Result<SizeCurveResult> sizeCurve(const SizeCurveInput& input);
/// The steps behind a result of sizeCurve (changes no number).
void explain(const SizeCurveInput& input, SizeCurveResult& result);

/// The curve's rates of a position of `quantity` base units at `price` (no checks).
double curveInitialRate(const SizeCurveInput& input, double quantity, double price) noexcept;
double curveMaintenanceRate(const SizeCurveInput& input, double quantity, double price) noexcept;

}  // namespace marginlab
