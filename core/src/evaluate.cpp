// SPDX-License-Identifier: MIT
// MarginLab: evaluate(), numbers only: every position and the account, isolated and cross.
// The steps that explain each number are built on request by explain() (explain_evaluate.cpp).
#include "marginlab/evaluate.h"

#include <algorithm>
#include <cmath>

#include "marginlab/validate.h"
#include "model.h"

namespace marginlab {

namespace {

using detail::Crossing;
using detail::Leg;
using detail::MarkTerms;
using detail::Model;

std::vector<TierBoundary> tierBoundaries(const Model& m, const Leg& leg) {
  std::vector<TierBoundary> out;
  const auto tiers = m.tiersOf(leg);
  if (tiers.size() < 2) return out;
  out.reserve(tiers.size() - 1);
  for (std::size_t j = 0; j + 1 < tiers.size(); ++j) {
    const double price = leg.contract == Contract::Linear ? tiers[j].cap / leg.k : leg.k / tiers[j].cap;
    if (isValidPositive(price)) out.push_back({price, tiers[j].cap, static_cast<int>(j) + 1});
  }
  // Caps ascend (validate() checks it), so linear prices ascend and inverse ones descend.
  if (leg.contract == Contract::Inverse) std::reverse(out.begin(), out.end());
  return out;
}

/// One position's outcome from its numbers at the mark and its group's crossings.
void position(const Model& m, const Leg& leg, const MarkTerms& a, MarginMode mode, double margin,
              const Crossing& liquidation, const Crossing& bankruptcy, std::optional<double> marginRatio,
              PositionOutcome& o) {
  o.mode = mode;
  o.notional = a.notional;
  const detail::PositionMargins margins = detail::positionMargins(leg, a);
  o.initialMargin = margins.initialMargin;
  o.maintenanceMargin = margins.maintenanceMargin;
  o.maintenanceMarginRate = margins.maintenanceMarginRate;
  o.tier = margins.tier;
  o.unrealizedPnl = a.pnl;
  o.roe = a.pnl / leg.initialMargin;
  o.margin = margin;
  o.liquidationPrice = liquidation.price;
  o.bankruptcyPrice = bankruptcy.price;
  if (liquidation.price) {
    o.liquidationTier = static_cast<int>(detail::maintenanceAt(m, leg, liquidation.tierU).tier) + 1;
    const double lp = *liquidation.price;
    o.distanceToLiquidation = std::abs(lp - leg.mark) / leg.mark * (liquidation.alreadyPast ? -1 : 1);
  }
  o.marginRatio = marginRatio;
  o.maxLoss = margin;
  o.pastLiquidation = liquidation.alreadyPast;
  o.pastBankruptcy = bankruptcy.alreadyPast;
}

Comparison compare(std::size_t i, const PositionOutcome& iso, const PositionOutcome& cross) {
  Comparison c;
  c.position = i;
  c.isolatedDistance = iso.distanceToLiquidation;
  c.crossDistance = cross.distanceToLiquidation;
  c.isolatedMaxLoss = iso.maxLoss;
  c.crossMaxLoss = cross.maxLoss;
  if (iso.distanceToLiquidation && cross.distanceToLiquidation)
    c.distanceGain = *cross.distanceToLiquidation - *iso.distanceToLiquidation;
  return c;
}

void account(const Model& m, std::span<const MarginMode> modes, std::span<const MarkTerms> marks,
             const detail::AccountTerms& t, AccountOutcome& acc) {
  acc.equity = detail::EquityModel(m, modes, {}).at(1.0);
  double maintenance = 0;
  for (const Leg& leg : m.legs) maintenance += marks[leg.index].maintenance + marks[leg.index].feeToClose;
  acc.maintenanceMargin = maintenance;
  if (acc.equity > 0) acc.marginRatio = maintenance / acc.equity;
  acc.availableBalance = t.hasCross ? t.crossWallet + t.crossPnl - t.crossInitial : t.crossWallet;
  acc.maxLoss = t.isolatedMargins + (t.hasCross ? std::max(0.0, t.crossWallet) : 0.0);
  acc.pastLiquidation = maintenance > 0 && acc.equity <= maintenance;
}

/// One outcome; `groups` is a buffer reused across outcomes.
Outcome outcome(const Model& m, std::span<const MarginMode> modes, std::span<const MarkTerms> marks,
                detail::CrossGroups& groups) {
  const detail::AccountTerms t = detail::accountTerms(m, modes, marks);
  Outcome out;
  out.positions.resize(m.legs.size());
  if (t.hasCross) {
    const double crossEquity = t.crossWallet + t.crossPnl;
    std::optional<double> crossRatio;
    if (crossEquity > 0) crossRatio = t.crossMaintenance / crossEquity;
    detail::groupCross(m, modes, marks, groups);
    for (std::size_t table = 0; table < m.tableCount(); ++table) {
      const auto group = groups.group(table);
      if (group.empty()) continue;
      const detail::CrossBacking b = detail::crossBacking(groups, t.crossWallet, table);
      const Crossing liquidation = detail::solveCrossing(m, group, b.e0, true);
      const Crossing bankruptcy = detail::solveCrossing(m, group, b.e0b, false);
      for (const Leg* leg : group)
        position(m, *leg, marks[leg->index], MarginMode::Cross, t.crossWallet, liquidation, bankruptcy, crossRatio,
                 out.positions[leg->index]);
    }
  }
  for (const Leg& leg : m.legs) {
    if (modes[leg.index] != MarginMode::Isolated) continue;
    const MarkTerms& a = marks[leg.index];
    const Leg* one[] = {&leg};
    const Crossing liquidation = detail::solveCrossing(m, one, detail::isolatedBacking(m, leg), true);
    const Crossing bankruptcy = detail::solveCrossing(m, one, leg.isolatedMargin, false);
    const double equity = leg.isolatedMargin + a.pnl;
    std::optional<double> ratio;
    if (equity > 0) ratio = a.maintenance / equity;
    position(m, leg, a, MarginMode::Isolated, leg.isolatedMargin, liquidation, bankruptcy, ratio,
             out.positions[leg.index]);
  }
  account(m, modes, marks, t, out.account);
  return out;
}

/// Every outcome's tier boundaries: computed for the first, copied into the others.
void setTierBoundaries(const Model& m, Report& report) {
  for (const Leg& leg : m.legs) {
    std::vector<TierBoundary> boundaries = tierBoundaries(m, leg);
    report.cross->positions[leg.index].tierBoundaries = boundaries;
    if (report.asGiven) report.asGiven->positions[leg.index].tierBoundaries = boundaries;
    report.isolated->positions[leg.index].tierBoundaries = std::move(boundaries);
  }
}

}  // namespace

Report evaluate(const Scenario& scenario) {
  Report report;
  if (!scenario.positions.empty())
    report.settlementAsset = settlementAsset(scenario.positions.front().symbol, scenario.positions.front().contract);
  report.errors = validate(scenario);
  if (!report.errors.empty()) return report;
  const Model m = detail::buildModel(scenario);
  const std::size_t count = scenario.positions.size();
  std::vector<MarkTerms> marks;
  marks.reserve(count);
  for (const Leg& leg : m.legs) marks.push_back(detail::markTerms(m, leg));
  detail::CrossGroups groups;
  std::vector<MarginMode> modes(count, MarginMode::Isolated);
  report.isolated = outcome(m, modes, marks, groups);
  std::fill(modes.begin(), modes.end(), MarginMode::Cross);
  report.cross = outcome(m, modes, marks, groups);
  report.comparisons.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    report.comparisons.push_back(compare(i, report.isolated->positions[i], report.cross->positions[i]));
  if (detail::hasGivenModes(scenario)) {
    for (std::size_t i = 0; i < count; ++i) modes[i] = scenario.positions[i].marginMode.value_or(MarginMode::Cross);
    report.asGiven = outcome(m, modes, marks, groups);
  }
  setTierBoundaries(m, report);
  return report;
}

}  // namespace marginlab
