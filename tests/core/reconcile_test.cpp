// SPDX-License-Identifier: MIT
// reconcile(): venue figures built from the venues' published examples (VENUES.md) and from hand
// calculations written here; where the venue's example uses a convention other than the profile's,
// the search must name exactly that convention.
#include "marginlab/reconcile.h"

#include "support.h"

using namespace mltest;

namespace {

using C = Convention;

Scenario oneLinear(Rules rules, Side side, double quantity, double entry, double leverage, TierTable tiers) {
  Scenario s{.rules = rules, .walletBalance = 100'000};
  s.tiers = {{"BTCUSDT", std::move(tiers)}};
  s.positions = {Position{.symbol = "BTCUSDT", .side = side, .quantity = quantity, .entryPrice = entry, .leverage = leverage}};
  return s;
}

PositionReconciliation reconcileOne(const Scenario& s, const VenueFigure& f) {
  const auto r = reconcile(s, ReconcileRequest{.venueFigures = {f}});
  INFO("first error: " << (r.errors.empty() ? std::string("none") : r.errors.front().path + ": " + r.errors.front().message));
  REQUIRE(r);
  REQUIRE(r.value->positions.size() == 1);
  return r.value->positions[0];
}

using Cs = std::vector<Convention>;

/// BN-1's account (VENUES.md 1.2): both positions cross, each in the bracket its published
/// intermediate uses (BTC 2.5% / 16,300; ETH 10% / 135,365), a lower bracket below it.
Scenario bn1() {
  Scenario s{.rules = Rules::Binance, .walletBalance = 1'535'443.01};
  s.tiers = {{"BTCUSDT", {Tier{.notionalCap = 1e6, .maxLeverage = 50, .maintenanceMarginRate = 0.01, .maintenanceAmount = 0},
                          Tier{.notionalCap = 1e12, .maxLeverage = 20, .maintenanceMarginRate = 0.025, .maintenanceAmount = 16'300}}},
             {"ETHUSDT", {Tier{.notionalCap = 2'707'300, .maxLeverage = 20, .maintenanceMarginRate = 0.05, .maintenanceAmount = 0},
                          Tier{.notionalCap = 1e12, .maxLeverage = 10, .maintenanceMarginRate = 0.10, .maintenanceAmount = 135'365}}}};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 109.488, .entryPrice = 32'481.98, .markPrice = 31'967.27,
                          .leverage = 1, .marginMode = MarginMode::Cross},
                 Position{.symbol = "ETHUSDT", .quantity = 3'683.979, .entryPrice = 1'456.84, .markPrice = 1'335.18,
                          .leverage = 1, .marginMode = MarginMode::Cross}};
  return s;
}

}  // namespace

TEST_CASE("reconcile: the venue's own example under its own profile agrees", "[reconcile]") {
  // BY-1 (Bybit help "Liquidation Price (USDT Contract)", [PUB]): long 1 BTC @ 20,000, 50x, MMR 0.5%:
  // LP 19,700. The bybit profile is Bybit's: nothing to switch.
  const auto p = reconcileOne(oneLinear(Rules::Bybit, Side::Long, 1, 20'000, 50, flatTier(0.005)),
                              {.position = 0, .liquidationPrice = 19'700, .tick = 0.5});
  CHECK(p.agrees);
  CHECK(p.reproduced);
  CHECK(p.conventions.empty());
  REQUIRE(p.marginLab.liquidationPrice);
  CHECK_THAT(*p.marginLab.liquidationPrice, WithinRel(19'700.0, 1e-12));
}

TEST_CASE("reconcile: BY-1 under the binance profile is the maintenance on the entry value", "[reconcile]") {
  // Binance values MM at the liquidation price: LP = (IM - Q EP) / (Q MMR - Q) = (400 - 20,000) / (0.005 - 1)
  // = 19,698.49; Bybit classic holds MM = 20,000 x 0.5% = 100 on the entry value: LP = 20,000 - 300 = 19,700
  // (BY-1, published). Tolerance: the venue's tick 0.5 (half a tick either way).
  const auto p = reconcileOne(oneLinear(Rules::Binance, Side::Long, 1, 20'000, 50, flatTier(0.005)),
                              {.position = 0, .liquidationPrice = 19'700, .tick = 0.5});
  REQUIRE(p.marginLab.liquidationPrice);
  CHECK_THAT(*p.marginLab.liquidationPrice, WithinRel(19'600.0 / 0.995, 1e-12));
  CHECK_FALSE(p.agrees);
  CHECK(p.reproduced);
  CHECK(p.conventions == Cs{C::MaintenanceOnEntryValue});
  REQUIRE(p.figures.liquidationPrice);
  CHECK_THAT(*p.figures.liquidationPrice, WithinRel(19'700.0, 1e-12));
  // MarginLab's own number agrees with evaluate()'s (the kernel's defaults are the profile's).
  const Report r = evaluateOk(oneLinear(Rules::Binance, Side::Long, 1, 20'000, 50, flatTier(0.005)));
  CHECK(*p.marginLab.liquidationPrice == *r.isolated->positions[0].liquidationPrice);
}

TEST_CASE("reconcile: BitMEX MX-1 under the simple profile is the maintenance on the entry value", "[reconcile]") {
  // MX-1 (BitMEX liquidationExamples, [PUB-3P]): long 1 contract @ 100.00 at 100x, MM 0.5%: LP 99.50, BP 99.00.
  // The textbook profile values MM at the price: LP = (1 - 100) / (0.005 - 1) = 99.4975 (off by 0.0025,
  // more than the 1e-5 relative tolerance); on the entry value: LP = 100 - (1 - 0.5) = 99.5.
  const auto p = reconcileOne(oneLinear(Rules::Simple, Side::Long, 1, 100, 100, flatTier(0.005)),
                              {.position = 0, .liquidationPrice = 99.5, .bankruptcyPrice = 99});
  CHECK_FALSE(p.agrees);
  CHECK(p.conventions == Cs{C::MaintenanceOnEntryValue});
  CHECK_THAT(*p.figures.liquidationPrice, WithinRel(99.5, 1e-12));
  CHECK_THAT(*p.figures.bankruptcyPrice, WithinRel(99.0, 1e-12));
}

TEST_CASE("reconcile: OKX-3 under the binance profile is the fee to close", "[reconcile]") {
  // OKX-3 (freqtrade's OKX tests, VENUES.md 3.2): MMR 1%, fee 0.06%, isolated, M = Q EP / L.
  // Long 10 @ 10, 5x: LP = (EP - M/N) / (1 - MMR - fee) = 8 / 0.9894 = 8.0857085 (published to 7 decimals).
  // Binance has no fee in the LP: 80 / 9.9 = 8.0808. Short 10 @ 10, 5x: 12 / 1.0106 = 11.8741342.
  for (const auto& [side, published] : {std::pair{Side::Long, 8.0857085}, std::pair{Side::Short, 11.8741342}}) {
    Scenario s = oneLinear(Rules::Binance, side, 10, 10, 5, flatTier(0.01));
    s.takerFeeRate = 0.0006;
    const auto p = reconcileOne(s, {.position = 0, .liquidationPrice = published, .tick = 1e-7});
    CHECK_FALSE(p.agrees);
    CHECK(p.conventions == Cs{C::FeeToClose});
    CHECK_THAT(*p.figures.liquidationPrice, WithinAbs(published, 5e-8));
    // The okx profile is OKX's own: it agrees; and a Binance-style figure needs the fee left out.
    s.rules = Rules::Okx;
    CHECK(reconcileOne(s, {.position = 0, .liquidationPrice = published, .tick = 1e-7}).agrees);
    const double binance = side == Side::Long ? 80.0 / 9.9 : 120.0 / 10.1;
    CHECK(reconcileOne(s, {.position = 0, .liquidationPrice = binance}).conventions == Cs{C::NoFeeToClose});
  }
}

TEST_CASE("reconcile: the tier at entry against the tier at the liquidation price, by hand", "[reconcile]") {
  // Binance brackets 0-50k 0.4% / 0, 50k-250k 0.5% / 50 (VENUES.md 1.2, 2021 table). Long 1 BTC @ 52,000,
  // 10x, margin 5,200: entry notional 52,000 is bracket 2, the liquidation price's notional is bracket 1.
  // Solver (tier at the LP): (5,200 - 52,000) / (0.004 - 1) = 46,987.95.
  // Entry bracket's rate and amount in the same formula: (5,200 + 50 - 52,000) / (0.005 - 1) = 46,984.92462...
  const TierTable tiers{Tier{.notionalCap = 50'000, .maxLeverage = 125, .maintenanceMarginRate = 0.004},
                        Tier{.notionalCap = 250'000, .maxLeverage = 100, .maintenanceMarginRate = 0.005}};
  const double hand = (5'200.0 + 50 - 52'000) / (0.005 - 1);
  const auto p = reconcileOne(oneLinear(Rules::Binance, Side::Long, 1, 52'000, 10, tiers),
                              {.position = 0, .liquidationPrice = 46'984.92, .tick = 0.01});
  CHECK_THAT(*p.marginLab.liquidationPrice, WithinRel((5'200.0 - 52'000) / (0.004 - 1), 1e-12));
  CHECK(p.conventions == Cs{C::TierAtEntry});
  REQUIRE(p.figures.liquidationPrice);
  CHECK_THAT(*p.figures.liquidationPrice, WithinRel(hand, 1e-9));
  CHECK(p.tried > 1);
}

TEST_CASE("reconcile: BN-1 cross, the other position held or not", "[reconcile]") {
  // BN-1 (Binance FAQ example via freqtrade, [PUB-3P]): LP(BTC) = 26,316.89 with ETH's MM and PnL held.
  const auto held = reconcileOne(bn1(), {.position = 0, .liquidationPrice = 26'316.89, .tick = 0.01});
  CHECK(held.agrees);
  CHECK(held.conventions.empty());
  // A calculator that leaves ETH out (TMM1 = UPNL1 = 0 in the FAQ's formula):
  // LP = (WB + cum - Q EP) / (Q MMR - Q) with Q = 109.488, EP = 32,481.98, MMR 2.5%, cum 16,300.
  const double q = 109.488, ep = 32'481.98;
  const double alone = (1'535'443.01 + 16'300 - q * ep) / (q * 0.025 - q);
  const auto left = reconcileOne(bn1(), {.position = 0, .liquidationPrice = std::round(alone * 100) / 100, .tick = 0.01});
  CHECK(left.conventions == Cs{C::OthersNotHeld});
  CHECK_THAT(*left.figures.liquidationPrice, WithinRel(alone, 1e-9));
  // ETH's maintenance at its last price of 1,300 (its figure gives the last price): 3,683.979 x 1,300 x 10% - 135,365.
  const double tmm = 3'683.979 * 1'300 * 0.10 - 135'365;
  const auto eth = reconcileOne(bn1(), {.position = 1, .maintenanceMargin = tmm, .lastPrice = 1'300});
  CHECK(eth.conventions == Cs{C::LastPrice});
  CHECK_THAT(eth.figures.maintenanceMargin, WithinRel(tmm, 1e-12));
}

TEST_CASE("reconcile: BN-1 with ETH's last price, given on ETH's own figure", "[reconcile]") {
  // As above: ETH valued at a last price of 1,300 moves BTC's LP; the price switch values every position at
  // the last price its figure gives. Hand: LP = (WB - TMM1 + UPNL1 + cum - Q EP) / (Q MMR - Q).
  const double q = 109.488, ep = 32'481.98, eq = 3'683.979, last = 1'300;
  const double tmm = eq * last * 0.10 - 135'365, upnl = eq * (last - 1'456.84);
  const double atLast = (1'535'443.01 - tmm + upnl + 16'300 - q * ep) / (q * 0.025 - q);
  const auto r = reconcile(bn1(), ReconcileRequest{.venueFigures = {
      VenueFigure{.position = 0, .liquidationPrice = std::round(atLast * 100) / 100, .tick = 0.01, .lastPrice = 31'967.27},
      VenueFigure{.position = 1, .marginRatio = 0.5, .lastPrice = last}}});
  REQUIRE(r);
  const auto& p = r.value->positions[0];
  CHECK(p.conventions == Cs{C::LastPrice});
  CHECK_THAT(*p.figures.liquidationPrice, WithinRel(atLast, 1e-9));
}

TEST_CASE("reconcile: BY-3 funding taken from the margin", "[reconcile]") {
  // BY-3 (Bybit help, [PUB]): BY-1 after 200 USDT funding taken from the position margin: LP 19,900.
  const auto p = reconcileOne(oneLinear(Rules::Bybit, Side::Long, 1, 20'000, 50, flatTier(0.005)),
                              {.position = 0, .liquidationPrice = 19'900, .tick = 0.5, .fundingPaid = 200});
  CHECK(p.conventions == Cs{C::Funding});
  CHECK_THAT(*p.figures.liquidationPrice, WithinRel(19'900.0, 1e-12));
}

TEST_CASE("reconcile: Bybit's conservative rounding to the tick; whole lots", "[reconcile]") {
  // BY-8b (VENUES.md 2.2, [DERIVED] from Bybit's inverse formula): short inverse @ 8,000, 50x, MMR 0.5%:
  // LP = EP L / (L - 1 + MMR L) = 400,000 / 49.25 = 8,121.827; Bybit rounds toward the entry (down for a short)
  // to its 0.5 tick: 8,121.5, which is 0.33 from the exact price, more than half a tick.
  Scenario s{.rules = Rules::Bybit, .walletBalance = 10};
  s.tiers = {{"BTCUSD", flatTier(0.005)}};
  s.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .side = Side::Short, .quantity = 8'000,
                          .entryPrice = 8'000, .leverage = 50}};
  const auto p = reconcileOne(s, {.position = 0, .liquidationPrice = 8'121.5, .tick = 0.5});
  CHECK_THAT(*p.marginLab.liquidationPrice, WithinRel(400'000.0 / 49.25, 1e-12));
  CHECK(p.conventions == Cs{C::TickRounding});
  CHECK(*p.figures.liquidationPrice == 8'121.5);
  // Lots: 1.0009 BTC with margin 400 gives LP = 20,000 - (400 - 100.09) / 1.0009 = 19,700.36, 0.36 from the
  // venue's 19,700 (tick 0.5); the venue's 1.000 BTC in lots of 0.001 gives BY-1's 19,700.
  Scenario lots = oneLinear(Rules::Bybit, Side::Long, 1.0009, 20'000, 50, flatTier(0.005));
  lots.positions[0].isolatedMargin = 400;
  const auto l = reconcileOne(lots, {.position = 0, .liquidationPrice = 19'700, .tick = 0.5, .lot = 0.001});
  CHECK_THAT(*l.marginLab.liquidationPrice, WithinRel(20'000 - (400 - 1.0009 * 100) / 1.0009, 1e-12));
  CHECK(l.conventions == Cs{C::LotRounding});
}

TEST_CASE("reconcile: nothing reproduces the figure: the nearest combination and its distance", "[reconcile]") {
  // BY-1's position under binance with a 0.06% fee; a venue figure of 25,000 is above every combination.
  // The highest: MM on the entry value with the fee, 20,000 x 0.56% = 112: LP = 20,000 - (400 - 112) = 19,712.
  Scenario s = oneLinear(Rules::Binance, Side::Long, 1, 20'000, 50, flatTier(0.005));
  s.takerFeeRate = 0.0006;
  const auto p = reconcileOne(s, {.position = 0, .liquidationPrice = 25'000});
  CHECK_FALSE(p.reproduced);
  CHECK(p.conventions == Cs{C::MaintenanceOnEntryValue, C::FeeToClose});
  CHECK_THAT(*p.figures.liquidationPrice, WithinRel(19'712.0, 1e-12));
  CHECK_THAT(p.distance, WithinRel((25'000.0 - 19'712) / 25'000, 1e-9));
  REQUIRE(p.differences.size() == 1);
  CHECK_FALSE(p.differences[0].within);
  CHECK_THAT(p.differences[0].difference, WithinRel(19'712.0 - 25'000, 1e-12));
}

TEST_CASE("reconcile: bad venue figures are errors at their paths", "[reconcile][validate]") {
  const Scenario s = oneLinear(Rules::Binance, Side::Long, 1, 20'000, 50, flatTier(0.005));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto r = reconcile(s, ReconcileRequest{.venueFigures = {
      VenueFigure{.position = 3, .liquidationPrice = -1},
      VenueFigure{.position = 0, .bankruptcyPrice = nan, .tick = 0},
      VenueFigure{.position = 0, .marginRatio = 0.1, .fundingPaid = std::numeric_limits<double>::infinity()},
      VenueFigure{.position = 0}}, .relativeTolerance = 0.5});
  REQUIRE_FALSE(r);
  const auto has = [&](const std::string& path, ErrorCode code) {
    return std::any_of(r.errors.begin(), r.errors.end(), [&](const InputError& e) { return e.path == path && e.code == code; });
  };
  CHECK(has("relativeTolerance", ErrorCode::OutOfRange));
  CHECK(has("venueFigures[0].position", ErrorCode::OutOfRange));
  CHECK(has("venueFigures[0].liquidationPrice", ErrorCode::NotPositive));
  CHECK(has("venueFigures[1].bankruptcyPrice", ErrorCode::NotFinite));
  CHECK(has("venueFigures[1].tick", ErrorCode::NotPositive));
  CHECK(has("venueFigures[2].position", ErrorCode::OutOfRange));  // position 0 again
  CHECK(has("venueFigures[2].fundingPaid", ErrorCode::NotFinite));
  CHECK(has("venueFigures[3]", ErrorCode::Missing));
  ReconcileRequest many;
  many.venueFigures.resize(kMaxVenueFigures + 1, VenueFigure{.position = 0, .liquidationPrice = 1});
  const auto tooMany = reconcile(s, many);
  CHECK(std::any_of(tooMany.errors.begin(), tooMany.errors.end(), [](const InputError& e) { return e.path == "venueFigures" && e.code == ErrorCode::TooMany; }));
}

TEST_CASE("reconcile: explain() adds the steps and changes no number", "[reconcile][explain]") {
  Scenario s = oneLinear(Rules::Binance, Side::Long, 1, 20'000, 50, flatTier(0.005));
  s.takerFeeRate = 0.0006;
  const ReconcileRequest request{.venueFigures = {VenueFigure{.position = 0, .liquidationPrice = 19'712}}};
  auto r = reconcile(s, request);
  REQUIRE(r);
  const PositionReconciliation before = r.value->positions[0];
  CHECK(before.steps.empty());
  explain(s, request, *r.value);
  const PositionReconciliation& after = r.value->positions[0];
  CHECK(after.conventions == before.conventions);
  CHECK(*after.figures.liquidationPrice == *before.figures.liquidationPrice);
  CHECK(after.distance == before.distance);
  // MarginLab's figure, the search, one step per switch (the LP after each), the verdict.
  REQUIRE(after.steps.size() == 1 + 1 + before.conventions.size() + 1);
  CHECK(after.steps.front().code == "reconcile.marginLab");
  CHECK(after.steps[1].code == "reconcile.search");
  CHECK(after.steps.back().code == "reconcile.reproduced");
  // Each switch's step shows the figures with the switches so far: the last one is the answer.
  CHECK(*after.steps[after.steps.size() - 2].value == *before.figures.liquidationPrice);
  // With the first switch alone (MM on the entry value, no fee): 19,700, as BY-1.
  CHECK_THAT(*after.steps[2].value, WithinRel(19'700.0, 1e-12));
}
