// SPDX-License-Identifier: MIT
// dYdX v4 profile: MMR_i = |S*P*MMF|, liquidatable when equity < total MMR (VENUES.md section 7).
#include "support.h"

using namespace mltest;

namespace {

/// IMF 5% (20x), MMF `mmf`: one flat row per market.
TierTable market(double mmf) { return flatTier(mmf, 20); }

}  // namespace

TEST_CASE("DY-3: short 500 ABC @ 1 with 100 USDC goes bankrupt at 1.2", "[dydx][bankruptcy][venue]") {
  // Source: dYdX v4 docs, contract-loss page, VENUES.md DY-3 [PUB]: B deposits 100 USDC and shorts
  // 500 ABC @ 1; B's bankruptcy price is 1.2: 100 - 500 x (P - 1) = 0 -> P = 1 + 100/500.
  // At price 2 B's equity is 100 - 500 = -400; A (long 500 @ 1) is closed at 1.2 for +100.
  // Cross wallet 100 and isolated margin 100 (5x) give the same price. Tolerance: 1e-12 rel.
  Scenario s{.rules = Rules::Dydx, .walletBalance = 100};
  s.tiers = {{"ABC-USD", market(0.03)}};
  s.positions = {Position{.symbol = "ABC-USD", .side = Side::Short, .quantity = 500, .entryPrice = 1, .leverage = 5}};
  Report r = evaluateOk(s);
  for (const Outcome* out : {&*r.isolated, &*r.cross}) {
    REQUIRE(out->positions[0].bankruptcyPrice);
    CHECK_THAT(*out->positions[0].bankruptcyPrice, WithinRel(1.0 + 100.0 / 500, 1e-12));
  }

  s.positions[0].markPrice = 2;
  r = evaluateOk(s);
  const auto& b = r.cross->positions[0];
  CHECK_THAT(b.unrealizedPnl, WithinRel(-500.0, 1e-12));
  CHECK_THAT(b.margin + b.unrealizedPnl, WithinRel(-400.0, 1e-12));  // B's equity
  CHECK_FALSE(b.marginRatio);                                         // no equity backs it
  CHECK(r.cross->account.equity == 0);  // the pool past bankruptcy counts as zero

  Scenario a = s;
  a.positions[0].side = Side::Long;
  a.positions[0].markPrice = 1.2;
  r = evaluateOk(a);
  CHECK_THAT(r.cross->positions[0].unrealizedPnl, WithinRel(100.0, 1e-12));  // A closed at B's BP
}

TEST_CASE("DY-4: long 500 @ 1, MMF 3%, already past liquidation at 0.801", "[dydx][venue]") {
  // Source: dYdX v4 docs, VENUES.md DY-4 [PUB]: A deposits 100 USDC, long 500 ABC @ 1, MMF 3%
  // -> MMR = 500 x 1 x 3% = 15 at price 1. At 0.801: PnL = 500 x (-0.199) = -99.5, equity 0.5,
  // below MMR 500 x 0.801 x 3% = 12.015, so already liquidatable. Liquidated at 0.77:
  // PnL -115, equity -15, the insurance fund contributes 15.
  // LP from p' = (e - s*p)/(|s|*MMF - s) with e = 0.5, s = 500, p = 0.801:
  //   (0.5 - 400.5)/(15 - 500) = 400/485 = 0.824742 > mark: distanceToLiquidation < 0.
  // Tolerance: 1e-12 rel.
  Scenario s{.rules = Rules::Dydx, .walletBalance = 100};
  s.tiers = {{"ABC-USD", market(0.03)}};
  s.positions = {Position{.symbol = "ABC-USD", .quantity = 500, .entryPrice = 1, .leverage = 5}};
  Report r = evaluateOk(s);
  CHECK_THAT(r.cross->positions[0].maintenanceMargin, WithinRel(15.0, 1e-12));
  CHECK_THAT(r.isolated->positions[0].maintenanceMargin, WithinRel(15.0, 1e-12));

  s.positions[0].markPrice = 0.801;
  r = evaluateOk(s);
  const double e = 100 + 500 * (0.801 - 1);
  for (const Outcome* out : {&*r.cross, &*r.isolated}) {
    const auto& o = out->positions[0];
    INFO("mode " << toString(o.mode));
    CHECK_THAT(o.unrealizedPnl, WithinRel(-99.5, 1e-12));
    CHECK_THAT(o.margin + o.unrealizedPnl, WithinRel(0.5, 1e-9));
    CHECK_THAT(o.maintenanceMargin, WithinRel(500 * 0.801 * 0.03, 1e-12));
    REQUIRE(o.liquidationPrice);
    CHECK_THAT(*o.liquidationPrice, WithinRel(400.0 / 485.0, 1e-12));
    CHECK_THAT(*o.liquidationPrice, WithinRel((e - 500 * 0.801) / (500 * 0.03 - 500), 1e-9));
    REQUIRE(o.distanceToLiquidation);
    CHECK(*o.distanceToLiquidation < 0);
    CHECK_THAT(*o.distanceToLiquidation, WithinRel(-(400.0 / 485.0 - 0.801) / 0.801, 1e-9));
  }

  s.positions[0].markPrice = 0.77;
  r = evaluateOk(s);
  CHECK_THAT(r.cross->positions[0].unrealizedPnl, WithinRel(-115.0, 1e-12));
  CHECK_THAT(r.cross->positions[0].margin + r.cross->positions[0].unrealizedPnl, WithinRel(-15.0, 1e-9));
}

TEST_CASE("dYdX cross with two markets: MMR_o of the other position", "[dydx][cross]") {
  // dYdX v4 docs (VENUES.md 7.1): cross LP p' = (e - s*p - MMR_o)/(|s|*MMF - s), e the account
  // equity, MMR_o the maintenance of the other positions at current prices.
  // Wallet 200 USDC; ABC long 500 @ 1, oracle 0.9, MMF 3%; XYZ short 2 @ 100, oracle 110, MMF 5%.
  //   e = 200 + 500 x (-0.1) - 2 x 10 = 130
  //   ABC: MMR_o = 2 x 110 x 5% = 11;  p' = (130 - 450 - 11)/(15 - 500) = 331/485 = 0.682474
  //   XYZ: MMR_o = 500 x 0.9 x 3% = 13.5; p' = (130 + 220 - 13.5)/(2 x 5% + 2) = 336.5/2.1 = 160.2381
  // Tolerance: 1e-12 rel.
  Scenario s{.rules = Rules::Dydx, .walletBalance = 200};
  s.tiers = {{"ABC-USD", market(0.03)}, {"XYZ-USD", market(0.05)}};
  s.positions = {
      Position{.symbol = "ABC-USD", .quantity = 500, .entryPrice = 1, .markPrice = 0.9, .leverage = 5},
      Position{.symbol = "XYZ-USD", .side = Side::Short, .quantity = 2, .entryPrice = 100, .markPrice = 110, .leverage = 5}};
  const Report r = evaluateOk(s);
  const double e = 200 + 500 * (0.9 - 1) - 2 * (110 - 100);
  const auto lp = [&](double size, double price, double mmf, double mmrOther) {
    return (e - size * price - mmrOther) / (std::abs(size) * mmf - size);
  };
  const auto& abc = r.cross->positions[0];
  const auto& xyz = r.cross->positions[1];
  REQUIRE(abc.liquidationPrice);
  REQUIRE(xyz.liquidationPrice);
  CHECK_THAT(*abc.liquidationPrice, WithinRel(lp(500, 0.9, 0.03, 2 * 110 * 0.05), 1e-12));
  CHECK_THAT(*abc.liquidationPrice, WithinRel(331.0 / 485.0, 1e-12));
  CHECK_THAT(*xyz.liquidationPrice, WithinRel(lp(-2, 110, 0.05, 500 * 0.9 * 0.03), 1e-12));
  CHECK_THAT(*xyz.liquidationPrice, WithinRel(336.5 / 2.1, 1e-12));
  REQUIRE(r.cross->account.marginRatio);
  CHECK_THAT(*r.cross->account.marginRatio, WithinRel((13.5 + 11.0) / 130.0, 1e-12));
}
