// SPDX-License-Identifier: MIT
// MarginLab: evaluate() — every position and the account, isolated and cross, with the steps
// that explain each number.
#include "marginlab/evaluate.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "marginlab/format.h"
#include "marginlab/validate.h"
#include "model.h"
#include "explain.h"

namespace marginlab {

namespace {

using detail::Crossing;
using detail::Leg;
using detail::Model;

using detail::n;
using detail::sn;

using detail::add;

/// Per-leg numbers at the marks, shared by the position and account parts.
struct AtMark {
  double notional = 0;
  double pnl = 0;
  detail::Maintenance mm;
  double maintenance = 0;     ///< the MM the liquidation condition uses
  double feeToClose = 0;      ///< bybit-uta: reported on top of maintenance
};

AtMark atMark(const Model& m, const Leg& leg) {
  AtMark a;
  a.notional = leg.notionalAt(leg.mark);
  a.pnl = leg.pnlAt(leg.mark);
  a.mm = detail::maintenanceAt(m, leg, leg.u(leg.mark));
  a.maintenance = a.mm.c0 + a.mm.c1 * leg.u(leg.mark);
  if (m.profile->feeToCloseInReport) {
    // Fee to close at the bankruptcy price of the position at its leverage (Bybit UTA).
    const double bankruptcy = leg.contract == Contract::Linear ? leg.entry * (1 - leg.s / leg.leverage)
                                                               : leg.entry * leg.leverage / (leg.leverage + leg.s);
    a.feeToClose = leg.notionalAt(bankruptcy) * m.fee;
  }
  return a;
}

void positionSteps(const Model& m, const Leg& leg, const AtMark& a, std::vector<Step>& steps) {
  const Position& p = m.scenario->positions[leg.index];
  const bool linear = leg.contract == Contract::Linear;
  const std::string unit = linear ? "quote" : "coin";
  if (linear) {
    add(steps, "notional", "Notional at the mark (" + unit + ")", "N = Q·CS·P_mark",
        n(p.quantity) + "×" + n(p.contractSize) + "×" + n(leg.mark), a.notional);
  } else {
    add(steps, "notional", "Notional at the mark (" + unit + ")", "N = Q·CS / P_mark",
        n(p.quantity) + "×" + n(p.contractSize) + " / " + n(leg.mark), a.notional);
  }
  if (m.profile->feesInInitialMargin) {
    add(steps, "initialMargin", "Initial margin at entry, with entry and exit taker fees reserved",
        "IM = N_entry / L + 2·fee·N_entry",
        n(leg.entryNotional) + " / " + n(leg.leverage) + " + 2×" + n(m.fee) + "×" + n(leg.entryNotional),
        leg.initialMargin);
  } else {
    add(steps, "initialMargin", "Initial margin at entry", "IM = N_entry / L",
        n(leg.entryNotional) + " / " + n(leg.leverage), leg.initialMargin);
  }
  const ResolvedTier& tier = m.tiersOf(leg)[a.mm.tier];
  const std::string tierLabel = "tier " + std::to_string(a.mm.tier + 1) + " (notional " + n(tier.floor) +
                                " to " + n(tier.cap) + ", MMR " + n(tier.rate) + ", amount " + n(tier.amount) + ")";
  if (m.profile->basis == MaintenanceBasis::AtEntry) {
    const bool fee = m.profile->exitFeeInMaintenance;
    add(steps, "maintenanceMargin",
        "Maintenance margin on the entry value, " + tierLabel + (fee ? ", with the exit taker fee" : ""),
        fee ? "MM = N_entry·(MMR + fee) − amount" : "MM = N_entry·MMR − amount",
        n(leg.entryNotional) + "×" + (fee ? "(" + n(a.mm.rate) + " + " + n(m.fee) + ")" : n(a.mm.rate)) + " − " +
            n(a.mm.amount),
        a.maintenance);
  } else {
    const bool fee = m.profile->feeInMaintenanceRate;
    add(steps, "maintenanceMargin", "Maintenance margin at the mark, " + tierLabel + (fee ? ", with the taker fee" : ""),
        fee ? "MM = N·(MMR + fee) − amount" : "MM = N·MMR − amount",
        n(a.notional) + "×" + (fee ? "(" + n(a.mm.rate) + " + " + n(m.fee) + ")" : n(a.mm.rate)) + " − " +
            n(a.mm.amount),
        a.maintenance);
  }
  if (m.profile->feeToCloseInReport) {
    add(steps, "maintenanceMargin", "Maintenance margin with the fee to close at the bankruptcy price",
        "MM = N·MMR − amount + N_bankruptcy·fee", n(a.maintenance) + " + " + n(a.feeToClose),
        a.maintenance + a.feeToClose);
  }
  if (linear) {
    add(steps, "unrealizedPnl", "Unrealized PnL at the mark (" + unit + ")", "uPnL = s·Q·CS·(P_mark − EP)",
        sn(leg.s) + "×" + n(p.quantity) + "×" + n(p.contractSize) + "×(" + n(leg.mark) + " − " + n(leg.entry) + ")",
        a.pnl);
  } else {
    add(steps, "unrealizedPnl", "Unrealized PnL at the mark (" + unit + ")", "uPnL = s·Q·CS·(1/EP − 1/P_mark)",
        sn(leg.s) + "×" + n(p.quantity) + "×" + n(p.contractSize) + "×(1/" + n(leg.entry) + " − 1/" + n(leg.mark) + ")",
        a.pnl);
  }
  add(steps, "roe", "Return on the initial margin", "ROE = uPnL / IM", n(a.pnl) + " / " + n(leg.initialMargin),
      a.pnl / leg.initialMargin);
}

struct GroupResult {
  Crossing liquidation, bankruptcy;
  std::vector<Step> marginSteps;
};

PositionOutcome finishPosition(const Leg& leg, const AtMark& a, MarginMode mode, double margin,
                               const GroupResult& g, std::size_t legInGroup,
                               std::optional<double> marginRatio, const std::string& ratioFormula,
                               const std::string& ratioSubstituted, std::vector<Step> steps) {
  PositionOutcome o;
  o.mode = mode;
  o.notional = a.notional;
  o.initialMargin = leg.initialMargin;
  o.maintenanceMargin = a.maintenance + a.feeToClose;
  o.maintenanceMarginRate = a.mm.rate;
  o.tier = static_cast<int>(a.mm.tier) + 1;
  o.unrealizedPnl = a.pnl;
  o.roe = a.pnl / leg.initialMargin;
  o.margin = margin;
  o.liquidationPrice = g.liquidation.price;
  o.bankruptcyPrice = g.bankruptcy.price;
  if (g.liquidation.price && legInGroup < g.liquidation.tiers.size())
    o.liquidationTier = static_cast<int>(g.liquidation.tiers[legInGroup]) + 1;
  steps.insert(steps.end(), g.marginSteps.begin(), g.marginSteps.end());
  steps.insert(steps.end(), g.liquidation.trace.begin(), g.liquidation.trace.end());
  steps.insert(steps.end(), g.bankruptcy.trace.begin(), g.bankruptcy.trace.end());
  if (o.liquidationPrice) {
    const double lp = *o.liquidationPrice;
    const double d = std::abs(lp - leg.mark) / leg.mark * (g.liquidation.alreadyPast ? -1 : 1);
    o.distanceToLiquidation = d;
    add(steps, "distanceToLiquidation",
        g.liquidation.alreadyPast ? "Distance to liquidation: the mark is already past it (negative)"
                                  : "Distance from the mark to the liquidation price",
        g.liquidation.alreadyPast ? "d = −|LP − P_mark| / P_mark" : "d = |LP − P_mark| / P_mark",
        "|" + n(lp) + " − " + n(leg.mark) + "| / " + n(leg.mark), d);
  } else {
    add(steps, "distanceToLiquidation", "No distance: no positive price liquidates this position", "", "",
        std::nullopt);
  }
  o.marginRatio = marginRatio;
  add(steps, "marginRatio",
      marginRatio ? "Margin ratio: maintenance over the equity backing it (100% liquidates)"
                  : "Margin ratio: none, the equity backing the position is zero or less",
      ratioFormula, ratioSubstituted, marginRatio);
  o.maxLoss = margin;
  add(steps, "maxLoss",
      mode == MarginMode::Isolated ? "Most it can lose: its isolated margin"
                                   : "Most it can lose: the whole cross wallet backs it",
      mode == MarginMode::Isolated ? "maxLoss = M" : "maxLoss = W_cross", n(margin), margin);
  o.steps = std::move(steps);
  return o;
}

std::vector<TierBoundary> tierBoundaries(const Model& m, const Leg& leg) {
  std::vector<TierBoundary> out;
  const auto& tiers = m.tiersOf(leg);
  for (std::size_t j = 0; j + 1 < tiers.size(); ++j) {
    const double price = leg.contract == Contract::Linear ? tiers[j].cap / leg.k : leg.k / tiers[j].cap;
    if (isValidPositive(price)) out.push_back({price, tiers[j].cap, static_cast<int>(j) + 1});
  }
  std::sort(out.begin(), out.end(), [](const TierBoundary& a, const TierBoundary& b) { return a.price < b.price; });
  return out;
}

Comparison compare(std::size_t i, const PositionOutcome& iso, const PositionOutcome& cross) {
  Comparison c;
  c.position = i;
  c.isolatedDistance = iso.distanceToLiquidation;
  c.crossDistance = cross.distanceToLiquidation;
  c.isolatedMaxLoss = iso.maxLoss;
  c.crossMaxLoss = cross.maxLoss;
  if (iso.distanceToLiquidation && cross.distanceToLiquidation) {
    c.distanceGain = *cross.distanceToLiquidation - *iso.distanceToLiquidation;
    add(c.steps, "distanceGain", "How much further from the mark cross puts the liquidation", "d_cross − d_isolated",
        n(*cross.distanceToLiquidation) + " − " + n(*iso.distanceToLiquidation), c.distanceGain);
  } else {
    add(c.steps, "distanceGain",
        cross.distanceToLiquidation ? "Isolated never liquidates this position; cross can"
                                    : (iso.distanceToLiquidation ? "Cross never liquidates this position; isolated can"
                                                                 : "Neither mode liquidates this position"),
        "", "", std::nullopt);
  }
  add(c.steps, "maxLoss", "At risk: isolated margin against the whole cross wallet", "maxLoss_cross − maxLoss_isolated",
      n(cross.maxLoss) + " − " + n(iso.maxLoss), cross.maxLoss - iso.maxLoss);
  return c;
}

Outcome outcome(const Model& m, const std::vector<MarginMode>& modes) {
  const std::size_t count = m.legs.size();
  const double wallet = m.scenario->walletBalance;
  const double crossWallet = detail::crossWallet(m, modes);
  std::vector<AtMark> marks;
  marks.reserve(count);
  double crossPnl = 0, crossMaintenance = 0, crossInitial = 0, isolatedMargins = 0;
  bool hasCross = false;
  for (const Leg& leg : m.legs) {
    marks.push_back(atMark(m, leg));
    if (modes[leg.index] == MarginMode::Cross) {
      hasCross = true;
      crossPnl += marks.back().pnl;
      crossMaintenance += marks.back().maintenance;
      crossInitial += leg.initialMargin;
    } else {
      isolatedMargins += leg.isolatedMargin;
    }
  }

  // Cross legs move with the other legs of their symbol.
  std::map<std::string, std::vector<const Leg*>, std::less<>> crossGroups;
  for (const Leg& leg : m.legs)
    if (modes[leg.index] == MarginMode::Cross)
      crossGroups[m.scenario->positions[leg.index].symbol].push_back(&leg);

  Outcome out;
  out.positions.resize(count);
  const double crossEquityRaw = crossWallet + crossPnl;
  std::optional<double> crossRatio;
  if (crossEquityRaw > 0) crossRatio = crossMaintenance / crossEquityRaw;

  for (auto& [symbol, group] : crossGroups) {
    double otherPnl = 0, otherMaintenance = 0;
    for (const Leg& leg : m.legs) {
      if (modes[leg.index] != MarginMode::Cross || m.scenario->positions[leg.index].symbol == symbol) continue;
      otherPnl += marks[leg.index].pnl;
      otherMaintenance += marks[leg.index].maintenance;
    }
    GroupResult g;
    const double e0 = crossWallet - otherMaintenance + otherPnl;
    add(g.marginSteps, "liquidationPrice",
        "Margin backing " + symbol + " in cross: the cross wallet, less the maintenance of the other positions, plus their PnL",
        "E0 = W_cross − Σ MM_other + Σ uPnL_other", n(crossWallet) + " − " + n(otherMaintenance) + " + " + sn(otherPnl), e0);
    const double e0b = crossWallet + otherPnl;
    add(g.marginSteps, "bankruptcyPrice", "Margin backing " + symbol + " before bankruptcy: the cross wallet plus the other positions' PnL",
        "E0b = W_cross + Σ uPnL_other", n(crossWallet) + " + " + sn(otherPnl), e0b);
    g.liquidation = detail::solveCrossing(m, group, e0, "E0", true, "liquidationPrice");
    g.bankruptcy = detail::solveCrossing(m, group, e0b, "E0b", false, "bankruptcyPrice");
    for (std::size_t i = 0; i < group.size(); ++i) {
      const Leg& leg = *group[i];
      std::vector<Step> steps;
      positionSteps(m, leg, marks[leg.index], steps);
      add(steps, "margin", "Cross wallet: the wallet less the isolated margins", "W_cross = W − Σ M_isolated",
          n(wallet) + " − " + n(isolatedMargins), crossWallet);
      out.positions[leg.index] =
          finishPosition(leg, marks[leg.index], MarginMode::Cross, crossWallet, g, i, crossRatio,
                         "ratio = Σ MM_cross / (W_cross + Σ uPnL_cross)",
                         n(crossMaintenance) + " / (" + n(crossWallet) + " + " + sn(crossPnl) + ")", std::move(steps));
    }
  }

  for (const Leg& leg : m.legs) {
    if (modes[leg.index] != MarginMode::Isolated) continue;
    const AtMark& a = marks[leg.index];
    const Position& p = m.scenario->positions[leg.index];
    std::vector<Step> steps;
    positionSteps(m, leg, a, steps);
    add(steps, "margin", p.isolatedMargin ? "Isolated margin, as given" : "Isolated margin: the initial margin",
        "M", n(leg.isolatedMargin), leg.isolatedMargin);
    GroupResult g;
    double e0 = leg.isolatedMargin;
    if (m.profile->extraMarginNetOfFee) {
      const double extra = leg.isolatedMargin - leg.initialMargin;
      e0 = leg.initialMargin + extra / (1 - leg.s * m.fee);
      add(g.marginSteps, "liquidationPrice", "Margin counted for liquidation: extra margin net of the fee to close",
          "M' = IM + (M − IM) / (1 − s·fee)",
          n(leg.initialMargin) + " + (" + n(leg.isolatedMargin) + " − " + n(leg.initialMargin) + ") / (1 − " +
              sn(leg.s) + "×" + n(m.fee) + ")",
          e0);
    }
    const Leg* one[] = {&leg};
    g.liquidation = detail::solveCrossing(m, one, e0, m.profile->extraMarginNetOfFee ? "M'" : "M", true, "liquidationPrice");
    g.bankruptcy = detail::solveCrossing(m, one, leg.isolatedMargin, "M", false, "bankruptcyPrice");
    const double equity = leg.isolatedMargin + a.pnl;
    std::optional<double> ratio;
    if (equity > 0) ratio = a.maintenance / equity;
    out.positions[leg.index] = finishPosition(leg, a, MarginMode::Isolated, leg.isolatedMargin, g, 0, ratio,
                                              "ratio = MM / (M + uPnL)",
                                              n(a.maintenance) + " / (" + n(leg.isolatedMargin) + " + " + sn(a.pnl) + ")",
                                              std::move(steps));
  }

  for (const Leg& leg : m.legs) out.positions[leg.index].tierBoundaries = tierBoundaries(m, leg);

  // Account.
  AccountOutcome& acc = out.account;
  acc.equity = detail::EquityModel(m, modes, {}).at(1.0);
  std::string isolatedTerms, crossTerms;
  double maintenance = 0;
  for (const Leg& leg : m.legs) {
    maintenance += marks[leg.index].maintenance + marks[leg.index].feeToClose;
    if (modes[leg.index] == MarginMode::Isolated) {
      if (!isolatedTerms.empty()) isolatedTerms += " + ";
      isolatedTerms += "max(0, " + n(leg.isolatedMargin) + " + " + sn(marks[leg.index].pnl) + ")";
    }
  }
  std::string equitySub = isolatedTerms;
  if (!equitySub.empty()) equitySub += " + ";
  equitySub += hasCross ? "max(0, " + n(crossWallet) + " + " + sn(crossPnl) + ")" : sn(crossWallet);
  add(acc.steps, "equity",
      "Equity: each isolated position's margin plus its PnL, and the cross wallet plus the cross PnL; a pool that "
      "is past bankruptcy counts as zero (the insurance fund takes the rest)",
      "equity = Σ max(0, M + uPnL) + max(0, W_cross + Σ uPnL_cross)", equitySub, acc.equity);
  acc.maintenanceMargin = maintenance;
  add(acc.steps, "maintenanceMargin", "Maintenance margin of every position", "MM = Σ MM_i", n(maintenance), maintenance);
  if (acc.equity > 0) acc.marginRatio = maintenance / acc.equity;
  add(acc.steps, "marginRatio",
      acc.marginRatio ? "Account margin ratio (100% liquidates)" : "Account margin ratio: none, the equity is zero",
      "ratio = MM / equity", n(maintenance) + " / " + n(acc.equity), acc.marginRatio);
  acc.availableBalance = hasCross ? crossWallet + crossPnl - crossInitial : crossWallet;
  add(acc.steps, "availableBalance",
      hasCross ? "Available: the cross wallet plus the cross PnL, less the cross initial margins"
               : "Available: the wallet less the isolated margins",
      hasCross ? "available = W_cross + Σ uPnL_cross − Σ IM_cross" : "available = W − Σ M",
      hasCross ? n(crossWallet) + " + " + sn(crossPnl) + " − " + n(crossInitial) : n(wallet) + " − " + n(isolatedMargins),
      acc.availableBalance);
  if (crossWallet < 0) {
    add(acc.steps, "availableBalance", "The wallet does not cover the isolated margins", "W − Σ M < 0",
        n(wallet) + " − " + n(isolatedMargins), crossWallet);
  }
  acc.maxLoss = isolatedMargins + (hasCross ? std::max(0.0, crossWallet) : 0.0);
  add(acc.steps, "maxLoss", "Most the account can lose: the isolated margins, and the whole cross wallet if any position is cross",
      "maxLoss = Σ M + W_cross", n(isolatedMargins) + " + " + n(hasCross ? std::max(0.0, crossWallet) : 0.0), acc.maxLoss);
  return out;
}

}  // namespace

Report evaluate(const Scenario& scenario) {
  Report report;
  report.errors = validate(scenario);
  if (!report.errors.empty()) return report;
  const Model m = detail::buildModel(scenario);
  const std::size_t count = scenario.positions.size();
  report.isolated = outcome(m, std::vector<MarginMode>(count, MarginMode::Isolated));
  report.cross = outcome(m, std::vector<MarginMode>(count, MarginMode::Cross));
  for (std::size_t i = 0; i < count; ++i)
    report.comparisons.push_back(compare(i, report.isolated->positions[i], report.cross->positions[i]));
  const bool anyMode = std::any_of(scenario.positions.begin(), scenario.positions.end(),
                                   [](const Position& p) { return p.marginMode.has_value(); });
  if (anyMode) {
    std::vector<MarginMode> modes;
    for (const Position& p : scenario.positions) modes.push_back(p.marginMode.value_or(MarginMode::Cross));
    report.asGiven = outcome(m, modes);
  }
  return report;
}

}  // namespace marginlab
