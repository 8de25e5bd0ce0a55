// SPDX-License-Identifier: MIT
// MarginLab: a validated scenario reduced to per-leg terms.
#include "model.h"

#include <algorithm>
#include <map>

namespace marginlab::detail {

void fillLeg(const Model& m, const Position& p, Leg& leg) {
  leg.contract = p.contract;
  leg.s = sign(p.side);
  leg.k = p.quantity * p.contractSize;
  leg.entry = p.entryPrice;
  leg.mark = p.mark();
  leg.leverage = p.leverage;
  leg.entryNotional = leg.contract == Contract::Linear ? leg.k * leg.entry : leg.k / leg.entry;
  leg.entryTier = tierIndexAt(m.tables[leg.table], leg.entryNotional);
  leg.initialMargin = leg.entryNotional / leg.leverage;
  if (m.profile->feesInInitialMargin) leg.initialMargin += 2 * m.fee * leg.entryNotional;
  leg.isolatedMargin = p.isolatedMargin.value_or(leg.initialMargin);
  if (leg.contract == Contract::Linear) {  // s*k*(P - EP)
    leg.pnl1 = leg.s * leg.k;
    leg.pnl0 = -leg.s * leg.k * leg.entry;
  } else {  // s*V*(1/EP - 1/P); V/EP is the entry notional, the same bits as the margin's
    leg.pnl1 = -leg.s * leg.k;
    leg.pnl0 = leg.s * leg.entryNotional;
  }
}

Model buildModel(const Scenario& s) {
  Model m;
  m.scenario = &s;
  m.profile = &profileFor(s.rules);
  m.fee = s.takerFeeRate.value_or(m.profile->defaultTakerFeeRate);
  std::map<std::string, std::size_t, std::less<>> tableOf;
  m.legs.reserve(s.positions.size());
  for (std::size_t i = 0; i < s.positions.size(); ++i) {
    const Position& p = s.positions[i];
    auto found = tableOf.find(p.symbol);
    if (found == tableOf.end()) {
      const TierTable* table = nullptr;
      if (auto it = s.tiers.find(p.symbol); it != s.tiers.end()) {
        table = &it->second;
      } else {
        table = &findDefaultTierTable(s.rules, p.symbol)->tiers;  // validate() checked it exists
      }
      m.tables.push_back(resolveTiers(*table, *m.profile));
      found = tableOf.emplace(p.symbol, m.tables.size() - 1).first;
    }
    Leg leg;
    leg.index = i;
    leg.table = found->second;
    fillLeg(m, p, leg);
    m.legs.push_back(leg);
  }
  return m;
}

Maintenance maintenanceAt(const Model& m, const Leg& leg, double uValue) noexcept {
  const bool atEntry = m.profile->basis == MaintenanceBasis::AtEntry;
  return maintenanceForTier(m, leg, atEntry ? leg.entryTier : tierIndexAt(m.tiersOf(leg), leg.k * uValue));
}

Maintenance maintenanceForTier(const Model& m, const Leg& leg, std::size_t tier) noexcept {
  const auto& tiers = m.tiersOf(leg);
  const Profile& profile = *m.profile;
  Maintenance mm;
  const bool atEntry = profile.basis == MaintenanceBasis::AtEntry;
  mm.tier = tier;
  const ResolvedTier& t = tiers[mm.tier];
  mm.rate = t.rate;
  mm.amount = t.amount;
  mm.effectiveRate = t.rate;
  if (profile.feeInMaintenanceRate || profile.exitFeeInMaintenance) mm.effectiveRate += m.fee;
  if (atEntry) {
    mm.c0 = leg.entryNotional * mm.effectiveRate - t.amount;
  } else {
    mm.c0 = -t.amount;
    mm.c1 = mm.effectiveRate * leg.k;
  }
  return mm;
}

double crossWallet(const Model& m, std::span<const MarginMode> modes) noexcept {
  double w = m.scenario->walletBalance;
  for (const Leg& leg : m.legs)
    if (modes[leg.index] == MarginMode::Isolated) w -= leg.isolatedMargin;
  return w;
}

EquityModel::EquityModel(const Model& m, std::span<const MarginMode> modes, std::string_view moving) {
  crossConstant_ = crossWallet(m, modes);
  for (const Leg& leg : m.legs) {
    const bool isolated = modes[leg.index] == MarginMode::Isolated;
    if (!isolated) hasCross_ = true;
    if (m.scenario->positions[leg.index].symbol == moving) {
      if (isolated) {
        isolatedMoving_.push_back({&leg, leg.isolatedMargin});
      } else {  // pnl0 + pnl1 u, u = P (linear) or 1/P (inverse)
        crossMoving0_ += leg.pnl0;
        (leg.contract == Contract::Linear ? crossLinear_ : crossInverse_) += leg.pnl1;
      }
    } else if (isolated) {
      isolatedConstant_ += std::max(0.0, leg.isolatedMargin + leg.pnlAt(leg.mark));
    } else {
      crossConstant_ += leg.pnlAt(leg.mark);
    }
  }
}

double EquityModel::at(double price) const noexcept {
  double isolated = isolatedConstant_;
  for (const Moving& mv : isolatedMoving_) isolated += std::max(0.0, mv.margin + mv.leg->pnlAt(price));
  double cross = crossConstant_ + crossMoving0_ + crossLinear_ * price;
  if (crossInverse_ != 0) cross += crossInverse_ / price;
  return isolated + (hasCross_ ? std::max(0.0, cross) : cross);
}

}  // namespace marginlab::detail
