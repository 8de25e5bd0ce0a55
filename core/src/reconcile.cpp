// SPDX-License-Identifier: MIT
// MarginLab: reconcile(), numbers only: every combination of the conventions the venues differ by,
// evaluated with the shared solver (model.h solveCrossing) on a working copy of the model; the
// smallest set that reproduces the venue's figures, or the nearest. Steps: explain() below.
#include "marginlab/reconcile.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "marginlab/check.h"
#include "marginlab/format.h"
#include "marginlab/validate.h"
#include "marginlab/venue.h"
#include "model.h"
#include "risk_steps.h"

namespace marginlab {

namespace {

using detail::Leg;
using detail::MarkTerms;
using detail::Model;
using Mask = std::uint16_t;

constexpr Mask bit(Convention c) noexcept { return static_cast<Mask>(1u << static_cast<unsigned>(c)); }
/// The switches that change every position's terms (evaluated once per state for all figures).
constexpr Mask kGlobal = bit(Convention::TierAtEntry) | bit(Convention::MaintenanceOnEntryValue) |
                         bit(Convention::TierAtLiquidation) | bit(Convention::MaintenanceAtPrice) | bit(Convention::LastPrice) |
                         bit(Convention::IndexPrice) | bit(Convention::FeeToClose) | bit(Convention::NoFeeToClose) |
                         bit(Convention::RateRounding);
/// Pairs of switches that exclude each other (two answers to one question).
constexpr Mask kExclusive[] = {bit(Convention::LastPrice) | bit(Convention::IndexPrice),
                               bit(Convention::TierAtEntry) | bit(Convention::MaintenanceOnEntryValue),
                               bit(Convention::TierAtLiquidation) | bit(Convention::MaintenanceAtPrice)};

int countOf(Mask m) noexcept {
  int n = 0;
  for (; m; m &= static_cast<Mask>(m - 1)) ++n;
  return n;
}

MarginMode modeOf(const Position& p) noexcept { return p.marginMode.value_or(MarginMode::Isolated); }

/// The switches a figure's inputs and its position's profile allow.
Mask availableFor(const Scenario& s, const VenueFigure& f) {
  const Profile& profile = profileFor(s.rules);
  Mask m = profile.basis == MaintenanceBasis::AtEntry
               ? bit(Convention::TierAtLiquidation) | bit(Convention::MaintenanceAtPrice)
               : bit(Convention::TierAtEntry) | bit(Convention::MaintenanceOnEntryValue);
  m |= bit(profile.feeInMaintenanceRate || profile.exitFeeInMaintenance ? Convention::NoFeeToClose : Convention::FeeToClose);
  m |= bit(Convention::RateRounding);
  if (f.lastPrice) m |= bit(Convention::LastPrice);
  if (f.indexPrice) m |= bit(Convention::IndexPrice);
  if (f.fundingPaid && *f.fundingPaid != 0) m |= bit(Convention::Funding);
  if (f.tick) m |= bit(Convention::TickRounding);
  if (f.lot) m |= bit(Convention::LotRounding);
  if (modeOf(s.positions[f.position]) == MarginMode::Cross) {
    if (f.openOrderMargin && *f.openOrderMargin > 0) m |= bit(Convention::OpenOrders);
    for (std::size_t j = 0; j < s.positions.size(); ++j)
      if (j != f.position && modeOf(s.positions[j]) == MarginMode::Cross) {
        m |= bit(Convention::OthersNotHeld);
        break;
      }
  }
  return m;
}

/// The combinations of `available`: every subset without two switches of one kExclusive pair.
template <class Visit>
void eachSubset(Mask available, Visit&& visit) {
  for (Mask sub = available;; sub = static_cast<Mask>((sub - 1) & available)) {
    if (std::none_of(std::begin(kExclusive), std::end(kExclusive), [&](Mask both) { return (sub & both) == both; }))
      visit(sub);
    if (sub == 0) break;
  }
}

/// The working model under one global state, and each figure's figures under the local switches.
class Search {
 public:
  Search(const Scenario& s, const ReconcileRequest& r) : s_(s), base_(detail::buildModel(s)), work_(base_) {
    rounded_ = base_.rows;
    for (ResolvedTier& t : rounded_) t.rate = std::round(t.rate / kReconcileRateStep) * kReconcileRateStep;
    figureOf_.assign(s.positions.size(), nullptr);
    for (const VenueFigure& f : r.venueFigures) figureOf_[f.position] = &f;
    marks_.resize(base_.legs.size());
    tablePnl_.resize(base_.tableCount());
    tableMm_.resize(base_.tableCount());
  }

  void setGlobal(Mask g) {
    profile_ = *base_.profile;
    const bool entryProfile = profile_.basis == MaintenanceBasis::AtEntry;
    // Where the tier is read and what the margin is valued on (model.h maintenanceForTier).
    const bool entryTier = entryProfile ? !(g & bit(Convention::TierAtLiquidation))
                                        : (g & (bit(Convention::TierAtEntry) | bit(Convention::MaintenanceOnEntryValue))) != 0;
    const bool entryValue = entryProfile ? !(g & (bit(Convention::TierAtLiquidation) | bit(Convention::MaintenanceAtPrice)))
                                         : (g & bit(Convention::MaintenanceOnEntryValue)) != 0;
    profile_.basis = entryValue ? MaintenanceBasis::AtEntry : MaintenanceBasis::AtPrice;
    if (g & (bit(Convention::FeeToClose) | bit(Convention::NoFeeToClose))) {
      profile_.feeInMaintenanceRate = false;
      profile_.exitFeeInMaintenance = (g & bit(Convention::FeeToClose)) != 0;
    }
    work_.profile = &profile_;
    const std::vector<ResolvedTier>& rows = (g & bit(Convention::RateRounding)) ? rounded_ : base_.rows;
    const bool oneRow = entryTier && !entryValue;  // the entry row alone: the solver reads it at every price
    if (oneRow) {
      work_.rows.clear();
      work_.starts.clear();
      for (const Leg& leg : base_.legs) {
        work_.starts.push_back(work_.rows.size());
        work_.rows.push_back(rows[base_.starts[leg.table] + leg.entryTier]);
      }
      work_.starts.push_back(work_.rows.size());
    } else {
      work_.rows = rows;
      work_.starts = base_.starts;
    }
    std::fill(tablePnl_.begin(), tablePnl_.end(), 0.0);
    std::fill(tableMm_.begin(), tableMm_.end(), 0.0);
    isolatedMargins_ = 0;
    for (std::size_t j = 0; j < base_.legs.size(); ++j) {
      Leg& leg = work_.legs[j] = base_.legs[j];
      if (oneRow) {
        leg.table = j;
        leg.entryTier = 0;
      }
      leg.mark = priceOf(j, g);
      marks_[j] = detail::markTerms(work_, leg);
      if (modeOf(s_.positions[j]) == MarginMode::Cross) {
        tablePnl_[base_.legs[j].table] += marks_[j].pnl;
        tableMm_[base_.legs[j].table] += marks_[j].maintenance;
      } else {
        isolatedMargins_ += leg.isolatedMargin;
      }
    }
  }

  /// The figures of venue figure `f` under the current global state and the local switches of `m`.
  ReconciledFigures figures(const VenueFigure& f, Mask m) {
    const std::size_t i = f.position;
    Leg leg = work_.legs[i];
    if (m & bit(Convention::LotRounding)) {
      Position p = s_.positions[i];
      p.quantity = lotsOf(p.quantity, *f.lot);
      detail::fillLeg(work_, p, leg);
      leg.mark = work_.legs[i].mark;
    }
    const MarkTerms mt = detail::markTerms(work_, leg);
    const double funding = (m & bit(Convention::Funding)) ? *f.fundingPaid : 0.0;
    ReconciledFigures out;
    out.initialMargin = leg.initialMargin;
    out.maintenanceMargin = mt.maintenance + mt.feeToClose;
    if (modeOf(s_.positions[i]) == MarginMode::Isolated) isolated(leg, mt, funding, out);
    else cross(f, leg, mt, funding, m, out);
    if (m & bit(Convention::TickRounding)) {
      out.liquidationPrice = onTick(out.liquidationPrice, leg, *f.tick);
      out.bankruptcyPrice = onTick(out.bankruptcyPrice, leg, *f.tick);
    }
    return out;
  }

 private:
  double priceOf(std::size_t j, Mask g) const {
    const VenueFigure* f = figureOf_[j];
    if (f && (g & bit(Convention::LastPrice)) && f->lastPrice) return *f->lastPrice;
    if (f && (g & bit(Convention::IndexPrice)) && f->indexPrice) return *f->indexPrice;
    return base_.legs[j].mark;
  }

  static double lotsOf(double quantity, double lot) {
    const LotResult r = wholeLots({.quantity = quantity, .lotSize = lot});
    return r.errors.empty() && r.quantity > 0 ? r.quantity : quantity;  // less than one lot: left as given
  }

  std::optional<double> onTick(std::optional<double> price, const Leg& leg, double tick) const {
    if (!price) return price;
    const TickResult r = roundToTick({.rules = s_.rules, .side = leg.s > 0 ? Side::Long : Side::Short, .price = *price,
                                      .tickSize = tick});
    return r.errors.empty() ? std::optional<double>(r.price) : price;
  }

  void isolated(const Leg& leg, const MarkTerms& mt, double funding, ReconciledFigures& out) const {
    const Leg* one[] = {&leg};
    out.liquidationPrice = detail::solveCrossing(work_, one, detail::isolatedBacking(work_, leg) - funding, true).price;
    out.bankruptcyPrice = detail::solveCrossing(work_, one, leg.isolatedMargin - funding, false).price;
    const double equity = leg.isolatedMargin - funding + mt.pnl;
    if (equity > 0) out.marginRatio = mt.maintenance / equity;
  }

  void cross(const VenueFigure& f, const Leg& leg, const MarkTerms& mt, double funding, Mask m,
             ReconciledFigures& out) {
    const std::size_t i = f.position;
    double wallet = s_.walletBalance - isolatedMargins_ - funding;
    if (m & bit(Convention::OpenOrders)) wallet -= *f.openOrderMargin;
    group_.clear();
    const std::size_t symbol = base_.legs[i].table;
    for (const Leg& other : work_.legs)
      if (base_.legs[other.index].table == symbol && modeOf(s_.positions[other.index]) == MarginMode::Cross)
        group_.push_back(other.index == i ? &leg : &other);
    // The group's own terms at the mark, with this leg's (lot-rounded) terms in place of the model's.
    const double groupPnl = tablePnl_[symbol] - marks_[i].pnl + mt.pnl;
    const double groupMm = tableMm_[symbol] - marks_[i].maintenance + mt.maintenance;
    double otherPnl = 0, otherMm = 0;
    if (!(m & bit(Convention::OthersNotHeld))) {
      for (std::size_t t = 0; t < tablePnl_.size(); ++t)
        if (t != symbol) {
          otherPnl += tablePnl_[t];
          otherMm += tableMm_[t];
        }
    }
    out.liquidationPrice = detail::solveCrossing(work_, group_, wallet - otherMm + otherPnl, true).price;
    out.bankruptcyPrice = detail::solveCrossing(work_, group_, wallet + otherPnl, false).price;
    const double equity = wallet + otherPnl + groupPnl;
    if (equity > 0) out.marginRatio = (otherMm + groupMm) / equity;
  }

  const Scenario& s_;
  Model base_, work_;
  Profile profile_;
  std::vector<ResolvedTier> rounded_;
  std::vector<const VenueFigure*> figureOf_;
  std::vector<MarkTerms> marks_;
  std::vector<double> tablePnl_, tableMm_;
  double isolatedMargins_ = 0;
  std::vector<const Leg*> group_;
};

/// The figures a venue gave, in field order.
struct Given {
  std::string_view field;
  double venue;
  std::optional<double> ReconciledFigures::*member = nullptr;  ///< the optional ones
  double ReconciledFigures::*amount = nullptr;                 ///< the others
  bool price = false;
};

std::vector<Given> givenOf(const VenueFigure& f) {
  std::vector<Given> g;
  if (f.liquidationPrice) g.push_back({"liquidationPrice", *f.liquidationPrice, &ReconciledFigures::liquidationPrice, nullptr, true});
  if (f.bankruptcyPrice) g.push_back({"bankruptcyPrice", *f.bankruptcyPrice, &ReconciledFigures::bankruptcyPrice, nullptr, true});
  if (f.initialMargin) g.push_back({"initialMargin", *f.initialMargin, nullptr, &ReconciledFigures::initialMargin});
  if (f.maintenanceMargin) g.push_back({"maintenanceMargin", *f.maintenanceMargin, nullptr, &ReconciledFigures::maintenanceMargin});
  if (f.marginRatio) g.push_back({"marginRatio", *f.marginRatio, &ReconciledFigures::marginRatio, nullptr});
  return g;
}

FigureDifference differenceOf(const Given& g, const ReconciledFigures& x, const VenueFigure& f, double relTol) {
  FigureDifference d;
  d.field = g.field;
  d.venue = g.venue;
  d.computed = g.member ? x.*g.member : std::optional<double>(x.*g.amount);
  d.tolerance = g.price && f.tick ? *f.tick / 2 * (1 + 1e-9) : relTol * std::fabs(g.venue);
  if (d.computed) {
    d.difference = *d.computed - g.venue;
    d.within = std::fabs(d.difference) <= d.tolerance;
  }
  return d;
}

struct Score {
  bool within = false;
  double distance = std::numeric_limits<double>::infinity();
  int switches = 0;
};

Score scoreOf(const std::vector<Given>& given, const ReconciledFigures& x, const VenueFigure& f, double relTol, Mask m) {
  Score s{true, 0, countOf(m)};
  for (const Given& g : given) {
    const FigureDifference d = differenceOf(g, x, f, relTol);
    s.within = s.within && d.within;
    s.distance += d.computed ? std::fabs(d.difference) / std::fabs(g.venue) : 1.0;
  }
  return s;
}

/// Reproducing beats not; then fewer switches when both reproduce, the smaller distance when neither does.
bool better(const Score& a, const Score& b) noexcept {
  if (a.within != b.within) return a.within;
  if (a.within && a.switches != b.switches) return a.switches < b.switches;
  if (a.distance != b.distance) return a.distance < b.distance;
  return a.switches < b.switches;
}

std::vector<Convention> conventionsOf(Mask m) {
  std::vector<Convention> out;
  for (std::size_t c = 0; c < kConventionCount; ++c)
    if (m & (1u << c)) out.push_back(static_cast<Convention>(c));
  return out;
}

Mask maskOf(std::span<const Convention> cs) noexcept {
  Mask m = 0;
  for (const Convention c : cs) m |= bit(c);
  return m;
}

struct Best {
  Mask mask = 0;
  Score score;
  ReconciledFigures figures;
  std::size_t tried = 0;
};

}  // namespace

std::string_view toString(Convention c) noexcept { return kConventionNames[static_cast<std::size_t>(c)]; }

std::vector<InputError> validate(const Scenario& s, const ReconcileRequest& r) {
  Checker c;
  c.merge(validate(s));
  c.between("relativeTolerance", r.relativeTolerance, 1e-12, 0.1);
  if (r.venueFigures.size() > kMaxVenueFigures)
    c.fail("venueFigures", "tooMany", {{"count", static_cast<double>(r.venueFigures.size())},
                                       {"limit", static_cast<double>(kMaxVenueFigures)}});
  std::vector<std::size_t> seen(s.positions.size(), kMaxVenueFigures);
  for (std::size_t i = 0; i < r.venueFigures.size() && i < kMaxVenueFigures; ++i) {
    const VenueFigure& f = r.venueFigures[i];
    const std::string at = "venueFigures[" + std::to_string(i) + "]";
    if (f.position >= s.positions.size()) {
      c.fail(at + ".position", "reconcilePosition", {{"value", static_cast<double>(f.position)},
                                                     {"high", static_cast<double>(s.positions.size()) - 1}});
    } else if (seen[f.position] != kMaxVenueFigures) {
      c.fail(at + ".position", "reconcileRepeated", {{"value", static_cast<double>(f.position)},
                                                     {"other", static_cast<double>(seen[f.position])}});
    } else {
      seen[f.position] = i;
    }
    const std::pair<const char*, const std::optional<double>*> positives[] = {
        {"liquidationPrice", &f.liquidationPrice}, {"bankruptcyPrice", &f.bankruptcyPrice}, {"initialMargin", &f.initialMargin},
        {"maintenanceMargin", &f.maintenanceMargin}, {"tick", &f.tick}, {"lot", &f.lot},
        {"lastPrice", &f.lastPrice}, {"indexPrice", &f.indexPrice}};
    for (const auto& [name, value] : positives)
      if (*value) c.positive(at + "." + name, **value);
    if (f.marginRatio) c.nonNegative(at + ".marginRatio", *f.marginRatio);
    if (f.openOrderMargin) c.nonNegative(at + ".openOrderMargin", *f.openOrderMargin);
    if (f.fundingPaid && c.finite(at + ".fundingPaid", *f.fundingPaid))
      c.atMost(at + ".fundingPaid", std::fabs(*f.fundingPaid), kMaxMagnitude);
    if (!f.liquidationPrice && !f.bankruptcyPrice && !f.initialMargin && !f.maintenanceMargin && !f.marginRatio)
      c.fail(at, "reconcileNoFigure");
  }
  return std::move(c.errors);
}

Result<ReconcileResult> reconcile(const Scenario& s, const ReconcileRequest& r) {
  Result<ReconcileResult> out;
  out.errors = validate(s, r);
  if (!out.errors.empty()) return out;
  Search search(s, r);
  const std::size_t n = r.venueFigures.size();
  std::vector<Mask> available(n);
  std::vector<std::vector<Given>> given(n);
  std::vector<Best> best(n);
  std::vector<ReconciledFigures> own(n);
  Mask anyGlobal = 0;
  for (std::size_t k = 0; k < n; ++k) {
    available[k] = availableFor(s, r.venueFigures[k]);
    given[k] = givenOf(r.venueFigures[k]);
    anyGlobal |= available[k] & kGlobal;
  }
  eachSubset(anyGlobal, [&](Mask g) {
    search.setGlobal(g);
    for (std::size_t k = 0; k < n; ++k) {
      if ((g & available[k]) != g) continue;
      const VenueFigure& f = r.venueFigures[k];
      eachSubset(static_cast<Mask>(available[k] & ~kGlobal), [&](Mask local) {
        const Mask m = g | local;
        const ReconciledFigures x = search.figures(f, local);
        const Score score = scoreOf(given[k], x, f, r.relativeTolerance, m);
        ++best[k].tried;
        if (m == 0) own[k] = x;
        if (best[k].tried == 1 || better(score, best[k].score)) best[k] = {m, score, x, best[k].tried};
      });
    }
  });
  ReconcileResult result;
  result.positions.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    PositionReconciliation& p = result.positions[k];
    const VenueFigure& f = r.venueFigures[k];
    p.position = f.position;
    p.marginLab = own[k];
    p.agrees = scoreOf(given[k], own[k], f, r.relativeTolerance, 0).within;
    p.reproduced = best[k].score.within;
    p.conventions = conventionsOf(best[k].mask);
    p.figures = best[k].figures;
    for (const Given& g : given[k]) p.differences.push_back(differenceOf(g, p.figures, f, r.relativeTolerance));
    p.distance = best[k].score.distance;
    p.tried = best[k].tried;
    p.available = conventionsOf(available[k]);
  }
  out.value = std::move(result);
  return out;
}

ReconciledFigures reconciledFigures(const Scenario& s, const ReconcileRequest& r, std::size_t figure,
                                    std::span<const Convention> conventions) {
  const Mask m = maskOf(conventions);
  Search search(s, r);
  search.setGlobal(m & kGlobal);
  return search.figures(r.venueFigures[figure], static_cast<Mask>(m & ~kGlobal));
}

}  // namespace marginlab
