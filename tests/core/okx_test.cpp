// SPDX-License-Identifier: MIT
// OKX profile: isolated estimate with the maintenance requirement at MMR + taker fee
// (VENUES.md section 3).
#include "support.h"

using namespace mltest;

namespace {

Scenario okxScenario(Position p, double rate, double fee) {
  Scenario s{.rules = Rules::Okx, .walletBalance = 1'000'000, .takerFeeRate = fee};
  s.tiers = {{p.symbol, flatTier(rate)}};
  s.positions = {std::move(p)};
  return s;
}

}  // namespace

TEST_CASE("OKX-3: freqtrade regression rows (MMR 1%, fee 0.06%)", "[okx][isolated][linear]") {
  // Source: freqtrade's synthetic OKX liquidation rows, VENUES.md OKX-3 [DERIVED, regression
  // only]: "long 10, 5x -> 8.0857085; long 10, 3x -> 6.7380904; short 10, 5x -> 11.8741342".
  // Read as entry price 10, quantity 1 (the LP does not depend on the quantity when M = Q*EP/L),
  // isolated margin M = Q*EP/L. OKX estimate (VENUES.md 3.1):
  //   LP_long  = (EP - M/Q) / (1 - MMR - fee):  5x: (10 - 2)/0.9894 = 8.08570851
  //                                             3x: (10 - 10/3)/0.9894 = 6.73809043
  //   LP_short = (EP + M/Q) / (1 + MMR + fee):  5x: (10 + 2)/1.0106 = 11.87413418
  // Tolerance: abs 5e-8 (half a unit of the 7th decimal printed), 1e-12 rel on the hand values.
  struct Row {
    Side side;
    double leverage, printed, hand;
  };
  const double mmr = 0.01, fee = 0.0006;
  const Row rows[] = {
      {Side::Long, 5, 8.0857085, (10.0 - 10.0 / 5) / (1 - mmr - fee)},
      {Side::Long, 3, 6.7380904, (10.0 - 10.0 / 3) / (1 - mmr - fee)},
      {Side::Short, 5, 11.8741342, (10.0 + 10.0 / 5) / (1 + mmr + fee)},
  };
  for (const Row& row : rows) {
    INFO("side " << toString(row.side) << ", " << row.leverage << "x");
    for (double quantity : {1.0, 7.5}) {
      INFO("quantity " << quantity);
      const Report r = evaluateOk(okxScenario(
          Position{.symbol = "XYZUSDT", .side = row.side, .quantity = quantity, .entryPrice = 10, .leverage = row.leverage},
          mmr, fee));
      const auto& o = r.isolated->positions[0];
      REQUIRE(o.liquidationPrice);
      CHECK_THAT(*o.liquidationPrice, WithinAbs(row.printed, 5e-8));
      CHECK_THAT(*o.liquidationPrice, WithinRel(row.hand, 1e-12));
    }
  }
}

TEST_CASE("OKX-1: the maintenance requirement is MMR + fee (1.50% + 0.05% = 1.55%)", "[okx][isolated][venue]") {
  // Source: old OKX help text via a clone, VENUES.md OKX-1 [PUB-3P]: BTC/USDT 10x liquidates at a
  // margin ratio threshold of 1.55% = 1.50% maintenance + 0.05% fee.
  // Long 2 BTC @ 30,000, mark 31,000, 10x, M = 6,000:
  //   MM at the mark = 2 x 31,000 x (0.015 + 0.0005) = 961; uPnL = 2,000;
  //   our ratio MM/(M + uPnL) = 961/8,000 (OKX prints the reciprocal, liquidating at 100%);
  //   LP_long = (EP - M/Q)/(1 - 0.0155) = 27,000/0.9845 = 27,425.0889, where
  //   M + Q(LP - EP) = Q*LP*0.0155 (OKX's ratio = 100%).
  // Tolerance: 1e-12 rel.
  const Report r = evaluateOk(okxScenario(Position{.symbol = "BTCUSDT", .quantity = 2, .entryPrice = 30'000,
                                                   .markPrice = 31'000, .leverage = 10},
                                          0.015, 0.0005));
  const auto& o = r.isolated->positions[0];
  CHECK_THAT(o.notional, WithinRel(62'000.0, 1e-12));
  CHECK_THAT(o.maintenanceMargin, WithinRel(62'000.0 * (0.015 + 0.0005), 1e-12));
  CHECK_THAT(o.maintenanceMarginRate, WithinRel(0.015, 1e-12));  // the tier's rate; the fee is added on top
  CHECK_THAT(o.unrealizedPnl, WithinRel(2'000.0, 1e-12));
  REQUIRE(o.marginRatio);
  CHECK_THAT(*o.marginRatio, WithinRel(961.0 / 8'000.0, 1e-12));
  REQUIRE(o.liquidationPrice);
  const double lp = *o.liquidationPrice;
  CHECK_THAT(lp, WithinRel((30'000.0 - 6'000.0 / 2) / (1 - 0.0155), 1e-12));
  CHECK_THAT(6'000.0 + 2 * (lp - 30'000.0), WithinRel(2 * lp * 0.0155, 1e-12));
  // Cross with the same numbers: the maintenance at the mark uses the same 1.55%.
  CHECK_THAT(r.cross->positions[0].maintenanceMargin, WithinRel(961.0, 1e-12));
}

TEST_CASE("OKX inverse isolated, hand calculation", "[okx][inverse][isolated]") {
  // OKX coin-margined estimate (VENUES.md 3.1), from margin ratio = 100% with
  // (M + UPL) / (FV*N/P*(MMR + fee)):
  //   LP_long  = (1 + MMR + fee) / (1/EP + M/(FV*N))
  //   LP_short = (1 - MMR - fee) / (1/EP - M/(FV*N))
  // 50 BTCUSD contracts of FV = 100 USD @ 40,000, 20x, MMR 0.5%, fee 0.05%:
  //   FV*N = 5,000 USD, M = 5,000/40,000/20 = 0.00625 BTC, M/(FV*N) = 1.25e-6;
  //   long  = 1.0055/(2.5e-5 + 1.25e-6) = 1.0055/2.625e-5 = 38,304.7619
  //   short = 0.9945/(2.5e-5 - 1.25e-6) = 0.9945/2.375e-5 = 41,873.6842
  // Notional at entry 0.125 BTC; MM at the mark (= entry) 0.125 x 0.0055 = 0.0006875 BTC.
  // Tolerance: 1e-12 rel.
  Position p{.symbol = "BTC-USD-SWAP", .contract = Contract::Inverse, .contractSize = 100, .side = Side::Long,
             .quantity = 50, .entryPrice = 40'000, .leverage = 20};
  Report r = evaluateOk(okxScenario(p, 0.005, 0.0005));
  const auto& lo = r.isolated->positions[0];
  CHECK_THAT(lo.initialMargin, WithinRel(0.00625, 1e-12));
  CHECK_THAT(lo.maintenanceMargin, WithinRel(0.125 * 0.0055, 1e-12));
  REQUIRE(lo.liquidationPrice);
  CHECK_THAT(*lo.liquidationPrice, WithinRel((1 + 0.005 + 0.0005) / (1 / 40'000.0 + 0.00625 / 5'000), 1e-12));

  p.side = Side::Short;
  r = evaluateOk(okxScenario(p, 0.005, 0.0005));
  REQUIRE(r.isolated->positions[0].liquidationPrice);
  CHECK_THAT(*r.isolated->positions[0].liquidationPrice,
             WithinRel((1 - 0.005 - 0.0005) / (1 / 40'000.0 - 0.00625 / 5'000), 1e-12));
}
