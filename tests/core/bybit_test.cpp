// SPDX-License-Identifier: MIT
// Bybit profiles (classic `bybit`, unified `bybit-uta`) against Bybit's published examples
// (VENUES.md section 2.2).
#include "support.h"

using namespace mltest;

namespace {

/// One linear or inverse position on a flat 0.5% table, so no test depends on shipped defaults.
Scenario bybitScenario(Rules rules, Position p, double rate = 0.005) {
  Scenario s{.rules = rules, .walletBalance = 100'000};
  s.tiers = {{p.symbol, flatTier(rate)}};
  s.positions = {std::move(p)};
  return s;
}

Position linearBtc(Side side, double entry, double leverage) {
  return Position{.symbol = "BTCUSDT", .side = side, .quantity = 1, .entryPrice = entry, .leverage = leverage};
}

}  // namespace

TEST_CASE("BY-1: classic linear isolated long, 50x", "[bybit][isolated][venue]") {
  // Source: Bybit help "Liquidation Price (USDT Contract)", VENUES.md BY-1 [PUB].
  // Long 1 BTC @ 20,000, 50x, MMR 0.5%: IM = 20,000/50 = 400, MM = 20,000 x 0.5% = 100,
  // LP = EP - (IM - MM)/Q = 20,000 - 300 = 19,700; BP = EP(1 - 1/L) = 19,600.
  // Tolerance: abs 0.005 on the published price, 1e-12 rel on the hand expressions.
  const Report r = evaluateOk(bybitScenario(Rules::Bybit, linearBtc(Side::Long, 20'000, 50)));
  const auto& o = r.isolated->positions[0];
  CHECK_THAT(o.initialMargin, WithinRel(400.0, 1e-12));
  CHECK_THAT(o.maintenanceMargin, WithinRel(100.0, 1e-12));
  REQUIRE(o.liquidationPrice);
  CHECK_THAT(*o.liquidationPrice, WithinAbs(19'700, 0.005));
  CHECK_THAT(*o.liquidationPrice, WithinRel(20'000.0 - (400.0 - 100.0), 1e-12));
  REQUIRE(o.bankruptcyPrice);
  CHECK_THAT(*o.bankruptcyPrice, WithinRel(20'000.0 * (1 - 1.0 / 50), 1e-12));
}

TEST_CASE("BY-2: classic linear isolated short with 3,000 USDT added", "[bybit][isolated][venue]") {
  // Source: Bybit help "Liquidation Price (USDT Contract)", VENUES.md BY-2 [PUB].
  // Short 1 BTC @ 20,000, 50x: IM 400, MM 100, extra 3,000 -> isolated margin 3,400.
  // LP = EP + (IM - MM)/Q + Extra/Q = 20,000 + 300 + 3,000 = 23,300.
  // Tolerance: abs 0.005 (published to the cent), 1e-12 rel on the hand expression.
  Position p = linearBtc(Side::Short, 20'000, 50);
  p.isolatedMargin = 400.0 + 3'000.0;
  const Report r = evaluateOk(bybitScenario(Rules::Bybit, p));
  const auto& o = r.isolated->positions[0];
  REQUIRE(o.liquidationPrice);
  CHECK_THAT(*o.liquidationPrice, WithinAbs(23'300, 0.005));
  CHECK_THAT(*o.liquidationPrice, WithinRel(20'000.0 + (400.0 - 100.0) + 3'000.0, 1e-12));
  CHECK_THAT(o.margin, WithinRel(3'400.0, 1e-12));
}

TEST_CASE("BY-3: funding taken from position margin moves the LP toward the mark", "[bybit][isolated][venue]") {
  // Source: Bybit help "Liquidation Price (USDT Contract)" (funding effect), VENUES.md BY-3 [PUB].
  // BY-1 after 200 USDT funding is taken from the 400 USDT position margin: isolated margin 200.
  // LP = EP - (M - MM)/Q = 20,000 - (200 - 100) = 19,900.
  // Tolerance: abs 0.005 (published to the cent), 1e-12 rel on the hand expression.
  Position p = linearBtc(Side::Long, 20'000, 50);
  p.isolatedMargin = 400.0 - 200.0;
  const Report r = evaluateOk(bybitScenario(Rules::Bybit, p));
  const auto& o = r.isolated->positions[0];
  REQUIRE(o.liquidationPrice);
  CHECK_THAT(*o.liquidationPrice, WithinAbs(19'900, 0.005));
  CHECK_THAT(*o.liquidationPrice, WithinRel(20'000.0 - (200.0 - 100.0), 1e-12));
  CHECK_THAT(o.maintenanceMargin, WithinRel(100.0, 1e-12));  // MM on the entry value is unchanged
}

TEST_CASE("BY-5: linear bankruptcy price at 50x", "[bybit][isolated][bankruptcy][venue]") {
  // Source: Bybit help "Bankruptcy Price (Perpetual and Expiry Contracts)", VENUES.md BY-5:
  // long @ 60,000, 50x -> 58,800 [PUB-3P]; older page: long @ 10,000, 50x -> 9,800 [PUB].
  // BP_long = EP(1 - 1/L): 60,000 x 0.98 = 58,800; 10,000 x 0.98 = 9,800.
  // Short mirror BP_short = EP(1 + 1/L) = 61,200 / 10,200 (same page's formula).
  // Tolerance: abs 0.005 on the published prices, 1e-12 rel on the hand expressions.
  for (const auto& [entry, published] : {std::pair{60'000.0, 58'800.0}, std::pair{10'000.0, 9'800.0}}) {
    INFO("entry " << entry);
    Report r = evaluateOk(bybitScenario(Rules::Bybit, linearBtc(Side::Long, entry, 50)));
    REQUIRE(r.isolated->positions[0].bankruptcyPrice);
    CHECK_THAT(*r.isolated->positions[0].bankruptcyPrice, WithinAbs(published, 0.005));
    CHECK_THAT(*r.isolated->positions[0].bankruptcyPrice, WithinRel(entry * (1 - 1.0 / 50), 1e-12));
    r = evaluateOk(bybitScenario(Rules::Bybit, linearBtc(Side::Short, entry, 50)));
    REQUIRE(r.isolated->positions[0].bankruptcyPrice);
    CHECK_THAT(*r.isolated->positions[0].bankruptcyPrice, WithinRel(entry * (1 + 1.0 / 50), 1e-12));
  }
}

TEST_CASE("BY-8b: classic inverse isolated @ 8,000, 50x, long and short", "[bybit][inverse][isolated][venue]") {
  // Source: old Bybit help 360039261334 (inverse classic), VENUES.md BY-8b [DERIVED].
  // LP_long = EP*L/(L + 1 - MMR*L) = 8,000*50/(50 + 1 - 0.25) = 400,000/50.75 = 7,881.7734
  // LP_short = EP*L/(L - 1 + MMR*L) = 400,000/49.25 = 8,121.8274
  // Position: 8,000 contracts of 1 USD (1 BTC at entry). Tolerance: abs 0.005 on the
  // VENUES.md values quoted to the cent, 1e-12 rel on the hand expressions.
  Position p{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 1, .side = Side::Long,
             .quantity = 8'000, .entryPrice = 8'000, .leverage = 50};
  Report r = evaluateOk(bybitScenario(Rules::Bybit, p));
  REQUIRE(r.isolated->positions[0].liquidationPrice);
  CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinAbs(7'881.77, 0.005));
  CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinRel(8'000.0 * 50 / (50 + 1 - 0.005 * 50), 1e-12));

  p.side = Side::Short;
  r = evaluateOk(bybitScenario(Rules::Bybit, p));
  REQUIRE(r.isolated->positions[0].liquidationPrice);
  CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinAbs(8'121.83, 0.005));
  CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinRel(8'000.0 * 50 / (50 - 1 + 0.005 * 50), 1e-12));
}

TEST_CASE("BY-6: inverse isolated long 60,000 USD @ 50,000, 10x (classic entry-value LP)", "[bybit][inverse][isolated][venue]") {
  // Source: Bybit help "Liquidation Price Calculation under Isolated Mode" (inverse), VENUES.md
  // BY-6: PV = 60,000/50,000 = 1.2 BTC, IM = 1.2/10 = 0.12 BTC, MM = 1.2 x 0.5% = 0.006 BTC [PUB].
  // The final LP is not in our copy; the `bybit` profile is classic (MM on the entry value), so
  // LP = Q/(PV + IM - MM) = 60,000/(1.2 + 0.12 - 0.006) = 60,000/1.314 = 45,662.1005 [DERIVED],
  // which equals EP*L/(L + 1 - MMR*L) = 500,000/10.95.
  // Tolerance: 1e-12 rel on the amounts and the hand expressions; abs 0.005 on 45,662.10.
  const Position p{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 1, .side = Side::Long,
                   .quantity = 60'000, .entryPrice = 50'000, .leverage = 10};
  const Report r = evaluateOk(bybitScenario(Rules::Bybit, p));
  const auto& o = r.isolated->positions[0];
  CHECK_THAT(o.notional, WithinRel(1.2, 1e-12));
  CHECK_THAT(o.initialMargin, WithinRel(0.12, 1e-12));
  CHECK_THAT(o.maintenanceMargin, WithinRel(0.006, 1e-12));
  REQUIRE(o.liquidationPrice);
  CHECK_THAT(*o.liquidationPrice, WithinRel(60'000.0 / (1.2 + 0.12 - 0.006), 1e-12));
  CHECK_THAT(*o.liquidationPrice, WithinRel(50'000.0 * 10 / (10 + 1 - 0.005 * 10), 1e-12));
  CHECK_THAT(*o.liquidationPrice, WithinAbs(45'662.10, 0.005));
}

TEST_CASE("BY-14: MM deduction recurrence of the BTCUSDT risk limits", "[bybit][tiers][venue]") {
  // Source: Bybit margin-parameters page, VENUES.md BY-14 [PUB]: (limit, MMR, deduction)
  // 1 (2.0M, 0.50%, 0); 2 (2.6M, 0.56%, 1,200); 3 (3.2M, 0.63%, 3,020); 4 (3.8M, 0.67%, 4,300);
  // 5 (4.4M, 0.71%, 5,820). Deduction_n = Limit_{n-1} x (MMR_n - MMR_{n-1}) + Deduction_{n-1}:
  // 2.0M x 0.06% = 1,200; 2.6M x 0.07% + 1,200 = 3,020; 3.2M x 0.04% + 3,020 = 4,300;
  // 3.8M x 0.04% + 4,300 = 5,820. Rates given, deductions left to the recurrence.
  // Tolerance: 1e-9 rel (the rate differences carry binary rounding of 0.0056 etc.).
  const TierTable table = {{2'000'000, 100, 0.005}, {2'600'000, 90, 0.0056}, {3'200'000, 80, 0.0063},
                           {3'800'000, 75, 0.0067}, {4'400'000, 70, 0.0071}};
  const auto resolved = resolveTiers(table, profileFor(Rules::Bybit));
  REQUIRE(resolved.size() == 5);
  CHECK(resolved[0].amount == 0);
  CHECK_THAT(resolved[1].amount, WithinRel(1'200.0, 1e-9));
  CHECK_THAT(resolved[2].amount, WithinRel(3'020.0, 1e-9));
  CHECK_THAT(resolved[3].amount, WithinRel(4'300.0, 1e-9));
  CHECK_THAT(resolved[4].amount, WithinRel(5'820.0, 1e-9));
  // The same recurrence through the bybit-uta profile.
  const auto uta = resolveTiers(table, profileFor(Rules::BybitUta));
  CHECK_THAT(uta[4].amount, WithinRel(5'820.0, 1e-9));
}

TEST_CASE("BY-4 / BY-4s: UTA linear isolated with 3,000 USDT extra margin", "[bybit-uta][isolated][venue]") {
  // Source: Bybit "UTA Trading Rules" (USDT perpetual, isolated) via a repo transcription,
  // VENUES.md BY-4 [PUB-3P] and its short mirror BY-4s [DERIVED].
  // Long 1 BTC @ 40,000, 50x, MMR 0.5%, fee 0.055%, MMded 0, extra 3,000 (isolated margin = IM +
  // 3,000 = 800 + 3,000):
  //   LP_long  = (EP*Q - EP*Q/L - Extra/(1 - fee) - MMded) / (Q - Q*MMR)
  //            = (40,000 - 800 - 3,000/0.99945) / 0.995 = 36,380.2503
  //   LP_short = (EP*Q + EP*Q/L + Extra/(1 + fee) + MMded) / (Q + Q*MMR)
  //            = (40,000 + 800 + 3,000/1.00055) / 1.005 = 43,580.4487
  // Reported MM at mark = entry: 40,000 x 0.5% - 0 + fee to close at BP
  //   long: 40,000 x (1 - 1/50) x 0.055% = 21.56 -> 221.56; short: 40,000 x 1.02 x 0.055% = 22.44.
  // Tolerance: abs 0.005 on the published/derived cents, 1e-12 rel on the hand expressions.
  const double fee = 0.00055;
  Position p = linearBtc(Side::Long, 40'000, 50);
  p.isolatedMargin = 800.0 + 3'000.0;
  Scenario s = bybitScenario(Rules::BybitUta, p);
  s.takerFeeRate = fee;
  Report r = evaluateOk(s);
  const auto& lo = r.isolated->positions[0];
  REQUIRE(lo.liquidationPrice);
  CHECK_THAT(*lo.liquidationPrice, WithinAbs(36'380.25, 0.005));
  CHECK_THAT(*lo.liquidationPrice, WithinRel((40'000.0 - 800.0 - 3'000.0 / (1 - fee)) / (1 - 0.005), 1e-12));
  CHECK_THAT(lo.maintenanceMargin, WithinAbs(221.56, 0.005));
  CHECK_THAT(lo.maintenanceMargin, WithinRel(40'000.0 * 0.005 + 40'000.0 * (1 - 1.0 / 50) * fee, 1e-12));
  CHECK_THAT(lo.initialMargin, WithinRel(800.0, 1e-12));

  s.positions[0].side = Side::Short;
  r = evaluateOk(s);
  const auto& so = r.isolated->positions[0];
  REQUIRE(so.liquidationPrice);
  CHECK_THAT(*so.liquidationPrice, WithinAbs(43'580.45, 0.005));
  CHECK_THAT(*so.liquidationPrice, WithinRel((40'000.0 + 800.0 + 3'000.0 / (1 + fee)) / (1 + 0.005), 1e-12));
  CHECK_THAT(so.maintenanceMargin, WithinRel(40'000.0 * 0.005 + 40'000.0 * (1 + 1.0 / 50) * fee, 1e-12));
}
