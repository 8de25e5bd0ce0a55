// SPDX-License-Identifier: MIT
// MarginLab: price-shock grids, cascading liquidations of a cross account along a price path,
// and the liquidation price after funding. Liquidation processes: VENUES.md 1.1 (Binance: IOC
// to a lower bracket, then takeover at bankruptcy), 2.1 (Bybit: partial to the lower risk
// limit), 3.1 (OKX: reduce by tiers), 4.1 (BitMEX: FillOrKill to drop a tier), 6.1
// (Hyperliquid: whole position), 7.1 (dYdX: penalty up to the remaining account value), 8.
// Funding: VENUES.md 1.1 (Funding = nominal x rate), 2.1 and BY-3 (taken from position margin).
#include "marginlab/stress.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "explain.h"
#include "marginlab/check.h"
#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "marginlab/validate.h"
#include "model.h"
#include "risk_steps.h"

namespace marginlab {

namespace {

using detail::add;
using detail::Leg;
using detail::Model;
using detail::n;
using detail::sn;

/// Grid cells (shocks, times symbols for EachSymbol) and cells times positions: bounded so one
/// call stays well under a second.
constexpr std::size_t kMaxCells = 10'000;
constexpr std::size_t kMaxCellPositions = 50'000;
/// A request can name many bad marks; the list stops after this many.
constexpr std::size_t kMaxMarkErrors = 100;
constexpr int kMaxFundingIntervals = 1'000'000;
/// Shocks of a range are rounded to 1 / kShockScale (a millionth of a percent): a whole number
/// divided by 1e8 is the double nearest the decimal.
constexpr double kShockScale = 1e8;

Param num(std::string_view name, double x) { return {std::string(name), x}; }
Param text(std::string_view name, std::string_view x) { return {std::string(name), std::string(x)}; }

std::string pct(double fraction) { return formatNumber(fraction * 100) + "%"; }

/// Symbols in the order of their first position.
std::vector<std::string> symbolsOf(const Scenario& s) {
  std::vector<std::string> out;
  for (const Position& p : s.positions)
    if (std::find(out.begin(), out.end(), p.symbol) == out.end()) out.push_back(p.symbol);
  return out;
}

bool hasSymbol(const std::vector<std::string>& symbols, std::string_view symbol) {
  return std::find(symbols.begin(), symbols.end(), symbol) != symbols.end();
}

/// The mark of each symbol (of its first position; one symbol has one mark).
std::vector<double> marksOf(const Scenario& s, const std::vector<std::string>& symbols) {
  std::vector<double> out;
  out.reserve(symbols.size());
  for (const std::string& symbol : symbols)
    for (const Position& p : s.positions)
      if (p.symbol == symbol) {
        out.push_back(p.mark());
        break;
      }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Shock grid: validation
// ---------------------------------------------------------------------------------------------

double betaOf(const StressRequest& r, std::string_view symbol) {
  if (r.model != ShockModel::OneFactor) return 1;
  const auto it = r.betas.find(symbol);
  return it == r.betas.end() ? 1.0 : it->second;
}

std::string shockName(double shock) { return (shock > 0 ? "+" : "") + pct(shock); }

/// Shocks in a range (finite from, to and step, to >= from, step > 0): as a double, so a range
/// of more than any count can say how many.
double rangeCount(const ShockRange& g) { return std::floor((g.to - g.from) / g.step + 1e-9) + 1; }

/// x rounded to a whole number as JS's Math.round does it (ties toward +infinity), as the page did.
double roundHalfUp(double x) {
  const double down = std::floor(x);
  return x - down >= 0.5 ? down + 1 : down;
}

bool checkShocks(Checker& c, const std::vector<double>& shocks) {
  if (!c.listSize("request.shocks", shocks.size(), kMaxShocks, "shock (e.g. -0.2 for -20%)")) return false;
  bool ok = true;
  for (std::size_t i = 0; i < shocks.size(); ++i) {
    const std::string path = "request.shocks[" + std::to_string(i) + "]";
    if (!c.finite(path, shocks[i]))
      ok = false;
    else if (!(shocks[i] > -1))
      ok = false, c.fail(path, "shockAboveMinusOne", {num("value", shocks[i])});
  }
  return ok;
}

bool checkRange(Checker& c, const StressRequest& r) {
  if (!r.shocks.empty()) return c.fail("request.shockRange", "shocksOrRange"), false;
  const ShockRange& g = *r.shockRange;
  bool ok = c.finite("request.shockRange.from", g.from);
  if (ok && !(g.from > -1)) ok = false, c.fail("request.shockRange.from", "shockAboveMinusOne", {num("value", g.from)});
  if (ok)
    ok = c.atLeast("request.shockRange.to", g.to, g.from);
  else
    c.finite("request.shockRange.to", g.to);
  ok = c.atLeast("request.shockRange.step", g.step, 1 / kShockScale) && ok;
  if (!ok) return false;
  const double count = rangeCount(g);
  if (!(count <= static_cast<double>(kMaxShocks))) {
    c.fail("request.shockRange", "rangeTooMany", {num("count", count), num("limit", static_cast<double>(kMaxShocks))});
    return false;
  }
  return true;
}

bool checkBetas(Checker& c, const StressRequest& r, const std::vector<std::string>& symbols) {
  if (r.model == ShockModel::EachSymbol && !r.betas.empty()) return c.fail("request.betas", "betasOneFactor"), false;
  bool ok = true;
  for (const auto& [symbol, beta] : r.betas) {
    const std::string path = "request.betas." + symbol;
    if (!hasSymbol(symbols, symbol))
      ok = false, c.fail(path, "unknownSymbol");
    else
      ok = c.between(path, beta, -1000, 1000) && ok;
  }
  return ok;
}

/// Every moved mark must stay a price: P (1 + beta shock) > 0 and within the accepted range. One
/// error per shock; a range reports its first bad shock only.
void checkMovedMarks(Checker& c, const Scenario& s, const StressRequest& r, const std::vector<double>& shocks) {
  for (std::size_t i = 0; i < shocks.size(); ++i) {
    for (const Position& p : s.positions) {
      const double beta = betaOf(r, p.symbol);
      const double moved = p.mark() * (1 + beta * shocks[i]);
      if (isValidPositive(moved)) continue;
      c.fail(r.shockRange ? "request.shockRange" : "request.shocks[" + std::to_string(i) + "]", "shockMovesMark",
             {num("value", shocks[i]), num("beta", beta), text("symbol", p.symbol), num("mark", p.mark()),
              num("moved", moved), num("limit", kMaxMagnitude)});
      if (r.shockRange) return;
      break;
    }
  }
}

}  // namespace

std::vector<double> shockList(const StressRequest& request) {
  if (!request.shockRange) return request.shocks;
  const ShockRange& g = *request.shockRange;
  const auto count = static_cast<std::size_t>(rangeCount(g));
  std::vector<double> out;
  out.reserve(count);
  for (std::size_t k = 0; k < count; ++k)
    out.push_back(roundHalfUp((g.from + static_cast<double>(k) * g.step) * kShockScale) / kShockScale);
  return out;
}

std::vector<InputError> validate(const Scenario& scenario, const StressRequest& request) {
  Checker c;
  c.merge(validate(scenario));
  const bool scenarioOk = c.ok();
  const std::vector<std::string> symbols = symbolsOf(scenario);
  bool shocksOk = request.shockRange ? checkRange(c, request) : checkShocks(c, request.shocks);
  const bool betasOk = checkBetas(c, request, symbols);
  const std::vector<double> shocks = shocksOk ? shockList(request) : std::vector<double>{};
  const std::size_t groups = request.model == ShockModel::EachSymbol ? symbols.size() : 1;
  if (shocksOk && scenarioOk) {
    const std::size_t cells = shocks.size() * groups;
    if (cells > kMaxCells || cells * scenario.positions.size() > kMaxCellPositions) {
      c.fail(
          request.shockRange ? "request.shockRange" : "request.shocks", "gridTooLarge",
          {num("cells", static_cast<double>(cells)), num("positions", static_cast<double>(scenario.positions.size())),
           num("limit", kMaxCells), num("cellPositions", kMaxCellPositions)});
      shocksOk = false;
    }
  }
  if (shocksOk && betasOk && scenarioOk) checkMovedMarks(c, scenario, request, shocks);
  return c.errors;
}

// ---------------------------------------------------------------------------------------------
// Shock grid: the kernel
// ---------------------------------------------------------------------------------------------

namespace {

/// The numbers evaluate() gives a cell, computed without evaluating it: each leg's PnL and
/// maintenance at its moved mark, both accounts' equity and margin ratio, and whether the margin
/// backing each position (its isolated margin; in cross the account less the other symbols'
/// requirement) is at or below its maintenance at the mark. That last is evaluate()'s
/// distanceToLiquidation <= 0 except where the liquidation price may land on the mark itself (a
/// mark on a tier cap, or a margin that meets the requirement up to rounding): there it asks the
/// solver, as evaluate() does. The terms are summed in evaluate()'s order, so the numbers are its
/// bits (tests/core/stress_test.cpp checks it on generated scenarios).
class Grid {
 public:
  Grid(const Scenario& s, const StressRequest& r) : m_(detail::buildModel(s)) {
    const std::vector<std::string> symbols = symbolsOf(s);
    const std::size_t count = m_.legs.size();
    groups_.resize(symbols.size());
    for (const Leg& leg : m_.legs) {
      const Position& p = s.positions[leg.index];
      const auto k = static_cast<std::size_t>(std::find(symbols.begin(), symbols.end(), p.symbol) - symbols.begin());
      symbolOf_.push_back(k);
      groups_[k].push_back(&leg);
      beta_.push_back(betaOf(r, p.symbol));
      baseMark_.push_back(leg.mark);
      feeToClose_.push_back(feeToClose(leg));
      isolatedE0_.push_back(isolatedE0(leg));
    }
    eachSymbol_ = r.model == ShockModel::EachSymbol;
    pnl_.resize(count);
    maintenance_.resize(count);
    mm_.resize(count);
  }
  Grid(const Grid&) = delete;  // groups_ points into m_
  Grid& operator=(const Grid&) = delete;

  [[nodiscard]] std::size_t symbols() const noexcept { return groups_.size(); }
  /// One cell: `group` is the symbol moved (EachSymbol), ignored for OneFactor.
  StressCell cell(std::size_t group, double shock);

 private:
  [[nodiscard]] double feeToClose(const Leg& leg) const;
  [[nodiscard]] double isolatedE0(const Leg& leg) const;
  void move(std::size_t group, double shock);
  [[nodiscard]] bool liquidated(std::span<const Leg* const> group, double e0);
  [[nodiscard]] bool onTierCap(const Leg& leg) const;

  Model m_;
  std::vector<std::size_t> symbolOf_;
  std::vector<std::vector<const Leg*>> groups_;  ///< per symbol, its legs in index order
  std::vector<double> beta_, baseMark_, feeToClose_, isolatedE0_;
  bool eachSymbol_ = false;
  std::vector<double> pnl_, maintenance_;  ///< per leg, at the cell's marks
  std::vector<detail::Maintenance> mm_;
};

/// Bybit UTA reports the fee to close at the bankruptcy price on top of the maintenance (evaluate.cpp).
double Grid::feeToClose(const Leg& leg) const {
  if (!m_.profile->feeToCloseInReport) return 0;
  const double bankruptcy = leg.contract == Contract::Linear ? leg.entry * (1 - leg.s / leg.leverage)
                                                             : leg.entry * leg.leverage / (leg.leverage + leg.s);
  return leg.notionalAt(bankruptcy) * m_.fee;
}

/// The margin an isolated leg's liquidation condition counts (Bybit UTA: extra margin net of the fee).
double Grid::isolatedE0(const Leg& leg) const {
  if (!m_.profile->extraMarginNetOfFee) return leg.isolatedMargin;
  const double extra = leg.isolatedMargin - leg.initialMargin;
  return leg.initialMargin + extra / (1 - leg.s * m_.fee);
}

void Grid::move(std::size_t group, double shock) {
  for (std::size_t i = 0; i < m_.legs.size(); ++i) {
    Leg& leg = m_.legs[i];
    const bool moves = !eachSymbol_ || symbolOf_[i] == group;
    leg.mark = moves ? baseMark_[i] * (1 + beta_[i] * shock) : baseMark_[i];
    const double u = leg.u(leg.mark);
    mm_[i] = detail::maintenanceAt(m_, leg, u);
    maintenance_[i] = mm_[i].c0 + mm_[i].c1 * u;
    pnl_[i] = leg.pnl0 + leg.pnl1 * u;
  }
}

/// The notional at the mark is on a tier cap, up to rounding: the tier changes right at the mark.
bool Grid::onTierCap(const Leg& leg) const {
  if (m_.profile->basis != MaintenanceBasis::AtPrice) return false;
  const auto& tiers = m_.tiersOf(leg);
  const std::size_t t = mm_[leg.index].tier;
  const double notional = leg.notionalAt(leg.mark);
  const auto near = [&](double cap) { return std::abs(notional - cap) <= 1e-9 * cap; };
  return (t + 1 < tiers.size() && near(tiers[t].cap)) || (t > 0 && near(tiers[t - 1].cap));
}

/// solveCrossing's test at the mark (solver.cpp lineAt, the same operations in the same order):
/// the group backed by e0 is liquidated when e0 + Σ PnL − Σ MM <= 0 at the mark.
bool Grid::liquidated(std::span<const Leg* const> group, double e0) {
  double c0 = e0, c1 = 0;
  for (const Leg* leg : group) {
    c0 += leg->pnl0;
    c1 += leg->pnl1;
    c0 -= mm_[leg->index].c0;
    c1 -= mm_[leg->index].c1;
  }
  const Leg& first = *group.front();
  const double u = first.u(first.mark);
  const double f = c0 + c1 * u;
  if (!(f > 0)) return true;
  const bool close = f <= 1e-9 * (std::abs(c0) + std::abs(c1 * u)) ||
                     std::any_of(group.begin(), group.end(), [&](const Leg* leg) { return onTierCap(*leg); });
  if (!close) return false;
  // The liquidation price may be the mark itself (distance 0): evaluate()'s answer.
  const detail::Crossing crossing = detail::solveCrossing(m_, group, e0, true);
  return crossing.price && std::abs(*crossing.price - first.mark) / first.mark * (crossing.alreadyPast ? -1 : 1) <= 0;
}

StressCell Grid::cell(std::size_t group, double shock) {
  move(group, shock);
  const std::size_t count = m_.legs.size();
  StressCell cell;
  cell.shock = shock;
  double isolated = 0, isolatedWallet = m_.scenario->walletBalance, cross = m_.scenario->walletBalance;
  double maintenance = 0;
  for (const Leg& leg : m_.legs) isolatedWallet -= leg.isolatedMargin;  // detail::crossWallet
  for (std::size_t i = 0; i < count; ++i) {
    isolated += std::max(0.0, m_.legs[i].isolatedMargin + pnl_[i]);  // detail::EquityModel
    cross += pnl_[i];
    maintenance += maintenance_[i] + feeToClose_[i];
  }
  cell.equity = {isolated + isolatedWallet, std::max(0.0, cross)};
  if (cell.equity.isolated > 0) cell.marginRatio.isolated = maintenance / cell.equity.isolated;
  if (cell.equity.cross > 0) cell.marginRatio.cross = maintenance / cell.equity.cross;
  cell.liquidated.isolated.resize(count);
  cell.liquidated.cross.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const Leg* one[] = {&m_.legs[i]};
    cell.liquidated.isolated[i] = liquidated(one, isolatedE0_[i]);
  }
  for (std::size_t k = 0; k < groups_.size(); ++k) {
    double otherPnl = 0, otherMaintenance = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (symbolOf_[i] == k) continue;
      otherPnl += pnl_[i];
      otherMaintenance += maintenance_[i];
    }
    const bool past = liquidated(groups_[k], m_.scenario->walletBalance - otherMaintenance + otherPnl);
    for (const Leg* leg : groups_[k]) cell.liquidated.cross[leg->index] = past;
  }
  return cell;
}

}  // namespace

Result<StressResult> stressGrid(const Scenario& scenario, const StressRequest& request) {
  Result<StressResult> result;
  result.errors = validate(scenario, request);
  if (!result.errors.empty()) return result;
  const std::vector<double> shocks = shockList(request);
  Grid grid(scenario, request);
  const std::vector<std::string> symbols = symbolsOf(scenario);
  const std::size_t groups = request.model == ShockModel::EachSymbol ? grid.symbols() : 1;
  StressResult out;
  out.cells.reserve(groups * shocks.size());
  for (std::size_t g = 0; g < groups; ++g) {
    for (const double shock : shocks) {
      StressCell& cell = out.cells.emplace_back(grid.cell(g, shock));
      if (request.model == ShockModel::EachSymbol) cell.symbol = symbols[g];
    }
  }
  result.value = std::move(out);
  return result;
}

namespace {

/// "BTCUSDT 48800, ETHUSDT 2360": the marks a cell moved.
std::string movedMarks(const Scenario& s, const StressRequest& request, const std::vector<std::string>& symbols,
                       const StressCell& cell) {
  std::string out;
  for (const std::string& symbol : symbols) {
    if (request.model == ShockModel::EachSymbol && symbol != cell.symbol) continue;
    for (const Position& p : s.positions) {
      if (p.symbol != symbol) continue;
      if (!out.empty()) out += ", ";
      out += p.symbol + " " + n(p.mark() * (1 + betaOf(request, p.symbol) * cell.shock));
      break;
    }
  }
  return out;
}

}  // namespace

void explain(const Scenario& scenario, const StressRequest& request, StressResult& result) {
  std::vector<Step>& steps = result.steps;
  steps.clear();
  const bool oneFactor = request.model == ShockModel::OneFactor;
  const std::vector<std::string> symbols = symbolsOf(scenario);
  add(steps, oneFactor ? "stress.model.oneFactor" : "stress.model.eachSymbol", "shock",
      oneFactor ? "One factor: every symbol's mark moves by its beta times the shock, all at once"
                : "Each symbol on its own: one symbol's mark moves by the shock, the others stay at their marks",
      "P' = P_mark·(1 + β·shock)", oneFactor ? "β = 1 unless given" : "β = 1", std::nullopt);
  if (oneFactor) {
    for (const std::string& symbol : symbols) {
      const double beta = betaOf(request, symbol);
      add(steps, "stress.beta", "beta",
          "Beta of " + symbol + (request.betas.count(symbol) ? ", as given" : ", the default"), "β", n(beta), beta,
          {text("symbol", symbol), num("beta", beta),
           text("source", request.betas.count(symbol) ? "given" : "default")});
    }
  }
  add(steps, "stress.liquidated", "liquidated",
      "A position counts as liquidated when the moved mark is at or past its liquidation price (distance to "
      "liquidation <= 0), evaluated isolated and cross with every position's own margin",
      "liquidated = d <= 0, d = ±(P' − LP) / P'", "", std::nullopt);
  const std::size_t count = scenario.positions.size();
  for (const StressCell& cell : result.cells) {
    const auto isolated = std::count(cell.liquidated.isolated.begin(), cell.liquidated.isolated.end(), true);
    const auto cross = std::count(cell.liquidated.cross.begin(), cell.liquidated.cross.end(), true);
    add(steps, "stress.cell", "cells",
        "Shock " + shockName(cell.shock) + (cell.symbol.empty() ? "" : " on " + cell.symbol) + " (" +
            movedMarks(scenario, request, symbols, cell) + "): cross equity " + n(cell.equity.cross) +
            ", isolated equity " + n(cell.equity.isolated) + "; " + std::to_string(cross) + " of " +
            std::to_string(count) + " positions liquidated in cross, " + std::to_string(isolated) + " isolated",
        "equity_cross = W + Σ uPnL(P')", n(cell.equity.cross), cell.equity.cross,
        {num("shock", cell.shock), text("symbol", cell.symbol), num("crossEquity", cell.equity.cross),
         num("isolatedEquity", cell.equity.isolated), num("crossLiquidated", static_cast<double>(cross)),
         num("isolatedLiquidated", static_cast<double>(isolated)), num("positions", static_cast<double>(count))});
  }
}

// ---------------------------------------------------------------------------------------------
// Cascade: validation
// ---------------------------------------------------------------------------------------------

namespace {

/// Default liquidation style of a profile (VENUES.md 8, "Partial/tiered liquidation").
CascadeLiquidation defaultStyle(Rules rules) {
  switch (rules) {
    case Rules::Binance:
    case Rules::Bybit:
    case Rules::BybitUta:
    case Rules::Okx:
    case Rules::Bitmex:
      return CascadeLiquidation::TierByTier;
    case Rules::Hyperliquid:
    case Rules::Dydx:
    case Rules::Simple:
      return CascadeLiquidation::WholeAccount;
  }
  return CascadeLiquidation::WholeAccount;
}

/// The steps of a path: marks.size(), or path.steps.
std::size_t stepCount(const CascadeRequest& r) {
  return r.path ? static_cast<std::size_t>(r.path->steps) : r.marks.size();
}

/// Every symbol's mark at step t (in the order of `symbols`): the request's marks, or the
/// straight line mark * (1 + move * (t + 1) / steps) from the scenario's marks.
void marksAt(const CascadeRequest& r, const std::vector<std::string>& symbols, const std::vector<double>& base,
             std::size_t t, std::vector<double>& prices) {
  for (std::size_t k = 0; k < symbols.size(); ++k) {
    prices[k] = r.path ? base[k] * (1 + r.path->move * (static_cast<double>(t + 1) / r.path->steps))
                       : r.marks[t].find(symbols[k])->second;
  }
}

void checkMarks(Checker& c, const CascadeRequest& r, const std::vector<std::string>& symbols) {
  if (r.marks.empty()) return void(c.fail("request.marks", "empty", {text("item", "step of marks")}));
  if (r.marks.size() > kMaxCascadeSteps) {
    c.fail("request.marks", "tooManySteps",
           {num("count", static_cast<double>(r.marks.size())), num("limit", static_cast<double>(kMaxCascadeSteps))});
    return;
  }
  std::size_t markErrors = 0;
  for (std::size_t t = 0; t < r.marks.size() && markErrors < kMaxMarkErrors; ++t) {
    const std::size_t before = c.errors.size();
    const std::string base = "request.marks[" + std::to_string(t) + "]";
    for (const std::string& symbol : symbols)
      if (!r.marks[t].count(symbol)) c.fail(base + "." + symbol, "markMissing");
    for (const auto& [symbol, price] : r.marks[t]) {
      if (!hasSymbol(symbols, symbol))
        c.fail(base + "." + symbol, "unknownSymbol");
      else
        c.positive(base + "." + symbol, price);
    }
    markErrors += c.errors.size() - before;
  }
  if (markErrors >= kMaxMarkErrors)
    c.fail("request.marks", "tooManyProblems", {num("count", static_cast<double>(markErrors))});
}

void checkPath(Checker& c, const Scenario& s, const CascadeRequest& r, const std::vector<std::string>& symbols,
               bool scenarioOk) {
  if (!r.marks.empty()) return void(c.fail("request.path", "marksOrPath"));
  const CascadePath& path = *r.path;
  bool ok = c.finite("request.path.move", path.move);
  if (ok && !(path.move > -1)) ok = false, c.fail("request.path.move", "pathMove", {num("value", path.move)});
  ok = c.whole("request.path.steps", path.steps, 1, static_cast<double>(kMaxCascadeSteps)) && ok;
  if (!ok || !scenarioOk) return;
  const std::vector<double> base = marksOf(s, symbols);
  std::vector<double> prices(symbols.size());
  for (std::size_t t = 0; t < stepCount(r); ++t) {
    marksAt(r, symbols, base, t, prices);
    for (std::size_t k = 0; k < symbols.size(); ++k) {
      if (isValidPositive(prices[k])) continue;
      c.fail("request.path.move", "pathMovesMark",
             {num("value", path.move), text("symbol", symbols[k]), num("mark", base[k]), num("moved", prices[k]),
              num("limit", kMaxMagnitude)});
      return;
    }
  }
}

}  // namespace

std::vector<InputError> validate(const Scenario& scenario, const CascadeRequest& request) {
  Checker c;
  c.merge(validate(scenario));
  const bool scenarioOk = c.ok();
  const std::vector<std::string> symbols = symbolsOf(scenario);
  if (request.path)
    checkPath(c, scenario, request, symbols, scenarioOk);
  else
    checkMarks(c, request, symbols);
  if (request.liquidationFeeRate) {
    const double f = *request.liquidationFeeRate;
    if (c.finite("request.liquidationFeeRate", f) && !(f >= 0 && f < 0.1))
      c.fail("request.liquidationFeeRate", "liquidationFeeRate", {num("value", f)});
  }
  return c.errors;
}

// ---------------------------------------------------------------------------------------------
// Cascade: the walk
// ---------------------------------------------------------------------------------------------

namespace {

/// Gives a leg a new size k (linear: base units; inverse: quote value), entry unchanged.
void resize(const Model& m, Leg& leg, double k) {
  const double ratio = leg.k > 0 ? k / leg.k : 0;
  leg.k = k;
  leg.entryNotional = leg.contract == Contract::Linear ? k * leg.entry : k / leg.entry;
  leg.entryTier = tierIndexAt(m.tiersOf(leg), leg.entryNotional);
  leg.initialMargin *= ratio;
  leg.isolatedMargin *= ratio;
  if (leg.contract == Contract::Linear) {
    leg.pnl1 = leg.s * k;
    leg.pnl0 = -leg.s * k * leg.entry;
  } else {
    leg.pnl1 = -leg.s * k;
    leg.pnl0 = leg.s * leg.entryNotional;
  }
}

/// The notional that selects the leg's tier: at the mark, or on the entry value.
double tierNotional(const Model& m, const Leg& leg) {
  return m.profile->basis == MaintenanceBasis::AtEntry ? leg.entryNotional : leg.notionalAt(leg.mark);
}

double maintenanceOf(const Model& m, const Leg& leg) {
  const detail::Maintenance mm = detail::maintenanceAt(m, leg, leg.u(leg.mark));
  return mm.c0 + mm.c1 * leg.u(leg.mark);
}

/// The size at which the leg's tier notional is at most `cap`.
double sizeForCap(const Model& m, const Leg& leg, double cap) {
  const bool atEntry = m.profile->basis == MaintenanceBasis::AtEntry;
  const double price = atEntry ? leg.entry : leg.mark;
  double k = leg.contract == Contract::Linear ? cap / price : cap * price;
  auto notional = [&](double size) { return leg.contract == Contract::Linear ? size * price : size / price; };
  for (int i = 0; i < 64 && k > 0 && notional(k) > cap; ++i) k = std::nextafter(k, 0.0);
  return k;
}

struct Walker {
  const Model& m;
  std::vector<Leg> legs;  ///< cross legs, resized as they are reduced
  std::vector<bool> open;
  double wallet = 0;
  double feeRate = 0;
  CascadeResult out;

  [[nodiscard]] double equity() const {
    double e = wallet;
    for (std::size_t i = 0; i < legs.size(); ++i)
      if (open[i]) e += legs[i].pnlAt(legs[i].mark);
    return e;
  }
  [[nodiscard]] double maintenance() const {
    double mm = 0;
    for (std::size_t i = 0; i < legs.size(); ++i)
      if (open[i]) mm += maintenanceOf(m, legs[i]);
    return mm;
  }
  [[nodiscard]] bool anyOpen() const { return std::find(open.begin(), open.end(), true) != open.end(); }

  /// Cuts leg i's size down to newK (0: closes it) at its mark; `e` carries the why (reason,
  /// trigger, tier), the rest is filled here.
  void close(std::size_t i, double newK, CascadeEvent e);
  /// One pass of the liquidation at step t, once equity e <= maintenance mm: closes or cuts.
  void liquidate(std::size_t t, double e, double mm, CascadeLiquidation style, bool lastPass);
};

void Walker::close(std::size_t i, double newK, CascadeEvent e) {
  Leg& leg = legs[i];
  const Position& p = m.scenario->positions[leg.index];
  const double before = equity();
  const double pnlBefore = leg.pnlAt(leg.mark);
  const double kBefore = leg.k;
  const double closedK = kBefore - newK;
  e.closedNotional = leg.notionalAt(leg.mark) * (closedK / kBefore);
  if (newK > 0)
    resize(m, leg, newK);
  else
    open[i] = false;
  e.realizedPnl = newK > 0 ? pnlBefore - leg.pnlAt(leg.mark) : pnlBefore;
  wallet += e.realizedPnl;
  e.fee = std::min(feeRate * e.closedNotional, std::max(0.0, before));
  wallet -= e.fee;
  e.position = leg.index;
  e.symbol = p.symbol;
  e.price = leg.mark;
  e.quantityBefore = kBefore / p.contractSize;
  e.closedQuantity = closedK / p.contractSize;
  e.quantityAfter = newK / p.contractSize;
  e.equityBefore = before;
  e.pastBankruptcy = before < 0;
  double after = equity();
  if (!anyOpen() && wallet < 0) {  // the last close: the insurance fund covers what is left
    e.shortfall = -wallet;
    out.insuranceFundLoss += e.shortfall;
    e.pastBankruptcy = true;
    wallet = 0;
    after = 0;
  }
  e.walletAfter = wallet;
  e.equityAfter = after;
  out.events.push_back(std::move(e));
}

void Walker::liquidate(std::size_t t, double e, double mm, CascadeLiquidation style, bool lastPass) {
  CascadeEvent why;
  why.step = t;
  why.triggerEquity = e;
  why.triggerMaintenance = mm;
  if (style == CascadeLiquidation::WholeAccount || e <= 0 || lastPass) {
    why.reason = style == CascadeLiquidation::WholeAccount ? CascadeReason::WholeAccount : CascadeReason::Takeover;
    for (std::size_t i = 0; i < legs.size(); ++i)
      if (open[i]) close(i, 0, why);
    return;
  }
  std::size_t pick = legs.size();
  double largest = -1;
  for (std::size_t i = 0; i < legs.size(); ++i) {
    if (!open[i]) continue;
    const double mmi = maintenanceOf(m, legs[i]);
    if (pick == legs.size() || mmi > largest) {
      pick = i;
      largest = mmi;
    }
  }
  const Leg& leg = legs[pick];
  const auto& tiers = m.tiersOf(leg);
  const std::size_t tier = tierIndexAt(tiers, tierNotional(m, leg));
  double newK = 0;
  if (tier > 0) {
    newK = sizeForCap(m, leg, tiers[tier - 1].cap);
    if (!(newK > 0 && newK < leg.k)) newK = 0;
  }
  why.reason = newK > 0 ? CascadeReason::TierCut : CascadeReason::TierClose;
  why.positionMaintenance = largest;
  why.tier = static_cast<int>(tier) + 1;
  if (newK > 0) why.tierCap = tiers[tier - 1].cap;
  close(pick, newK, std::move(why));
}

}  // namespace

Result<CascadeResult> cascade(const Scenario& scenario, const CascadeRequest& request) {
  Result<CascadeResult> result;
  result.errors = validate(scenario, request);
  if (!result.errors.empty()) return result;
  const std::vector<std::string> symbols = symbolsOf(scenario);
  const Model m = detail::buildModel(scenario);
  const CascadeLiquidation style = request.style.value_or(defaultStyle(scenario.rules));
  Walker w{m,
           m.legs,
           std::vector<bool>(m.legs.size(), true),
           scenario.walletBalance,
           request.liquidationFeeRate.value_or(m.fee),
           {}};
  // Each pass closes a leg or moves it down at least one tier: bounded by legs x (tiers + 1).
  std::size_t passBudget = 0;
  for (const Leg& leg : m.legs) passBudget += m.tiersOf(leg).size() + 1;
  std::vector<std::size_t> symbolOf;  // per leg, its index in `symbols`
  for (const Leg& leg : m.legs)
    symbolOf.push_back(static_cast<std::size_t>(
        std::find(symbols.begin(), symbols.end(), scenario.positions[leg.index].symbol) - symbols.begin()));
  const std::vector<double> base = marksOf(scenario, symbols);
  std::vector<double> prices(symbols.size());
  const std::size_t steps = stepCount(request);
  w.out.equity.reserve(steps);
  for (std::size_t t = 0; t < steps; ++t) {
    marksAt(request, symbols, base, t, prices);
    for (std::size_t i = 0; i < w.legs.size(); ++i) w.legs[i].mark = prices[symbolOf[i]];
    for (std::size_t pass = 0; pass <= passBudget && w.anyOpen(); ++pass) {
      const double e = w.equity();
      const double mm = w.maintenance();
      if (e > mm && e >= 0) break;
      w.liquidate(t, e, mm, style, pass == passBudget);
    }
    w.out.equity.push_back(w.anyOpen() ? w.equity() : w.wallet);
  }
  w.out.finalEquity = w.out.equity.empty() ? w.wallet : w.out.equity.back();
  result.value = std::move(w.out);
  return result;
}

std::string_view toString(CascadeReason reason) noexcept {
  switch (reason) {
    case CascadeReason::WholeAccount:
      return "wholeAccount";
    case CascadeReason::Takeover:
      return "takeover";
    case CascadeReason::TierCut:
      return "tierCut";
    case CascadeReason::TierClose:
      return "tierClose";
  }
  return "wholeAccount";
}

// ---------------------------------------------------------------------------------------------
// Cascade: the explanation
// ---------------------------------------------------------------------------------------------

namespace {

/// "closed the long BTCUSDT (0.5 contracts)" or "reduced the long BTCUSDT from 2 to 1.5 contracts".
std::string whatHappened(const Scenario& s, const CascadeEvent& e) {
  const std::string side(toString(s.positions[e.position].side));
  if (e.reason == CascadeReason::TierCut)
    return "reduced the " + side + " " + e.symbol + " from " + n(e.quantityBefore) + " to " + n(e.quantityAfter) +
           " contracts";
  return "closed the " + side + " " + e.symbol + " (" + n(e.quantityBefore) + " contracts)";
}

/// The first event of a pass: every tier-by-tier event, and the first of a takeover (which closes
/// every open position in one pass, the account's last).
bool startsPass(const std::vector<CascadeEvent>& events, std::size_t i) {
  const auto takeover = [](CascadeReason r) {
    return r == CascadeReason::WholeAccount || r == CascadeReason::Takeover;
  };
  return i == 0 || !takeover(events[i].reason) || !takeover(events[i - 1].reason) ||
         events[i - 1].step != events[i].step;
}

void headerSteps(const Scenario& s, const CascadeRequest& request, double feeRate, CascadeLiquidation style,
                 std::vector<Step>& steps) {
  add(steps, "cascade.wallet", "wallet",
      "Cross account: every position shares the wallet (margin modes of the positions are ignored)", "W",
      n(s.walletBalance), s.walletBalance, {num("wallet", s.walletBalance)});
  add(steps,
      request.liquidationFeeRate ? "cascade.feeRate.given"
      : s.takerFeeRate           ? "cascade.feeRate.scenario"
                                 : "cascade.feeRate.profile",
      "liquidationFeeRate",
      request.liquidationFeeRate ? "Liquidation fee rate, as given"
      : s.takerFeeRate           ? "Liquidation fee rate: the scenario's taker fee"
                       : "Liquidation fee rate: the " + std::string(toString(s.rules)) + " profile's taker fee",
      "fee = rate·N_closed, at most the equity left", n(feeRate), feeRate,
      {num("feeRate", feeRate), text("rules", toString(s.rules))});
  const std::string how =
      request.style ? " (as requested)" : " (how " + std::string(toString(s.rules)) + " liquidates: VENUES.md 8)";
  add(steps, style == CascadeLiquidation::TierByTier ? "cascade.style.tierByTier" : "cascade.style.wholeAccount",
      "style",
      style == CascadeLiquidation::TierByTier
          ? "Tier by tier: the position with the largest maintenance margin is reduced to the cap of the next lower "
            "tier (closed in tier 1), then the account is checked again; an account at or past bankruptcy is taken "
            "over whole" +
                how
          : "Whole account: every position is closed at the mark as soon as equity <= maintenance" + how,
      "liquidate while W + Σ uPnL <= Σ MM", "", std::nullopt,
      {text("rules", toString(s.rules)), text("source", request.style ? "given" : "profile")});
}

}  // namespace

void explain(const Scenario& scenario, const CascadeRequest& request, CascadeResult& result) {
  std::vector<Step>& steps = result.steps;
  steps.clear();
  const double feeRate = request.liquidationFeeRate.value_or(detail::buildModel(scenario).fee);
  headerSteps(scenario, request, feeRate, request.style.value_or(defaultStyle(scenario.rules)), steps);
  double wallet = scenario.walletBalance;
  std::size_t closed = 0;
  for (std::size_t i = 0; i < result.events.size(); ++i) {
    const CascadeEvent& e = result.events[i];
    if (startsPass(result.events, i)) {
      add(steps, "cascade.trigger", "trigger",
          "Step " + std::to_string(e.step) + ": the account falls to its maintenance margin", "W + Σ uPnL <= Σ MM",
          n(wallet) + " + " + sn(e.triggerEquity - wallet) + " <= " + n(e.triggerMaintenance), e.triggerEquity,
          {num("step", static_cast<double>(e.step)), num("wallet", wallet), num("equity", e.triggerEquity),
           num("maintenance", e.triggerMaintenance)});
    }
    add(steps, "cascade.event", "events", "Step " + std::to_string(e.step) + ": " + whatHappened(scenario, e),
        "W += realised PnL − min(rate·N_closed, equity)",
        "W = " + n(e.walletAfter) + " (realised " + sn(e.realizedPnl) + ", fee min(" + n(feeRate) + "×" +
            n(e.closedNotional) + ", " + n(std::max(0.0, e.equityBefore)) + ") = " + n(e.fee) + ")",
        e.equityAfter,
        {num("step", static_cast<double>(e.step)), text("symbol", e.symbol), text("reason", toString(e.reason)),
         num("tier", e.tier), num("tierCap", e.tierCap.value_or(0)), num("positionMaintenance", e.positionMaintenance),
         num("price", e.price), num("quantityBefore", e.quantityBefore), num("quantityAfter", e.quantityAfter),
         num("realizedPnl", e.realizedPnl), num("feeRate", feeRate), num("closedNotional", e.closedNotional),
         num("equityBefore", e.equityBefore), num("fee", e.fee), num("walletAfter", e.walletAfter),
         num("shortfall", e.shortfall)});
    wallet = e.walletAfter;
    if (e.reason != CascadeReason::TierCut) ++closed;
  }
  add(steps, result.insuranceFundLoss > 0 ? "cascade.insuranceFund.loss" : "cascade.insuranceFund.none",
      "insuranceFundLoss",
      result.insuranceFundLoss > 0 ? "The loss went past bankruptcy: the insurance fund (or auto-deleveraging) takes it"
                                   : "No loss past bankruptcy: the insurance fund is not touched",
      "loss = max(0, −equity at the last close)", n(result.insuranceFundLoss), result.insuranceFundLoss,
      {num("loss", result.insuranceFundLoss)});
  add(steps, closed < scenario.positions.size() ? "cascade.finalEquity.open" : "cascade.finalEquity.closed",
      "finalEquity",
      closed < scenario.positions.size() ? "Final equity: the wallet plus the PnL of the positions still open"
                                         : "Final equity: what is left in the wallet after every position is closed",
      "equity = W + Σ uPnL", n(wallet) + " + " + sn(result.finalEquity - wallet), result.finalEquity,
      {num("wallet", wallet), num("equity", result.finalEquity)});
}

// ---------------------------------------------------------------------------------------------
// Funding
// ---------------------------------------------------------------------------------------------

std::vector<InputError> validate(const Scenario& scenario, const FundingRequest& request) {
  Checker c;
  c.merge(validate(scenario));
  if (request.position >= scenario.positions.size()) {
    c.fail("request.position", "positionIndex",
           {num("value", static_cast<double>(request.position)),
            num("limit", static_cast<double>(scenario.positions.size()))});
  }
  if (c.finite("request.rate", request.rate) && !(std::abs(request.rate) < 1))
    c.fail("request.rate", "fundingRate", {num("value", request.rate)});
  if (request.intervals < 0)
    c.fail("request.intervals", "mustBeNonNegative", {num("value", request.intervals)});
  else
    c.atMost("request.intervals", request.intervals, kMaxFundingIntervals);
  return c.errors;
}

namespace {

/// Liquidation price of one leg when the margin (isolated) or the wallet (cross) cannot go
/// through evaluate(): at or below zero, or above the accepted range. Mirrors evaluate().
detail::ExplainedCrossing solveDirect(const Model& m, std::size_t position, double margin, bool isolated, bool explain) {
  const Leg& leg = m.legs[position];
  if (isolated) {
    double e0 = margin;
    if (m.profile->extraMarginNetOfFee) e0 = leg.initialMargin + (margin - leg.initialMargin) / (1 - leg.s * m.fee);
    const Leg* one[] = {&leg};
    if (explain) return detail::explainedCrossing(m, one, e0, "M", true, "liquidationPrice");
    return {detail::solveCrossing(m, one, e0, true)};
  }
  const std::string& symbol = m.scenario->positions[position].symbol;
  std::vector<const Leg*> group;
  double e0 = margin;
  for (const Leg& other : m.legs) {
    if (m.scenario->positions[other.index].symbol == symbol) {
      group.push_back(&other);
    } else {
      e0 += other.pnlAt(other.mark) - maintenanceOf(m, other);
    }
  }
  if (explain) return detail::explainedCrossing(m, group, e0, "E0", true, "liquidationPrice");
  return {detail::solveCrossing(m, group, e0, true)};
}

/// The scenario after the payments, where evaluate() can take it: the isolated margin when it is
/// a valid margin, the wallet when it is a valid balance.
struct AfterFunding {
  Scenario scenario;
  ByMode<bool> viaEvaluate;
};
AfterFunding afterFunding(const Scenario& s, std::size_t position, const ByMode<double>& marginAfter) {
  AfterFunding a{s,
                 {isValidPositive(marginAfter.isolated),
                  isValidNonNegative(marginAfter.cross)}};  // the wallet rule validate() applies
  if (a.viaEvaluate.isolated) a.scenario.positions[position].isolatedMargin = marginAfter.isolated;
  if (a.viaEvaluate.cross) a.scenario.walletBalance = marginAfter.cross;
  return a;
}

}  // namespace

double fundingPaymentPerInterval(const Scenario& scenario, std::size_t position, double rate) {
  const Model m = detail::buildModel(scenario);
  const Leg& leg = m.legs[position];
  return leg.s * rate * leg.notionalAt(leg.mark);
}

FundingResult liquidationAfterFunding(const Scenario& scenario, std::size_t position, double payment) {
  const Model m = detail::buildModel(scenario);
  const Leg& leg = m.legs[position];
  FundingResult f;
  f.totalPayment = payment;
  f.marginAfter = {leg.isolatedMargin - f.totalPayment, scenario.walletBalance - f.totalPayment};
  const Report before = evaluate(scenario);
  f.liquidationPriceBefore = {before.isolated->positions[position].liquidationPrice,
                              before.cross->positions[position].liquidationPrice};
  const AfterFunding changed = afterFunding(scenario, position, f.marginAfter);
  const Report after = evaluate(changed.scenario);
  const bool afterOk = after.isolated && after.cross;
  for (const bool isolated : {true, false}) {
    std::optional<double>& price = isolated ? f.liquidationPrice.isolated : f.liquidationPrice.cross;
    bool& liquidated = isolated ? f.liquidated.isolated : f.liquidated.cross;
    if ((isolated ? changed.viaEvaluate.isolated : changed.viaEvaluate.cross) && afterOk) {
      const PositionOutcome& o = (isolated ? *after.isolated : *after.cross).positions[position];
      price = o.liquidationPrice;
      liquidated = o.distanceToLiquidation && *o.distanceToLiquidation <= 0;
    } else {
      const detail::Crossing c =
          solveDirect(m, position, isolated ? f.marginAfter.isolated : f.marginAfter.cross, isolated, false);
      price = c.price;
      liquidated = c.alreadyPast;
    }
  }
  return f;
}

Result<FundingResult> fundingImpact(const Scenario& scenario, const FundingRequest& request) {
  Result<FundingResult> result;
  result.errors = validate(scenario, request);
  if (!result.errors.empty()) return result;
  const double perInterval = fundingPaymentPerInterval(scenario, request.position, request.rate);
  FundingResult f = liquidationAfterFunding(scenario, request.position, request.intervals * perInterval);
  f.paymentPerInterval = perInterval;
  result.value = std::move(f);
  return result;
}

Result<FundingResult> fundingImpact(const Scenario& scenario, std::size_t position, double rate, int intervals) {
  return fundingImpact(scenario, FundingRequest{.position = position, .rate = rate, .intervals = intervals});
}

namespace {

void appendLiquidationSteps(std::vector<Step>& steps, const std::vector<Step>& from, const std::string& prefix) {
  for (const Step& s : from) {
    if (s.field != "liquidationPrice" && s.field != "distanceToLiquidation") continue;
    Step copy = s;
    copy.label = prefix + copy.label;
    steps.push_back(std::move(copy));
  }
}

void paymentSteps(const Scenario& s, const Leg& leg, const FundingRequest& request, const FundingResult& f,
                  std::vector<Step>& steps) {
  const Position& p = s.positions[request.position];
  const double notional = leg.notionalAt(leg.mark);
  if (leg.contract == Contract::Linear) {
    add(steps, "funding.notional.linear", "paymentPerInterval", "Funding notional at the mark (quote)",
        "N = Q·CS·P_mark", n(p.quantity) + "×" + n(p.contractSize) + "×" + n(leg.mark), notional,
        {num("quantity", p.quantity), num("contractSize", p.contractSize), num("mark", leg.mark)});
  } else {
    add(steps, "funding.notional.inverse", "paymentPerInterval", "Funding notional at the mark (coin)",
        "N = Q·CS / P_mark", n(p.quantity) + "×" + n(p.contractSize) + " / " + n(leg.mark), notional,
        {num("quantity", p.quantity), num("contractSize", p.contractSize), num("mark", leg.mark)});
  }
  add(steps, f.paymentPerInterval >= 0 ? "funding.payment.pays" : "funding.payment.receives", "paymentPerInterval",
      f.paymentPerInterval >= 0 ? "Funding paid by this position each interval (positive rate: longs pay shorts)"
                                : "Funding received by this position each interval (negative: it is paid)",
      "F = s·rate·N", sn(leg.s) + "×" + sn(request.rate) + "×" + n(notional), f.paymentPerInterval,
      {num("side", leg.s), num("rate", request.rate), num("notional", notional)});
  add(steps, "funding.total", "totalPayment",
      "Funding over " + std::to_string(request.intervals) + " intervals, at the mark throughout", "T = n·F",
      std::to_string(request.intervals) + "×" + sn(f.paymentPerInterval), f.totalPayment,
      {num("intervals", request.intervals), num("payment", f.paymentPerInterval)});
  add(steps, "funding.marginAfter.isolated", "isolatedMarginAfter",
      "Isolated: funding is paid out of the position's margin", "M' = M − T",
      n(leg.isolatedMargin) + " − " + sn(f.totalPayment), f.marginAfter.isolated,
      {num("margin", leg.isolatedMargin), num("total", f.totalPayment)});
  add(steps, "funding.marginAfter.cross", "walletAfter", "Cross: funding is paid out of the wallet", "W' = W − T",
      n(s.walletBalance) + " − " + sn(f.totalPayment), f.marginAfter.cross,
      {num("wallet", s.walletBalance), num("total", f.totalPayment)});
}

/// The steps behind one mode's liquidation price after funding: evaluate()'s, or the direct solve's.
void liquidationSteps(const Model& m, std::size_t position, const FundingResult& f, const AfterFunding& changed,
                      const Report& after, bool isolated, std::vector<Step>& steps) {
  const std::string prefix = isolated ? "Isolated after funding: " : "Cross after funding: ";
  if ((isolated ? changed.viaEvaluate.isolated : changed.viaEvaluate.cross) && after.isolated && after.cross) {
    appendLiquidationSteps(steps, (isolated ? *after.isolated : *after.cross).positions[position].steps, prefix);
    return;
  }
  const double margin = isolated ? f.marginAfter.isolated : f.marginAfter.cross;
  if (isolated) {
    add(steps, margin <= 0 ? "funding.direct.isolated.exhausted" : "funding.direct.isolated.range",
        "isolatedLiquidationPrice",
        margin <= 0 ? "Isolated: the funding uses up the position's margin (M' <= 0); it stands only on its "
                      "unrealised PnL, so the liquidation price is where M' + uPnL = MM"
                    : "Isolated: the margin after funding is outside the accepted range; solved directly",
        "M' + uPnL(LP) = MM(LP)", "M' = " + n(margin), std::nullopt, {num("margin", margin)});
  } else {
    add(steps, margin < 0 ? "funding.direct.cross.negative" : "funding.direct.cross.range", "crossLiquidationPrice",
        margin < 0 ? "Cross: the funding takes the wallet below zero (W' < 0); the account stands only on its "
                     "unrealised PnL, so the liquidation price is where W' + Σ uPnL = Σ MM"
                   : "Cross: the wallet after funding is outside the accepted range; solved directly",
        "W' + Σ uPnL = Σ MM", "W' = " + n(margin), std::nullopt, {num("wallet", margin)});
  }
  for (Step s : solveDirect(m, position, margin, isolated, true).trace) {
    s.label = prefix + s.label;
    steps.push_back(std::move(s));
  }
}

}  // namespace

void explain(const Scenario& scenario, const FundingRequest& request, FundingResult& f) {
  std::vector<Step>& steps = f.steps;
  steps.clear();
  const Model m = detail::buildModel(scenario);
  paymentSteps(scenario, m.legs[request.position], request, f, steps);
  const AfterFunding changed = afterFunding(scenario, request.position, f.marginAfter);
  Report after = evaluate(changed.scenario);
  if (after.errors.empty()) marginlab::explain(changed.scenario, after);
  liquidationSteps(m, request.position, f, changed, after, true, steps);
  liquidationSteps(m, request.position, f, changed, after, false, steps);
  const auto& lp = f.liquidationPrice;
  add(steps, f.liquidated.isolated ? "funding.liquidated.isolated" : "funding.liquidationPrice.isolated",
      "isolatedLiquidationPrice",
      f.liquidated.isolated
          ? "Isolated: after the funding the mark is at or past the liquidation price: liquidated by funding"
          : "Isolated liquidation price after funding",
      "LP", lp.isolated ? n(*lp.isolated) : "none", lp.isolated, {num("liquidationPrice", lp.isolated.value_or(0))});
  add(steps, f.liquidated.cross ? "funding.liquidated.cross" : "funding.liquidationPrice.cross",
      "crossLiquidationPrice",
      f.liquidated.cross
          ? "Cross: after the funding the mark is at or past the liquidation price: liquidated by funding"
          : "Cross liquidation price after funding",
      "LP", lp.cross ? n(*lp.cross) : "none", lp.cross, {num("liquidationPrice", lp.cross.value_or(0))});
}

}  // namespace marginlab
