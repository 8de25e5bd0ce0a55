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

using detail::append;
using detail::cat;
using detail::addStep;
using detail::num;
using detail::Num;
using detail::snum;
using detail::TextBuilder;


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
  const Num quantity(p.quantity), contractSize(p.contractSize), mark(leg.mark);
  if (linear) {
    append(addStep(steps, "notional", a.notional, "Notional at the mark (quote)", "N = Q·CS·P_mark")
               .substituted,
           quantity, "×", contractSize, "×", mark);
  } else {
    append(
        addStep(steps, "notional", a.notional, "Notional at the mark (coin)", "N = Q·CS / P_mark")
            .substituted,
        quantity, "×", contractSize, " / ", mark);
  }
  const Num entryNotional(leg.entryNotional);
  if (m.profile->feesInInitialMargin) {
    append(addStep(steps, "initialMargin", leg.initialMargin,
                   "Initial margin at entry, with entry and exit taker fees reserved",
                   "IM = N_entry / L + 2·fee·N_entry")
               .substituted,
           entryNotional, " / ", num(leg.leverage), " + 2×", num(m.fee), "×", entryNotional);
  } else {
    append(addStep(steps, "initialMargin", leg.initialMargin, "Initial margin at entry",
                   "IM = N_entry / L")
               .substituted,
           entryNotional, " / ", num(leg.leverage));
  }
  const ResolvedTier& tier = m.tiersOf(leg)[a.mm.tier];
  const bool atEntry = m.profile->basis == MaintenanceBasis::AtEntry;
  const bool fee = atEntry ? m.profile->exitFeeInMaintenance : m.profile->feeInMaintenanceRate;
  Step& mm =
      addStep(steps, "maintenanceMargin", a.maintenance, "",
              atEntry ? (fee ? "MM = N_entry·(MMR + fee) − amount" : "MM = N_entry·MMR − amount")
                      : (fee ? "MM = N·(MMR + fee) − amount" : "MM = N·MMR − amount"));
  append(mm.label,
         atEntry ? "Maintenance margin on the entry value, tier "
                 : "Maintenance margin at the mark, tier ",
         num(static_cast<double>(a.mm.tier + 1)), " (notional ", num(tier.floor), " to ",
         num(tier.cap), ", MMR ", num(tier.rate), ", amount ", num(tier.amount), ")",
         fee ? (atEntry ? ", with the exit taker fee" : ", with the taker fee") : "");
  const Num base(atEntry ? leg.entryNotional : a.notional);
  if (fee) {
    append(mm.substituted, base, "×(", num(a.mm.rate), " + ", num(m.fee), ") − ", num(a.mm.amount));
  } else {
    append(mm.substituted, base, "×", num(a.mm.rate), " − ", num(a.mm.amount));
  }
  if (m.profile->feeToCloseInReport) {
    append(addStep(steps, "maintenanceMargin", a.maintenance + a.feeToClose,
                   "Maintenance margin with the fee to close at the bankruptcy price",
                   "MM = N·MMR − amount + N_bankruptcy·fee")
               .substituted,
           num(a.maintenance), " + ", num(a.feeToClose));
  }
  if (linear) {
    append(addStep(steps, "unrealizedPnl", a.pnl, "Unrealized PnL at the mark (quote)",
                   "uPnL = s·Q·CS·(P_mark − EP)")
               .substituted,
           snum(leg.s), "×", quantity, "×", contractSize, "×(", mark, " − ", num(leg.entry), ")");
  } else {
    append(addStep(steps, "unrealizedPnl", a.pnl, "Unrealized PnL at the mark (coin)",
                   "uPnL = s·Q·CS·(1/EP − 1/P_mark)")
               .substituted,
           snum(leg.s), "×", quantity, "×", contractSize, "×(1/", num(leg.entry), " − 1/", mark,
           ")");
  }
  append(addStep(steps, "roe", a.pnl / leg.initialMargin, "Return on the initial margin",
                 "ROE = uPnL / IM")
             .substituted,
         num(a.pnl), " / ", num(leg.initialMargin));
}

struct GroupResult {
  Crossing liquidation, bankruptcy;
  std::vector<Step> marginSteps;
};

/// Appends `from` to `to`, moving the steps when this is their last use.
void appendSteps(std::vector<Step>& to, std::vector<Step>& from, bool lastUse) {
  if (lastUse) to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  else to.insert(to.end(), from.begin(), from.end());
}

/// `lastUse`: the group's steps are not needed again, so they are moved into this position's.
PositionOutcome finishPosition(const Leg& leg, const AtMark& a, MarginMode mode, double margin, GroupResult& g,
                               bool lastUse, std::size_t legInGroup, std::optional<double> marginRatio,
                               const char* ratioFormula, std::string_view ratioSubstituted,
                               std::vector<Step> steps) {
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
  steps.reserve(steps.size() + g.marginSteps.size() + g.liquidation.trace.size() + g.bankruptcy.trace.size() + 3);
  appendSteps(steps, g.marginSteps, lastUse);
  appendSteps(steps, g.liquidation.trace, lastUse);
  appendSteps(steps, g.bankruptcy.trace, lastUse);
  if (o.liquidationPrice) {
    const double lp = *o.liquidationPrice;
    const double d = std::abs(lp - leg.mark) / leg.mark * (g.liquidation.alreadyPast ? -1 : 1);
    o.distanceToLiquidation = d;
    const Num mark(leg.mark);
    append(addStep(steps, "distanceToLiquidation", d,
                   g.liquidation.alreadyPast ? "Distance to liquidation: the mark is already past it (negative)"
                                             : "Distance from the mark to the liquidation price",
                   g.liquidation.alreadyPast ? "d = −|LP − P_mark| / P_mark" : "d = |LP − P_mark| / P_mark")
               .substituted,
           "|", num(lp), " − ", mark, "| / ", mark);
  } else {
    addStep(steps, "distanceToLiquidation", std::nullopt, "No distance: no positive price liquidates this position");
  }
  o.marginRatio = marginRatio;
  append(addStep(steps, "marginRatio", marginRatio,
                 marginRatio ? "Margin ratio: maintenance over the equity backing it (100% liquidates)"
                             : "Margin ratio: none, the equity backing the position is zero or less",
                 ratioFormula)
             .substituted,
         ratioSubstituted);
  o.maxLoss = margin;
  append(addStep(steps, "maxLoss", margin,
                 mode == MarginMode::Isolated ? "Most it can lose: its isolated margin"
                                              : "Most it can lose: the whole cross wallet backs it",
                 mode == MarginMode::Isolated ? "maxLoss = M" : "maxLoss = W_cross")
             .substituted,
         num(margin));
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
  c.steps.reserve(2);
  c.position = i;
  c.isolatedDistance = iso.distanceToLiquidation;
  c.crossDistance = cross.distanceToLiquidation;
  c.isolatedMaxLoss = iso.maxLoss;
  c.crossMaxLoss = cross.maxLoss;
  if (iso.distanceToLiquidation && cross.distanceToLiquidation) {
    c.distanceGain = *cross.distanceToLiquidation - *iso.distanceToLiquidation;
    append(
        addStep(c.steps, "distanceGain", c.distanceGain,
                "How much further from the mark cross puts the liquidation", "d_cross − d_isolated")
            .substituted,
        num(*cross.distanceToLiquidation), " − ", num(*iso.distanceToLiquidation));
  } else {
    addStep(c.steps, "distanceGain", std::nullopt,
            cross.distanceToLiquidation
                ? "Isolated never liquidates this position; cross can"
                : (iso.distanceToLiquidation ? "Cross never liquidates this position; isolated can"
                                             : "Neither mode liquidates this position"));
  }
  append(addStep(c.steps, "maxLoss", cross.maxLoss - iso.maxLoss,
                 "At risk: isolated margin against the whole cross wallet",
                 "maxLoss_cross − maxLoss_isolated")
             .substituted,
         num(cross.maxLoss), " − ", num(iso.maxLoss));
  return c;
}

/// What every outcome shares, whatever the modes: each leg's numbers at the mark, the steps that
/// explain them, and its tier boundaries. The last outcome built moves them instead of copying.
struct Shared {
  std::vector<AtMark> marks;
  std::vector<std::vector<Step>> steps;
  std::vector<std::vector<TierBoundary>> boundaries;
  bool lastUse = false;

  template <class T>
  T take(T& x) const {
    return lastUse ? std::move(x) : x;
  }
};

Shared sharedOf(const Model& m) {
  Shared s;
  s.marks.reserve(m.legs.size());
  s.steps.resize(m.legs.size());
  s.boundaries.reserve(m.legs.size());
  for (const Leg& leg : m.legs) {
    s.marks.push_back(atMark(m, leg));
    s.steps[leg.index].reserve(6);
    positionSteps(m, leg, s.marks.back(), s.steps[leg.index]);
    s.boundaries.push_back(tierBoundaries(m, leg));
  }
  return s;
}

/// The steps of a position: the shared ones, then room for the rest.
std::vector<Step> positionStart(Shared& shared, std::size_t index) {
  constexpr std::size_t kPositionSteps = 16;  // enough for most positions: one allocation
  std::vector<Step> steps;
  steps.reserve(kPositionSteps);
  std::vector<Step>& from = shared.steps[index];
  if (shared.lastUse)
    steps.insert(steps.end(), std::make_move_iterator(from.begin()),
                 std::make_move_iterator(from.end()));
  else
    steps.insert(steps.end(), from.begin(), from.end());
  return steps;
}

Outcome outcome(const Model& m, const std::vector<MarginMode>& modes, Shared& shared) {
  const std::size_t count = m.legs.size();
  const double wallet = m.scenario->walletBalance;
  const double crossWallet = detail::crossWallet(m, modes);
  const std::vector<AtMark>& marks = shared.marks;
  double crossPnl = 0, crossMaintenance = 0, crossInitial = 0, isolatedMargins = 0;
  bool hasCross = false;
  for (const Leg& leg : m.legs) {
    if (modes[leg.index] == MarginMode::Cross) {
      hasCross = true;
      crossPnl += marks[leg.index].pnl;
      crossMaintenance += marks[leg.index].maintenance;
      crossInitial += leg.initialMargin;
    } else {
      isolatedMargins += leg.isolatedMargin;
    }
  }

  // Cross legs move with the other legs of their symbol.
  std::map<std::string_view, std::vector<const Leg*>, std::less<>> crossGroups;
  for (const Leg& leg : m.legs)
    if (modes[leg.index] == MarginMode::Cross)
      crossGroups[m.scenario->positions[leg.index].symbol].push_back(&leg);

  Outcome out;
  out.positions.resize(count);
  const double crossEquityRaw = crossWallet + crossPnl;
  std::optional<double> crossRatio;
  if (crossEquityRaw > 0) crossRatio = crossMaintenance / crossEquityRaw;
  const Num crossWalletText(crossWallet), walletText(wallet), isolatedMarginsText(isolatedMargins);

  if (!crossGroups.empty()) {
    const std::string crossRatioText =
        cat(num(crossMaintenance), " / (", crossWalletText, " + ", snum(crossPnl), ")");
    const std::string crossWalletSub = cat(walletText, " − ", isolatedMarginsText);
    for (auto& [symbol, group] : crossGroups) {
      double otherPnl = 0, otherMaintenance = 0;
      for (const Leg& leg : m.legs) {
        if (modes[leg.index] != MarginMode::Cross ||
            m.scenario->positions[leg.index].symbol == symbol)
          continue;
        otherPnl += marks[leg.index].pnl;
        otherMaintenance += marks[leg.index].maintenance;
      }
      GroupResult g;
      g.marginSteps.reserve(2);
      const double e0 = crossWallet - otherMaintenance + otherPnl;
      const Num otherPnlText(otherPnl, true);
      Step& backing = addStep(g.marginSteps, "liquidationPrice", e0, "",
                              "E0 = W_cross − Σ MM_other + Σ uPnL_other");
      append(backing.label, "Margin backing ", symbol,
             " in cross: the cross wallet, less the maintenance of the other positions, plus their "
             "PnL");
      append(backing.substituted, crossWalletText, " − ", num(otherMaintenance), " + ",
             otherPnlText);
      const double e0b = crossWallet + otherPnl;
      Step& before =
          addStep(g.marginSteps, "bankruptcyPrice", e0b, "", "E0b = W_cross + Σ uPnL_other");
      append(before.label, "Margin backing ", symbol,
             " before bankruptcy: the cross wallet plus the other positions' PnL");
      append(before.substituted, crossWalletText, " + ", otherPnlText);
      g.liquidation = detail::solveCrossing(m, group, e0, "E0", true, "liquidationPrice");
      g.bankruptcy = detail::solveCrossing(m, group, e0b, "E0b", false, "bankruptcyPrice");
      for (std::size_t i = 0; i < group.size(); ++i) {
        const Leg& leg = *group[i];
        std::vector<Step> steps = positionStart(shared, leg.index);
        append(addStep(steps, "margin", crossWallet,
                       "Cross wallet: the wallet less the isolated margins",
                       "W_cross = W − Σ M_isolated")
                   .substituted,
               crossWalletSub);
        out.positions[leg.index] = finishPosition(
            leg, marks[leg.index], MarginMode::Cross, crossWallet, g, i + 1 == group.size(), i,
            crossRatio, "ratio = Σ MM_cross / (W_cross + Σ uPnL_cross)", crossRatioText,
            std::move(steps));
      }
    }
  }

  for (const Leg& leg : m.legs) {
    if (modes[leg.index] != MarginMode::Isolated) continue;
    const AtMark& a = marks[leg.index];
    const Position& p = m.scenario->positions[leg.index];
    std::vector<Step> steps = positionStart(shared, leg.index);
    const Num marginText(leg.isolatedMargin);
    append(addStep(steps, "margin", leg.isolatedMargin,
                   p.isolatedMargin ? "Isolated margin, as given"
                                    : "Isolated margin: the initial margin",
                   "M")
               .substituted,
           marginText);
    GroupResult g;
    double e0 = leg.isolatedMargin;
    if (m.profile->extraMarginNetOfFee) {
      const double extra = leg.isolatedMargin - leg.initialMargin;
      e0 = leg.initialMargin + extra / (1 - leg.s * m.fee);
      const Num initial(leg.initialMargin);
      append(addStep(g.marginSteps, "liquidationPrice", e0,
                     "Margin counted for liquidation: extra margin net of the fee to close",
                     "M' = IM + (M − IM) / (1 − s·fee)")
                 .substituted,
             initial, " + (", marginText, " − ", initial, ") / (1 − ", snum(leg.s), "×", num(m.fee),
             ")");
    }
    const Leg* one[] = {&leg};
    g.liquidation = detail::solveCrossing(m, one, e0, m.profile->extraMarginNetOfFee ? "M'" : "M",
                                          true, "liquidationPrice");
    g.bankruptcy = detail::solveCrossing(m, one, leg.isolatedMargin, "M", false, "bankruptcyPrice");
    const double equity = leg.isolatedMargin + a.pnl;
    std::optional<double> ratio;
    if (equity > 0) ratio = a.maintenance / equity;
    out.positions[leg.index] = finishPosition(
        leg, a, MarginMode::Isolated, leg.isolatedMargin, g, true, 0, ratio,
        "ratio = MM / (M + uPnL)",
        cat(num(a.maintenance), " / (", marginText, " + ", snum(a.pnl), ")"), std::move(steps));
  }

  for (const Leg& leg : m.legs)
    out.positions[leg.index].tierBoundaries = shared.take(shared.boundaries[leg.index]);

  // Account.
  AccountOutcome& acc = out.account;
  acc.steps.reserve(6);
  acc.equity = detail::EquityModel(m, modes, {}).at(1.0);
  TextBuilder equitySub;
  double maintenance = 0;
  bool firstIsolated = true;
  for (const Leg& leg : m.legs) {
    maintenance += marks[leg.index].maintenance + marks[leg.index].feeToClose;
    if (modes[leg.index] == MarginMode::Isolated) {
      equitySub.add(firstIsolated ? "max(0, " : " + max(0, ", num(leg.isolatedMargin), " + ",
                    snum(marks[leg.index].pnl), ")");
      firstIsolated = false;
    }
  }
  if (!equitySub.empty()) equitySub.add(" + ");
  if (hasCross)
    equitySub.add("max(0, ", crossWalletText, " + ", snum(crossPnl), ")");
  else
    equitySub.add(snum(crossWallet));
  equitySub.copyTo(
      addStep(
          acc.steps, "equity", acc.equity,
          "Equity: each isolated position's margin plus its PnL, and the cross wallet plus the "
          "cross PnL; a pool that is past bankruptcy counts as zero (the insurance fund takes the "
          "rest)",
          "equity = Σ max(0, M + uPnL) + max(0, W_cross + Σ uPnL_cross)")
          .substituted);
  acc.maintenanceMargin = maintenance;
  const Num maintenanceText(maintenance);
  append(addStep(acc.steps, "maintenanceMargin", maintenance,
                 "Maintenance margin of every position", "MM = Σ MM_i")
             .substituted,
         maintenanceText);
  if (acc.equity > 0) acc.marginRatio = maintenance / acc.equity;
  append(addStep(acc.steps, "marginRatio", acc.marginRatio,
                 acc.marginRatio ? "Account margin ratio (100% liquidates)"
                                 : "Account margin ratio: none, the equity is zero",
                 "ratio = MM / equity")
             .substituted,
         maintenanceText, " / ", num(acc.equity));
  acc.availableBalance = hasCross ? crossWallet + crossPnl - crossInitial : crossWallet;
  Step& available = addStep(
      acc.steps, "availableBalance", acc.availableBalance,
      hasCross ? "Available: the cross wallet plus the cross PnL, less the cross initial margins"
               : "Available: the wallet less the isolated margins",
      hasCross ? "available = W_cross + Σ uPnL_cross − Σ IM_cross" : "available = W − Σ M");
  if (hasCross)
    append(available.substituted, crossWalletText, " + ", snum(crossPnl), " − ", num(crossInitial));
  else
    append(available.substituted, walletText, " − ", isolatedMarginsText);
  if (crossWallet < 0) {
    append(addStep(acc.steps, "availableBalance", crossWallet,
                   "The wallet does not cover the isolated margins", "W − Σ M < 0")
               .substituted,
           walletText, " − ", isolatedMarginsText);
  }
  acc.maxLoss = isolatedMargins + (hasCross ? std::max(0.0, crossWallet) : 0.0);
  append(addStep(acc.steps, "maxLoss", acc.maxLoss,
                 "Most the account can lose: the isolated margins, and the whole cross wallet if "
                 "any position is cross",
                 "maxLoss = Σ M + W_cross")
             .substituted,
         isolatedMarginsText, " + ", num(hasCross ? std::max(0.0, crossWallet) : 0.0));
  return out;
}

}  // namespace

Report evaluate(const Scenario& scenario) {
  Report report;
  report.errors = validate(scenario);
  if (!report.errors.empty()) return report;
  const Model m = detail::buildModel(scenario);
  const std::size_t count = scenario.positions.size();
  const bool anyMode = std::any_of(scenario.positions.begin(), scenario.positions.end(),
                                   [](const Position& p) { return p.marginMode.has_value(); });
  Shared shared = sharedOf(m);
  report.isolated = outcome(m, std::vector<MarginMode>(count, MarginMode::Isolated), shared);
  shared.lastUse = !anyMode;
  report.cross = outcome(m, std::vector<MarginMode>(count, MarginMode::Cross), shared);
  report.comparisons.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    report.comparisons.push_back(compare(i, report.isolated->positions[i], report.cross->positions[i]));
  if (anyMode) {
    std::vector<MarginMode> modes;
    for (const Position& p : scenario.positions) modes.push_back(p.marginMode.value_or(MarginMode::Cross));
    shared.lastUse = true;
    report.asGiven = outcome(m, modes, shared);
  }
  return report;
}

void explain(const Scenario&, Report&) {
  // evaluate() still builds its steps as it computes; the explanation pass replaces this.
}

}  // namespace marginlab
