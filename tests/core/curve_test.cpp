// SPDX-License-Identifier: MIT
// Size-scaled margin curves (curve.h). Sources:
// - Orderly, docs "Margin, Leverage and PnL" (orderly.network/docs/introduction/trade-on-orderly/
//   perpetual-futures/margin-leverage-and-pnl): IMR = max(1 / max account leverage, base IMR,
//   IMR factor x |notional|^(4/5)), MMR = max(base MMR, base MMR / base IMR x IMR factor x
//   |notional|^(4/5)); its table: BTC-PERP base IMR 1% (100x), base MMR 0.6%, IMR factor 0.0000003750.
// - Drift, protocol-v2 programs/drift/src/math/margin.rs calculate_size_premium_liability_weight:
//   max(r, r - r/5 + sqrt(10 size + 1) x imf_factor / (1e5 x 1e6 / 1e4)) with size in 1e-9 base
//   units and imf_factor in 1e-6: max(r, 0.8 r + (imf_factor / 1e6) x sqrt(base size)).
// The references below were computed independently with mpmath at 40 digits (findroot on the
// formulas above), not with this code.
#include "marginlab/curve.h"

#include "support.h"

using namespace mltest;

namespace {

SizeCurveInput orderlyBtc(Side side) {
  return {.curve = SizeCurve::Orderly, .side = side, .quantity = 10, .entryPrice = 60000, .collateral = 60000,
          .baseImr = 0.01, .baseMmr = 0.006, .factor = 0.000000375};
}

SizeCurveResult solved(const SizeCurveInput& in) {
  Result<SizeCurveResult> r = sizeCurve(in);
  INFO((r.errors.empty() ? std::string() : r.errors.front().path + ": " + r.errors.front().message));
  REQUIRE(r);
  return *r.value;
}

/// Equity and maintenance at a price, from the venue's formula written out again here.
void requireOnTheBoundary(const SizeCurveInput& in, double p) {
  const double equity = in.collateral + sign(in.side) * in.quantity * (p - in.entryPrice);
  const double maintenance = curveMaintenanceRate(in, in.quantity, p) * in.quantity * p;
  REQUIRE_THAT(equity, WithinRel(maintenance, 1e-12));
}

}  // namespace

TEST_CASE("Orderly BTC-PERP: rates at the mark against the docs' formula", "[curve]") {
  const SizeCurveResult r = solved(orderlyBtc(Side::Long));
  // 600000^0.8 = 41929.6...: IMR = 3.75e-7 x that = 0.015723610172360533, MMR = 0.6 x it.
  CHECK_THAT(r.notional, WithinRel(600000.0, 1e-15));
  CHECK_THAT(r.initialMarginRate, WithinRel(0.015723610172360533, 1e-14));
  CHECK_THAT(r.maintenanceMarginRate, WithinRel(0.009434166103416320, 1e-14));
  CHECK_THAT(r.initialMargin, WithinRel(0.015723610172360533 * 600000, 1e-14));
  CHECK_FALSE(r.pastLiquidation);
}

TEST_CASE("Orderly: the liquidation prices solved exactly (mpmath, 40 digits)", "[curve]") {
  SECTION("long 10 BTC @ 60000, 60000 USDC: below at 54475.716071628708, above at 20338954.218885477") {
    const SizeCurveInput in = orderlyBtc(Side::Long);
    const SizeCurveResult r = solved(in);
    REQUIRE(r.liquidationPrice);
    CHECK_THAT(*r.liquidationPrice, WithinRel(54475.716071628708, 1e-14));
    requireOnTheBoundary(in, *r.liquidationPrice);
    // The rate there (0.0087326...) is below the mark's 0.0094342: the curve moves with the price, so
    // freezing it at the mark (Orderly's own estimate, 54514.29) is 38.6 off.
    CHECK_THAT(*r.maintenanceMarginRateAtLiquidation, WithinRel(0.0087326263137725583, 1e-13));
    REQUIRE(r.upperLiquidationPrice);
    CHECK_THAT(*r.upperLiquidationPrice, WithinRel(20338954.218885477, 1e-14));
    requireOnTheBoundary(in, *r.upperLiquidationPrice);
  }
  SECTION("short 10 BTC @ 60000, 60000 USDC: above at 65340.058182549390") {
    const SizeCurveInput in = orderlyBtc(Side::Short);
    const SizeCurveResult r = solved(in);
    REQUIRE(r.liquidationPrice);
    CHECK_THAT(*r.liquidationPrice, WithinRel(65340.058182549390, 1e-14));
    requireOnTheBoundary(in, *r.liquidationPrice);
    CHECK_FALSE(r.upperLiquidationPrice);
  }
  SECTION("the answer is the first double at or past the boundary") {
    const SizeCurveInput in = orderlyBtc(Side::Long);
    const double p = *solved(in).liquidationPrice;
    SizeCurveInput at = in, above = in;
    at.markPrice = p;
    above.markPrice = std::nextafter(p, 1e300);
    CHECK(solved(at).pastLiquidation);
    CHECK_FALSE(solved(above).pastLiquidation);
  }
}

TEST_CASE("Orderly: a small position stays on the base rate (a line: closed form)", "[curve]") {
  // 0.1 BTC @ 60000 = 6000: 3.75e-7 x 6000^0.8 = 0.00041 < 1%, so MMR = 0.6% at every price below the
  // mark. Long, 600 USDC: 600 + 0.1 (P - 60000) = 0.006 x 0.1 P -> P = 5400 / 0.0994 = 54325.955734...
  SizeCurveInput in = orderlyBtc(Side::Long);
  in.quantity = 0.1;
  in.collateral = 600;
  const SizeCurveResult r = solved(in);
  CHECK_THAT(r.initialMarginRate, WithinRel(0.01, 1e-15));
  REQUIRE(r.liquidationPrice);
  CHECK_THAT(*r.liquidationPrice, WithinRel(5400 / 0.0994, 1e-14));
}

TEST_CASE("Drift: the sqrt-size premium and the liquidation price against the closed form", "[curve]") {
  // 10000 SOL @ 150, margin ratios 10% / 5%, imf factor 0.0005 (imf_factor 500): sqrt(10000) = 100;
  // IMR = max(0.1, 0.08 + 0.05) = 0.13, MMR = max(0.05, 0.04 + 0.05) = 0.09. The ratio does not move
  // with the price, so a long on 300000 USDC: 300000 + 10000 (P - 150) = 0.09 x 10000 P ->
  // P = 1200000 / 9100 = 131.86813186813187; a short: 300000 - 10000 (P - 150) = 900 P ->
  // P = 1800000 / 10900 = 165.13761467889908.
  SizeCurveInput in{.curve = SizeCurve::Drift, .side = Side::Long, .quantity = 10000, .entryPrice = 150,
                    .collateral = 300000, .baseImr = 0.1, .baseMmr = 0.05, .factor = 0.0005};
  SizeCurveResult r = solved(in);
  CHECK_THAT(r.initialMarginRate, WithinRel(0.13, 1e-15));
  CHECK_THAT(r.maintenanceMarginRate, WithinRel(0.09, 1e-15));
  REQUIRE(r.liquidationPrice);
  CHECK_THAT(*r.liquidationPrice, WithinRel(1200000.0 / 9100, 1e-15));
  requireOnTheBoundary(in, *r.liquidationPrice);
  CHECK_FALSE(r.upperLiquidationPrice);
  in.side = Side::Short;
  r = solved(in);
  REQUIRE(r.liquidationPrice);
  CHECK_THAT(*r.liquidationPrice, WithinRel(1800000.0 / 10900, 1e-15));
  // A small position keeps the base ratio: 100 SOL, sqrt 10: 0.04 + 0.005 < 0.05.
  in.quantity = 100;
  CHECK_THAT(solved(in).maintenanceMarginRate, WithinRel(0.05, 1e-15));
}

TEST_CASE("size curves: plugging every solved price back gives margin = maintenance (1e-12)", "[curve]") {
  for (double q : {0.001, 1.0, 37.0, 5000.0, 2e5})
    for (double leverage : {2.0, 10.0, 50.0, 90.0})
      for (Side side : {Side::Long, Side::Short})
        for (SizeCurve curve : {SizeCurve::Orderly, SizeCurve::Drift}) {
          SizeCurveInput in{.curve = curve, .side = side, .quantity = q, .entryPrice = 2500, .markPrice = 2400,
                            .collateral = q * 2500 / leverage, .baseImr = 0.01, .baseMmr = 0.005,
                            .factor = curve == SizeCurve::Orderly ? 4e-7 : 0.001};
          const SizeCurveResult r = solved(in);
          INFO("q " << q << " leverage " << leverage << " side " << toString(side));
          if (r.liquidationPrice) requireOnTheBoundary(in, *r.liquidationPrice);
          if (r.upperLiquidationPrice) requireOnTheBoundary(in, *r.upperLiquidationPrice);
          SizeCurveResult explained = r;
          explain(in, explained);  // changes no number
          CHECK(explained.liquidationPrice == r.liquidationPrice);
          CHECK(explained.upperLiquidationPrice == r.upperLiquidationPrice);
          CHECK_FALSE(explained.steps.empty());
        }
}

TEST_CASE("size curves: extreme inputs give finite prices on the boundary, or none", "[curve]") {
  // A factor so small that maintenance would overtake a long's gain only past any finite notional:
  // 1e-300 x N^1.8 > N needs N > 1e375. No upper price, and no overflow on the way.
  SizeCurveInput in = orderlyBtc(Side::Long);
  in.quantity = 1e7;
  in.entryPrice = 1e7;
  in.collateral = 1e13;
  in.factor = 1e-300;
  SizeCurveResult r = solved(in);
  CHECK_FALSE(r.upperLiquidationPrice);
  REQUIRE(r.liquidationPrice);
  requireOnTheBoundary(in, *r.liquidationPrice);
  in.side = Side::Short;
  r = solved(in);
  REQUIRE(r.liquidationPrice);
  requireOnTheBoundary(in, *r.liquidationPrice);
  // The smallest position and price: still exact.
  in = orderlyBtc(Side::Long);
  in.quantity = 1000;
  in.entryPrice = 1e-9;
  in.collateral = 1e-7;
  r = solved(in);
  REQUIRE(r.liquidationPrice);
  requireOnTheBoundary(in, *r.liquidationPrice);
}

TEST_CASE("size curves: every bad input at its name", "[curve]") {
  SizeCurveInput in = orderlyBtc(Side::Long);
  in.quantity = -1;
  in.entryPrice = std::nan("");
  in.markPrice = 0;
  in.collateral = -5;
  in.baseImr = 0.02;
  in.baseMmr = 0.03;
  in.factor = 2;
  const std::vector<InputError> e = sizeCurve(in).errors;
  CHECK(hasError(e, "quantity", ErrorCode::NotPositive));
  CHECK(hasError(e, "entryPrice", ErrorCode::NotFinite));
  CHECK(hasError(e, "markPrice", ErrorCode::NotPositive));
  CHECK(hasError(e, "collateral", ErrorCode::Negative));
  CHECK(hasError(e, "baseMmr", ErrorCode::OutOfRange));
  CHECK(hasError(e, "factor", ErrorCode::OutOfRange));
  CHECK(e.size() == 6);
}

TEST_CASE("size curves: the steps name the curve and the crossing", "[curve]") {
  const SizeCurveInput in = orderlyBtc(Side::Long);
  SizeCurveResult r = solved(in);
  explain(in, r);
  std::vector<std::string> codes;
  for (const Step& s : r.steps) codes.push_back(s.code);
  CHECK(codes == std::vector<std::string>{"sizeCurve.notional", "sizeCurve.initialRate.orderly", "sizeCurve.maintenanceRate.orderly",
                                          "sizeCurve.initialMargin", "sizeCurve.maintenanceMargin", "sizeCurve.equity",
                                          "sizeCurve.liquidation", "sizeCurve.upper"});
  CHECK(r.steps[6].value == r.liquidationPrice);
}

TEST_CASE("dYdX v4 open-interest-scaled IMF: DY-5 and the caps", "[curve][dydx]") {
  // VENUES.md DY-5 (v4-documentation, open-interest-based IMF): baseIMF 5%, caps 20M / 50M, open notional
  // 35M: scaling = (35M − 20M) / (50M − 20M) = 0.5, IMF = 0.05 + 0.5 × 0.95 = 0.525 exactly.
  SizeCurveInput in{.curve = SizeCurve::Dydx, .side = Side::Long, .quantity = 10, .entryPrice = 100, .collateral = 100,
                    .baseImr = 0.05, .baseMmr = 0.03, .factor = 0, .openInterestNotional = 35e6,
                    .openInterestLowerCap = 20e6, .openInterestUpperCap = 50e6};
  SizeCurveResult r = solved(in);
  CHECK_THAT(r.initialMarginRate, WithinRel(0.525, 1e-15));
  CHECK(r.maintenanceMarginRate == 0.03);  // the MMF is not scaled
  CHECK_THAT(r.initialMargin, WithinRel(0.525 * 1000, 1e-15));
  // Liquidation on the MMF: 100 + 10 (P − 100) = 0.03 × 10 P, P = 900 / 9.7 = 92.78350515463917.
  REQUIRE(r.liquidationPrice);
  CHECK_THAT(*r.liquidationPrice, WithinRel(900 / 9.7, 1e-12));
  explain(in, r);
  bool scaled = false;
  for (const Step& x : r.steps)
    if (x.code == "sizeCurve.scaling.dydx") scaled = x.value && *x.value == 0.5;
  CHECK(scaled);
  // Below the lower cap the base IMF; past the upper cap the scaling is capped at 100%.
  CHECK(dydxInitialMarginFraction(0.05, 10e6, 20e6, 50e6) == 0.05);
  CHECK(dydxInitialMarginFraction(0.05, 80e6, 20e6, 50e6) == 1.0);
  // Errors at their paths: the caps are required for dydx and the upper above the lower.
  SizeCurveInput missing = in;
  missing.openInterestNotional.reset();
  CHECK(hasError(validate(missing), "openInterestNotional", ErrorCode::Missing));
  SizeCurveInput equalCaps = in;
  equalCaps.openInterestUpperCap = 20e6;
  CHECK(hasError(validate(equalCaps), "openInterestUpperCap", ErrorCode::OutOfRange));
  // The other curves do not read them.
  CHECK(validate(orderlyBtc(Side::Long)).empty());
}
