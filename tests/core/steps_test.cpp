// SPDX-License-Identifier: MIT
// Steps: complete texts (field, label, formula, substituted) and values of a few scenarios, so a
// change in how steps are built cannot change a byte of what they say. Texts were read from the
// build before the step writer was rewritten; values to 1e-12 relative.
#include <optional>
#include <vector>

#include "support.h"

using namespace mltest;

namespace {

/// evaluate() then explain(): the report with its steps.
Report explained(const Scenario& s) {
  Report r = evaluateOk(s);
  explain(s, r);
  return r;
}

struct Pinned {
  const char* field;
  const char* label;
  const char* formula;
  const char* substituted;
  std::optional<double> value;
};

void checkSteps(const std::vector<Step>& steps, const std::vector<Pinned>& pinned) {
  REQUIRE(steps.size() == pinned.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    INFO("step " << i);
    CHECK(steps[i].field == pinned[i].field);
    CHECK(steps[i].label == pinned[i].label);
    CHECK(steps[i].formula == pinned[i].formula);
    CHECK(steps[i].substituted == pinned[i].substituted);
    REQUIRE(steps[i].value.has_value() == pinned[i].value.has_value());
    if (pinned[i].value) CHECK_THAT(*steps[i].value, WithinRel(*pinned[i].value, 1e-12));
  }
}

/// The JS API's defaultScenario (wasm/marginlab.mjs): Binance, default tiers, two positions.
Scenario defaultScenario() {
  Scenario s;
  s.rules = Rules::Binance;
  s.walletBalance = 10000;
  s.takerFeeRate = 0.0005;
  s.positions = {Position{.symbol = "BTCUSDT", .side = Side::Long, .quantity = 0.5, .entryPrice = 60000,
                          .markPrice = 61000, .leverage = 20},
                 Position{.symbol = "ETHUSDT", .side = Side::Short, .quantity = 4, .entryPrice = 3000,
                          .markPrice = 2950, .leverage = 10}};
  return s;
}

}  // namespace

TEST_CASE("steps: the default scenario, word for word", "[steps]") {
  const Report r = explained(defaultScenario());
  checkSteps(r.isolated->positions[0].steps, {
    {"notional", "Notional at the mark (quote)",
     "N = Q·CS·P_mark", "0.5×1×61000", 30500.000000000000},
    {"initialMargin", "Initial margin at entry",
     "IM = N_entry / L", "30000 / 20", 1500.0000000000000},
    {"maintenanceMargin", "Maintenance margin at the mark, tier 1 (notional 0 to 50000, MMR 0.004, amount 0)",
     "MM = N·MMR − amount", "30500×0.004 − 0", 122.00000000000000},
    {"unrealizedPnl", "Unrealized PnL at the mark (quote)",
     "uPnL = s·Q·CS·(P_mark − EP)", "1×0.5×1×(61000 − 60000)", 500.00000000000000},
    {"roe", "Return on the initial margin",
     "ROE = uPnL / IM", "500 / 1500", 0.33333333333333331},
    {"margin", "Isolated margin: the initial margin",
     "M", "1500", 1500.0000000000000},
    {"liquidationPrice", "Liquidation price where equity = maintenance margin, tier 1 (notional 0 to 50000): the price lies in this range, so this is the answer",
     "LP = (M + Σ cum − Σ s·q·EP) / (Σ q·MMR − Σ s·q)", "(1500 + 0 − 0.5×60000) / (0.5×0.004 − 0.5)", 57228.915662650601},
    {"bankruptcyPrice", "Bankruptcy price where equity = 0",
     "BP = (Σ s·q·EP − M) / Σ s·q", "(0.5×60000 − 1500) / 0.5", 57000.000000000000},
    {"distanceToLiquidation", "Distance from the mark to the liquidation price",
     "d = |LP − P_mark| / P_mark", "|57228.91566 − 61000| / 61000", 0.061821054710645883},
    {"marginRatio", "Margin ratio: maintenance over the equity backing it (100% liquidates)",
     "ratio = MM / (M + uPnL)", "122 / (1500 + 500)", 0.060999999999999999},
    {"maxLoss", "Most it can lose: its isolated margin",
     "maxLoss = M", "1500", 1500.0000000000000},
  });
  checkSteps(r.cross->positions[1].steps, {
    {"notional", "Notional at the mark (quote)",
     "N = Q·CS·P_mark", "4×1×2950", 11800.000000000000},
    {"initialMargin", "Initial margin at entry",
     "IM = N_entry / L", "12000 / 10", 1200.0000000000000},
    {"maintenanceMargin", "Maintenance margin at the mark, tier 2 (notional 10000 to 100000, MMR 0.0065, amount 15)",
     "MM = N·MMR − amount", "11800×0.0065 − 15", 61.700000000000003},
    {"unrealizedPnl", "Unrealized PnL at the mark (quote)",
     "uPnL = s·Q·CS·(P_mark − EP)", "(-1)×4×1×(2950 − 3000)", 200.00000000000000},
    {"roe", "Return on the initial margin",
     "ROE = uPnL / IM", "200 / 1200", 0.16666666666666666},
    {"margin", "Cross wallet: the wallet less the isolated margins",
     "W_cross = W − Σ M_isolated", "10000 − 0", 10000.000000000000},
    {"liquidationPrice", "Margin backing ETHUSDT in cross: the cross wallet, less the maintenance of the other positions, plus their PnL",
     "E0 = W_cross − Σ MM_other + Σ uPnL_other", "10000 − 122 + 500", 10378.000000000000},
    {"bankruptcyPrice", "Margin backing ETHUSDT before bankruptcy: the cross wallet plus the other positions' PnL",
     "E0b = W_cross + Σ uPnL_other", "10000 + 500", 10500.000000000000},
    {"liquidationPrice", "Liquidation price where equity = maintenance margin, tier 2 (notional 10000 to 100000): the price lies in this range, so this is the answer",
     "LP = (E0 + Σ cum − Σ s·q·EP) / (Σ q·MMR − Σ s·q)", "(10378 + 15 − (-4)×3000) / (4×0.0065 − (-4))", 5562.0963735717833},
    {"bankruptcyPrice", "Bankruptcy price where equity = 0",
     "BP = (Σ s·q·EP − E0b) / Σ s·q", "((-4)×3000 − 10500) / (-4)", 5625.0000000000000},
    {"distanceToLiquidation", "Distance from the mark to the liquidation price",
     "d = |LP − P_mark| / P_mark", "|5562.096374 − 2950| / 2950", 0.88545639782094343},
    {"marginRatio", "Margin ratio: maintenance over the equity backing it (100% liquidates)",
     "ratio = Σ MM_cross / (W_cross + Σ uPnL_cross)", "183.7 / (10000 + 700)", 0.017168224299065421},
    {"maxLoss", "Most it can lose: the whole cross wallet backs it",
     "maxLoss = W_cross", "10000", 10000.000000000000},
  });
  checkSteps(r.cross->account.steps, {
    {"equity", "Equity: each isolated position's margin plus its PnL, and the cross wallet plus the cross PnL; a pool that is past bankruptcy counts as zero (the insurance fund takes the rest)",
     "equity = Σ max(0, M + uPnL) + max(0, W_cross + Σ uPnL_cross)", "max(0, 10000 + 700)", 10700.000000000000},
    {"maintenanceMargin", "Maintenance margin of every position",
     "MM = Σ MM_i", "183.7", 183.69999999999999},
    {"marginRatio", "Account margin ratio (100% liquidates)",
     "ratio = MM / equity", "183.7 / 10700", 0.017168224299065421},
    {"availableBalance", "Available: the cross wallet plus the cross PnL, less the cross initial margins",
     "available = W_cross + Σ uPnL_cross − Σ IM_cross", "10000 + 700 − 2700", 8000.0000000000000},
    {"maxLoss", "Most the account can lose: the isolated margins, and the whole cross wallet if any position is cross",
     "maxLoss = Σ M + W_cross", "0 + 10000", 10000.000000000000},
  });
  REQUIRE(r.comparisons.size() == 2);
  checkSteps(r.comparisons[0].steps, {
    {"distanceGain", "How much further from the mark cross puts the liquidation",
     "d_cross − d_isolated", "0.3461814471 − 0.06182105471", 0.28436039238922900},
    {"maxLoss", "At risk: isolated margin against the whole cross wallet",
     "maxLoss_cross − maxLoss_isolated", "10000 − 1500", 8500.0000000000000},
  });
}

TEST_CASE("steps: a position no price liquidates (tiers walked, no answer), word for word", "[steps]") {
  // Scenario(1) of tests/bench/core_bench.cpp: one long in cross behind a 1,000,000 wallet.
  Scenario s;
  s.rules = Rules::Binance;
  s.walletBalance = 1'000'000;
  s.positions = {Position{.symbol = "S0", .side = Side::Long, .quantity = 0.5, .entryPrice = 30000,
                          .markPrice = 30000 * (1 + 0.01 * (0.0 - 3)), .leverage = 10}};
  s.tiers["S0"] = {Tier{.notionalCap = 50000, .maxLeverage = 125, .maintenanceMarginRate = 0.004},
                   Tier{.notionalCap = 250000, .maxLeverage = 100, .maintenanceMarginRate = 0.005},
                   Tier{.notionalCap = 1e12, .maxLeverage = 50, .maintenanceMarginRate = 0.01}};
  const Report r = explained(s);
  checkSteps(r.cross->positions[0].steps, {
    {"notional", "Notional at the mark (quote)",
     "N = Q·CS·P_mark", "0.5×1×29100", 14550.000000000000},
    {"initialMargin", "Initial margin at entry",
     "IM = N_entry / L", "15000 / 10", 1500.0000000000000},
    {"maintenanceMargin", "Maintenance margin at the mark, tier 1 (notional 0 to 50000, MMR 0.004, amount 0)",
     "MM = N·MMR − amount", "14550×0.004 − 0", 58.200000000000003},
    {"unrealizedPnl", "Unrealized PnL at the mark (quote)",
     "uPnL = s·Q·CS·(P_mark − EP)", "1×0.5×1×(29100 − 30000)", -450.00000000000000},
    {"roe", "Return on the initial margin",
     "ROE = uPnL / IM", "-450 / 1500", -0.29999999999999999},
    {"margin", "Cross wallet: the wallet less the isolated margins",
     "W_cross = W − Σ M_isolated", "1000000 − 0", 1000000.0000000000},
    {"liquidationPrice", "Margin backing S0 in cross: the cross wallet, less the maintenance of the other positions, plus their PnL",
     "E0 = W_cross − Σ MM_other + Σ uPnL_other", "1000000 − 0 + 0", 1000000.0000000000},
    {"bankruptcyPrice", "Margin backing S0 before bankruptcy: the cross wallet plus the other positions' PnL",
     "E0b = W_cross + Σ uPnL_other", "1000000 + 0", 1000000.0000000000},
    {"liquidationPrice", "Liquidation price where equity = maintenance margin, tier 1 (notional 0 to 50000): no positive price in this range, so the next tier applies",
     "LP = (E0 + Σ cum − Σ s·q·EP) / (Σ q·MMR − Σ s·q)", "(1000000 + 0 − 0.5×30000) / (0.5×0.004 − 0.5)", std::nullopt},
    {"liquidationPrice", "No price brings equity down to the maintenance margin: the margin covers the loss at every price (the formula gives -1977911.647, not a positive price)",
     "", "", std::nullopt},
    {"bankruptcyPrice", "Bankruptcy price where equity = 0",
     "BP = (Σ s·q·EP − E0b) / Σ s·q", "(0.5×30000 − 1000000) / 0.5", std::nullopt},
    {"bankruptcyPrice", "No price brings the margin to zero: the margin covers the loss at every price (the formula gives -1970000, not a positive price)",
     "", "", std::nullopt},
    {"distanceToLiquidation", "No distance: no positive price liquidates this position",
     "", "", std::nullopt},
    {"marginRatio", "Margin ratio: maintenance over the equity backing it (100% liquidates)",
     "ratio = Σ MM_cross / (W_cross + Σ uPnL_cross)", "58.2 / (1000000 + (-450))", 0.000058226201790805868},
    {"maxLoss", "Most it can lose: the whole cross wallet backs it",
     "maxLoss = W_cross", "1000000", 1000000.0000000000},
  });
}

TEST_CASE("steps: an inverse BitMEX short (entry-value maintenance, fees), word for word", "[steps]") {
  Scenario s;
  s.rules = Rules::Bitmex;
  s.walletBalance = 0.5;
  s.positions = {Position{.symbol = "XBTUSD", .contract = Contract::Inverse, .side = Side::Short, .quantity = 20000,
                          .entryPrice = 60000, .markPrice = 61000, .leverage = 10}};
  const Report r = explained(s);
  checkSteps(r.isolated->positions[0].steps, {
    {"notional", "Notional at the mark (coin)",
     "N = Q·CS / P_mark", "20000×1 / 61000", 0.32786885245901642},
    {"initialMargin", "Initial margin at entry, with entry and exit taker fees reserved",
     "IM = N_entry / L + 2·fee·N_entry", "0.3333333333 / 10 + 2×0.00075×0.3333333333", 0.033833333333333333},
    {"maintenanceMargin", "Maintenance margin on the entry value, tier 1 (notional 0 to 200, MMR 0.005, amount 0), with the exit taker fee",
     "MM = N_entry·(MMR + fee) − amount", "0.3333333333×(0.005 + 0.00075) − 0", 0.0019166666666666666},
    {"unrealizedPnl", "Unrealized PnL at the mark (coin)",
     "uPnL = s·Q·CS·(1/EP − 1/P_mark)", "(-1)×20000×1×(1/60000 − 1/61000)", -0.0054644808743168904},
    {"roe", "Return on the initial margin",
     "ROE = uPnL / IM", "-0.005464480874 / 0.03383333333", -0.16151174997980958},
    {"margin", "Isolated margin: the initial margin",
     "M", "0.03383333333", 0.033833333333333333},
    {"liquidationPrice", "Liquidation price where equity = maintenance margin, maintenance on the entry value (tier 1 (notional 0 to 200))",
     "LP = Σ s·V / (M − Σ MM + Σ s·V/EP)", "(-20000) / (0.03383333333 − 0.001916666667 + (-20000)/60000)", 66353.331490185243},
    {"bankruptcyPrice", "Bankruptcy price where equity = 0",
     "BP = Σ s·V / (M + Σ s·V/EP)", "(-20000) / (0.03383333333 + (-20000)/60000)", 66777.963272120207},
    {"distanceToLiquidation", "Distance from the mark to the liquidation price",
     "d = |LP − P_mark| / P_mark", "|66353.33149 − 61000| / 61000", 0.087759532625987582},
    {"marginRatio", "Margin ratio: maintenance over the equity backing it (100% liquidates)",
     "ratio = MM / (M + uPnL)", "0.001916666667 / (0.03383333333 + (-0.005464480874))", 0.067562361552537684},
    {"maxLoss", "Most it can lose: its isolated margin",
     "maxLoss = M", "0.03383333333", 0.033833333333333333},
  });
  checkSteps(r.cross->positions[0].steps, {
    {"notional", "Notional at the mark (coin)",
     "N = Q·CS / P_mark", "20000×1 / 61000", 0.32786885245901642},
    {"initialMargin", "Initial margin at entry, with entry and exit taker fees reserved",
     "IM = N_entry / L + 2·fee·N_entry", "0.3333333333 / 10 + 2×0.00075×0.3333333333", 0.033833333333333333},
    {"maintenanceMargin", "Maintenance margin on the entry value, tier 1 (notional 0 to 200, MMR 0.005, amount 0), with the exit taker fee",
     "MM = N_entry·(MMR + fee) − amount", "0.3333333333×(0.005 + 0.00075) − 0", 0.0019166666666666666},
    {"unrealizedPnl", "Unrealized PnL at the mark (coin)",
     "uPnL = s·Q·CS·(1/EP − 1/P_mark)", "(-1)×20000×1×(1/60000 − 1/61000)", -0.0054644808743168904},
    {"roe", "Return on the initial margin",
     "ROE = uPnL / IM", "-0.005464480874 / 0.03383333333", -0.16151174997980958},
    {"margin", "Cross wallet: the wallet less the isolated margins",
     "W_cross = W − Σ M_isolated", "0.5 − 0", 0.50000000000000000},
    {"liquidationPrice", "Margin backing XBTUSD in cross: the cross wallet, less the maintenance of the other positions, plus their PnL",
     "E0 = W_cross − Σ MM_other + Σ uPnL_other", "0.5 − 0 + 0", 0.50000000000000000},
    {"bankruptcyPrice", "Margin backing XBTUSD before bankruptcy: the cross wallet plus the other positions' PnL",
     "E0b = W_cross + Σ uPnL_other", "0.5 + 0", 0.50000000000000000},
    {"liquidationPrice", "Liquidation price where equity = maintenance margin, maintenance on the entry value (tier 1 (notional 0 to 200))",
     "LP = Σ s·V / (E0 − Σ MM + Σ s·V/EP)", "(-20000) / (0.5 − 0.001916666667 + (-20000)/60000)", std::nullopt},
    {"liquidationPrice", "No price brings equity down to the maintenance margin: the margin covers the loss at every price (the formula gives 1/P = -8.2375e-06, so no finite price)",
     "", "", std::nullopt},
    {"bankruptcyPrice", "Bankruptcy price where equity = 0",
     "BP = Σ s·V / (E0b + Σ s·V/EP)", "(-20000) / (0.5 + (-20000)/60000)", std::nullopt},
    {"bankruptcyPrice", "No price brings the margin to zero: the margin covers the loss at every price (the formula gives 1/P = -8.333333333e-06, so no finite price)",
     "", "", std::nullopt},
    {"distanceToLiquidation", "No distance: no positive price liquidates this position",
     "", "", std::nullopt},
    {"marginRatio", "Margin ratio: maintenance over the equity backing it (100% liquidates)",
     "ratio = Σ MM_cross / (W_cross + Σ uPnL_cross)", "0.001916666667 / (0.5 + (-0.005464480874))", 0.0038756906077348058},
    {"maxLoss", "Most it can lose: the whole cross wallet backs it",
     "maxLoss = W_cross", "0.5", 0.50000000000000000},
  });
}
