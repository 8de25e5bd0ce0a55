// SPDX-License-Identifier: MIT
// The engine's tier step down (request.partial 'venue' with request.stepDown, engine.h UnwindStepDown), and
// partial liquidation in cross mode and for inverse contracts. The venues' rule (VENUES.md 1.1, 2.1, 4.1, 8):
// Binance's liquidation protocol (FAQ 360033525271) sends "one large IOC to reduce to a lower bracket", then
// closes the rest at bankruptcy if still deficient; Bybit reduces to the lower risk-limit tier; BitMEX sends a
// FillOrKill sized to drop a tier; OKX "reduces by tiers" ([UNVERIFIED]: one tier or two). How much each
// order closes is not published: 'lowerTierAssumed' reduces to the next lower tier's cap, 'twoTiersAssumed'
// to the cap two tiers down. Every number below is worked by hand from the tier tables written here.
#include "marginlab/engine.h"

#include <string>
#include <tuple>

#include "support.h"
#include "unwind_support.h"

using namespace mltest;

namespace {

/// Three brackets written out (linear, quote): the amounts by the continuity recurrence.
///   tier 1: cap    50,000, 50x, MMR 1%,   amount 0
///   tier 2: cap   250,000, 20x, MMR 2.5%, amount 50,000 x 1.5% = 750
///   tier 3: cap 1,000,000, 10x, MMR 5%,   amount 250,000 x 2.5% + 750 = 7,000
TierTable threeBrackets() {
  return {Tier{.notionalCap = 50'000, .maxLeverage = 50, .maintenanceMarginRate = 0.01},
          Tier{.notionalCap = 250'000, .maxLeverage = 20, .maintenanceMarginRate = 0.025},
          Tier{.notionalCap = 1'000'000, .maxLeverage = 10, .maintenanceMarginRate = 0.05}};
}

/// Binance, isolated long 10 AAAUSDT @ 20,000 at 10x: margin 20,000, notional 200,000 (tier 2).
///   LP = (WB + cum − Q·EP) / (Q·MMR − Q) = (20,000 + 750 − 200,000) / (0.25 − 10) = 18,384.615384615...
///   (notional at LP 183,846.15: tier 2, as used); BP = 20,000 − 20,000/10 = 18,000.
///   E0 = 10 × (LP − BP) = 3,846.1538... = MM(Q) = 183,846.15 × 2.5% − 750.
///   Step down to tier 1's cap: R = 10 × 50,000 / 183,846.15 = 2.7196652719665..., q1 = 7.2803347280334...
Scenario binanceLong(double wallet = 20'000) {
  Scenario s{.rules = Rules::Binance, .walletBalance = wallet, .takerFeeRate = 0.0};
  s.positions = {Position{.symbol = "AAAUSDT", .quantity = 10, .entryPrice = 20'000, .leverage = 10}};
  s.tiers["AAAUSDT"] = threeBrackets();
  return s;
}
constexpr double kLp = 179'250.0 / 9.75;
constexpr double kRest = 10 * 50'000 / (10 * kLp);

const Step& stepOf(const UnwindResult& u, const std::string& code, std::size_t nth = 0) {
  for (const Step& x : u.steps)
    if (x.code == code && nth-- == 0) return x;
  FAIL("no step " << code);
  return u.steps.front();
}

}  // namespace

TEST_CASE("Binance step down: one IOC to the lower bracket restores the margin; the rest is kept", "[engine][stepdown]") {
  // Bids 5 @ 18,380 and 10 @ 18,350: q1 = 7.28033 fills 5 @ 18,380 and 2.28033 @ 18,350.
  //   slippage = q1 × LP − Σ q·p = 102.01158673959435; E1 = E0 − slippage = 3,744.142259414235.
  //   MM1 = E0 − MM(Q) + MM(R) = 0 + 50,000 × 1% = 500 (R at tier 1's cap): E1 > MM1, R is kept.
  const UnwindResult u = runUnwind(binanceLong(), {.book = {{18'380, 5}, {18'350, 10}}, .partial = UnwindPartial::Venue,
                                                   .stepDown = UnwindStepDown::LowerTierAssumed});
  CHECK_THAT(u.liquidationPrice, WithinRel(kLp, 1e-12));
  CHECK_THAT(u.bankruptcyPrice, WithinRel(18'000.0, 1e-12));
  CHECK(u.partialLiquidation);
  CHECK(u.stepDownOrders == 1);
  REQUIRE(u.slices.size() == 1);
  CHECK_THAT(u.slices[0].requested, WithinRel(10 - kRest, 1e-12));
  CHECK_THAT(u.remaining, WithinRel(2.7196652719665275, 1e-12));
  CHECK_THAT(u.filled + u.unfilled + u.remaining, WithinRel(10.0, 1e-12));
  CHECK_THAT(*stepOf(u, "unwind.stepDownEquityLinear").value, WithinRel(3'846.1538461538294, 1e-11));
  CHECK_THAT(*stepOf(u, "unwind.stepDownMaintenance0").value, WithinRel(3'846.1538461538294, 1e-11));
  CHECK_THAT(*stepOf(u, "unwind.stepDownOrder").value, WithinRel(7.2803347280334725, 1e-12));
  CHECK_THAT(*stepOf(u, "unwind.stepDownEquityAfterLinear").value, WithinRel(3'744.142259414235, 1e-11));
  CHECK_THAT(*stepOf(u, "unwind.stepDownMaintenance").value, WithinRel(500.0, 1e-11));
  CHECK_THAT(*stepOf(u, "unwind.stepDownKept").value, WithinRel(2.7196652719665275, 1e-12));
}

TEST_CASE("Binance step down: still deficient in the lowest bracket, the rest is closed", "[engine][stepdown]") {
  // Bids 100 @ 17,900 (below BP: the fund of 1e6 pays): slippage = q1 × (LP − 17,900) = 3,528.162...,
  //   E1 = 317.99163179915877 < MM1 = 500, and R is in tier 1 (the lowest): the whole rest goes to the book.
  const UnwindResult u = runUnwind(binanceLong(), {.book = {{17'900, 100}}, .insuranceFund = 1e6, .partial = UnwindPartial::Venue,
                                                   .stepDown = UnwindStepDown::LowerTierAssumed});
  CHECK(u.stepDownOrders == 1);
  REQUIRE(u.slices.size() == 2);
  CHECK_THAT(u.slices[1].requested, WithinRel(kRest, 1e-12));
  CHECK(u.remaining == 0);
  CHECK_THAT(u.filled, WithinRel(10.0, 1e-12));
  CHECK_THAT(*stepOf(u, "unwind.stepDownEquityAfterLinear").value, WithinRel(317.99163179915877, 1e-10));
  CHECK_THAT(*stepOf(u, "unwind.stepDownClose").value, WithinRel(kRest, 1e-12));
  // Without the assumption named, no step down (the size is not published): the whole position.
  const UnwindResult none = runUnwind(binanceLong(), {.book = {{17'900, 100}}, .insuranceFund = 1e6, .partial = UnwindPartial::Venue});
  CHECK_FALSE(none.partialLiquidation);
  CHECK(none.stepDownOrders == 0);
  CHECK_THAT(none.slices.at(0).requested, WithinRel(10.0, 1e-12));
  CHECK(stepOf(none, "unwind.partialNoRule").label.find("request.stepDown") != std::string::npos);
}

TEST_CASE("Step down in the lowest tier: nothing to step down to", "[engine][stepdown]") {
  // 2 @ 20,000 at 10x: notional 40,000, LP (4,000 − 40,000)/(0.02 − 2) = 18,181.82, tier 1.
  Scenario s = binanceLong(4'000);
  s.positions[0].quantity = 2;
  const UnwindResult u = runUnwind(s, {.depthPerPercent = 10, .partial = UnwindPartial::Venue,
                                       .stepDown = UnwindStepDown::LowerTierAssumed});
  CHECK_FALSE(u.partialLiquidation);
  CHECK_THAT(u.liquidationPrice, WithinRel(36'000.0 / 1.98, 1e-12));
  CHECK_THAT(stepOf(u, "unwind.stepDownLowest").label, Catch::Matchers::Contains("lowest tier"));
}

TEST_CASE("OKX 'reduce by tiers' [UNVERIFIED]: one tier or two at a time", "[engine][stepdown]") {
  // OKX, fee 0 (the requirement is MMR + fee), tiers without deduction (OKX publishes none):
  //   tier 1 cap 100,000 MMR 1%; tier 2 cap 200,000 MMR 2%; tier 3 cap 1,000,000 MMR 4%.
  // Isolated long 10 @ 30,000 at 5x: margin 60,000; LP: 60,000 + 10 (LP − 30,000) = 10 LP × 4%, LP = 25,000
  //   (notional 250,000: tier 3); BP 24,000; E0 = 10 × 1,000 = 10,000 = 250,000 × 4%.
  // One tier: R = 10 × 200,000/250,000 = 8, q1 = 2, MM1 = 200,000 × 2% = 4,000 < E1 = 10,000 (fills at LP): kept 8.
  // Two tiers: R = 10 × 100,000/250,000 = 4, q1 = 6, MM1 = 100,000 × 1% = 1,000: kept 4.
  Scenario s{.rules = Rules::Okx, .walletBalance = 60'000, .takerFeeRate = 0.0};
  s.positions = {Position{.symbol = "AAA-USDT-SWAP", .quantity = 10, .entryPrice = 30'000, .leverage = 5}};
  s.tiers["AAA-USDT-SWAP"] = {Tier{.notionalCap = 100'000, .maxLeverage = 20, .maintenanceMarginRate = 0.01},
                              Tier{.notionalCap = 200'000, .maxLeverage = 10, .maintenanceMarginRate = 0.02},
                              Tier{.notionalCap = 1'000'000, .maxLeverage = 5, .maintenanceMarginRate = 0.04}};
  for (const auto& [how, rest, mm1] : {std::tuple{UnwindStepDown::LowerTierAssumed, 8.0, 4'000.0},
                                       std::tuple{UnwindStepDown::TwoTiersAssumed, 4.0, 1'000.0}}) {
    const UnwindResult u = runUnwind(s, {.book = {{25'000, 100}}, .partial = UnwindPartial::Venue, .stepDown = how});
    CHECK_THAT(u.liquidationPrice, WithinRel(25'000.0, 1e-12));
    CHECK(u.stepDownOrders == 1);
    CHECK_THAT(u.remaining, WithinRel(rest, 1e-12));
    CHECK_THAT(*stepOf(u, "unwind.stepDownMaintenance").value, WithinRel(mm1, 1e-11));
    CHECK_THAT(*stepOf(u, "unwind.stepDownEquityAfterLinear").value, WithinRel(10'000.0, 1e-11));
  }
}

TEST_CASE("Step down in cross mode: the other positions' maintenance stays in the check", "[engine][stepdown][cross]") {
  // Cross, wallet 25,000, the long above and BBBUSDT long 1 @ 1,000 (mark 1,000: PnL 0, MM 1,000 × 1% = 10).
  //   LP: 25,000 + 10 (LP − 20,000) = 10 LP × 2.5% − 750 + 10, LP = 174,260/9.75 = 17,872.82051282051;
  //   BP: 25,000 + 10 (BP − 20,000) = 0, BP = 17,500; E0 = 10 (LP − BP) = 3,728.205128205118.
  //   R = 10 × 50,000/(10 LP) = 2.7975438999196602; MM1 = E0 − MM(Q) + MM(R) = 10 + 500 = 510.
  //   Bids 100 @ 17,800: E1 = E0 − q1 (LP − 17,800) = 3,203.718581430044 > 510: kept.
  Scenario s = binanceLong(25'000);
  s.positions.push_back(Position{.symbol = "BBBUSDT", .quantity = 1, .entryPrice = 1'000, .leverage = 10});
  s.tiers["BBBUSDT"] = {Tier{.notionalCap = 50'000, .maxLeverage = 50, .maintenanceMarginRate = 0.01}};
  const UnwindResult u = runUnwind(s, {.mode = MarginMode::Cross, .book = {{17'800, 100}}, .partial = UnwindPartial::Venue,
                                       .stepDown = UnwindStepDown::LowerTierAssumed});
  CHECK_THAT(u.liquidationPrice, WithinRel(17'872.82051282051, 1e-12));
  CHECK_THAT(u.bankruptcyPrice, WithinRel(17'500.0, 1e-12));
  CHECK_THAT(u.remaining, WithinRel(2.7975438999196602, 1e-12));
  CHECK_THAT(*stepOf(u, "unwind.stepDownMaintenance").value, WithinRel(510.0, 1e-10));
  CHECK_THAT(*stepOf(u, "unwind.stepDownEquityAfterLinear").value, WithinRel(3'203.718581430044, 1e-10));
}

TEST_CASE("Step down of an inverse contract: PnL in coin, notional in coin per USD contract", "[engine][stepdown][inverse]") {
  // Binance COIN-M style: long 1,000 contracts of 100 USD @ 50,000 at 10x: notional 2 BTC, margin 0.2 BTC.
  //   Brackets (coin): tier 1 cap 1 BTC MMR 1%; tier 2 cap 5 BTC MMR 2.5% amount 1 × 1.5% = 0.015.
  //   LP: 0.2 + 100,000 (1/50,000 − x) = 100,000 x × 2.5% − 0.015 with x = 1/LP: x = 2.215/102,500,
  //   LP = 46,275.39503386005 (notional 2.1609756 BTC: tier 2); BP = 1/2.2e-5 = 45,454.5454...
  //   E0 = 100,000 (1/BP − 1/LP) = 0.03902439024390251 BTC = 2.1609756 × 2.5% − 0.015.
  //   R = 1,000 × 1/2.1609756 = 462.75395033860053 contracts, q1 = 537.2460496613994.
  //   Bids 2,000 @ 46,000: slippage = s·CS·(Σ q/p − q1/LP) = 100 × q1 × (1/46,000 − x) = 0.006950585159988562,
  //   E1 = 0.03207380508391395 > MM1 = 1 × 1% = 0.01: kept.
  Scenario s{.rules = Rules::Binance, .walletBalance = 0.2, .takerFeeRate = 0.0};
  s.positions = {Position{.symbol = "AAAUSD_PERP", .contract = Contract::Inverse, .contractSize = 100, .quantity = 1'000,
                          .entryPrice = 50'000, .leverage = 10}};
  s.tiers["AAAUSD_PERP"] = {Tier{.notionalCap = 1, .maxLeverage = 50, .maintenanceMarginRate = 0.01},
                            Tier{.notionalCap = 5, .maxLeverage = 20, .maintenanceMarginRate = 0.025}};
  const UnwindResult u = runUnwind(s, {.book = {{46'000, 2'000}}, .partial = UnwindPartial::Venue,
                                       .stepDown = UnwindStepDown::LowerTierAssumed});
  CHECK_THAT(u.liquidationPrice, WithinRel(46'275.39503386005, 1e-12));
  CHECK_THAT(*stepOf(u, "unwind.stepDownEquityInverse").value, WithinRel(0.03902439024390251, 1e-10));
  CHECK_THAT(*stepOf(u, "unwind.stepDownOrder").value, WithinRel(537.2460496613994, 1e-12));
  CHECK_THAT(*stepOf(u, "unwind.stepDownEquityAfterInverse").value, WithinRel(0.03207380508391395, 1e-10));
  CHECK_THAT(*stepOf(u, "unwind.stepDownMaintenance").value, WithinRel(0.01, 1e-10));
  CHECK_THAT(u.remaining, WithinRel(462.75395033860053, 1e-12));
}

TEST_CASE("Hyperliquid partial in cross mode: the account's maintenance after the 20% order", "[engine][partial][cross]") {
  // Hyperliquid BTC (40x max: MMR 1.25%), cross long 10 @ 100,000, wallet 100,000:
  //   LP: 100,000 + 10 (LP − 100,000) = 10 LP × 1.25%, LP = 900,000/9.875 = 91,139.24050632911; BP = 90,000.
  //   E0 = 10 (LP − BP) = 11,392.40506329108; the order is 2 BTC, filled at LP (the depth model's first level
  //   holds 100/10 = 10): E1 = E0; MM1 = E0 − MM(10) + MM(8) = 0.8 E0 = 9,113.924050632864: kept 8.
  Scenario s{.rules = Rules::Hyperliquid, .walletBalance = 100'000};
  s.positions = {Position{.symbol = "BTC", .quantity = 10, .entryPrice = 100'000, .leverage = 20}};
  const UnwindResult u = runUnwind(s, {.mode = MarginMode::Cross, .depthPerPercent = 100, .partial = UnwindPartial::Venue});
  CHECK(u.partialLiquidation);
  CHECK_THAT(u.liquidationPrice, WithinRel(91'139.24050632911, 1e-12));
  CHECK_THAT(u.remaining, WithinRel(8.0, 1e-12));
  CHECK_THAT(*stepOf(u, "unwind.partialMaintenanceCross").value, WithinRel(9'113.924050632864, 1e-11));
  CHECK(u.stepDownOrders == 0);
}
