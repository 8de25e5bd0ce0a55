// SPDX-License-Identifier: MIT
// evaluate(): the as-given outcome, the account, and the steps behind every number.
#include "support.h"

using namespace mltest;

namespace {

/// evaluate() then explain(): the report with its steps.
Report explained(const Scenario& s) {
  Report r = evaluateOk(s);
  explain(s, r);
  return r;
}

/// BTC long isolated with its initial margin, ETH short cross, simple profile, 0.5% flat tier.
Scenario mixedModes() {
  Scenario s{.rules = Rules::Simple, .walletBalance = 10'000};
  s.positions = {
      Position{.symbol = "BTCUSDT", .quantity = 0.5, .entryPrice = 60'000, .markPrice = 61'000, .leverage = 20,
               .marginMode = MarginMode::Isolated},
      Position{.symbol = "ETHUSDT", .side = Side::Short, .quantity = 4, .entryPrice = 3'000, .markPrice = 2'950,
               .leverage = 10, .marginMode = MarginMode::Cross}};
  return s;
}

}  // namespace

TEST_CASE("as given: isolated BTC beside cross ETH share one wallet", "[evaluate][asGiven]") {
  // Hand calculation (simple profile, MM = N x 0.5%):
  // BTC isolated, M = 0.5 x 60000 / 20 = 1500: LP = (1500 - 0.5 x 60000) / (0.5 x 0.005 - 0.5)
  //   = -28500 / -0.4975 = 57,286.432...; BP = (0.5 x 60000 - 1500) / 0.5 = 57,000.
  // Cross wallet = 10000 - 1500 = 8500. ETH short, no other cross position:
  //   LP = (8500 + 4 x 3000) / (4 x 0.005 + 4) = 20500 / 4.02 = 5,099.502...;
  //   BP = (-4 x 3000 - 8500) / -4 = 5,125.
  // Equity = max(0, 1500 + 500) + max(0, 8500 + 200) = 10,700; max loss = 1500 + 8500.
  // Tolerance 1e-12 relative.
  const Report r = evaluateOk(mixedModes());
  REQUIRE(r.asGiven);
  const Outcome& g = *r.asGiven;
  CHECK(g.positions[0].mode == MarginMode::Isolated);
  CHECK(g.positions[1].mode == MarginMode::Cross);
  CHECK_THAT(*g.positions[0].liquidationPrice, WithinRel(28'500.0 / 0.4975, 1e-12));
  CHECK_THAT(*g.positions[0].bankruptcyPrice, WithinRel(57'000.0, 1e-12));
  CHECK_THAT(*g.positions[1].liquidationPrice, WithinRel(20'500.0 / 4.02, 1e-12));
  CHECK_THAT(*g.positions[1].bankruptcyPrice, WithinRel(5'125.0, 1e-12));
  CHECK_THAT(g.positions[1].margin, WithinRel(8'500.0, 1e-12));
  CHECK_THAT(g.account.equity, WithinRel(10'700.0, 1e-12));
  CHECK_THAT(g.account.maxLoss, WithinRel(10'000.0, 1e-12));
  CHECK_THAT(g.positions[0].maxLoss, WithinRel(1'500.0, 1e-12));
  // Available: cross wallet + cross PnL - cross IM = 8500 + 200 - 4 x 3000 / 10 = 7,500.
  CHECK_THAT(g.account.availableBalance, WithinRel(7'500.0, 1e-12));
}

TEST_CASE("without margin modes there is no as-given outcome", "[evaluate][asGiven]") {
  Scenario s = mixedModes();
  for (Position& p : s.positions) p.marginMode.reset();
  const Report r = evaluateOk(s);
  CHECK_FALSE(r.asGiven);
}

TEST_CASE("isolated versus cross: what each puts at risk", "[evaluate]") {
  // Isolated: each loss stops at its margin, 1500 + 1200 = 2,700 at risk.
  // Cross: the whole 10,000 wallet is at risk, and BTC's liquidation is further away:
  // E0 = 10000 - MM_ETH + uPnL_ETH = 10000 - 4 x 2950 x 0.005 + 200 = 10,141;
  // LP = (10141 - 0.5 x 60000) / (0.5 x 0.005 - 0.5) = -19859 / -0.4975 = 39,917.587...
  Scenario s = mixedModes();
  for (Position& p : s.positions) p.marginMode.reset();
  const Report r = evaluateOk(s);
  CHECK_THAT(r.isolated->account.maxLoss, WithinRel(2'700.0, 1e-12));
  CHECK_THAT(r.cross->account.maxLoss, WithinRel(10'000.0, 1e-12));
  CHECK_THAT(*r.cross->positions[0].liquidationPrice, WithinRel(19'859.0 / 0.4975, 1e-12));
  CHECK(*r.cross->positions[0].distanceToLiquidation > *r.isolated->positions[0].distanceToLiquidation);
}

TEST_CASE("every number of a position and of the account has its steps", "[evaluate][steps]") {
  const Report r = explained(mixedModes());
  for (const Outcome* o : {&*r.isolated, &*r.cross, &*r.asGiven}) {
    for (const PositionOutcome& p : o->positions) {
      for (const char* field : {"notional", "initialMargin", "maintenanceMargin", "unrealizedPnl", "roe", "margin",
                                "liquidationPrice", "bankruptcyPrice", "distanceToLiquidation", "marginRatio", "maxLoss"}) {
        INFO(field);
        const auto steps = stepsFor(p, field);
        REQUIRE_FALSE(steps.empty());
        for (const Step& st : steps) CHECK_FALSE(st.label.empty());
      }
      // The last liquidation step carries the reported price, and its formula has numbers in it.
      const auto lp = stepsFor(p, "liquidationPrice");
      REQUIRE(lp.back().value);
      CHECK(*lp.back().value == *p.liquidationPrice);
      CHECK(lp.back().substituted.find_first_of("0123456789") != std::string::npos);
    }
    for (const char* field : {"equity", "maintenanceMargin", "marginRatio", "availableBalance", "maxLoss"}) {
      INFO(field);
      CHECK(std::any_of(o->account.steps.begin(), o->account.steps.end(),
                        [&](const Step& st) { return st.field == field; }));
    }
  }
}

TEST_CASE("steps show the tier walk when the liquidation tier differs from the mark's", "[evaluate][steps][tiers]") {
  // 0.9 BTC at 60,000 (notional 54,000: tier 2 at the mark), 10x, M = 5,400.
  // Tier 2: LP = (5400 + 50 - 54000) / (0.9 x 0.005 - 0.9)
  // = -48550 / -0.8955 = 54,215.52 -> notional 48,794 is tier 1, so the walk goes on:
  // tier 1: (5400 + 0 - 54000) / (0.9 x 0.004 - 0.9) = -48600 / -0.8964 = 54,216.87,
  // notional 48,795 lies in tier 1: the answer, after two pieces.
  Scenario s{.rules = Rules::Binance, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.9, .entryPrice = 60'000, .leverage = 10}};
  s.tiers = {{"BTCUSDT", {{50'000, 125, 0.004, 0}, {250'000, 100, 0.005, 50}}}};
  const Report r = explained(s);
  const PositionOutcome& p = r.isolated->positions[0];
  CHECK(p.tier == 2);
  CHECK(p.liquidationTier == 1);
  CHECK_THAT(*p.liquidationPrice, WithinRel(48'600.0 / 0.8964, 1e-12));
  const auto steps = stepsFor(p, "liquidationPrice");
  REQUIRE(steps.size() >= 2);
  CHECK(steps[steps.size() - 2].label.find("tier 2") != std::string::npos);
  CHECK(steps.back().label.find("tier 1") != std::string::npos);
}

TEST_CASE("a position already past its liquidation price is a result, not an error", "[evaluate]") {
  // Long 1 @ 100 with 10x (M = 10), simple 0.5%: LP = (10 - 100) / (0.005 - 1) = 90.452...;
  // at mark 85 the position is past it: distance = -(90.452 - 85) / 85 < 0.
  Scenario s{.rules = Rules::Simple, .walletBalance = 100};
  s.positions = {Position{.symbol = "X", .quantity = 1, .entryPrice = 100, .markPrice = 85, .leverage = 10}};
  const Report r = evaluateOk(s);
  const PositionOutcome& p = r.isolated->positions[0];
  CHECK_THAT(*p.liquidationPrice, WithinRel(90.0 / 0.995, 1e-12));
  CHECK_THAT(*p.distanceToLiquidation, WithinRel(-(90.0 / 0.995 - 85) / 85, 1e-12));
  // Past bankruptcy too (BP 90): the isolated pool counts as zero in the account equity.
  CHECK_THAT(r.isolated->account.equity, WithinRel(100.0 - 10.0, 1e-12));
  CHECK_FALSE(p.marginRatio);
}

TEST_CASE("tier boundaries and the isolated-versus-cross comparison", "[evaluate][tiers]") {
  // 0.9 BTC linear, caps 50,000 and 250,000: boundaries at 50000 / 0.9 = 55,555.55... (tier 1)
  // only (the last cap has no boundary). Inverse 10 x 100 USD with caps 5 and 10 BTC:
  // boundaries at 1000 / 10 = 100 (tier 2) and 1000 / 5 = 200 (tier 1), ascending.
  Scenario s{.rules = Rules::Binance, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.9, .entryPrice = 60'000, .leverage = 10}};
  s.tiers = {{"BTCUSDT", {{50'000, 125, 0.004, 0}, {250'000, 100, 0.005, 50}}}};
  Report r = evaluateOk(s);
  const auto& b = r.isolated->positions[0].tierBoundaries;
  REQUIRE(b.size() == 1);
  CHECK_THAT(b[0].price, WithinRel(50'000.0 / 0.9, 1e-12));
  CHECK(b[0].tier == 1);
  // Comparison: cross distance minus isolated distance, and the two amounts at risk.
  REQUIRE(r.comparisons.size() == 1);
  const Comparison& c = r.comparisons[0];
  CHECK_THAT(*c.distanceGain, WithinRel(*r.cross->positions[0].distanceToLiquidation -
                                            *r.isolated->positions[0].distanceToLiquidation, 1e-12));
  CHECK_THAT(c.isolatedMaxLoss, WithinRel(5'400.0, 1e-12));  // 0.9 x 60000 / 10
  CHECK_THAT(c.crossMaxLoss, WithinRel(10'000.0, 1e-12));

  Scenario inv{.rules = Rules::Binance, .walletBalance = 1};
  inv.positions = {Position{.symbol = "BTCUSD_PERP", .contract = Contract::Inverse, .contractSize = 100,
                            .quantity = 10, .entryPrice = 150, .leverage = 2}};
  inv.tiers = {{"BTCUSD_PERP", {{5, 125, 0.004, 0}, {10, 100, 0.005, 0.005}, {20, 50, 0.01, 0.055}}}};
  r = evaluateOk(inv);
  const auto& ib = r.cross->positions[0].tierBoundaries;
  REQUIRE(ib.size() == 2);
  CHECK_THAT(ib[0].price, WithinRel(100.0, 1e-12));
  CHECK(ib[0].tier == 2);
  CHECK_THAT(ib[1].price, WithinRel(200.0, 1e-12));
  CHECK(ib[1].tier == 1);
}

TEST_CASE("past liquidation and past bankruptcy, by hand", "[evaluate][past]") {
  // Simple profile, 0.5% flat: a long of 0.5 @ 60,000 at 20x, isolated margin 1,500, wallet 1,500.
  // LP: 1500 + 0.5 (P - 60000) = 0.0025 P -> P = 28500 / 0.4975 = 57,286.43; BP: 1500 + 0.5 (P - 60000) = 0
  // -> P = 57,000. Account at the mark M: equity 1500 + 0.5 (M - 60000), maintenance 0.0025 M.
  Scenario s{.rules = Rules::Simple, .walletBalance = 1'500};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.5, .entryPrice = 60'000, .markPrice = 58'000, .leverage = 20}};
  struct Case {
    double mark;
    bool pastLiquidation, pastBankruptcy, accountPast;
  };
  // 58,000: equity 500 > 145. 57,100: past LP only; equity 50 <= 142.75. 56,000: past both; equity 0 <= 140.
  for (const Case c : {Case{58'000, false, false, false}, Case{57'100, true, false, true}, Case{56'000, true, true, true}}) {
    s.positions[0].markPrice = c.mark;
    const Report r = evaluateOk(s);
    for (const Outcome* o : {&*r.isolated, &*r.cross}) {
      INFO("mark " << c.mark);
      CHECK_THAT(*o->positions[0].liquidationPrice, WithinRel(28'500.0 / 0.4975, 1e-12));
      CHECK(o->positions[0].pastLiquidation == c.pastLiquidation);
      CHECK(o->positions[0].pastBankruptcy == c.pastBankruptcy);
      CHECK(o->account.pastLiquidation == c.accountPast);
    }
  }
}
