// SPDX-License-Identifier: MIT
// MarginLab: venues' portfolio margin engines side by side (venue_pm.h, VENUES-PM.md). Each engine
// scans its own grid over one risk unit's legs; the parameters are dated sets with their sources.
#include "marginlab/venue_pm.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "marginlab/format.h"
#include "marginlab/options.h"
#include "marginlab/venue_pm_params.h"

namespace marginlab {

namespace {


/// An option's value per coin in its settlement asset at underlying `price`.
double optionValue(const PmUnit& u, const PmLeg& l, double price, double sigma) noexcept {
  const double forward = price * std::exp(u.interestRate * l.years);
  const double discount = std::exp(-u.interestRate * l.years);
  const double stdDev = std::max(sigma, 0.0) * std::sqrt(l.years);
  const double quote = black76Price(l.type, l.strike, forward, stdDev, discount);
  return l.inverse ? quote / price : quote;
}

/// The leg losing most (most negative PnL) in a cell; none when no leg loses.
template <class Pnl>
std::optional<std::string> drivingLeg(const PmUnit& u, Pnl&& pnl) {
  std::optional<std::string> leg;
  double worst = 0;
  for (const PmLeg& l : u.legs) {
    const double x = pnl(l);
    if (x < worst) worst = x, leg = l.path;
  }
  return leg;
}

/// Fills the worst cell of a grid.
void findWorst(PmGrid& g) {
  bool first = true;
  for (std::size_t v = 0; v < g.pnl.size(); ++v)
    for (std::size_t m = 0; m < g.pnl[v].size(); ++m)
      if (first || g.pnl[v][m] < g.worstPnl) {
        g.worstPnl = g.pnl[v][m], g.worstVolShock = v, g.worstPriceMove = m;
        first = false;
      }
}

PmComponent worstComponent(std::string name, const PmGrid& g, double value) {
  return PmComponent{.name = std::move(name), .value = value,
                     .scenario = PmScenario{g.priceMoves[g.worstPriceMove], g.volShocks[g.worstVolShock]}, .leg = g.leg,
                     .underlying = g.underlying};
}

/// A grid of plain moves x relative volatility shocks, PnL in the quote currency (coin PnL at the
/// moved price), each cell x weight.
PmGrid quoteGrid(const PmUnit& u, std::string name, std::vector<double> moves, std::vector<double> shocks,
                 double weight = 1) {
  PmGrid g{.name = std::move(name), .underlying = u.underlying, .priceMoves = std::move(moves), .volShocks = std::move(shocks)};
  const auto pnlOf = [&](const PmLeg& l, double m, double shock) {
    const double x = legPnl(u, l, m, l.volatility * (1 + shock));
    return weight * (l.inverse ? x * u.price * (1 + m) : x);
  };
  g.pnl.assign(g.volShocks.size(), std::vector<double>(g.priceMoves.size(), 0.0));
  for (std::size_t v = 0; v < g.volShocks.size(); ++v)
    for (std::size_t m = 0; m < g.priceMoves.size(); ++m)
      for (const PmLeg& l : u.legs) g.pnl[v][m] += pnlOf(l, g.priceMoves[m], g.volShocks[v]);
  findWorst(g);
  const double m = g.priceMoves[g.worstPriceMove], s = g.volShocks[g.worstVolShock];
  g.leg = drivingLeg(u, [&](const PmLeg& l) { return pnlOf(l, m, s); });
  return g;
}

std::string joined(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

std::vector<double> symmetricMoves(double range, int buckets) {
  std::vector<double> moves;
  for (int k = -buckets; k <= buckets; ++k) moves.push_back(range * k / buckets);
  return moves;
}

std::string percent(double x) {
  std::string s = std::to_string(x * 100);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s + "%";
}

}  // namespace

double legPnl(const PmUnit& u, const PmLeg& l, double move, double sigma) noexcept {
  if (!l.option) {
    if (l.inverse) return l.coins * (1 - 1 / (1 + move));  // coins at the mark: PnL in coin
    return l.coins * l.mark * move;
  }
  const double now = optionValue(u, l, u.price, l.volatility);
  return l.coins * (optionValue(u, l, u.price * (1 + move), sigma) - now);
}

double cashDelta(const PmUnit& u, const PmLeg& l) noexcept {
  if (!l.option) return l.coins * (l.inverse ? u.price : l.mark);
  const double forward = u.price * std::exp(u.interestRate * l.years);
  const Black76Greeks g = black76Greeks(l.type, l.strike, forward, std::max(l.volatility, 0.0), l.years, u.interestRate);
  return l.coins * (l.inverse ? g.premiumAdjustedDelta : g.delta) * forward;
}

std::vector<CalendarMatch> calendarMatches(const PmUnit& u, bool options) {
  struct Expiry {
    double years, coins;
    std::string leg;
  };
  std::vector<Expiry> byExpiry;
  for (const PmLeg& l : u.legs) {
    if (l.option != options) continue;
    auto it = std::find_if(byExpiry.begin(), byExpiry.end(), [&](const Expiry& e) { return e.years == l.years; });
    if (it == byExpiry.end()) byExpiry.push_back({l.years, l.coins, l.path});
    else it->coins += l.coins;
  }
  std::stable_sort(byExpiry.begin(), byExpiry.end(), [](const Expiry& a, const Expiry& b) { return a.years < b.years; });
  std::vector<CalendarMatch> out;
  std::vector<Expiry> open;  // earliest first, each with its unmatched coins
  for (Expiry e : byExpiry) {
    for (Expiry& o : open) {
      if (e.coins == 0) break;
      if (o.coins * e.coins >= 0) continue;
      const double size = std::min(std::abs(o.coins), std::abs(e.coins));
      out.push_back({.years = e.years - o.years, .size = size, .leg = e.leg});
      o.coins -= std::copysign(size, o.coins);
      e.coins -= std::copysign(size, e.coins);
    }
    if (e.coins != 0) open.push_back(e);
  }
  return out;
}

// ---- Deribit ------------------------------------------------------------------------------------------

DeribitVols deribitVols(const DeribitPmParams& p, double sigma, double days) noexcept {
  DeribitVols v;
  v.f = std::pow(30 / days, days < 30 ? p.shortTermVegaPower : p.longTermVegaPower);
  v.up = std::max(sigma * (1 + p.volRangeUp * v.f), p.minVolatilityForShockUp);
  v.down = std::max(sigma * (1 - p.volRangeDown * v.f), 0.0);
  return v;
}

double deribitExtendedWeight(const DeribitPmParams& p, double move, bool fullWeight) noexcept {
  return p.extendedTableFactor * (fullWeight ? 1.0 : p.priceRange / std::abs(move));
}

namespace {

/// A leg's Deribit PnL in a standard cell: vol state 0 up, 1 same, 2 down.
double deribitCell(const PmUnit& u, const PmLeg& l, const DeribitPmParams& p, double move, int state) {
  if (!l.option) return legPnl(u, l, move, 0);
  const DeribitVols v = deribitVols(p, l.volatility, l.years * kDaysPerYear);
  return legPnl(u, l, move, state == 0 ? v.up : state == 1 ? l.volatility : v.down);
}

/// An extended cell: vol up; a delta-1 leg contributes its edge value (PnL at -+priceRange), as
/// observed in both stored API responses (VENUES-PM.md 1.2).
double deribitExtendedCell(const PmUnit& u, const PmLeg& l, const DeribitPmParams& p, double move) {
  if (!l.option) return legPnl(u, l, move < 0 ? -p.priceRange : p.priceRange, 0);
  return deribitCell(u, l, p, move, 0);
}

PmGrid deribitStandard(const PmUnit& u, const DeribitPmParams& p) {
  PmGrid g{.name = "standard", .underlying = u.underlying, .priceMoves = symmetricMoves(p.priceRange, p.buckets),
           .volShocks = {p.volRangeUp, 0, -p.volRangeDown}};
  g.pnl.assign(3, std::vector<double>(g.priceMoves.size(), 0.0));
  for (int v = 0; v < 3; ++v)
    for (std::size_t m = 0; m < g.priceMoves.size(); ++m) {
      double sum = 0;
      for (const PmLeg& l : u.legs) sum += deribitCell(u, l, p, g.priceMoves[m], v);
      // a gain counts x pnl_offset, capped by max_offsetable_pnl when one is set (1.2)
      if (sum > 0) sum = p.maxOffsetablePnl > 0 ? std::min(sum * p.pnlOffset, p.maxOffsetablePnl) : sum * p.pnlOffset;
      g.pnl[v][m] = sum;
    }
  findWorst(g);
  const double m = g.priceMoves[g.worstPriceMove];
  const int v = static_cast<int>(g.worstVolShock);
  g.leg = drivingLeg(u, [&](const PmLeg& l) { return deribitCell(u, l, p, m, v); });
  return g;
}

/// Weighted, then dampened: a loss in quote less the dampener, floored at 0; gains count 0.
PmGrid deribitExtended(const PmUnit& u, const DeribitPmParams& p, const DeribitOptions& o) {
  PmGrid g{.name = "extended", .underlying = u.underlying,
           .priceMoves = {kDeribitExtendedMoves.begin(), kDeribitExtendedMoves.end()}, .volShocks = {p.volRangeUp}};
  g.pnl.assign(1, std::vector<double>(g.priceMoves.size(), 0.0));
  const double toQuote = u.inverse ? u.price : 1;
  for (std::size_t m = 0; m < g.priceMoves.size(); ++m) {
    double sum = 0;
    for (const PmLeg& l : u.legs) sum += deribitExtendedCell(u, l, p, g.priceMoves[m]);
    const double weighted = std::min(sum, 0.0) * deribitExtendedWeight(p, g.priceMoves[m], o.extendedWeight == DeribitExtendedWeight::Full);
    g.pnl[0][m] = std::min(0.0, weighted * toQuote + p.extendedDampener) / toQuote;
  }
  findWorst(g);
  const double m = g.priceMoves[g.worstPriceMove];
  g.leg = drivingLeg(u, [&](const PmLeg& l) { return deribitExtendedCell(u, l, p, m); });
  return g;
}

/// [UNVERIFIED] shape (VENUES-PM.md 1.4: max_delta_shock and delta_total_liq_shock_threshold are
/// published, the formula is not): max_delta_shock x (|sum of cash deltas| - threshold), 0 below the
/// threshold (both stored examples show 0), in the unit's currency; the leg with the largest cash
/// delta of the net's sign drives it.
PmComponent deribitDeltaShock(const PmUnit& u, const DeribitPmParams& p) {
  double net = 0;
  for (const PmLeg& l : u.legs) net += cashDelta(u, l);
  const double excess = std::max(0.0, std::abs(net) - p.deltaTotalLiqShockThreshold);
  PmComponent c{.name = "deltaShock", .value = p.maxDeltaShock * excess / (u.inverse ? u.price : 1), .underlying = u.underlying};
  double most = 0;
  for (const PmLeg& l : u.legs)
    if (const double d = cashDelta(u, l) * (net < 0 ? -1 : 1); excess > 0 && d > most) most = d, c.leg = l.path;
  return c;
}

}  // namespace

VenueMargin deribitPortfolioMargin(const PmUnit& u, const DeribitPmParams& p, const DeribitOptions& o) {
  VenueMargin r{.venue = "deribit", .kind = "portfolio", .parameterSet = p.date,
                .currency = u.inverse ? u.underlying : std::string("USD")};
  r.grids = {deribitStandard(u, p), deribitExtended(u, p, o)};
  const PmGrid& worst = r.grids[1].worstPnl < r.grids[0].worstPnl ? r.grids[1] : r.grids[0];
  const double worstCase = std::max(0.0, -worst.worstPnl);
  r.components.push_back(worstComponent(worst.name == "extended" ? "worstCase.extended" : "worstCase", worst, worstCase));
  double rmm = worstCase;
  for (const PmLeg& l : u.legs) {  // roll shock per futures leg, absolute (1.4)
    if (l.option) continue;
    const double move = std::max(o.rollShock == DeribitRollShock::TimeScaled ? p.annualisedMoveRisk * l.years : 0.0, p.minAnnualisedMove);
    const double roll = std::abs(l.coins) * move * (l.inverse ? 1 : l.mark);
    rmm += roll;
    r.components.push_back({.name = "rollShock", .value = roll, .leg = l.path, .underlying = u.underlying});
  }
  if (o.deltaShock == DeribitDeltaShock::ExcessOverThreshold) {
    r.components.push_back(deribitDeltaShock(u, p));
    rmm += r.components.back().value;
  }
  r.initialMargin = rmm;  // + open orders and MMP margin: none in an account of positions
  r.maintenanceMargin = p.mmFactor * rmm;
  const bool full = o.extendedWeight == DeribitExtendedWeight::Full;
  r.assumptions = joined({full ? "deribitExtendedWeight: full (each extended cell at full weight)"
                        : "deribitExtendedWeight: rangeOverMove (extended cell weight = priceRange / |move|)",
                   o.rollShock == DeribitRollShock::TimeScaled ? "deribitRollShock: timeScaled (max(annualisedMoveRisk x T, floor))"
                                                               : "deribitRollShock: floor (the floor alone)",
                   o.deltaShock == DeribitDeltaShock::Off
                       ? "deribitDeltaShock: off (formula unpublished); correlation contingency not charged (formula unpublished)"
                       : "deribitDeltaShock: excessOverThreshold (max_delta_shock x (|net delta total| x index - threshold, USD), "
                         "assumed); correlation contingency not charged (formula unpublished)"});
  return r;
}

// ---- OKX --------------------------------------------------------------------------------------------

OkxPmParams okxParams(std::string_view name, std::string_view asOf) {
  const PmParameterSet set = *pmParameterSetAt("okx", asOf, false);  // the dated table (venue_pm_params.cpp)
  const auto value = [&](std::string_view k) { return pmParameter("okx", k, name, asOf)->value; };
  return OkxPmParams{.date = set.asOf, .source = set.source, .spotMove = value("spotMove"), .extremeMove = value("extremeMove"),
                     .basisRisk = value("basisRisk"), .imFactor = value("imFactor"),
                     .minimumChargeTiers = name == "BTC" || name == "ETH"};
}

double okxMinimumChargeMultiplier(double raw) noexcept {
  // OKX's BTC/ETH tiers before 2025-01-15 (VENUES-PM.md 2.2 MR7) [PUB]: upper bound of the raw charge, multiplier
  constexpr std::pair<double, double> kTiers[] = {{10e3, 1}, {70e3, 2}, {170e3, 4}, {300e3, 6}, {470e3, 8}, {700e3, 10}};
  for (const auto& [upTo, multiplier] : kTiers)
    if (raw <= upTo) return multiplier;
  return 12;
}

double okxRawMinimumCharge(const PmUnit& u, double rate) noexcept {
  double notional = 0;
  for (const PmLeg& l : u.legs) notional += std::abs(l.coins) * (l.option || l.inverse ? u.price : l.mark);
  return rate * notional;
}

namespace {

/// The unit's loss in quote with the price held when each option is revalued (`pnl`: coin or quote
/// per leg, as legPnl), and the leg losing most.
template <class Pnl>
std::pair<double, std::optional<std::string>> optionsLoss(const PmUnit& u, Pnl&& pnl) {
  const auto quote = [&](const PmLeg& l) { return l.option ? (l.inverse ? u.price : 1) * pnl(l) : 0.0; };
  double sum = 0;
  for (const PmLeg& l : u.legs) sum += quote(l);
  return {std::max(0.0, -sum), drivingLeg(u, quote)};
}

/// The worse of a shock up and down (MR3, MR5): the component with its scenario (volShock: the signed
/// IV move in points for MR3, 0 for MR5) when `size` > 0.
template <class Pnl>
std::optional<PmComponent> twoSided(const PmUnit& u, std::string name, double size, bool vol, Pnl&& pnl) {
  if (!(size > 0)) return std::nullopt;
  auto up = optionsLoss(u, [&](const PmLeg& l) { return pnl(l, size); });
  auto down = optionsLoss(u, [&](const PmLeg& l) { return pnl(l, -size); });
  const bool upWorse = up.first >= down.first;
  auto& w = upWorse ? up : down;
  return PmComponent{.name = std::move(name), .value = w.first, .scenario = PmScenario{0, vol ? (upWorse ? size : -size) : 0},
                     .leg = w.second, .underlying = u.underlying};
}

/// MR2, MR3 and MR5 (VENUES-PM.md 2.2; their shapes [UNVERIFIED]) when their options are set.
std::vector<PmComponent> okxOptionCharges(const PmUnit& u, const OkxOptions& o) {
  std::vector<PmComponent> out;
  if (o.thetaDays > 0) {  // MR2: the options' value o.thetaDays later, price and IV held
    auto [loss, leg] = optionsLoss(u, [&](const PmLeg& l) {
      PmLeg later = l;
      later.years = std::max(0.0, l.years - o.thetaDays / kDaysPerYear);
      return l.coins * (optionValue(u, later, u.price, l.volatility) - optionValue(u, l, u.price, l.volatility));
    });
    out.push_back({.name = "MR2", .value = loss, .leg = leg, .underlying = u.underlying});
  }
  if (auto c = twoSided(u, "MR3", o.vegaPoints, true,
                        [&](const PmLeg& l, double dv) { return legPnl(u, l, 0, std::max(l.volatility + dv, 0.0)); }))
    out.push_back(*c);
  if (auto c = twoSided(u, "MR5", o.rateShock, false, [&](const PmLeg& l, double dr) {
        PmUnit moved = u;
        moved.interestRate += dr;
        return l.coins * (optionValue(moved, l, u.price, l.volatility) - optionValue(u, l, u.price, l.volatility));
      }))
    out.push_back(*c);
  return out;
}

/// MR9 (VENUES-PM.md 2.2): each leg's cash delta by its settlement (USDT, USDC, else USD); each
/// pair's hedging volume min(|a|, |b|) x the factor ([UNVERIFIED] tiers: one factor).
std::vector<PmComponent> okxDepeg(const PmUnit& u, double factor) {
  double usdt = 0, usdc = 0, usd = 0;
  for (const PmLeg& l : u.legs) {
    const double d = cashDelta(u, l);
    (l.settlement == "USDT" ? usdt : l.settlement == "USDC" ? usdc : usd) += d;
  }
  std::vector<PmComponent> out;
  const std::tuple<const char*, double, double> pairs[] = {{"MR9.USDT-USD", usdt, usd}, {"MR9.USDT-USDC", usdt, usdc},
                                                            {"MR9.USDC-USD", usdc, usd}};
  for (const auto& [name, a, b] : pairs)
    if (const double volume = std::min(std::abs(a), std::abs(b)); volume > 0)
      out.push_back({.name = name, .value = factor * volume, .underlying = u.underlying});
  return out;
}

std::string okxAssumptions(const OkxOptions& o, const OkxPmParams& p) {
  return joined({"okxExtremeCoverage: " + percent(o.extremeCoverage) + " of the MR6 loss",
                 "okxVolShock: " + percent(o.volShock) + " relative IV move in MR1 and MR6",
                 "MR4 = |size| x mark x annualised basis risk x T per dated future",
                 "okxMr2Days: " + formatNumber(o.thetaDays) + " days of time decay (0: MR2 not charged)",
                 "okxMr3Points: IV +-" + percent(o.vegaPoints) + " at every tenor (the published table's rows after 0 days unknown)",
                 "okxMr5RateShock: rate +-" + percent(o.rateShock),
                 "okxMr7Rate: raw minimum charge " + percent(o.minimumChargeRate) + " of notional x " +
                     (p.minimumChargeTiers ? "the BTC/ETH multiplier tiers of before 2025-01-15" : "1 (no tiers published)"),
                 "okxMr8Rate: " + percent(o.borrowingRate) + " of borrowed value", "okxMr9Factor: " + percent(o.depegFactor) +
                     " of each stablecoin pair's hedged cash delta"});
}

}  // namespace

VenueMargin okxPortfolioMargin(const PmUnit& u, const OkxPmParams& p, const OkxOptions& o) {
  VenueMargin r{.venue = "okx", .kind = "portfolio", .parameterSet = p.date, .currency = "USD"};
  const std::vector<double> shocks = o.volShock > 0 ? std::vector<double>{o.volShock, 0, -o.volShock} : std::vector<double>{0};
  r.grids.push_back(quoteGrid(u, "MR1", symmetricMoves(p.spotMove, 3), shocks));
  r.grids.push_back(quoteGrid(u, "MR6", {-p.extremeMove, p.extremeMove}, shocks, o.extremeCoverage));
  const double mr1 = std::max(0.0, -r.grids[0].worstPnl), mr6 = std::max(0.0, -r.grids[1].worstPnl);
  r.components.push_back(worstComponent("MR1", r.grids[0], mr1));
  r.components.push_back(worstComponent("MR6", r.grids[1], mr6));
  double shock = std::max(mr1, mr6), added = 0;  // max(MR1, MR2, MR6); + MR4 + MR3 + MR5 + MR9
  for (const PmLeg& l : u.legs) {
    if (l.option || l.years <= 0) continue;
    const double basis = std::abs(l.coins) * l.mark * p.basisRisk * l.years;
    added += basis;
    r.components.push_back({.name = "MR4", .value = basis, .leg = l.path, .underlying = u.underlying});
  }
  std::vector<PmComponent> more = okxOptionCharges(u, o);
  if (o.depegFactor > 0)
    for (PmComponent& c : okxDepeg(u, o.depegFactor)) more.push_back(std::move(c));
  for (PmComponent& c : more) {
    if (c.name == "MR2") shock = std::max(shock, c.value);
    else added += c.value;
    r.components.push_back(std::move(c));
  }
  r.maintenanceMargin = shock + added;
  if (o.minimumChargeRate > 0) {  // MR7 floors the unit's derivatives MMR
    const double raw = okxRawMinimumCharge(u, o.minimumChargeRate);
    const double mr7 = raw * (p.minimumChargeTiers ? okxMinimumChargeMultiplier(raw) : 1);
    r.components.push_back({.name = "MR7", .value = mr7, .underlying = u.underlying});
    r.maintenanceMargin = std::max(r.maintenanceMargin, mr7);
  }
  r.initialMargin = p.imFactor * r.maintenanceMargin;
  r.assumptions = okxAssumptions(o, p);
  return r;
}

// ---- Bybit ------------------------------------------------------------------------------------------

BybitPmParams bybitParams(std::string_view name, std::string_view asOf) {
  const PmParameterSet set = *pmParameterSetAt("bybit", asOf, false);
  const std::optional<PmParameter> vega = pmParameter("bybit", "vegaSpreadFactor", name, asOf);
  return BybitPmParams{.date = set.asOf, .source = set.source, .priceRange = pmParameter("bybit", "priceRange", name, asOf)->value,
                       .vegaSpreadFactor = vega ? vega->value : 0};
}

VenueMargin bybitPortfolioMargin(const PmUnit& u, const BybitPmParams& p, const BybitOptions& o) {
  VenueMargin r{.venue = "bybit", .kind = "portfolio", .parameterSet = p.date, .currency = "USD"};
  const std::vector<double> shocks = o.volShock > 0 ? std::vector<double>{o.volShock, 0, -o.volShock} : std::vector<double>{0};
  r.grids.push_back(quoteGrid(u, "stress", symmetricMoves(p.priceRange, 5), shocks));
  const double loss = std::max(0.0, -r.grids[0].worstPnl);
  r.components.push_back(worstComponent("maximumLoss", r.grids[0], loss));
  double mm = loss;
  for (const PmLeg& l : u.legs) {
    const bool shortOption = l.option && l.coins < 0;
    const double factor = l.option ? (shortOption ? o.shortOptionFactor : 0) : o.futuresFactor;
    if (factor == 0) continue;
    const double c = std::abs(l.coins) * factor * u.price;
    mm += c;
    r.components.push_back({.name = l.option ? "shortOptionContingency" : "futuresContingency", .value = c, .leg = l.path,
                            .underlying = u.underlying});
  }
  // vega spread (options, per day of expiry difference) and delta spread (futures, per year) (3.2)
  for (const auto& [options, factor, unit] : {std::tuple{true, p.vegaSpreadFactor, kDaysPerYear}, std::tuple{false, o.deltaSpreadFactor, 1.0}}) {
    if (factor <= 0) continue;
    for (const CalendarMatch& x : calendarMatches(u, options)) {
      const double c = x.years * unit * x.size * factor * u.price;
      mm += c;
      r.components.push_back({.name = options ? "vegaSpreadContingency" : "deltaSpreadContingency", .value = c, .leg = x.leg,
                              .underlying = u.underlying});
    }
  }
  r.maintenanceMargin = mm;
  r.initialMargin = mm * o.imFactor;
  r.assumptions = joined({"bybitVolShock: " + percent(o.volShock), "bybitFuturesFactor: " + percent(o.futuresFactor),
                   "bybitShortOptionFactor: " + percent(o.shortOptionFactor), "bybitImFactor: " + percent(o.imFactor),
                   p.vegaSpreadFactor > 0 ? "vega spread: " + percent(p.vegaSpreadFactor) + " per day of expiry difference (published)"
                                          : std::string("vega spread not charged (no factor published for the underlying)"),
                   "bybitDeltaSpreadFactor: " + percent(o.deltaSpreadFactor) + " per year of expiry difference (time unit assumed)",
                   "USDT-USDC spread contingency not charged (factor unpublished)"});
  return r;
}

// ---- SPAN -------------------------------------------------------------------------------------------

const std::array<SpanScenario, 16> kSpanScenarios = {{{0, 1, 1},        {0, -1, 1},       {1.0 / 3, 1, 1},  {1.0 / 3, -1, 1},
                                                     {-1.0 / 3, 1, 1}, {-1.0 / 3, -1, 1}, {2.0 / 3, 1, 1},  {2.0 / 3, -1, 1},
                                                     {-2.0 / 3, 1, 1}, {-2.0 / 3, -1, 1}, {1, 1, 1},        {1, -1, 1},
                                                     {-1, 1, 1},       {-1, -1, 1},       {2, 0, 0.35},     {-2, 0, 0.35}}};

SpanScan spanScanRisk(std::span<const double, 16> pnl) noexcept {
  SpanScan s;
  for (std::size_t i = 0; i < 16; ++i) {
    const double loss = -pnl[i];
    if (loss > s.risk) s.risk = loss, s.scenario = i;
  }
  return s;
}

VenueMargin spanMargin(const PmUnit& u, const SpanParams& p) {
  VenueMargin r{.venue = "span", .kind = "portfolio", .parameterSet = "request", .currency = "USD"};
  PmGrid g{.name = "riskArray", .underlying = u.underlying};
  g.pnl.assign(1, std::vector<double>(16, 0.0));
  std::array<double, 16> pnl{};
  std::array<std::optional<std::string>, 16> legs;
  std::vector<double> psr;  // each leg's: its tier's, else the product's
  for (const PmLeg& l : u.legs) {
    const std::optional<std::size_t> t = spanTier(p, l);
    psr.push_back(t && p.tiers[*t].priceScanRange ? *p.tiers[*t].priceScanRange : p.priceScanRange);
  }
  for (std::size_t i = 0; i < 16; ++i) {
    const SpanScenario& s = kSpanScenarios[i];
    const double scale = s.price * (s.weight < 1 ? p.extremeMultiple / 2 : 1);
    const auto pnlOf = [&](const PmLeg& l) {
      const double move = scale * psr[static_cast<std::size_t>(&l - u.legs.data())];
      const double x = legPnl(u, l, move, l.volatility + s.vol * p.volScanRange);
      return l.inverse ? x * u.price * (1 + move) : x;
    };
    for (const PmLeg& l : u.legs) pnl[i] += pnlOf(l);
    legs[i] = drivingLeg(u, pnlOf);
    g.priceMoves.push_back(scale * p.priceScanRange);
    pnl[i] *= s.weight < 1 ? p.extremeCoverage : 1;  // the risk array holds the covered loss
    g.pnl[0][i] = pnl[i];
  }
  g.volShocks = {0};  // one row of 16 scenarios; each scenario's vol move is in kSpanScenarios
  const SpanScan scan = spanScanRisk(pnl);
  g.worstPriceMove = scan.scenario, g.worstPnl = -scan.risk, g.leg = legs[scan.scenario];
  r.grids.push_back(g);
  PmComponent c = worstComponent("scanRisk", g, scan.risk);
  c.scenario->volShock = kSpanScenarios[scan.scenario].vol * p.volScanRange;
  r.components.push_back(c);
  r.maintenanceMargin = scan.risk;
  for (SpanSpread& x : spanIntraCharges(u, p)) r.maintenanceMargin += x.component.value, r.components.push_back(std::move(x.component));
  r.initialMargin = r.maintenanceMargin * p.imRatio;
  r.assumptions = joined({"extreme scenarios at " + percent(p.extremeMultiple) + " of the PSR, " + percent(p.extremeCoverage) + " counted",
                   "spanImRatio: " + percent(p.imRatio), "spread deltas: Black-76 at today's price (not SPAN's composite delta)",
                   "no delivery or short option minimum charge"});
  return r;
}

}  // namespace marginlab
