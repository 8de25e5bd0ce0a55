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

#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "marginlab/validate.h"
#include "model.h"
#include "explain.h"

namespace marginlab {

namespace {

using detail::Leg;
using detail::Model;

/// Limits that keep one call bounded (the wasm boundary repeats the first two).
constexpr std::size_t kMaxShocks = 1'000;
constexpr std::size_t kMaxCascadeSteps = 10'000;
/// Grid cells (shocks, times symbols for EachSymbol) and cells times positions: one cell is one
/// evaluate() of the whole scenario, about 50 us per position natively (so at most ~2.5 s).
constexpr std::size_t kMaxCells = 10'000;
constexpr std::size_t kMaxCellPositions = 50'000;
/// A request can name many bad marks; the list stops after this many.
constexpr std::size_t kMaxMarkErrors = 100;
constexpr int kMaxFundingIntervals = 1'000'000;

using detail::n;
using detail::sn;
std::string pct(double fraction) { return formatNumber(fraction * 100) + "%"; }

using detail::add;

void addError(std::vector<InputError>& errors, std::string path, ErrorCode code, std::string message) {
  errors.push_back({std::move(path), code, std::move(message)});
}

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

/// A price the calculator accepts, or the error that says why not.
void checkPrice(std::vector<InputError>& errors, const std::string& path, double x) {
  if (!isValidNumber(x)) {
    addError(errors, path, ErrorCode::NotFinite, path + " must be a finite number");
  } else if (!(x > 0)) {
    addError(errors, path, ErrorCode::NotPositive, path + " (" + n(x) + ") must be > 0");
  } else if (!isValidPositive(x)) {
    addError(errors, path, ErrorCode::OutOfRange,
             path + " (" + n(x) + ") must be between 1e-09 and " + n(kMaxMagnitude));
  }
}

// ---------------------------------------------------------------------------------------------
// Shock grid
// ---------------------------------------------------------------------------------------------

double betaOf(const StressRequest& r, std::string_view symbol) {
  if (r.model != ShockModel::OneFactor) return 1;
  const auto it = r.betas.find(symbol);
  return it == r.betas.end() ? 1.0 : it->second;
}

std::string shockName(double shock) { return (shock > 0 ? "+" : "") + pct(shock); }

}  // namespace

Result<StressResult> stressGrid(const Scenario& scenario, const StressRequest& request) {
  Result<StressResult> result;
  std::vector<InputError>& errors = result.errors;
  errors = validate(scenario);
  const bool scenarioOk = errors.empty();
  const std::vector<std::string> symbols = symbolsOf(scenario);

  bool shocksOk = true;
  if (request.shocks.empty()) {
    addError(errors, "request.shocks", ErrorCode::Empty, "request.shocks must hold at least one shock (e.g. -0.2 for -20%)");
    shocksOk = false;
  } else if (request.shocks.size() > kMaxShocks) {
    addError(errors, "request.shocks", ErrorCode::TooMany,
             "request.shocks has " + std::to_string(request.shocks.size()) + " entries; at most " +
                 std::to_string(kMaxShocks) + " are accepted");
    shocksOk = false;
  } else {
    for (std::size_t i = 0; i < request.shocks.size(); ++i) {
      const std::string path = "request.shocks[" + std::to_string(i) + "]";
      const double x = request.shocks[i];
      if (!isValidNumber(x)) {
        addError(errors, path, ErrorCode::NotFinite, path + " must be a finite number");
        shocksOk = false;
      } else if (!(x > -1)) {
        addError(errors, path, ErrorCode::OutOfRange,
                 path + " (" + n(x) + ") must be > -1: a shock is a fraction of the mark (-0.5 is -50%)");
        shocksOk = false;
      }
    }
  }
  bool betasOk = true;
  if (request.model == ShockModel::EachSymbol && !request.betas.empty()) {
    addError(errors, "request.betas", ErrorCode::Unsupported,
             "request.betas apply to the one-factor model only; each-symbol shocks move one symbol at a time");
    betasOk = false;
  } else {
    for (const auto& [symbol, beta] : request.betas) {
      const std::string path = "request.betas." + symbol;
      if (!hasSymbol(symbols, symbol)) {
        addError(errors, path, ErrorCode::UnknownValue, path + ": no position of the scenario has this symbol");
        betasOk = false;
      } else if (!isValidNumber(beta)) {
        addError(errors, path, ErrorCode::NotFinite, path + " must be a finite number");
        betasOk = false;
      } else if (std::abs(beta) > 1000) {
        addError(errors, path, ErrorCode::OutOfRange, path + " (" + n(beta) + ") must be between -1000 and 1000");
        betasOk = false;
      }
    }
  }
  const std::size_t groups = request.model == ShockModel::EachSymbol ? symbols.size() : 1;
  if (shocksOk && scenarioOk) {
    const std::size_t cells = request.shocks.size() * groups;
    if (cells > kMaxCells || cells * scenario.positions.size() > kMaxCellPositions) {
      addError(errors, "request.shocks", ErrorCode::TooMany,
               "the grid has " + std::to_string(cells) + " cells of " + std::to_string(scenario.positions.size()) +
                   " positions each; at most " + std::to_string(kMaxCells) + " cells and " +
                   std::to_string(kMaxCellPositions) + " cells x positions are accepted");
      shocksOk = false;
    }
  }
  // Every moved mark must stay a price: P (1 + beta shock) > 0 and within the accepted range.
  if (shocksOk && betasOk && scenarioOk) {
    for (std::size_t i = 0; i < request.shocks.size(); ++i) {
      const double shock = request.shocks[i];
      for (const Position& p : scenario.positions) {
        const double beta = betaOf(request, p.symbol);
        const double moved = p.mark() * (1 + beta * shock);
        if (!isValidPositive(moved)) {
          const std::string path = "request.shocks[" + std::to_string(i) + "]";
          addError(errors, path, ErrorCode::OutOfRange,
                   path + " (" + n(shock) + ") with beta " + n(beta) + " moves the mark of " + p.symbol + " from " +
                       n(p.mark()) + " to " + n(moved) + ": the mark must stay > 0 and <= " + n(kMaxMagnitude));
          break;
        }
      }
    }
  }
  if (!errors.empty()) return result;

  StressResult out;
  add(out.steps, "shock",
      request.model == ShockModel::OneFactor
          ? "One factor: every symbol's mark moves by its beta times the shock, all at once"
          : "Each symbol on its own: one symbol's mark moves by the shock, the others stay at their marks",
      "P' = P_mark·(1 + β·shock)", request.model == ShockModel::OneFactor ? "β = 1 unless given" : "β = 1", std::nullopt);
  if (request.model == ShockModel::OneFactor) {
    for (const std::string& symbol : symbols) {
      const double beta = betaOf(request, symbol);
      add(out.steps, "beta", "Beta of " + symbol + (request.betas.count(symbol) ? ", as given" : ", the default"), "β",
          n(beta), beta);
    }
  }
  add(out.steps, "liquidated",
      "A position counts as liquidated when the moved mark is at or past its liquidation price (distance to "
      "liquidation <= 0), evaluated isolated and cross with every position's own margin",
      "liquidated = d <= 0, d = ±(P' − LP) / P'", "", std::nullopt);

  const std::size_t count = scenario.positions.size();
  for (std::size_t g = 0; g < groups; ++g) {
    for (const double shock : request.shocks) {
      Scenario moved = scenario;
      std::string movedText;
      for (Position& p : moved.positions) {
        const bool moves = request.model == ShockModel::OneFactor || p.symbol == symbols[g];
        if (!moves) continue;
        p.markPrice = p.mark() * (1 + betaOf(request, p.symbol) * shock);
      }
      for (std::size_t k = 0; k < symbols.size(); ++k) {
        if (request.model == ShockModel::EachSymbol && k != g) continue;
        for (const Position& p : moved.positions) {
          if (p.symbol != symbols[k]) continue;
          if (!movedText.empty()) movedText += ", ";
          movedText += p.symbol + " " + n(*p.markPrice);
          break;
        }
      }
      const Report r = evaluate(moved);
      if (!r.errors.empty() || !r.isolated || !r.cross) {  // not reached: the marks were checked above
        result.errors = r.errors;
        return result;
      }
      StressCell cell;
      if (request.model == ShockModel::EachSymbol) cell.symbol = symbols[g];
      cell.shock = shock;
      cell.isolatedEquity = r.isolated->account.equity;
      cell.crossEquity = r.cross->account.equity;
      cell.isolatedMarginRatio = r.isolated->account.marginRatio;
      cell.crossMarginRatio = r.cross->account.marginRatio;
      cell.isolatedLiquidated.resize(count);
      cell.crossLiquidated.resize(count);
      std::size_t isoCount = 0, crossCount = 0;
      for (std::size_t i = 0; i < count; ++i) {
        const auto& di = r.isolated->positions[i].distanceToLiquidation;
        const auto& dc = r.cross->positions[i].distanceToLiquidation;
        cell.isolatedLiquidated[i] = di && *di <= 0;
        cell.crossLiquidated[i] = dc && *dc <= 0;
        isoCount += cell.isolatedLiquidated[i] ? 1 : 0;
        crossCount += cell.crossLiquidated[i] ? 1 : 0;
      }
      add(out.steps, "cells",
          "Shock " + shockName(shock) + (cell.symbol.empty() ? "" : " on " + cell.symbol) + " (" + movedText +
              "): cross equity " + n(cell.crossEquity) + ", isolated equity " + n(cell.isolatedEquity) + "; " +
              std::to_string(crossCount) + " of " + std::to_string(count) + " positions liquidated in cross, " +
              std::to_string(isoCount) + " isolated",
          "equity_cross = W + Σ uPnL(P')", n(cell.crossEquity), cell.crossEquity);
      out.cells.push_back(std::move(cell));
    }
  }
  result.value = std::move(out);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Cascade
// ---------------------------------------------------------------------------------------------

namespace {

/// Default liquidation style of a profile (VENUES.md 8, "Partial/tiered liquidation").
CascadeLiquidation defaultStyle(Rules rules) {
  switch (rules) {
    case Rules::Binance:
    case Rules::Bybit:
    case Rules::BybitUta:
    case Rules::Okx:
    case Rules::Bitmex: return CascadeLiquidation::TierByTier;
    case Rules::Hyperliquid:
    case Rules::Dydx:
    case Rules::Simple: return CascadeLiquidation::WholeAccount;
  }
  return CascadeLiquidation::WholeAccount;
}

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

  /// Closes `newK` of leg i's size down to newK (0: the whole position) at its mark.
  void close(std::size_t step, std::size_t i, double newK, const std::string& why) {
    Leg& leg = legs[i];
    const Position& p = m.scenario->positions[leg.index];
    const double before = equity();
    const double pnlBefore = leg.pnlAt(leg.mark);
    const double kBefore = leg.k;
    const double closedK = kBefore - newK;
    const double closedNotional = leg.notionalAt(leg.mark) * (closedK / kBefore);
    if (newK > 0) {
      resize(m, leg, newK);
    } else {
      open[i] = false;
    }
    const double realised = newK > 0 ? pnlBefore - leg.pnlAt(leg.mark) : pnlBefore;
    wallet += realised;
    const double fee = std::min(feeRate * closedNotional, std::max(0.0, before));
    wallet -= fee;
    CascadeEvent e;
    e.step = step;
    e.position = leg.index;
    e.symbol = p.symbol;
    e.price = leg.mark;
    e.closedQuantity = closedK / p.contractSize;
    e.fee = fee;
    e.pastBankruptcy = before < 0;
    const std::string side = leg.s > 0 ? "long" : "short";
    const std::string what = newK > 0 ? "reduced the " + side + " " + p.symbol + " from " + n(kBefore / p.contractSize) +
                                            " to " + n(newK / p.contractSize) + " contracts"
                                      : "closed the " + side + " " + p.symbol + " (" + n(kBefore / p.contractSize) +
                                            " contracts)";
    std::string text = "Step " + std::to_string(step) + ": " + why + "; " + what + " at " + n(leg.mark) +
                       ", realising " + sn(realised) + " and paying a liquidation fee of " + n(fee);
    if (fee < feeRate * closedNotional) text += " (capped at the equity left)";
    if (e.pastBankruptcy) text += "; the account was already past bankruptcy (equity " + n(before) + ")";
    const bool last = !anyOpen();
    double after = equity();
    if (last && wallet < 0) {
      out.insuranceFundLoss += -wallet;
      text += "; the insurance fund (or auto-deleveraging) covers the shortfall of " + n(-wallet);
      e.pastBankruptcy = true;
      wallet = 0;
      after = 0;
    }
    e.equityAfter = after;
    text += "; equity after: " + n(after) + ".";
    e.description = text;
    add(out.steps, "events", "Step " + std::to_string(step) + ": " + what,
        "W += realised PnL − min(rate·N_closed, equity)",
        "W = " + n(wallet) + " (realised " + sn(realised) + ", fee min(" + n(feeRate) + "×" + n(closedNotional) +
            ", " + n(std::max(0.0, before)) + ") = " + n(fee) + ")",
        after);
    out.events.push_back(std::move(e));
  }
};

}  // namespace

Result<CascadeResult> cascade(const Scenario& scenario, const CascadeRequest& request) {
  Result<CascadeResult> result;
  std::vector<InputError>& errors = result.errors;
  errors = validate(scenario);
  const std::vector<std::string> symbols = symbolsOf(scenario);

  if (request.marks.empty()) {
    addError(errors, "request.marks", ErrorCode::Empty, "request.marks must hold at least one step of marks");
  } else if (request.marks.size() > kMaxCascadeSteps) {
    addError(errors, "request.marks", ErrorCode::TooMany,
             "request.marks has " + std::to_string(request.marks.size()) + " steps; at most " +
                 std::to_string(kMaxCascadeSteps) + " are accepted");
  } else {
    std::size_t markErrors = 0;
    for (std::size_t t = 0; t < request.marks.size() && markErrors < kMaxMarkErrors; ++t) {
      const auto& step = request.marks[t];
      const std::string base = "request.marks[" + std::to_string(t) + "]";
      const std::size_t before = errors.size();
      for (const std::string& symbol : symbols) {
        if (!step.count(symbol))
          addError(errors, base + "." + symbol, ErrorCode::Missing,
                   base + "." + symbol + " is missing: every step sets the mark of every symbol");
      }
      for (const auto& [symbol, price] : step) {
        const std::string path = base + "." + symbol;
        if (!hasSymbol(symbols, symbol)) {
          addError(errors, path, ErrorCode::UnknownValue, path + ": no position of the scenario has this symbol");
        } else {
          checkPrice(errors, path, price);
        }
      }
      markErrors += errors.size() - before;
    }
    if (markErrors >= kMaxMarkErrors) {
      addError(errors, "request.marks", ErrorCode::OutOfRange,
               "request.marks has " + std::to_string(markErrors) + " or more problems; the list stops here");
    }
  }
  if (request.liquidationFeeRate) {
    const double f = *request.liquidationFeeRate;
    if (!isValidNumber(f)) {
      addError(errors, "request.liquidationFeeRate", ErrorCode::NotFinite, "request.liquidationFeeRate must be a finite number");
    } else if (!(f >= 0 && f < 0.1)) {
      addError(errors, "request.liquidationFeeRate", ErrorCode::OutOfRange,
               "request.liquidationFeeRate (" + n(f) + ") must be >= 0 and < 0.1 (a fraction: 0.005 is 0.5%)");
    }
  }
  if (!errors.empty()) return result;

  const Model m = detail::buildModel(scenario);
  const CascadeLiquidation style = request.style.value_or(defaultStyle(scenario.rules));
  Walker w{m, m.legs, std::vector<bool>(m.legs.size(), true), scenario.walletBalance,
           request.liquidationFeeRate.value_or(m.fee), {}};
  CascadeResult& out = w.out;

  add(out.steps, "wallet", "Cross account: every position shares the wallet (margin modes of the positions are ignored)",
      "W", n(scenario.walletBalance), scenario.walletBalance);
  add(out.steps, "liquidationFeeRate",
      request.liquidationFeeRate ? "Liquidation fee rate, as given"
                                 : (scenario.takerFeeRate ? "Liquidation fee rate: the scenario's taker fee"
                                                          : "Liquidation fee rate: the " +
                                                                std::string(toString(scenario.rules)) +
                                                                " profile's taker fee"),
      "fee = rate·N_closed, at most the equity left", n(w.feeRate), w.feeRate);
  add(out.steps, "style",
      style == CascadeLiquidation::TierByTier
          ? "Tier by tier: the position with the largest maintenance margin is reduced to the cap of the next lower "
            "tier (closed in tier 1), then the account is checked again; an account at or past bankruptcy is taken "
            "over whole" +
                std::string(request.style ? " (as requested)" : " (how " + std::string(toString(scenario.rules)) +
                                                                    " liquidates: VENUES.md 8)")
          : "Whole account: every position is closed at the mark as soon as equity <= maintenance" +
                std::string(request.style ? " (as requested)" : " (how " + std::string(toString(scenario.rules)) +
                                                                    " liquidates: VENUES.md 8)"),
      "liquidate while W + Σ uPnL <= Σ MM", "", std::nullopt);

  // Each pass closes a leg or moves it down at least one tier: bounded by legs x (tiers + 1).
  std::size_t passBudget = 0;
  for (const Leg& leg : m.legs) passBudget += m.tiersOf(leg).size() + 1;

  std::vector<std::size_t> symbolOf;  // per leg, its index in `symbols`: one look-up per symbol and step
  for (const Leg& leg : m.legs) {
    const auto it = std::find(symbols.begin(), symbols.end(), scenario.positions[leg.index].symbol);
    symbolOf.push_back(static_cast<std::size_t>(it - symbols.begin()));
  }
  std::vector<double> prices(symbols.size());
  for (std::size_t t = 0; t < request.marks.size(); ++t) {
    const auto& marks = request.marks[t];
    for (std::size_t k = 0; k < symbols.size(); ++k) prices[k] = marks.find(symbols[k])->second;  // checked above
    for (std::size_t i = 0; i < w.legs.size(); ++i) w.legs[i].mark = prices[symbolOf[i]];
    for (std::size_t pass = 0; pass <= passBudget && w.anyOpen(); ++pass) {
      const double e = w.equity();
      const double mm = w.maintenance();
      if (e > mm && e >= 0) break;
      const std::string why = "equity " + n(e) + " <= maintenance " + n(mm);
      add(out.steps, "trigger", "Step " + std::to_string(t) + ": the account falls to its maintenance margin",
          "W + Σ uPnL <= Σ MM", n(w.wallet) + " + " + sn(e - w.wallet) + " <= " + n(mm), e);
      const bool takeover = style == CascadeLiquidation::WholeAccount || e <= 0 || pass == passBudget;
      if (takeover) {
        const std::string reason = style == CascadeLiquidation::WholeAccount
                                       ? why + ", so the whole account is liquidated"
                                       : why + " and no equity is left, so every position is taken over";
        for (std::size_t i = 0; i < w.legs.size(); ++i)
          if (w.open[i]) w.close(t, i, 0, reason);
        break;
      }
      std::size_t pick = w.legs.size();
      double largest = -1;
      for (std::size_t i = 0; i < w.legs.size(); ++i) {
        if (!w.open[i]) continue;
        const double mmi = maintenanceOf(m, w.legs[i]);
        if (pick == w.legs.size() || mmi > largest) {
          pick = i;
          largest = mmi;
        }
      }
      Leg& leg = w.legs[pick];
      const auto& tiers = m.tiersOf(leg);
      const std::size_t tier = tierIndexAt(tiers, tierNotional(m, leg));
      double newK = 0;
      std::string reason = why + "; its largest maintenance margin (" + n(largest) + ") is in tier " +
                           std::to_string(tier + 1);
      if (tier > 0) {
        newK = sizeForCap(m, leg, tiers[tier - 1].cap);
        if (!(newK > 0 && newK < leg.k)) newK = 0;
        if (newK > 0) reason += ", so it is cut to the tier-" + std::to_string(tier) + " cap of " + n(tiers[tier - 1].cap);
      }
      if (newK == 0) reason += ", so it is closed";
      w.close(t, pick, newK, reason);
    }
    out.equity.push_back(w.anyOpen() ? w.equity() : w.wallet);
  }
  out.finalEquity = out.equity.empty() ? w.wallet : out.equity.back();
  add(out.steps, "insuranceFundLoss",
      out.insuranceFundLoss > 0 ? "The loss went past bankruptcy: the insurance fund (or auto-deleveraging) takes it"
                                : "No loss past bankruptcy: the insurance fund is not touched",
      "loss = max(0, −equity at the last close)", n(out.insuranceFundLoss), out.insuranceFundLoss);
  add(out.steps, "finalEquity",
      w.anyOpen() ? "Final equity: the wallet plus the PnL of the positions still open"
                  : "Final equity: what is left in the wallet after every position is closed",
      "equity = W + Σ uPnL", n(w.wallet) + " + " + sn(out.finalEquity - w.wallet), out.finalEquity);
  result.value = std::move(out);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Funding
// ---------------------------------------------------------------------------------------------

namespace {

/// Liquidation price of one leg when the margin (isolated) or the wallet (cross) cannot go
/// through evaluate(): at or below zero, or above the accepted range. Mirrors evaluate().
detail::ExplainedCrossing solveDirect(const Model& m, std::size_t position, double margin, bool isolated) {
  const Leg& leg = m.legs[position];
  if (isolated) {
    double e0 = margin;
    if (m.profile->extraMarginNetOfFee) e0 = leg.initialMargin + (margin - leg.initialMargin) / (1 - leg.s * m.fee);
    const Leg* one[] = {&leg};
    return detail::explainedCrossing(m, one, e0, "M", true, "liquidationPrice");
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
  return detail::explainedCrossing(m, group, e0, "E0", true, "liquidationPrice");
}

void appendLiquidationSteps(std::vector<Step>& steps, const std::vector<Step>& from, const std::string& prefix) {
  for (const Step& s : from) {
    if (s.field != "liquidationPrice" && s.field != "distanceToLiquidation") continue;
    Step copy = s;
    copy.label = prefix + copy.label;
    steps.push_back(std::move(copy));
  }
}

}  // namespace

Result<FundingResult> fundingImpact(const Scenario& scenario, std::size_t position, double rate, int intervals) {
  Result<FundingResult> result;
  std::vector<InputError>& errors = result.errors;
  errors = validate(scenario);
  if (position >= scenario.positions.size()) {
    addError(errors, "request.position", ErrorCode::OutOfRange,
             "request.position (" + std::to_string(position) + ") must be < " +
                 std::to_string(scenario.positions.size()) + ", the number of positions");
  }
  if (!isValidNumber(rate)) {
    addError(errors, "request.rate", ErrorCode::NotFinite, "request.rate must be a finite number");
  } else if (!(std::abs(rate) < 1)) {
    addError(errors, "request.rate", ErrorCode::OutOfRange,
             "request.rate (" + n(rate) + ") must be between -1 and 1 (a fraction per interval: 0.0001 is 0.01%)");
  }
  if (intervals < 0) {
    addError(errors, "request.intervals", ErrorCode::Negative,
             "request.intervals (" + std::to_string(intervals) + ") must be >= 0");
  } else if (intervals > kMaxFundingIntervals) {
    addError(errors, "request.intervals", ErrorCode::OutOfRange,
             "request.intervals (" + std::to_string(intervals) + ") must be <= " + std::to_string(kMaxFundingIntervals));
  }
  if (!errors.empty()) return result;

  const Model m = detail::buildModel(scenario);
  const Leg& leg = m.legs[position];
  const Position& p = scenario.positions[position];
  const bool linear = leg.contract == Contract::Linear;
  FundingResult f;
  const double notional = leg.notionalAt(leg.mark);
  if (linear) {
    add(f.steps, "paymentPerInterval", "Funding notional at the mark (quote)", "N = Q·CS·P_mark",
        n(p.quantity) + "×" + n(p.contractSize) + "×" + n(leg.mark), notional);
  } else {
    add(f.steps, "paymentPerInterval", "Funding notional at the mark (coin)", "N = Q·CS / P_mark",
        n(p.quantity) + "×" + n(p.contractSize) + " / " + n(leg.mark), notional);
  }
  f.paymentPerInterval = leg.s * rate * notional;
  add(f.steps, "paymentPerInterval",
      f.paymentPerInterval >= 0 ? "Funding paid by this position each interval (positive rate: longs pay shorts)"
                                : "Funding received by this position each interval (negative: it is paid)",
      "F = s·rate·N", sn(leg.s) + "×" + sn(rate) + "×" + n(notional), f.paymentPerInterval);
  f.totalPayment = intervals * f.paymentPerInterval;
  add(f.steps, "totalPayment", "Funding over " + std::to_string(intervals) + " intervals, at the mark throughout",
      "T = n·F", std::to_string(intervals) + "×" + sn(f.paymentPerInterval), f.totalPayment);

  const double margin = leg.isolatedMargin - f.totalPayment;
  const double wallet = scenario.walletBalance - f.totalPayment;
  f.isolatedMarginAfter = margin;
  f.walletAfter = wallet;
  add(f.steps, "isolatedMarginAfter", "Isolated: funding is paid out of the position's margin", "M' = M − T",
      n(leg.isolatedMargin) + " − " + sn(f.totalPayment), margin);
  add(f.steps, "walletAfter", "Cross: funding is paid out of the wallet", "W' = W − T",
      n(scenario.walletBalance) + " − " + sn(f.totalPayment), wallet);

  const Report before = evaluate(scenario);
  if (before.isolated && before.cross) {
    f.isolatedLiquidationPriceBefore = before.isolated->positions[position].liquidationPrice;
    f.crossLiquidationPriceBefore = before.cross->positions[position].liquidationPrice;
  }

  Scenario changed = scenario;
  const bool isoViaEvaluate = isValidPositive(margin);
  const bool crossViaEvaluate = isValidNumber(wallet) && wallet >= 0 && wallet <= kMaxMagnitude;
  if (isoViaEvaluate) changed.positions[position].isolatedMargin = margin;
  if (crossViaEvaluate) changed.walletBalance = wallet;
  Report after = evaluate(changed);
  explain(changed, after);  // its liquidation steps are copied below
  const bool afterOk = after.isolated && after.cross;

  if (isoViaEvaluate && afterOk) {
    const PositionOutcome& o = after.isolated->positions[position];
    f.isolatedLiquidationPrice = o.liquidationPrice;
    f.isolatedLiquidated = o.distanceToLiquidation && *o.distanceToLiquidation <= 0;
    appendLiquidationSteps(f.steps, o.steps, "Isolated after funding: ");
  } else {
    const detail::ExplainedCrossing c = solveDirect(m, position, margin, true);
    f.isolatedLiquidationPrice = c.price;
    f.isolatedLiquidated = c.alreadyPast;
    add(f.steps, "isolatedLiquidationPrice",
        margin <= 0 ? "Isolated: the funding uses up the position's margin (M' <= 0); it stands only on its "
                      "unrealised PnL, so the liquidation price is where M' + uPnL = MM"
                    : "Isolated: the margin after funding is outside the accepted range; solved directly",
        "M' + uPnL(LP) = MM(LP)", "M' = " + n(margin), std::nullopt);
    for (Step s : c.trace) {
      s.label = "Isolated after funding: " + s.label;
      f.steps.push_back(std::move(s));
    }
  }
  if (crossViaEvaluate && afterOk) {
    const PositionOutcome& o = after.cross->positions[position];
    f.crossLiquidationPrice = o.liquidationPrice;
    f.crossLiquidated = o.distanceToLiquidation && *o.distanceToLiquidation <= 0;
    appendLiquidationSteps(f.steps, o.steps, "Cross after funding: ");
  } else {
    const detail::ExplainedCrossing c = solveDirect(m, position, wallet, false);
    f.crossLiquidationPrice = c.price;
    f.crossLiquidated = c.alreadyPast;
    add(f.steps, "crossLiquidationPrice",
        wallet < 0 ? "Cross: the funding takes the wallet below zero (W' < 0); the account stands only on its "
                     "unrealised PnL, so the liquidation price is where W' + Σ uPnL = Σ MM"
                   : "Cross: the wallet after funding is outside the accepted range; solved directly",
        "W' + Σ uPnL = Σ MM", "W' = " + n(wallet), std::nullopt);
    for (Step s : c.trace) {
      s.label = "Cross after funding: " + s.label;
      f.steps.push_back(std::move(s));
    }
  }
  add(f.steps, "isolatedLiquidationPrice",
      f.isolatedLiquidated ? "Isolated: after the funding the mark is at or past the liquidation price: liquidated by funding"
                           : "Isolated liquidation price after funding",
      "LP", f.isolatedLiquidationPrice ? n(*f.isolatedLiquidationPrice) : "none", f.isolatedLiquidationPrice);
  add(f.steps, "crossLiquidationPrice",
      f.crossLiquidated ? "Cross: after the funding the mark is at or past the liquidation price: liquidated by funding"
                        : "Cross liquidation price after funding",
      "LP", f.crossLiquidationPrice ? n(*f.crossLiquidationPrice) : "none", f.crossLiquidationPrice);
  result.value = std::move(f);
  return result;
}

}  // namespace marginlab
