// SPDX-License-Identifier: MIT
// BitMEX profile: entry-value maintenance with the exit fee, initial margin with entry and exit
// fees, risk-limit steps (VENUES.md section 4).
#include "support.h"

using namespace mltest;

TEST_CASE("MX-1: long 1 contract @ 100, 100x, MM 0.5%, no fee", "[bitmex][isolated][venue]") {
  // Source: BitMEX /app/liquidationExamples (testnet text + clone), VENUES.md MX-1 [PUB-3P]:
  // LP $99.50, BP $99.00. Linear-style illustration: IM = 100/100 = 1, MM = 100 x 0.5% = 0.5
  // (takerFeeRate 0, so no fee terms); LP = EP - (IM - MM)/Q = 99.50, BP = EP - IM/Q = 99.00.
  // Tolerance: abs 0.005 on the published cents, 1e-12 rel on the hand expressions.
  Scenario s{.rules = Rules::Bitmex, .walletBalance = 10, .takerFeeRate = 0.0};
  s.tiers = {{"EXAMPLE", flatTier(0.005, 100)}};
  s.positions = {Position{.symbol = "EXAMPLE", .quantity = 1, .entryPrice = 100, .leverage = 100}};
  const Report r = evaluateOk(s);
  const auto& o = r.isolated->positions[0];
  CHECK_THAT(o.initialMargin, WithinRel(1.0, 1e-12));
  CHECK_THAT(o.maintenanceMargin, WithinRel(0.5, 1e-12));
  REQUIRE(o.liquidationPrice);
  REQUIRE(o.bankruptcyPrice);
  CHECK_THAT(*o.liquidationPrice, WithinAbs(99.50, 0.005));
  CHECK_THAT(*o.bankruptcyPrice, WithinAbs(99.00, 0.005));
  CHECK_THAT(*o.liquidationPrice, WithinRel(100.0 - (1.0 - 0.5), 1e-12));
  CHECK_THAT(*o.bankruptcyPrice, WithinRel(100.0 - 1.0, 1e-12));
}

TEST_CASE("MX-2: XBTUSD risk limits on the shipped table, 180 and 230 XBT", "[bitmex][tiers][venue]") {
  // Source: BitMEX /app/riskLimitsExamples, VENUES.md MX-2 [PUB]: a 180 XBT position is in the
  // base risk limit (< 200 XBT): MM 0.50% = 0.90 XBT. Adding 50 XBT -> 230 XBT is one step up:
  // MM 1.00%, IM 1.50%. Uses findDefaultTierTable(Rules::Bitmex, "XBTUSD").
  // Tolerance: 1e-12 rel.
  const DefaultTierTable* table = findDefaultTierTable(Rules::Bitmex, "XBTUSD");
  REQUIRE(table != nullptr);
  const auto resolved = resolveTiers(table->tiers, profileFor(Rules::Bitmex));
  const ResolvedTier& base = resolved[tierIndexAt(resolved, 180)];
  CHECK(tierIndexAt(resolved, 180) == 0);
  CHECK_THAT(base.rate, WithinRel(0.005, 1e-12));
  CHECK_THAT(180 * base.rate - base.amount, WithinRel(0.90, 1e-12));
  CHECK_THAT(1 / base.maxLeverage, WithinRel(0.01, 1e-12));
  const ResolvedTier& step = resolved[tierIndexAt(resolved, 230)];
  CHECK(tierIndexAt(resolved, 230) == 1);
  CHECK_THAT(step.rate, WithinRel(0.01, 1e-12));
  CHECK_THAT(1 / step.maxLeverage, WithinRel(0.015, 1e-12));
  CHECK_THAT(230 * step.rate - step.amount, WithinRel(2.30, 1e-12));

  // Through evaluate, with no fee so MM is the bare rate: 1,800,000 XBTUSD contracts (1 USD) @
  // 10,000 = 180 XBT -> 0.90 XBT; 2,300,000 contracts = 230 XBT -> 2.30 XBT, tier 2.
  for (const auto& [contracts, mm, tier, rate] : {std::tuple{1'800'000.0, 0.90, 1, 0.005},
                                                   std::tuple{2'300'000.0, 2.30, 2, 0.01}}) {
    INFO("contracts " << contracts);
    Scenario s{.rules = Rules::Bitmex, .walletBalance = 100, .takerFeeRate = 0.0};
    s.positions = {Position{.symbol = "XBTUSD", .contract = Contract::Inverse, .contractSize = 1,
                            .quantity = contracts, .entryPrice = 10'000, .leverage = 50}};
    const Report r = evaluateOk(s);
    const auto& o = r.isolated->positions[0];
    CHECK_THAT(o.notional, WithinRel(contracts / 10'000, 1e-12));
    CHECK_THAT(o.maintenanceMargin, WithinRel(mm, 1e-12));
    CHECK_THAT(o.maintenanceMarginRate, WithinRel(rate, 1e-12));
    CHECK(o.tier == tier);
  }
}

TEST_CASE("BitMEX inverse isolated with fees: LP = EP/(1 +- (im - mm))", "[bitmex][inverse][isolated]") {
  // Formula given by BitMEX support (r/BitMEX 2019), VENUES.md 4.1 [UNVERIFIED], no funding:
  //   im = 1/L + 2*taker, mm = MMR + taker,
  //   LP_long = EP/(1 + im - mm), LP_short = EP/(1 - im + mm).
  // XBTUSD 10,000 contracts (1 USD) @ 10,000 = 1 XBT, 10x, taker 0.075%, MMR 0.5% (shipped table):
  //   im = 0.1 + 0.0015 = 0.1015, mm = 0.005 + 0.00075 = 0.00575;
  //   LP_long = 10,000/1.09575 = 9,126.1693; LP_short = 10,000/0.90425 = 11,058.8886.
  // The isolated margin is im x 1 XBT, so BP (margin exhausted) = EP/(1 + im) = 9,078.5293 long and
  // EP/(1 - im) = 11,129.6605 short (the BP of the second support variant, nottug/bitmex_utils).
  // Tolerance: 1e-12 rel.
  const double fee = 0.00075, im = 1.0 / 10 + 2 * fee, mm = 0.005 + fee;
  Scenario s{.rules = Rules::Bitmex, .walletBalance = 10, .takerFeeRate = fee};
  s.positions = {Position{.symbol = "XBTUSD", .contract = Contract::Inverse, .contractSize = 1, .quantity = 10'000,
                          .entryPrice = 10'000, .leverage = 10}};
  Report r = evaluateOk(s);
  const auto& lo = r.isolated->positions[0];
  CHECK_THAT(lo.initialMargin, WithinRel(im, 1e-12));
  CHECK_THAT(lo.maintenanceMargin, WithinRel(mm, 1e-12));
  REQUIRE(lo.liquidationPrice);
  CHECK_THAT(*lo.liquidationPrice, WithinRel(10'000.0 / (1 + im - mm), 1e-12));
  REQUIRE(lo.bankruptcyPrice);
  CHECK_THAT(*lo.bankruptcyPrice, WithinRel(10'000.0 / (1 + im), 1e-12));

  s.positions[0].side = Side::Short;
  r = evaluateOk(s);
  const auto& so = r.isolated->positions[0];
  REQUIRE(so.liquidationPrice);
  CHECK_THAT(*so.liquidationPrice, WithinRel(10'000.0 / (1 - im + mm), 1e-12));
  REQUIRE(so.bankruptcyPrice);
  CHECK_THAT(*so.bankruptcyPrice, WithinRel(10'000.0 / (1 - im), 1e-12));
}

TEST_CASE("MX-5: inverse PnL of a long XBTUSD position", "[bitmex][inverse][venue]") {
  // BitMEX perpetual guide (VENUES.md MX-5): long 1,000 contracts (1 USD each) @ 1,000, mark
  // 1,250: uPnL = 1000 x (1/1000 - 1/1250) = 1 - 0.8 = 0.20 XBT. Tolerance 1e-12 abs.
  // (The realised 0.17 XBT of the partial close belongs to the what-if tools.)
  Scenario s{.rules = Rules::Bitmex, .walletBalance = 1};
  s.positions = {Position{.symbol = "XBTUSD", .contract = Contract::Inverse, .contractSize = 1, .quantity = 1'000,
                          .entryPrice = 1'000, .markPrice = 1'250, .leverage = 10}};
  const Report r = evaluateOk(s);
  CHECK_THAT(r.cross->positions[0].unrealizedPnl, WithinAbs(0.20, 1e-12));
  CHECK_THAT(r.isolated->positions[0].unrealizedPnl, WithinAbs(0.20, 1e-12));
}
