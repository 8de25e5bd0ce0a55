// SPDX-License-Identifier: MIT
// Binance profile against Binance's published examples (VENUES.md section 1.2).
#include "support.h"

using namespace mltest;

namespace {

/// 2021 BTCUSDT / ETHUSDT brackets that BN-1 uses (VENUES.md 1.2), given explicitly so the
/// test does not depend on the shipped defaults.
TierTable btc2021() {
  return {{50'000, 125, 0.004, 0},         {250'000, 100, 0.005, 50},       {1'000'000, 50, 0.01, 1'300},
          {10'000'000, 20, 0.025, 16'300}, {20'000'000, 10, 0.05, 266'300}, {50'000'000, 5, 0.10, 1'266'300}};
}
TierTable eth2021() {
  return {{10'000, 100, 0.005, 0},      {100'000, 75, 0.0065, 15},     {500'000, 50, 0.01, 365},
          {1'000'000, 25, 0.02, 5'365}, {2'000'000, 10, 0.05, 35'365}, {5'000'000, 5, 0.10, 135'365},
          {10'000'000, 4, 0.125, 260'365}};
}

}  // namespace

TEST_CASE("BN-1: cross account with BTCUSDT and ETHUSDT longs", "[binance][cross][venue]") {
  // Source: Binance FAQ b3c689c1 liquidation-price example (image), reproduced in freqtrade
  // tests/exchange/test_binance.py "From calc example"; VENUES.md BN-1.
  // Published: LP(BTC) = 26,316.89, LP(ETH) = 1,153.26; MM_BTC = 71,200.81144,
  // uPnL_BTC = -56,354.57, MM_ETH = 356,512.508, uPnL_ETH = -448,192.89.
  // Tolerance: to the cent on prices (abs 0.005), 1e-9 relative on the intermediates.
  Scenario s{.rules = Rules::Binance, .walletBalance = 1'535'443.01};
  s.positions = {
      Position{.symbol = "BTCUSDT", .quantity = 109.488, .entryPrice = 32'481.98, .markPrice = 31'967.27, .leverage = 1},
      Position{.symbol = "ETHUSDT", .quantity = 3'683.979, .entryPrice = 1'456.84, .markPrice = 1'335.18, .leverage = 1}};
  s.tiers = {{"BTCUSDT", btc2021()}, {"ETHUSDT", eth2021()}};
  const Report r = evaluateOk(s);
  const auto& btc = r.cross->positions[0];
  const auto& eth = r.cross->positions[1];
  CHECK_THAT(btc.maintenanceMargin, WithinRel(71'200.81144, 1e-9));
  CHECK_THAT(eth.maintenanceMargin, WithinRel(356'512.508, 1e-9));
  CHECK_THAT(btc.unrealizedPnl, WithinAbs(-56'354.57, 0.005));
  CHECK_THAT(eth.unrealizedPnl, WithinAbs(-448'192.89, 0.005));
  REQUIRE(btc.liquidationPrice);
  REQUIRE(eth.liquidationPrice);
  CHECK_THAT(*btc.liquidationPrice, WithinAbs(26'316.89, 0.005));
  CHECK_THAT(*eth.liquidationPrice, WithinAbs(1'153.26, 0.005));
  CHECK(btc.liquidationTier == 4);  // 109.488 x 26,316.89 = 2.88M: the 1M-10M bracket
  CHECK(eth.liquidationTier == 6);  // 3,683.979 x 1,153.26 = 4.25M: the 2M-5M bracket
}

TEST_CASE("BN-7: isolated long moves to the bracket at the liquidation price", "[binance][isolated][tiers]") {
  // VENUES.md BN-7 (derived from the FAQ's bracket rule): long 1 BTC @ 67,000, 10x, margin
  // 6,700, brackets 0-50k 0.4%/0 and 50k-250k 0.5%/50.
  // Bracket 1 guess: (6700 + 0 - 67000) / (0.004 - 1) = 60,542.17, notional 60.5k is bracket 2;
  // bracket 2: (6700 + 50 - 67000) / (0.005 - 1) = -60,250 / -0.995 = 60,552.7638...
  // Short mirror: (6700 + 50 + 67000) / (0.005 + 1) = 73,750 / 1.005 = 73,383.0846...
  Scenario s{.rules = Rules::Binance, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 67'000, .leverage = 10}};
  s.tiers = {{"BTCUSDT", btc2021()}};
  Report r = evaluateOk(s);
  const auto& lp = r.isolated->positions[0];
  REQUIRE(lp.liquidationPrice);
  CHECK_THAT(*lp.liquidationPrice, WithinRel(60'250.0 / 0.995, 1e-12));
  CHECK_THAT(*lp.liquidationPrice, WithinAbs(60'552.76, 0.005));
  CHECK(lp.liquidationTier == 2);
  // The popular shortcut EP(1 - 1/L + MMR) = 60,568 is not Binance's formula.
  CHECK(std::abs(*lp.liquidationPrice - 60'568) > 10);

  s.positions[0].side = Side::Short;
  r = evaluateOk(s);
  REQUIRE(r.isolated->positions[0].liquidationPrice);
  CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinAbs(73'383.08, 0.005));
  CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinRel(73'750.0 / 1.005, 1e-12));
}

TEST_CASE("BN-4: COIN-M maintenance margin of 100 BTCUSD contracts", "[binance][inverse]") {
  // Binance COIN-M FAQ (es-MX copy), VENUES.md BN-4: 100 contracts x 100 USD at mark 25,000
  // is 0.4 BTC, level 1 (0.4%), MM = 0.4 x 0.4% - 0 = 0.0016 BTC.
  Scenario s{.rules = Rules::Binance, .walletBalance = 1};
  s.positions = {Position{.symbol = "BTCUSD_PERP", .contract = Contract::Inverse, .contractSize = 100,
                          .quantity = 100, .entryPrice = 25'000, .markPrice = 25'000, .leverage = 20}};
  s.tiers = {{"BTCUSD_PERP", {{5, 125, 0.004, 0}, {10, 100, 0.005, 0.005}}}};
  const Report r = evaluateOk(s);
  CHECK_THAT(r.cross->positions[0].notional, WithinRel(0.4, 1e-12));
  CHECK_THAT(r.cross->positions[0].maintenanceMargin, WithinRel(0.0016, 1e-12));
  CHECK(r.cross->positions[0].tier == 1);
}

TEST_CASE("BN-3: maintenance amount recurrence for COIN-M level 5", "[binance][tiers]") {
  // Binance COIN-M FAQ, VENUES.md BN-3: 50 BTC x (5% - 2.5%) + 0.56 BTC = 1.81 BTC.
  const TierTable table = {{10, 125, 0.004, 0},  {20, 100, 0.005, 0.01}, {35, 50, 0.01, 0.11},
                           {50, 20, 0.025, 0.56}, {100, 10, 0.05, std::nullopt}};
  const auto resolved = resolveTiers(table, profileFor(Rules::Binance));
  CHECK_THAT(resolved[4].amount, WithinRel(1.81, 1e-12));
}

TEST_CASE("BN-5: USDS-M bracket lookup at 264,000 and 500,000 USDT", "[binance][tiers]") {
  // Binance USDS-M FAQ (old bracket table), VENUES.md BN-5: both notionals are in the
  // 250k-1M bracket, MMR 1%, maintenance amount 1,300 USDT. Uses the shipped 2021 table.
  const DefaultTierTable* table = findDefaultTierTable(Rules::Binance, "BTCUSDT");
  REQUIRE(table != nullptr);
  const auto resolved = resolveTiers(table->tiers, profileFor(Rules::Binance));
  for (double notional : {264'000.0, 500'000.0}) {
    const ResolvedTier& t = resolved[tierIndexAt(resolved, notional)];
    CHECK(t.rate == 0.01);
    CHECK(t.amount == 1'300);
  }
}

TEST_CASE("Binance COIN-M isolated liquidation, hand calculation", "[binance][inverse][isolated]") {
  // COIN-M formula (VENUES.md 1.1): LP = (Q*MMR + s*Q)*CS / (WB + cum + s*Q*CS/EP).
  // Long 10 contracts x 100 USD @ 40,000, 20x: IM = 1000/40000/20 = 0.00125 BTC; MMR 0.4%.
  // LP = (10*0.004 + 10)*100 / (0.00125 + 0 + 1000/40000) = 1004 / 0.02625 = 38,247.619047...
  Scenario s{.rules = Rules::Binance, .walletBalance = 1};
  s.positions = {Position{.symbol = "BTCUSD_PERP", .contract = Contract::Inverse, .contractSize = 100,
                          .quantity = 10, .entryPrice = 40'000, .leverage = 20}};
  s.tiers = {{"BTCUSD_PERP", flatTier(0.004)}};
  Report r = evaluateOk(s);
  REQUIRE(r.isolated->positions[0].liquidationPrice);
  CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinRel(1004.0 / 0.02625, 1e-12));
  // Short: (10*0.004 - 10)*100 / (0.00125 - 0.025) = -996 / -0.02375 = 41,936.842105...
  s.positions[0].side = Side::Short;
  r = evaluateOk(s);
  REQUIRE(r.isolated->positions[0].liquidationPrice);
  CHECK_THAT(*r.isolated->positions[0].liquidationPrice, WithinRel(996.0 / 0.02375, 1e-12));
}
