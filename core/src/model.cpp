// SPDX-License-Identifier: MIT
// MarginLab: a validated scenario reduced to per-leg terms.
#include "model.h"

#include <algorithm>
#include <cstdint>

namespace marginlab::detail {

void fillLeg(const Model& m, const Position& p, Leg& leg) {
  leg.contract = p.contract;
  leg.s = sign(p.side);
  leg.k = p.quantity * p.contractSize;
  leg.entry = p.entryPrice;
  leg.mark = p.mark();
  leg.leverage = p.leverage;
  leg.entryNotional = leg.contract == Contract::Linear ? leg.k * leg.entry : leg.k / leg.entry;
  leg.entryTier = tierIndexAt(m.tiersOf(leg), leg.entryNotional);
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

namespace {

/// Equal symbols, compared in place: symbols are short (at most kMaxSymbolLength characters).
bool sameSymbol(const std::string& a, const std::string& b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)  // symbols of one quote share their ends, not their starts
    if (a[i] != b[i]) return false;
  return true;
}

/// FNV-1a of a symbol: the slot it starts from in assignTables' index.
std::size_t symbolHash(const std::string& symbol) noexcept {
  std::uint32_t h = 2166136261u;
  for (const char c : symbol) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

/// Sets every leg's table: the index of its symbol in the order symbols first appear, whose first
/// position is firstOf[table]. A scan of the earlier symbols for a few positions, an open-addressing
/// index of the first positions beyond (no quadratic cost at 1000 symbols).
void assignTables(const Scenario& s, std::vector<Leg>& legs, std::vector<std::size_t>& firstOf) {
  const std::size_t count = s.positions.size();
  constexpr std::size_t kScan = 32;
  if (count <= kScan) {
    for (std::size_t i = 0; i < count; ++i) {
      std::size_t t = 0;
      while (t < firstOf.size() && !sameSymbol(s.positions[firstOf[t]].symbol, s.positions[i].symbol)) ++t;
      if (t == firstOf.size()) firstOf.push_back(i);
      legs[i].table = t;
    }
    return;
  }
  std::size_t size = 64;
  while (size < 2 * count) size *= 2;
  std::vector<std::size_t> slots(size, count);  // a table's index, or count for an empty slot
  for (std::size_t i = 0; i < count; ++i) {
    const std::string& symbol = s.positions[i].symbol;
    std::size_t at = symbolHash(symbol) & (size - 1);
    while (slots[at] != count && !sameSymbol(s.positions[firstOf[slots[at]]].symbol, symbol)) at = (at + 1) & (size - 1);
    if (slots[at] == count) {
      slots[at] = firstOf.size();
      firstOf.push_back(i);
    }
    legs[i].table = slots[at];
  }
}

}  // namespace

Model buildModel(const Scenario& s) {
  Model m;
  m.scenario = &s;
  m.profile = &profileFor(s.rules);
  m.fee = s.takerFeeRate.value_or(m.profile->defaultTakerFeeRate);
  const std::size_t count = s.positions.size();
  m.legs.resize(count);
  std::vector<std::size_t> firstOf;
  firstOf.reserve(count);
  assignTables(s, m.legs, firstOf);
  // The tables, found first so that their rows take one allocation.
  std::vector<const TierTable*> tables(firstOf.size());
  std::size_t rows = 0;
  for (std::size_t t = 0; t < firstOf.size(); ++t) {
    const std::string& symbol = s.positions[firstOf[t]].symbol;
    if (auto it = s.tiers.find(symbol); it != s.tiers.end()) tables[t] = &it->second;
    else tables[t] = &findDefaultTierTable(s.rules, symbol, s.positions[firstOf[t]].contract)->tiers;  // validate() checked it exists
    rows += tables[t]->size();
  }
  m.rows.reserve(rows);
  m.starts.reserve(tables.size() + 1);
  m.starts.push_back(0);
  for (const TierTable* table : tables) {
    appendResolvedTiers(*table, *m.profile, m.rows);
    m.starts.push_back(m.rows.size());
  }
  for (std::size_t i = 0; i < count; ++i) {
    m.legs[i].index = i;
    fillLeg(m, s.positions[i], m.legs[i]);
  }
  return m;
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

bool hasGivenModes(const Scenario& s) noexcept {
  return std::any_of(s.positions.begin(), s.positions.end(), [](const Position& p) { return p.marginMode.has_value(); });
}

MarkTerms markTerms(const Model& m, const Leg& leg) noexcept {
  MarkTerms a;
  a.notional = leg.notionalAt(leg.mark);
  a.pnl = leg.pnlAt(leg.mark);
  a.mm = maintenanceAt(m, leg, leg.u(leg.mark));
  a.maintenance = a.mm.c0 + a.mm.c1 * leg.u(leg.mark);
  if (m.profile->feeToCloseInReport) {
    // Fee to close at the bankruptcy price of the position at its leverage (Bybit UTA).
    const double bankruptcy = leg.contract == Contract::Linear ? leg.entry * (1 - leg.s / leg.leverage)
                                                               : leg.entry * leg.leverage / (leg.leverage + leg.s);
    a.feeToClose = leg.notionalAt(bankruptcy) * m.fee;
  }
  return a;
}

PositionMargins positionMargins(const Leg& leg, const MarkTerms& a) noexcept {
  return {.initialMargin = leg.initialMargin,
          .maintenanceMargin = a.maintenance + a.feeToClose,
          .maintenanceMarginRate = a.mm.rate,
          .tier = static_cast<int>(a.mm.tier) + 1};
}

AccountTerms accountTerms(const Model& m, std::span<const MarginMode> modes, std::span<const MarkTerms> marks) noexcept {
  AccountTerms t;
  t.crossWallet = crossWallet(m, modes);
  for (const Leg& leg : m.legs) {
    if (modes[leg.index] == MarginMode::Cross) {
      t.hasCross = true;
      t.crossPnl += marks[leg.index].pnl;
      t.crossMaintenance += marks[leg.index].maintenance;
      t.crossInitial += leg.initialMargin;
    } else {
      t.isolatedMargins += leg.isolatedMargin;
    }
  }
  return t;
}

void groupCross(const Model& m, std::span<const MarginMode> modes, std::span<const MarkTerms> marks,
                CrossGroups& out) {
  out.terms.clear();
  out.legs.clear();
  out.starts.assign(m.tableCount() + 1, 0);
  for (const Leg& leg : m.legs) {
    if (modes[leg.index] != MarginMode::Cross) continue;
    out.terms.push_back({leg.table, marks[leg.index].pnl, marks[leg.index].maintenance});
    ++out.starts[leg.table + 1];
  }
  for (std::size_t t = 0; t < m.tableCount(); ++t) out.starts[t + 1] += out.starts[t];
  out.legs.resize(out.terms.size());
  // A counting sort by table, stable: each group keeps leg order. starts[t] runs to its end
  // while placing, then is restored.
  for (const Leg& leg : m.legs)
    if (modes[leg.index] == MarginMode::Cross) out.legs[out.starts[leg.table]++] = &leg;
  for (std::size_t t = m.tableCount(); t > 0; --t) out.starts[t] = out.starts[t - 1];
  out.starts[0] = 0;
}

CrossBacking crossBacking(const CrossGroups& groups, double crossWallet, std::size_t table) noexcept {
  CrossBacking b;
  for (const CrossGroups::Term& term : groups.terms) {
    if (term.table == table) continue;
    b.otherPnl += term.pnl;
    b.otherMaintenance += term.maintenance;
  }
  b.e0 = crossWallet - b.otherMaintenance + b.otherPnl;
  b.e0b = crossWallet + b.otherPnl;
  return b;
}

double isolatedBacking(const Model& m, const Leg& leg) noexcept {
  if (!m.profile->extraMarginNetOfFee) return leg.isolatedMargin;
  const double extra = leg.isolatedMargin - leg.initialMargin;
  return leg.initialMargin + extra / (1 - leg.s * m.fee);
}

}  // namespace marginlab::detail
