// SPDX-License-Identifier: MIT
// The `simple` (textbook) profile by hand: linear and inverse payoffs, long and short, isolated
// and cross, the no-liquidation cases, and margin added or removed. Shipped "*" table: MMR 0.5%.
#include "support.h"

using namespace mltest;

namespace {

/// evaluate() then explain(): the report with its steps.
Report explained(const Scenario& s) {
  Report r = evaluateOk(s);
  explain(s, r);
  return r;
}

constexpr double kMmr = 0.005;

Scenario simple(double wallet, std::vector<Position> positions) {
  Scenario s{.rules = Rules::Simple, .walletBalance = wallet};
  s.positions = std::move(positions);
  return s;
}

Position linearBtc(Side side) {
  return Position{.symbol = "BTCUSDT", .side = side, .quantity = 2, .entryPrice = 30'000, .leverage = 10};
}

Position inverseBtc(Side side, double leverage) {
  return Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 100, .side = side,
                  .quantity = 10, .entryPrice = 40'000, .leverage = leverage};
}

/// A step of `field` with no value and a non-empty explanation.
bool hasValuelessStep(const PositionOutcome& o, const std::string& field) {
  for (const Step& s : stepsFor(o, field))
    if (!s.value && !s.label.empty()) return true;
  return false;
}

}  // namespace

TEST_CASE("Linear isolated long and short, by hand", "[simple][linear][isolated]") {
  // q = 2 @ 30,000, 10x: N = 60,000, M = IM = 6,000, MM at entry = 300.
  // LP = (M - s*q*EP)/(q*MMR - s*q):
  //   long  (6,000 - 60,000)/(0.01 - 2) = 54,000/1.99 = 27,135.6784; BP = EP - M/q = 27,000
  //   short (6,000 + 60,000)/(0.01 + 2) = 66,000/2.01 = 32,835.8209; BP = EP + M/q = 33,000
  // Tolerance: 1e-12 rel.
  Report r = evaluateOk(simple(100'000, {linearBtc(Side::Long)}));
  const auto& lo = r.isolated->positions[0];
  CHECK_THAT(lo.notional, WithinRel(60'000.0, 1e-12));
  CHECK_THAT(lo.initialMargin, WithinRel(6'000.0, 1e-12));
  CHECK_THAT(lo.maintenanceMargin, WithinRel(300.0, 1e-12));
  CHECK_THAT(lo.maxLoss, WithinRel(6'000.0, 1e-12));
  REQUIRE(lo.liquidationPrice);
  REQUIRE(lo.bankruptcyPrice);
  CHECK_THAT(*lo.liquidationPrice, WithinRel((6'000.0 - 60'000.0) / (2 * kMmr - 2), 1e-12));
  CHECK_THAT(*lo.bankruptcyPrice, WithinRel(30'000.0 - 6'000.0 / 2, 1e-12));
  REQUIRE(lo.distanceToLiquidation);
  CHECK_THAT(*lo.distanceToLiquidation, WithinRel((30'000.0 - 54'000.0 / 1.99) / 30'000.0, 1e-12));

  r = evaluateOk(simple(100'000, {linearBtc(Side::Short)}));
  const auto& so = r.isolated->positions[0];
  REQUIRE(so.liquidationPrice);
  REQUIRE(so.bankruptcyPrice);
  CHECK_THAT(*so.liquidationPrice, WithinRel((6'000.0 + 60'000.0) / (2 * kMmr + 2), 1e-12));
  CHECK_THAT(*so.bankruptcyPrice, WithinRel(30'000.0 + 6'000.0 / 2, 1e-12));
}

TEST_CASE("Inverse isolated long and short, by hand", "[simple][inverse][isolated]") {
  // 10 contracts x 100 USD = V = 1,000 USD @ 40,000, 20x: N = 0.025 BTC, M = 0.00125 BTC.
  // LP = (V*MMR + s*V)/(M + s*V/EP):
  //   long  (5 + 1,000)/(0.00125 + 0.025) = 1,005/0.02625 = 38,285.7143
  //   short (5 - 1,000)/(0.00125 - 0.025) = 995/0.02375 = 41,894.7368
  // BP = s*V/(M + s*V/EP): long 1,000/0.02625 = 38,095.2381; short 1,000/0.02375 = 42,105.2632.
  // Tolerance: 1e-12 rel.
  Report r = evaluateOk(simple(1, {inverseBtc(Side::Long, 20)}));
  const auto& lo = r.isolated->positions[0];
  CHECK_THAT(lo.notional, WithinRel(0.025, 1e-12));
  CHECK_THAT(lo.initialMargin, WithinRel(0.00125, 1e-12));
  CHECK_THAT(lo.maintenanceMargin, WithinRel(0.025 * kMmr, 1e-12));
  REQUIRE(lo.liquidationPrice);
  REQUIRE(lo.bankruptcyPrice);
  CHECK_THAT(*lo.liquidationPrice, WithinRel(1'005.0 / 0.02625, 1e-12));
  CHECK_THAT(*lo.bankruptcyPrice, WithinRel(1'000.0 / 0.02625, 1e-12));

  r = evaluateOk(simple(1, {inverseBtc(Side::Short, 20)}));
  const auto& so = r.isolated->positions[0];
  REQUIRE(so.liquidationPrice);
  REQUIRE(so.bankruptcyPrice);
  CHECK_THAT(*so.liquidationPrice, WithinRel(995.0 / 0.02375, 1e-12));
  CHECK_THAT(*so.bankruptcyPrice, WithinRel(1'000.0 / 0.02375, 1e-12));

  // Inverse PnL at a mark of 50,000 for the long: V*(1/EP - 1/P) = 1,000 x (1/40,000 - 1/50,000) = 0.005 BTC.
  Position moved = inverseBtc(Side::Long, 20);
  moved.markPrice = 50'000;
  r = evaluateOk(simple(1, {moved}));
  CHECK_THAT(r.isolated->positions[0].unrealizedPnl, WithinRel(0.005, 1e-12));
  CHECK_THAT(r.isolated->positions[0].notional, WithinRel(0.02, 1e-12));
}

TEST_CASE("Linear cross, one and two positions, by hand", "[simple][linear][cross]") {
  // Wallet 10,000; BTC long 1 @ 30,000, mark 29,000: LP = (W - q*EP)/(q*MMR - q)
  //   = (10,000 - 30,000)/(0.005 - 1) = 20,000/0.995 = 20,100.5025; BP = 30,000 - 10,000 = 20,000.
  // Add ETH short 10 @ 2,000, mark 2,100 (uPnL -1,000, MM 21,000 x 0.5% = 105), held at its mark:
  //   E0 = 10,000 - 105 - 1,000 = 8,895; LP(BTC) = (8,895 - 30,000)/(-0.995) = 21,211.0553;
  //   BP(BTC) = 30,000 - (10,000 - 1,000) = 21,000.
  // Tolerance: 1e-12 rel.
  const Position btc{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 30'000, .markPrice = 29'000, .leverage = 10};
  Report r = evaluateOk(simple(10'000, {btc}));
  const auto& one = r.cross->positions[0];
  REQUIRE(one.liquidationPrice);
  REQUIRE(one.bankruptcyPrice);
  CHECK_THAT(*one.liquidationPrice, WithinRel(20'000.0 / 0.995, 1e-12));
  CHECK_THAT(*one.bankruptcyPrice, WithinRel(20'000.0, 1e-12));
  CHECK_THAT(one.maxLoss, WithinRel(10'000.0, 1e-12));  // the whole wallet backs it

  const Position eth{.symbol = "ETHUSDT", .side = Side::Short, .quantity = 10, .entryPrice = 2'000,
                     .markPrice = 2'100, .leverage = 10};
  r = evaluateOk(simple(10'000, {btc, eth}));
  const auto& two = r.cross->positions[0];
  REQUIRE(two.liquidationPrice);
  REQUIRE(two.bankruptcyPrice);
  CHECK_THAT(*two.liquidationPrice, WithinRel((10'000.0 - 105.0 - 1'000.0 - 30'000.0) / (kMmr - 1), 1e-12));
  CHECK_THAT(*two.bankruptcyPrice, WithinRel(30'000.0 - (10'000.0 - 1'000.0), 1e-12));
  // ETH with BTC at its mark: E0 = 10,000 - 29,000 x 0.5% - 1,000 = 8,855;
  // LP(ETH short) = (8,855 + 20,000)/(10 x 0.005 + 10) = 28,855/10.05 = 2,871.1443.
  REQUIRE(r.cross->positions[1].liquidationPrice);
  CHECK_THAT(*r.cross->positions[1].liquidationPrice, WithinRel((10'000.0 - 145.0 - 1'000.0 + 20'000.0) / 10.05, 1e-12));
}

TEST_CASE("Inverse cross long, by hand", "[simple][inverse][cross]") {
  // Wallet 0.1 BTC, long V = 1,000 USD @ 40,000: LP = (V*MMR + V)/(W + V/EP)
  //   = 1,005/(0.1 + 0.025) = 8,040; BP = 1,000/0.125 = 8,000. Tolerance: 1e-12 rel.
  const Report r = evaluateOk(simple(0.1, {inverseBtc(Side::Long, 20)}));
  const auto& o = r.cross->positions[0];
  REQUIRE(o.liquidationPrice);
  REQUIRE(o.bankruptcyPrice);
  CHECK_THAT(*o.liquidationPrice, WithinRel(1'005.0 / 0.125, 1e-12));
  CHECK_THAT(*o.bankruptcyPrice, WithinRel(1'000.0 / 0.125, 1e-12));
}

TEST_CASE("No price liquidates: 1x inverse short and a fully collateralised linear long", "[simple][isolated][cross]") {
  // 1x inverse short: M = V/EP, equity(P) = M - V/EP + V/P = V/P, MM(P) = V*MMR/P, so
  // equity - MM = V*(1 - MMR)/P > 0 at every price: no LP and no BP; a step without value says
  // why. Linear long 1 @ 100 at 1x (M = 100): equity - MM = 0.995*P > 0 for every P > 0.
  // Cross: wallet 0.025 BTC (= V/EP) behaves the same for the inverse short, wallet 100 for the
  // linear long.
  SECTION("1x inverse short") {
    const Report r = explained(simple(1'000.0 / 40'000, {inverseBtc(Side::Short, 1)}));
    for (const Outcome* out : {&*r.isolated, &*r.cross}) {
      const auto& o = out->positions[0];
      INFO("mode " << toString(o.mode));
      CHECK_FALSE(o.liquidationPrice);
      CHECK_FALSE(o.bankruptcyPrice);
      CHECK_FALSE(o.distanceToLiquidation);
      CHECK(hasValuelessStep(o, "liquidationPrice"));
      CHECK(hasValuelessStep(o, "distanceToLiquidation"));
    }
  }
  SECTION("linear long whose margin covers the notional") {
    const Position p{.symbol = "ABCUSDT", .quantity = 1, .entryPrice = 100, .leverage = 1};
    const Report r = explained(simple(100, {p}));
    for (const Outcome* out : {&*r.isolated, &*r.cross}) {
      const auto& o = out->positions[0];
      INFO("mode " << toString(o.mode));
      CHECK_FALSE(o.liquidationPrice);
      CHECK_FALSE(o.bankruptcyPrice);
      CHECK(hasValuelessStep(o, "liquidationPrice"));
    }
    // More margin than the notional: the formula gives a negative price, still absent.
    Position over = p;
    over.isolatedMargin = 150;
    const Report r2 = explained(simple(1'000, {over}));
    CHECK_FALSE(r2.isolated->positions[0].liquidationPrice);
    CHECK(hasValuelessStep(r2.isolated->positions[0], "liquidationPrice"));
  }
}

TEST_CASE("Adding or removing isolated margin moves the LP", "[simple][isolated]") {
  // Linear long q = 2 @ 30,000, 10x (IM 6,000); LP = (M - 60,000)/(0.01 - 2):
  //   M = 5,000 -> 55,000/1.99 = 27,638.1910; 6,000 -> 27,135.6784; 7,000 -> 53,000/1.99 = 26,633.1658.
  // Each 1,000 added moves it 1,000/1.99 = 502.5126 away from the mark.
  // Short: LP = (M + 60,000)/2.01: 5,000 -> 32,338.3085; 7,000 -> 33,333.3333.
  // Inverse long (V = 1,000 @ 40,000, 20x, IM 0.00125): M = 0.0025 -> 1,005/(0.0025 + 0.025) = 36,545.4545.
  // Tolerance: 1e-12 rel.
  for (double margin : {5'000.0, 6'000.0, 7'000.0}) {
    INFO("margin " << margin);
    Position p = linearBtc(Side::Long);
    p.isolatedMargin = margin;
    Report r = evaluateOk(simple(100'000, {p}));
    REQUIRE(r.isolated->positions[0].liquidationPrice);
    CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinRel((margin - 60'000.0) / (2 * kMmr - 2), 1e-12));
    CHECK_THAT(r.isolated->positions[0].maxLoss, WithinRel(margin, 1e-12));
    p.side = Side::Short;
    r = evaluateOk(simple(100'000, {p}));
    REQUIRE(r.isolated->positions[0].liquidationPrice);
    CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinRel((margin + 60'000.0) / (2 * kMmr + 2), 1e-12));
  }
  Position less = linearBtc(Side::Long), more = linearBtc(Side::Long);
  less.isolatedMargin = 5'000;
  more.isolatedMargin = 7'000;
  const double lpLess = *evaluateOk(simple(100'000, {less})).isolated->positions[0].liquidationPrice;
  const double lpMore = *evaluateOk(simple(100'000, {more})).isolated->positions[0].liquidationPrice;
  CHECK(lpMore < lpLess);
  CHECK_THAT(lpLess - lpMore, WithinRel(2'000.0 / 1.99, 1e-9));

  Position inv = inverseBtc(Side::Long, 20);
  inv.isolatedMargin = 0.0025;
  const Report r = evaluateOk(simple(1, {inv}));
  REQUIRE(r.isolated->positions[0].liquidationPrice);
  CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinRel(1'005.0 / 0.0275, 1e-12));
}

TEST_CASE("1x inverse short at other sizes: rounding must not invent a liquidation price",
          "[simple][inverse][isolated]") {
  // Same hand calculation as above: at 1x the isolated margin is V/EP, equity(P) = V/P and
  // equity - MM = V*(1 - MMR)/P > 0 for every price, so neither LP nor BP exists.
  // 10 contracts x 1 USD @ 97,000 (also 5 @ 3 and 11 @ 2,345.67).
  // Regression: margin and PnL constant must come from the same V/EP bits, or the margin line
  // misses u = 0 by one ulp and a liquidation price near 1e20 appears.
  for (const auto& [quantity, entry] : {std::pair{10.0, 97'000.0}, std::pair{5.0, 3.0}, std::pair{11.0, 2'345.67}}) {
    INFO("short " << quantity << " contracts x 1 USD @ " << entry << ", 1x");
    const Position p{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 1, .side = Side::Short,
                     .quantity = quantity, .entryPrice = entry, .leverage = 1};
    const Report r = explained(simple(1, {p}));
    const auto& o = r.isolated->positions[0];
    INFO("got LP " << o.liquidationPrice.value_or(-1) << ", BP " << o.bankruptcyPrice.value_or(-1));
    CHECK_FALSE(o.liquidationPrice);
    CHECK_FALSE(o.bankruptcyPrice);
    CHECK(hasValuelessStep(o, "liquidationPrice"));
  }
}
