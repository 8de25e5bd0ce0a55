// SPDX-License-Identifier: MIT
// libFuzzer target: arbitrary bytes -> a Scenario and every tool's parameters (encode.h), fed
// to evaluate() and every other core entry point. Checks what the headers promise: no call
// crashes or trips ASan/UBSan; every double of every result (steps included) is finite unless
// the call reported errors; a Result holds a value iff it has no errors; validate() and
// evaluate() agree; and the cheap invariants of tests/core/properties_test.cpp and the tools'
// own contracts (each named where it is checked). A failure prints the scenario and aborts.
// Each input runs evaluate() and the tools its Params::tools bits select (the seeds: all tools,
// and each tool alone). Tool kOptionsAccount decodes a version-2 OptionsScenario and its requests
// and checks evaluateOptions, optionsAccountAt, sweepOptionsAccount and portfolioMargin (crossings
// at |equity - MM| <= 1e-6 x the scale of the terms summed there). MLFUZZ_STATS=1 prints at exit
// how often each check ran.
#include <cinttypes>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "../core/numbers.h"
#include "encode.h"

using namespace mlfuzz;

namespace {

const Scenario* gScenario = nullptr;  // the input being checked, for the failure message
const Params* gParams = nullptr;
bool gOptionsRunning = false;  // print the options scenario too

std::string num(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

std::string describe(const Scenario& s) {
  std::ostringstream o;
  o << "rules " << toString(s.rules) << ", version " << s.version << ", wallet " << num(s.walletBalance);
  if (s.takerFeeRate) o << ", fee " << num(*s.takerFeeRate);
  o << "\n";
  for (const auto& [symbol, table] : s.tiers) {
    o << "  tiers." << symbol << ":";
    for (const Tier& t : table) {
      o << " {" << num(t.notionalCap) << ", " << num(t.maxLeverage) << ", "
        << (t.maintenanceMarginRate ? num(*t.maintenanceMarginRate) : "-") << ", "
        << (t.maintenanceAmount ? num(*t.maintenanceAmount) : "-") << "}";
    }
    o << "\n";
  }
  for (std::size_t i = 0; i < s.positions.size() && i < 20; ++i) {
    const Position& p = s.positions[i];
    o << "  [" << i << "] '" << p.symbol << "' " << toString(p.contract) << " " << toString(p.side) << " q "
      << num(p.quantity) << " cs " << num(p.contractSize) << " entry " << num(p.entryPrice) << " mark "
      << (p.markPrice ? num(*p.markPrice) : "-") << " lev " << num(p.leverage);
    if (p.isolatedMargin) o << " M " << num(*p.isolatedMargin);
    if (p.marginMode) o << " mode " << toString(*p.marginMode);
    o << "\n";
  }
  if (s.positions.size() > 20) o << "  ... " << s.positions.size() << " positions\n";
  return o.str();
}

std::string describeOptions(const Params& prm) {
  const OptionsScenario& s = prm.options;
  std::ostringstream o;
  o << "options scenario: version " << s.version << ", underlying '" << s.underlying.substr(0, 40) << "' "
    << toString(s.settlement) << ", wallet " << num(s.walletBalance) << ", U " << num(s.underlyingPrice) << ", date "
    << (s.valuationDate ? "'" + s.valuationDate->substr(0, 40) + "'" : "-") << ", r " << num(s.interestRate)
    << ", sizeRate " << (s.futuresSizeRate ? num(*s.futuresSizeRate) : "-") << ", " << toString(s.volDynamics) << "\n";
  for (std::size_t i = 0; i < s.futures.size() && i < 10; ++i) {
    const Position& f = s.futures[i];
    o << "  futures[" << i << "] " << toString(f.contract) << " " << toString(f.side) << " q " << num(f.quantity)
      << " cs " << num(f.contractSize) << " entry " << num(f.entryPrice) << (f.markPrice ? " mark" : "")
      << (f.marginMode ? " mode" : "") << (f.isolatedMargin ? " M" : "") << "\n";
  }
  if (s.volSurface) {
    o << "  volSurface expiries";
    for (double x : s.volSurface->expiries) o << " " << num(x);
    o << "; strikes";
    for (double x : s.volSurface->strikes) o << " " << num(x);
    o << "; vols";
    for (const auto& row : s.volSurface->vols) {
      o << " [";
      for (double x : row) o << " " << num(x);
      o << " ]";
    }
    o << "\n";
  }
  for (std::size_t i = 0; i < s.options.size() && i < 10; ++i) {
    const OptionPosition& x = s.options[i];
    o << "  options[" << i << "] " << toString(x.type) << " " << toString(x.side) << " K " << num(x.strike) << " T "
      << (x.expiryYears ? num(*x.expiryYears) : "-") << " date " << (x.expiryDate ? "'" + x.expiryDate->substr(0, 40) + "'" : "-")
      << " q " << num(x.quantity) << " premium " << num(x.premium) << " vol "
      << (x.volatility ? num(*x.volatility) : "-") << "\n";
  }
  if (s.options.size() > 10) o << "  ... " << s.options.size() << " options\n";
  const OptionsRequest& r = prm.optionsRequest;
  o << "  request: days " << num(r.days) << ", scan " << num(r.scanLow) << " .. " << num(r.scanHigh) << " x "
    << r.scanPoints << ", volShifts";
  for (double x : r.volShifts) o << " " << num(x);
  o << "\n  portfolio: moves";
  for (double x : prm.portfolio.priceMoves) o << " " << num(x);
  o << "; shocks";
  for (double x : prm.portfolio.volShocks) o << " " << num(x);
  o << "; " << toString(prm.portfolio.volShockKind) << " vegaPower " << num(prm.portfolio.vegaPower) << "\n";
  return o.str();
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "\n==== scenario_fuzz: invariant failed: %s\n", what.c_str());
  if (gOptionsRunning && gParams) std::fprintf(stderr, "%s", describeOptions(*gParams).c_str());
  else if (gScenario) std::fprintf(stderr, "%s", describe(*gScenario).c_str());
  if (gParams) std::fprintf(stderr, "  request position %zu\n", gParams->position);
  std::abort();
}

/// How often each check ran (not vacuous): printed at exit when MLFUZZ_STATS is set.
enum Counter {
  cInputs, cValid, cToolValues, cAdverse, cBankruptcy, cSweep, cAdjust, cTarget, cStop, cMarginIsolated,
  cMarginCross, cStressZero, cFundingZero, cMonteCarloChunks, cBatch, cLiquidation, cMaxOpen, cOptionsValid,
  cOptionsValue, cOptionsCrossing, cOptionsIsolatedCrossing, cOptionsSweep, cOptionsPortfolio, cVenueTick, cAccountValid,
  cAccountParity, cCounterCount
};
const char* const kCounterNames[] = {"inputs", "valid scenarios", "tool results with a value", "LP on the adverse side",
                                     "BP beyond LP", "sweep = evaluate", "adjust report = evaluate",
                                     "target PnL reached", "stop LP = evaluate", "margin-to-target isolated LP",
                                     "margin-to-target cross LP", "zero shock = evaluate", "no funding, no change",
                                     "Monte Carlo chunking", "batch = evaluate", "equity = MM at LP", "max open size opens", "valid options scenarios",
                                     "evaluateOptions values", "options crossing gap ~ 0", "options isolated crossings",
                                     "sweepOptionsAccount = optionsAccountAt", "portfolioMargin grids", "venue tick and lots",
                                     "valid accounts", "account = its kernel"};
std::uint64_t gCounts[cCounterCount] = {};
void tally(Counter c) { ++gCounts[c]; }
void printCounts() {
  std::fprintf(stderr, "scenario_fuzz: checks run:");
  for (int i = 0; i < cCounterCount; ++i) std::fprintf(stderr, "%s %s %" PRIu64, i ? "," : "", kCounterNames[i], gCounts[i]);
  std::fprintf(stderr, "\n");
}

#define REQUIRE_THAT(cond, message)                                  \
  do {                                                               \
    if (!(cond)) fail(std::string(#cond) + ": " + (message));        \
  } while (0)

bool closeRel(double a, double b, double rel, double absFloor = 0) {
  return std::abs(a - b) <= std::max(rel * std::max(std::abs(a), std::abs(b)), absFloor);
}

// ---- every double finite --------------------------------------------------------------------

struct Finite {
  std::string where;
  void x(const std::string& name, double v) const {
    if (!std::isfinite(v)) fail("non-finite number at " + where + name + " = " + num(v));
  }
  void x(const std::string& name, const std::optional<double>& v) const {
    if (v) x(name, *v);
  }
  void steps(const std::string& name, const std::vector<Step>& list) const {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Step& st = list[i];
      if (st.value && !std::isfinite(*st.value))
        fail("non-finite step at " + where + name + "[" + std::to_string(i) + "] (" + st.field + ": " + st.label +
             ") = " + num(*st.value));
    }
  }
  void outcome(const std::string& name, const Outcome& o) const {
    for (std::size_t i = 0; i < o.positions.size(); ++i) {
      const PositionOutcome& p = o.positions[i];
      const std::string at = name + ".positions[" + std::to_string(i) + "].";
      x(at + "liquidationPrice", p.liquidationPrice);
      x(at + "bankruptcyPrice", p.bankruptcyPrice);
      x(at + "notional", p.notional);
      x(at + "initialMargin", p.initialMargin);
      x(at + "maintenanceMargin", p.maintenanceMargin);
      x(at + "maintenanceMarginRate", p.maintenanceMarginRate);
      x(at + "unrealizedPnl", p.unrealizedPnl);
      x(at + "roe", p.roe);
      x(at + "margin", p.margin);
      x(at + "marginRatio", p.marginRatio);
      x(at + "distanceToLiquidation", p.distanceToLiquidation);
      x(at + "maxLoss", p.maxLoss);
      for (const TierBoundary& b : p.tierBoundaries) {
        x(at + "tierBoundaries.price", b.price);
        x(at + "tierBoundaries.notional", b.notional);
      }
      steps(at + "steps", p.steps);
    }
    const AccountOutcome& a = o.account;
    x(name + ".account.equity", a.equity);
    x(name + ".account.maintenanceMargin", a.maintenanceMargin);
    x(name + ".account.marginRatio", a.marginRatio);
    x(name + ".account.availableBalance", a.availableBalance);
    x(name + ".account.maxLoss", a.maxLoss);
    steps(name + ".account.steps", a.steps);
  }
  void report(const Report& r) const {
    if (r.isolated) outcome("isolated", *r.isolated);
    if (r.cross) outcome("cross", *r.cross);
    if (r.asGiven) outcome("asGiven", *r.asGiven);
    for (const Comparison& c : r.comparisons) {
      x("comparison.isolatedDistance", c.isolatedDistance);
      x("comparison.crossDistance", c.crossDistance);
      x("comparison.distanceGain", c.distanceGain);
      x("comparison.isolatedMaxLoss", c.isolatedMaxLoss);
      x("comparison.crossMaxLoss", c.crossMaxLoss);
      steps("comparison.steps", c.steps);
    }
  }
};

void checkErrors(const std::vector<InputError>& errors, const std::string& where) {
  for (const InputError& e : errors) {
    REQUIRE_THAT(!e.path.empty() && !e.message.empty(), where + ": an error without a path or message");
    REQUIRE_THAT(!toString(e.code).empty(), where + ": error code without a string at " + e.path);
  }
}

/// errors.h: "value present iff errors is empty".
template <class T>
void checkResult(const Result<T>& r, const std::string& where) {
  checkErrors(r.errors, where);
  REQUIRE_THAT(r.value.has_value() == r.errors.empty(), where + ": value present iff no errors");
  if (r.value) tally(cToolValues);
}

// ---- evaluate(): structure and invariants ---------------------------------------------------

const TierTable* tableFor(const Scenario& s, const std::string& symbol) {
  if (auto it = s.tiers.find(symbol); it != s.tiers.end()) return &it->second;
  if (const DefaultTierTable* d = findDefaultTierTable(s.rules, symbol)) return &d->tiers;
  return nullptr;
}

/// Maintenance is continuous in the notional (every row's amount is the continuity recurrence's,
/// 1e-9 relative), or fixed at entry: then equity minus maintenance moves one way with the price
/// for a one-sided position, and its liquidation price lies on the adverse side of the mark.
bool continuousMaintenance(const Scenario& s, const std::string& symbol) {
  const Profile& profile = profileFor(s.rules);
  if (profile.basis == MaintenanceBasis::AtEntry) return true;
  const TierTable* table = tableFor(s, symbol);
  if (!table) return false;
  const auto t = resolveTiers(*table, profile);
  for (std::size_t j = 1; j < t.size(); ++j) {
    const double expected = t[j].floor * (t[j].rate - t[j - 1].rate) + t[j - 1].amount;
    if (!closeRel(t[j].amount, expected, 1e-9, 1e-9 * t[j].floor * t[j].rate)) return false;
  }
  return true;
}

std::size_t rowsFor(const Scenario& s, const std::string& symbol) {
  const TierTable* t = tableFor(s, symbol);
  return t ? t->size() : 0;
}

/// Checks one outcome of a valid scenario; `modes` is the mode of each position in it.
void checkOutcome(const Scenario& s, const Outcome& o, const std::vector<MarginMode>& modes, const std::string& name) {
  const std::size_t count = s.positions.size();
  REQUIRE_THAT(o.positions.size() == count, name + ": one outcome per position");
  double isolatedMargins = 0;
  bool hasCross = false;
  for (std::size_t i = 0; i < count; ++i)
    if (modes[i] == MarginMode::Isolated) isolatedMargins += o.positions[i].margin;
    else hasCross = true;
  const double crossWallet = s.walletBalance - isolatedMargins;
  for (std::size_t i = 0; i < count; ++i) {
    const Position& p = s.positions[i];
    const PositionOutcome& po = o.positions[i];
    const std::string at = name + ".positions[" + std::to_string(i) + "]";
    REQUIRE_THAT(po.mode == modes[i], at + ": the mode it was computed in");
    const std::size_t rows = rowsFor(s, p.symbol);
    REQUIRE_THAT(po.tier >= 1 && static_cast<std::size_t>(po.tier) <= rows, at + ".tier in the table");
    if (po.liquidationTier)
      REQUIRE_THAT(*po.liquidationTier >= 1 && static_cast<std::size_t>(*po.liquidationTier) <= rows,
                   at + ".liquidationTier in the table");
    REQUIRE_THAT(po.notional > 0, at + ".notional > 0");
    REQUIRE_THAT(po.initialMargin > 0, at + ".initialMargin > 0");
    REQUIRE_THAT(po.maintenanceMarginRate >= 0 && po.maintenanceMarginRate < 1, at + ".maintenanceMarginRate in [0, 1)");
    for (const auto* price : {&po.liquidationPrice, &po.bankruptcyPrice})
      if (*price) REQUIRE_THAT(isValidPositive(**price), at + ": a price is a valid price: " + num(**price));
    // properties_test: an absent liquidation price is explained by a step without a value, and
    // has no distance; report.h: distanceToLiquidation exists with the price.
    REQUIRE_THAT(po.distanceToLiquidation.has_value() == po.liquidationPrice.has_value(),
                 at + ": distance iff liquidation price");
    if (!po.liquidationPrice) {
      bool explained = false;
      for (const Step& st : po.steps)
        explained |= st.field == "liquidationPrice" && !st.value && !st.label.empty();
      REQUIRE_THAT(explained, at + ": an absent liquidation price is explained by a step");
    }
    // report.h: maxLoss is its isolated margin, or the whole cross wallet.
    REQUIRE_THAT(po.maxLoss == po.margin, at + ".maxLoss == margin");
    if (modes[i] == MarginMode::Cross)
      REQUIRE_THAT(closeRel(po.margin, crossWallet, 1e-12, 1e-12 * s.walletBalance), at + ".margin is the cross wallet");
    for (std::size_t b = 1; b < po.tierBoundaries.size(); ++b)
      REQUIRE_THAT(po.tierBoundaries[b - 1].price <= po.tierBoundaries[b].price, at + ": tier boundaries ascend");
    // report.h: notional at the mark, and each boundary where the notional is the cap (1e-14 rel:
    // one rounding apart, k x (1/P) against k / P).
    const double k = p.quantity * p.contractSize;
    const auto notionalAt = [&](double price) { return p.contract == Contract::Linear ? k * price : k / price; };
    REQUIRE_THAT(closeRel(po.notional, notionalAt(p.mark()), 1e-14), at + ".notional at the mark");
    for (const TierBoundary& b : po.tierBoundaries)
      REQUIRE_THAT(closeRel(notionalAt(b.price), b.notional, 1e-14) && isValidPositive(b.price),
                   at + ": the notional at a tier boundary is its cap");
    // report.h: an isolated position's margin ratio exists iff M + uPnL > 0 (the same sum).
    if (modes[i] == MarginMode::Isolated)
      REQUIRE_THAT(po.marginRatio.has_value() == (po.margin + po.unrealizedPnl > 0), at + ": margin ratio iff equity > 0");

    // properties_test: liquidation on the adverse side of the mark, bankruptcy beyond it. For a
    // position moving alone (isolated) or with a one-sided group of its symbol (cross), when it
    // is not already past liquidation (distance > 0, so the price is a crossing, not the mark).
    bool oneSided = true;
    if (modes[i] == MarginMode::Cross)
      for (std::size_t j = 0; j < count; ++j)
        if (modes[j] == MarginMode::Cross && s.positions[j].symbol == p.symbol && s.positions[j].side != p.side)
          oneSided = false;
    if (!oneSided || !po.liquidationPrice || !(*po.distanceToLiquidation > 0)) continue;
    const bool isLong = p.side == Side::Long;
    const double lp = *po.liquidationPrice, mark = p.mark();
    bool continuous = true;
    for (std::size_t j = 0; j < count; ++j)
      if (s.positions[j].symbol == p.symbol) continuous &= continuousMaintenance(s, p.symbol);
    if (continuous) tally(cAdverse);
    // Up to rounding (1e-12 rel, as properties_test): a position exactly at its liquidation point
    // (wallet 0, MMR 0, inverse, marked at entry) has PnL k/EP - k*(1/EP), an ulp off zero, and
    // its LP can land an ulp on the favourable side of the mark (seen: LP = mark + 1 ulp).
    if (continuous)
      REQUIRE_THAT(isLong ? lp <= mark * (1 + 1e-12) : lp >= mark * (1 - 1e-12),
                   at + ": liquidation on the adverse side of the mark, LP " + num(lp));
    // bybit-uta counts extra isolated margin net of the fee for liquidation only (VENUES.md BY-4),
    // so its isolated liquidation may pass the bankruptcy price when the extra margin is large.
    const bool netOfFee = profileFor(s.rules).extraMarginNetOfFee && modes[i] == MarginMode::Isolated &&
                          po.margin != po.initialMargin;
    if (po.bankruptcyPrice && !netOfFee) {
      const double bp = *po.bankruptcyPrice;
      tally(cBankruptcy);
      REQUIRE_THAT(isLong ? bp <= lp * (1 + 1e-12) : bp >= lp * (1 - 1e-12),
                   at + ": bankruptcy beyond liquidation, LP " + num(lp) + " BP " + num(bp));
    }
  }
  // report.h: the account's maxLoss is the isolated margins plus the cross wallet, if any cross.
  REQUIRE_THAT(closeRel(o.account.maxLoss, isolatedMargins + (hasCross ? std::max(0.0, crossWallet) : 0.0), 1e-12,
                        1e-12 * (s.walletBalance + isolatedMargins)),
               name + ".account.maxLoss");
  // report.h: equity counts a pool past bankruptcy as zero, so with cross positions it is >= 0.
  if (hasCross) REQUIRE_THAT(o.account.equity >= 0, name + ".account.equity >= 0: " + num(o.account.equity));
  if (o.account.marginRatio) REQUIRE_THAT(o.account.equity > 0, name + ": a margin ratio needs equity > 0");
  else REQUIRE_THAT(!(o.account.equity > 0), name + ": equity > 0 has a margin ratio");
}

/// evaluate.h / report.h: the structure of a report, every number finite, and the invariants.
/// No position, account or comparison of `r` carries a step.
bool noSteps(const Report& r) {
  for (const auto* o : {&r.isolated, &r.cross, &r.asGiven}) {
    if (!*o) continue;
    if (!(*o)->account.steps.empty()) return false;
    for (const PositionOutcome& p : (*o)->positions)
      if (!p.steps.empty()) return false;
  }
  for (const Comparison& c : r.comparisons)
    if (!c.steps.empty()) return false;
  return true;
}

/// The numbers of two reports of one scenario, bit for bit (NaN never occurs: Finite checks it).
bool sameNumbers(const Report& a, const Report& b) {
  const auto same = [](const std::optional<double>& x, const std::optional<double>& y) {
    return x.has_value() == y.has_value() && (!x || *x == *y);
  };
  const std::optional<Outcome>* as[] = {&a.isolated, &a.cross, &a.asGiven};
  const std::optional<Outcome>* bs[] = {&b.isolated, &b.cross, &b.asGiven};
  for (int k = 0; k < 3; ++k) {
    if (as[k]->has_value() != bs[k]->has_value()) return false;
    if (!*as[k]) continue;
    const Outcome &x = **as[k], &y = **bs[k];
    if (x.positions.size() != y.positions.size()) return false;
    for (std::size_t i = 0; i < x.positions.size(); ++i) {
      const PositionOutcome &p = x.positions[i], &q = y.positions[i];
      if (!same(p.liquidationPrice, q.liquidationPrice) || !same(p.bankruptcyPrice, q.bankruptcyPrice) ||
          !same(p.marginRatio, q.marginRatio) || !same(p.distanceToLiquidation, q.distanceToLiquidation) ||
          p.notional != q.notional || p.initialMargin != q.initialMargin ||
          p.maintenanceMargin != q.maintenanceMargin || p.unrealizedPnl != q.unrealizedPnl || p.maxLoss != q.maxLoss ||
          p.tier != q.tier || p.liquidationTier != q.liquidationTier)
        return false;
    }
    if (x.account.equity != y.account.equity || x.account.maintenanceMargin != y.account.maintenanceMargin ||
        !same(x.account.marginRatio, y.account.marginRatio) || x.account.availableBalance != y.account.availableBalance ||
        x.account.maxLoss != y.account.maxLoss)
      return false;
  }
  if (a.comparisons.size() != b.comparisons.size()) return false;
  for (std::size_t i = 0; i < a.comparisons.size(); ++i)
    if (!same(a.comparisons[i].distanceGain, b.comparisons[i].distanceGain)) return false;
  return a.errors.size() == b.errors.size() && a.settlementAsset == b.settlementAsset;
}

void checkReport(const Scenario& s, const Report& r, const std::vector<InputError>& validation, const std::string& where) {
  checkErrors(r.errors, where);
  // validate.h: validate() is the one entry check, so evaluate() reports exactly its errors.
  REQUIRE_THAT(r.errors.size() == validation.size(), where + ": evaluate's errors are validate's");
  for (std::size_t i = 0; i < validation.size(); ++i)
    REQUIRE_THAT(r.errors[i].path == validation[i].path && r.errors[i].code == validation[i].code,
                 where + ": evaluate's errors are validate's, at " + validation[i].path);
  if (!r.errors.empty()) {
    REQUIRE_THAT(!r.isolated && !r.cross && !r.asGiven && r.comparisons.empty(), where + ": no outcomes with errors");
    return;
  }
  REQUIRE_THAT(r.isolated && r.cross, where + ": a valid scenario has both outcomes");
  Finite{where + "."}.report(r);
  const std::size_t count = s.positions.size();
  bool anyMode = false;
  std::vector<MarginMode> given;
  for (const Position& p : s.positions) {
    anyMode |= p.marginMode.has_value();
    given.push_back(p.marginMode.value_or(MarginMode::Cross));
  }
  REQUIRE_THAT(r.asGiven.has_value() == anyMode, where + ": asGiven iff some position has a marginMode");
  checkOutcome(s, *r.isolated, std::vector<MarginMode>(count, MarginMode::Isolated), where + ".isolated");
  checkOutcome(s, *r.cross, std::vector<MarginMode>(count, MarginMode::Cross), where + ".cross");
  if (r.asGiven) checkOutcome(s, *r.asGiven, given, where + ".asGiven");
  REQUIRE_THAT(r.comparisons.size() == count, where + ": one comparison per position");
  for (std::size_t i = 0; i < count; ++i) {
    const Comparison& c = r.comparisons[i];
    REQUIRE_THAT(c.position == i, where + ": comparisons in order");
    REQUIRE_THAT(c.isolatedDistance == r.isolated->positions[i].distanceToLiquidation &&
                     c.crossDistance == r.cross->positions[i].distanceToLiquidation,
                 where + ": comparison distances are the outcomes'");
    REQUIRE_THAT(c.isolatedMaxLoss == r.isolated->positions[i].maxLoss && c.crossMaxLoss == r.cross->positions[i].maxLoss,
                 where + ": comparison max losses are the outcomes'");
    if (c.isolatedDistance && c.crossDistance)
      REQUIRE_THAT(c.distanceGain && *c.distanceGain == *c.crossDistance - *c.isolatedDistance,
                   where + ": distanceGain = cross - isolated");
  }
}

Scenario markedAt(Scenario s, const std::string& symbol, double price) {
  for (Position& p : s.positions)
    if (p.symbol == symbol) p.markPrice = price;
  return s;
}

/// Size of the amounts equity is a sum of (wallet, margins, PnLs at `price` for the moved
/// symbol): equity computed in another order agrees to ~1e-16 of it.
double equityScale(const Scenario& s, const Report& r, const std::string& symbol, double price) {
  double scale = std::abs(s.walletBalance);
  for (std::size_t i = 0; i < s.positions.size(); ++i) {
    const Position& p = s.positions[i];
    const double size = p.quantity * p.contractSize;
    const double at = p.symbol == symbol ? price : p.mark();
    scale += r.isolated->positions[i].margin + entryNotional(p) +
             (p.contract == Contract::Linear ? size * at : size / at);
  }
  return scale;
}

// ---- the tools ------------------------------------------------------------------------------

/// evaluate()'s liquidation price solves equity = maintenance: with the symbol marked at the
/// isolated LP of the position, M + uPnL - MM is 0 up to the rounding of the terms (1e-9 of them)
/// and of LP (its ulps times the slope, which the same 1e-9 covers). For positions not already
/// past it (distance > 0), on a table with continuous maintenance (else the crossing may sit at a
/// tier cap, where maintenance jumps), and not bybit-uta (its liquidation counts extra margin net
/// of a fee, and its reported MM adds the fee to close).
void checkLiquidation(const Scenario& s, const Report& base, bool valid, const Params& prm) {
  if (!valid || prm.position >= s.positions.size() || s.rules == Rules::BybitUta) return;
  const std::size_t i = prm.position;
  const Position& p = s.positions[i];
  const PositionOutcome& o = base.isolated->positions[i];
  if (!o.liquidationPrice || !(*o.distanceToLiquidation > 0) || !continuousMaintenance(s, p.symbol)) return;
  const double lp = *o.liquidationPrice;
  const Report at = evaluate(markedAt(s, p.symbol, lp));
  REQUIRE_THAT(at.errors.empty(), "liquidation: the liquidation price is a valid mark");
  const PositionOutcome& q = at.isolated->positions[i];
  const double k = p.quantity * p.contractSize;
  const double scale = q.margin + q.maintenanceMargin +
                       (p.contract == Contract::Linear ? k * (p.entryPrice + lp) : k / p.entryPrice + k / lp);
  tally(cLiquidation);
  REQUIRE_THAT(std::abs(q.margin + q.unrealizedPnl - q.maintenanceMargin) <= 1e-9 * scale,
               "liquidation: at LP " + num(lp) + " equity " + num(q.margin + q.unrealizedPnl) + " but maintenance " +
                   num(q.maintenanceMargin));
}

void checkSweep(const Scenario& s, const Report& base, bool valid, const Params& prm) {
  const SweepRequest request{.mode = prm.sweepMode, .position = prm.position};
  std::vector<double> prices = prm.sweepPrices;
  const bool atMark = valid && prm.position < s.positions.size();
  if (atMark) prices.push_back(s.positions[prm.position].mark());
  std::vector<double> out(prices.size() - (prm.sweepShortOut && !prices.empty() ? 1 : 0), -7.0);
  const auto errors = sweepEquity(s, request, prices, out);
  checkErrors(errors, "sweepEquity");
  if (!valid) REQUIRE_THAT(!errors.empty(), "sweepEquity: an invalid scenario is an error");
  if (!errors.empty()) {
    for (double x : out) REQUIRE_THAT(x == -7.0, "sweepEquity: out untouched on errors");
    return;
  }
  const Position& p = s.positions[prm.position];
  const Outcome& o = prm.sweepMode == SweepMode::Isolated ? *base.isolated
                     : prm.sweepMode == SweepMode::Cross  ? *base.cross
                                                          : (base.asGiven ? *base.asGiven : *base.cross);
  for (std::size_t i = 0; i < out.size(); ++i) {
    Finite{"sweepEquity."}.x("out[" + std::to_string(i) + "]", out[i]);
    // sweep.h: out[i] is AccountOutcome::equity with the symbol's mark at prices[i]; at the mark
    // it is evaluate()'s, and at two more prices evaluate() of the re-marked scenario.
    const bool last = atMark && i + 1 == out.size();
    if (!last && i >= 2) continue;
    double equity = o.account.equity;
    if (!last) {
      const Report at = evaluate(markedAt(s, p.symbol, prices[i]));
      REQUIRE_THAT(at.errors.empty(), "sweepEquity: a valid sweep price is a valid mark");
      equity = prm.sweepMode == SweepMode::Isolated ? at.isolated->account.equity
               : prm.sweepMode == SweepMode::Cross  ? at.cross->account.equity
                                                    : (at.asGiven ? at.asGiven->account.equity : at.cross->account.equity);
    }
    const double scale = equityScale(s, base, p.symbol, prices[i]);
    tally(cSweep);
    REQUIRE_THAT(closeRel(out[i], equity, 1e-9, 1e-12 * scale),
                 "sweepEquity at " + num(prices[i]) + " = " + num(out[i]) + ", evaluate's equity " + num(equity));
  }
}

/// A risk-lab tool's steps: explain() on a copy of its answer (the answer itself carries none).
template <class Request, class T>
std::vector<Step> explainedSteps(const Scenario& s, const Request& request, const T& value) {
  T copy = value;
  explain(s, request, copy);
  return std::move(copy.steps);
}

void checkAdjust(const Scenario& s, bool valid, const Params& prm) {
  const AdjustRequest request{.position = prm.position, .price = prm.adjustPrice, .quantityDelta = prm.adjustDelta};
  const auto r = adjustPosition(s, request);
  checkResult(r, "adjustPosition");
  if (!valid) REQUIRE_THAT(!r, "adjustPosition: an invalid scenario is an error");
  if (!r) return;
  const AdjustResult& a = *r.value;
  const Finite f{"adjustPosition."};
  f.x("quantity", a.quantity);
  f.x("entryPrice", a.entryPrice);
  f.x("realizedPnl", a.realizedPnl);
  f.x("scenario.walletBalance", a.scenario.walletBalance);
  f.steps("steps", explainedSteps(s, request, a));
  // whatif.h: the scenario after the fill is valid and `report` is evaluate(scenario).
  const auto validation = validate(a.scenario);
  REQUIRE_THAT(validation.empty(), "adjustPosition: the scenario after the fill is valid");
  checkReport(a.scenario, a.report, validation, "adjustPosition.report");
  const Report again = evaluate(a.scenario);
  tally(cAdjust);
  REQUIRE_THAT(again.cross->account.equity == a.report.cross->account.equity &&
                   again.isolated->account.equity == a.report.isolated->account.equity,
               "adjustPosition: report = evaluate(scenario)");
  const Position& before = s.positions[prm.position];
  if (a.closed) {
    REQUIRE_THAT(a.scenario.positions.size() + 1 == s.positions.size(), "adjustPosition: a closed position is removed");
  } else {
    const Position& after = a.scenario.positions[prm.position];
    REQUIRE_THAT(after.quantity == a.quantity && after.side == a.side && after.entryPrice == a.entryPrice,
                 "adjustPosition: the result's fields are the scenario's");
  }
  if (prm.adjustDelta > 0) {
    REQUIRE_THAT(a.quantity == before.quantity + prm.adjustDelta && a.side == before.side && !a.flipped,
                 "adjustPosition: adding grows the position");
    REQUIRE_THAT(a.realizedPnl == 0 && a.scenario.walletBalance == s.walletBalance - a.fee && a.fee >= 0,
                 "adjustPosition: adding realises nothing; the wallet pays the opening fee");
    // The average entry lies between the old entry and the fill price (up to rounding).
    const double lo = std::min(before.entryPrice, prm.adjustPrice), hi = std::max(before.entryPrice, prm.adjustPrice);
    REQUIRE_THAT(a.entryPrice >= lo * (1 - 1e-12) && a.entryPrice <= hi * (1 + 1e-12),
                 "adjustPosition: average entry " + num(a.entryPrice) + " between the fills");
  } else {
    // The realised PnL (net of the closing fee) settles into the wallet; a flip pays the opening fee too.
    REQUIRE_THAT(a.flipped ? a.scenario.walletBalance <= s.walletBalance + a.realizedPnl
                           : a.scenario.walletBalance == s.walletBalance + a.realizedPnl,
                 "adjustPosition: the realised PnL settles into the wallet");
  }
}

void checkTarget(const Scenario& s, const Report& base, bool valid, const Params& prm) {
  const TargetRequest request{.position = prm.position, .kind = prm.targetKind, .target = prm.target};
  const auto r = targetPrice(s, request);
  checkResult(r, "targetPrice");
  if (!valid) REQUIRE_THAT(!r, "targetPrice: an invalid scenario is an error");
  if (!r) return;
  Finite{"targetPrice."}.x("price", r.value->price);
  Finite{"targetPrice."}.steps("steps", explainedSteps(s, request, *r.value));
  if (!r.value->price) return;
  const double price = *r.value->price;
  REQUIRE_THAT(isValidPositive(price), "targetPrice: a valid price");
  // whatif.h: at that mark the position's PnL (or ROE) is the target.
  const Position& p = s.positions[prm.position];
  const Report at = evaluate(markedAt(s, p.symbol, price));
  REQUIRE_THAT(at.errors.empty(), "targetPrice: the price is a valid mark");
  const PositionOutcome& o = at.cross->positions[prm.position];
  const double im = base.cross->positions[prm.position].initialMargin;
  const double want = prm.targetKind == TargetKind::Pnl ? prm.target : prm.target * im;
  const double size = p.quantity * p.contractSize;
  const double scale = p.contract == Contract::Linear ? size * (p.entryPrice + price) : size * (1 / p.entryPrice + 1 / price);
  tally(cTarget);
  REQUIRE_THAT(closeRel(o.unrealizedPnl, want, 1e-9, 1e-9 * scale),
               "targetPrice: PnL at " + num(price) + " is " + num(o.unrealizedPnl) + ", target " + num(want));
}

void checkMaxOpen(const Scenario& s, const Report& base, bool valid, const Params& prm) {
  const MaxOpenRequest request{.symbol = prm.orderSymbol, .contract = prm.orderContract,
                               .contractSize = prm.orderContractSize, .side = prm.orderSide,
                               .price = prm.orderPrice, .leverage = prm.orderLeverage, .mode = prm.orderMode};
  const auto r = maxOpenSize(s, request);
  checkResult(r, "maxOpenSize");
  if (!valid) REQUIRE_THAT(!r, "maxOpenSize: an invalid scenario is an error");
  if (!r) return;
  const MaxOpenResult& m = *r.value;
  const Finite f{"maxOpenSize."};
  f.x("quantity", m.quantity);
  f.x("notional", m.notional);
  f.x("initialMargin", m.initialMargin);
  f.steps("steps", explainedSteps(s, request, m));
  REQUIRE_THAT(m.quantity >= 0 && m.notional >= 0 && m.initialMargin >= 0, "maxOpenSize: sizes >= 0");
  REQUIRE_THAT(m.tier >= 1 && static_cast<std::size_t>(m.tier) <= rowsFor(s, prm.orderSymbol), "maxOpenSize: tier in the table");
  // whatif.h: it opens with the available balance: its cost (initial margin, open loss, fee) is
  // at most that, unless closing the other side first freed more.
  const Outcome& o = prm.orderMode == MarginMode::Cross ? *base.cross : *base.isolated;
  const double available = std::max(0.0, o.account.availableBalance);
  if (m.closingQuantity == 0)
    REQUIRE_THAT(m.cost <= available * (1 + 1e-12) + 1e-300,
                 "maxOpenSize: cost " + num(m.cost) + " within the available " + num(available));
  // whatif.h: adjustPosition() accepts the size on the symbol's position held.
  if (!(m.quantity >= kMinMagnitude && m.quantity <= kMaxMagnitude)) return;
  for (std::size_t k = 0; k < s.positions.size(); ++k) {
    const Position& p = s.positions[k];
    if (p.symbol != request.symbol || !(m.heldQuantity > 0 ? p.side == request.side : p.side != request.side)) continue;
    if (p.contractSize != request.contractSize || p.leverage != request.leverage) return;
    if (m.quantity == m.closingQuantity && s.positions.size() == 1) return;  // closing the only position
    const double dir = p.side == request.side ? 1 : -1;
    const auto a = adjustPosition(s, {.position = k, .price = request.price, .quantityDelta = dir * m.quantity});
    tally(cMaxOpen);
    REQUIRE_THAT(a.errors.empty(), "maxOpenSize: adjust opens the size, but " +
                                       (a.errors.empty() ? "" : a.errors[0].path + ": " + a.errors[0].message));
    return;
  }
  // whatif.h: with nothing held, the size "opens": appended at the order price (with the symbol's
  // mark, one mark per symbol), the scenario is valid. Sizes beyond kMaxMagnitude are a size
  // validate() refuses anyway (a cap of 1e30 at a price of 1e-9), not checked.
  if (s.positions.size() >= kMaxPositions) return;
  Scenario next = s;
  Position added{.symbol = request.symbol, .contract = request.contract, .contractSize = request.contractSize,
                 .side = request.side, .quantity = m.quantity, .entryPrice = request.price, .leverage = request.leverage};
  for (const Position& p : s.positions)
    if (p.symbol == request.symbol) {
      added.markPrice = p.mark();
      break;
    }
  next.positions.push_back(added);
  const auto errors = validate(next);
  tally(cMaxOpen);
  REQUIRE_THAT(errors.empty(), "maxOpenSize: the size opens, but " + (errors.empty() ? "" : errors[0].path + ": " + errors[0].message));
}

void checkStop(const Scenario& s, bool valid, const Params& prm) {
  const StopSizeRequest request{.symbol = prm.orderSymbol, .contract = prm.orderContract,
                                .contractSize = prm.orderContractSize, .side = prm.orderSide,
                                .entryPrice = prm.orderPrice, .stopPrice = prm.orderStop,
                                .riskFraction = prm.riskFraction, .leverage = prm.orderLeverage,
                                .mode = prm.orderMode};
  const auto r = sizeFromStop(s, request);
  checkResult(r, "sizeFromStop");
  if (!valid) REQUIRE_THAT(!r, "sizeFromStop: an invalid scenario is an error");
  if (!r) return;
  const StopSizeResult& st = *r.value;
  const Finite f{"sizeFromStop."};
  f.x("quantity", st.quantity);
  f.x("riskAmount", st.riskAmount);
  f.x("liquidationPrice", st.liquidationPrice);
  f.steps("steps", explainedSteps(s, request, st));
  REQUIRE_THAT(st.quantity >= 0 && st.riskAmount >= 0, "sizeFromStop: sizes >= 0");
  if (!(st.quantity >= kMinMagnitude)) return;
  // whatif.h: the liquidation price is evaluate()'s for the scenario with the new position.
  Scenario next = s;
  Position added{.symbol = request.symbol, .contract = request.contract, .contractSize = request.contractSize,
                 .side = request.side, .quantity = st.quantity, .entryPrice = request.entryPrice,
                 .leverage = request.leverage};
  for (const Position& p : s.positions)
    if (p.symbol == request.symbol) {
      added.markPrice = p.mark();
      break;
    }
  next.positions.push_back(added);
  const Report report = evaluate(next);
  REQUIRE_THAT(report.errors.empty(), "sizeFromStop: the scenario with the new position is valid");
  const Outcome& o = request.mode == MarginMode::Cross ? *report.cross : *report.isolated;
  tally(cStop);
  REQUIRE_THAT(o.positions.back().liquidationPrice == st.liquidationPrice,
               "sizeFromStop: the liquidation price is evaluate()'s");
}

void checkMarginToTarget(const Scenario& s, const Report& base, bool valid, const Params& prm) {
  const MarginToTargetRequest request{.position = prm.position, .targetLiquidationPrice = prm.liquidationTarget};
  const auto r = marginToTarget(s, request);
  checkResult(r, "marginToTarget");
  if (!valid) REQUIRE_THAT(!r, "marginToTarget: an invalid scenario is an error");
  if (!r) return;
  const MarginToTargetResult& m = *r.value;
  const Finite f{"marginToTarget."};
  f.x("isolatedMarginToAdd", m.toAdd.isolated);
  f.x("walletToAdd", m.toAdd.cross);
  f.steps("steps", explainedSteps(s, request, m));
  // whatif.h: when exact, adding that margin (wallet) puts the liquidation price at the target.
  // The margin carries rounding of the terms it is a difference of (PnL, maintenance, of size
  // q x max(EP, mark, T) or V / min(...)); moved into the price by the slope of equity minus
  // maintenance, 1 - MMR (- fee), that is the tolerance: 1e-12 (4500 ulp) of that spread.
  const std::size_t i = prm.position;
  const Position& p = s.positions[i];
  const double target = prm.liquidationTarget;
  const Profile& profile = profileFor(s.rules);
  const auto tolerance = [&](const PositionOutcome& o, double margin) {
    const double rate = profile.basis == MaintenanceBasis::AtEntry
                            ? 0.0
                            : o.maintenanceMarginRate +
                                  (profile.feeInMaintenanceRate ? s.takerFeeRate.value_or(profile.defaultTakerFeeRate) : 0.0);
    const double k = p.quantity * p.contractSize;
    const double spread = p.contract == Contract::Linear
                              ? (p.entryPrice + p.mark() + target + std::abs(margin) / k) / target
                              : (1 / p.entryPrice + 1 / p.mark() + 1 / target + std::abs(margin) / k) * target;
    return 1e-12 * spread / std::max(1 - rate, 1e-300);
  };
  // The LP lands within the tolerance of the target; next to the ends of the accepted prices
  // (kMinMagnitude, kMaxMagnitude) that rounding may put it outside them, where evaluate()
  // reports no price (seen: target 1e-9, LP 1e-9 less an ulp).
  const auto reached = [&](const std::optional<double>& lp, double tol) {
    if (lp) return closeRel(*lp, target, tol);
    return target * (1 - tol) < kMinMagnitude || target * (1 + tol) > kMaxMagnitude;
  };
  if (m.exact.isolated) {
    const double before = base.isolated->positions[i].margin;
    const double margin = before + m.toAdd.isolated;  // a difference of terms of size |before|
    Scenario next = s;
    next.positions[i].isolatedMargin = margin;
    if (isValidPositive(margin) && validate(next).empty()) {
      const Report r2 = evaluate(next);
      const auto& lp = r2.isolated->positions[i].liquidationPrice;
      tally(cMarginIsolated);
      REQUIRE_THAT(reached(lp, tolerance(r2.isolated->positions[i], std::abs(before) + std::abs(margin))),
                   "marginToTarget: isolated margin " + num(margin) + " gives LP " + num(lp.value_or(-1)) +
                       ", target " + num(target));
    }
  }
  bool alone = true;
  for (std::size_t j = 0; j < s.positions.size(); ++j) alone &= j == i || s.positions[j].symbol != p.symbol;
  if (m.exact.cross && alone) {
    Scenario next = s;
    next.walletBalance = s.walletBalance + m.toAdd.cross;
    if (validate(next).empty()) {
      const Report r2 = evaluate(next);
      const auto& lp = r2.cross->positions[i].liquidationPrice;
      // The wallet is a difference of terms of size |wallet before|; the other positions' terms too.
      double backing = std::abs(s.walletBalance) + std::abs(next.walletBalance);
      for (std::size_t j = 0; j < s.positions.size(); ++j)
        if (j != i) backing += std::abs(r2.cross->positions[j].unrealizedPnl) + std::abs(r2.cross->positions[j].maintenanceMargin);
      tally(cMarginCross);
      REQUIRE_THAT(reached(lp, tolerance(r2.cross->positions[i], backing)),
                   "marginToTarget: wallet " + num(next.walletBalance) + " gives cross LP " + num(lp.value_or(-1)) +
                       ", target " + num(target));
    }
  }
}

void checkStress(const Scenario& s, const Report& base, bool valid, const Params& prm) {
  StressRequest request{.shocks = prm.shocks, .model = prm.shockModel};
  for (const auto& [symbol, beta] : prm.betas) request.betas[symbol] = beta;
  const auto r = stressGrid(s, request);
  checkResult(r, "stressGrid");
  if (!valid) REQUIRE_THAT(!r, "stressGrid: an invalid scenario is an error");
  if (!r) return;
  const StressResult& g = *r.value;
  const Finite f{"stressGrid."};
  f.steps("steps", explainedSteps(s, request, g));
  const std::size_t groups = prm.shockModel == ShockModel::EachSymbol ? symbolsOf(s).size() : 1;
  REQUIRE_THAT(g.cells.size() == prm.shocks.size() * groups, "stressGrid: one cell per shock and group");
  for (const StressCell& c : g.cells) {
    f.x("cells.equity.isolated", c.equity.isolated);
    f.x("cells.equity.cross", c.equity.cross);
    f.x("cells.marginRatio.isolated", c.marginRatio.isolated);
    f.x("cells.marginRatio.cross", c.marginRatio.cross);
    REQUIRE_THAT(c.liquidated.isolated.size() == s.positions.size() && c.liquidated.cross.size() == s.positions.size(),
                 "stressGrid: one flag per position");
    // A zero shock leaves every mark where it is: the cell is evaluate()'s account.
    if (c.shock == 0) tally(cStressZero);
    if (c.shock == 0)
      REQUIRE_THAT(c.equity.isolated == base.isolated->account.equity && c.equity.cross == base.cross->account.equity,
                   "stressGrid: a zero shock gives evaluate()'s equity");
    // stress.h: every cell is evaluate() of the scenario at the moved marks, bit for bit.
    Scenario moved = s;
    for (Position& p : moved.positions) {
      if (request.model == ShockModel::EachSymbol && p.symbol != c.symbol) continue;
      const auto it = request.betas.find(p.symbol);
      const double beta = request.model == ShockModel::OneFactor && it != request.betas.end() ? it->second : 1.0;
      p.markPrice = p.mark() * (1 + beta * c.shock);
    }
    const Report at = evaluate(moved);
    REQUIRE_THAT(at.errors.empty(), "stressGrid: a cell's marks are valid marks");
    bool same = c.equity.isolated == at.isolated->account.equity && c.equity.cross == at.cross->account.equity &&
                c.marginRatio.isolated == at.isolated->account.marginRatio &&
                c.marginRatio.cross == at.cross->account.marginRatio;
    for (std::size_t k = 0; k < s.positions.size(); ++k) {
      const auto& di = at.isolated->positions[k].distanceToLiquidation;
      const auto& dc = at.cross->positions[k].distanceToLiquidation;
      same = same && c.liquidated.isolated[k] == (di && *di <= 0) && c.liquidated.cross[k] == (dc && *dc <= 0);
    }
    REQUIRE_THAT(same, "stressGrid: the cell at shock " + num(c.shock) + " is evaluate()'s at the moved marks");
  }
}

void checkCascade(const Scenario& s, bool valid, const Params& prm) {
  const std::vector<std::string> symbols = symbolsOf(s);
  CascadeRequest request;
  for (const auto& step : prm.cascadeMarks) {
    std::map<std::string, double, std::less<>> marks;
    for (std::size_t j = 0; j < step.size() && j < symbols.size(); ++j)
      if (step[j]) marks[symbols[j]] = *step[j];
    request.marks.push_back(std::move(marks));
  }
  if (!request.marks.empty())
    for (const auto& [symbol, price] : prm.cascadeExtra) request.marks[0][symbol] = price;
  request.style = prm.cascadeStyle;
  request.liquidationFeeRate = prm.cascadeFee;
  const auto r = cascade(s, request);
  checkResult(r, "cascade");
  if (!valid) REQUIRE_THAT(!r, "cascade: an invalid scenario is an error");
  if (!r) return;
  const CascadeResult& c = *r.value;
  const Finite f{"cascade."};
  f.steps("steps", explainedSteps(s, request, c));
  f.x("finalEquity", c.finalEquity);
  f.x("insuranceFundLoss", c.insuranceFundLoss);
  REQUIRE_THAT(c.equity.size() == request.marks.size(), "cascade: one equity per step");
  for (double e : c.equity) f.x("equity", e);
  REQUIRE_THAT(c.finalEquity == c.equity.back(), "cascade: final equity is the last step's");
  REQUIRE_THAT(c.insuranceFundLoss >= 0, "cascade: insurance fund loss >= 0");
  for (const CascadeEvent& e : c.events) {
    f.x("events.price", e.price);
    f.x("events.closedQuantity", e.closedQuantity);
    f.x("events.fee", e.fee);
    f.x("events.equityAfter", e.equityAfter);
    REQUIRE_THAT(e.step < request.marks.size() && e.position < s.positions.size(), "cascade: event indices");
    REQUIRE_THAT(e.closedQuantity >= 0 && e.fee >= 0, "cascade: closed quantity and fee >= 0");
  }
}

void checkFunding(const Scenario& s, const Report& base, bool valid, const Params& prm) {
  const FundingRequest request{.position = prm.position, .rate = prm.fundingRate, .intervals = prm.fundingIntervals};
  const auto r = fundingImpact(s, request);
  checkResult(r, "fundingImpact");
  if (!valid) REQUIRE_THAT(!r, "fundingImpact: an invalid scenario is an error");
  if (!r) return;
  const FundingResult& fr = *r.value;
  const Finite f{"fundingImpact."};
  f.x("paymentPerInterval", fr.paymentPerInterval);
  f.x("totalPayment", fr.totalPayment);
  f.x("isolatedLiquidationPrice", fr.liquidationPrice.isolated);
  f.x("crossLiquidationPrice", fr.liquidationPrice.cross);
  f.x("isolatedMarginAfter", fr.marginAfter.isolated);
  f.x("walletAfter", fr.marginAfter.cross);
  f.x("isolatedLiquidationPriceBefore", fr.liquidationPriceBefore.isolated);
  f.x("crossLiquidationPriceBefore", fr.liquidationPriceBefore.cross);
  f.steps("steps", explainedSteps(s, request, fr));
  // stress.h: the "before" prices are evaluate()'s; with nothing paid the prices do not move.
  const std::size_t i = prm.position;
  REQUIRE_THAT(fr.liquidationPriceBefore.isolated == base.isolated->positions[i].liquidationPrice &&
                   fr.liquidationPriceBefore.cross == base.cross->positions[i].liquidationPrice,
               "fundingImpact: the prices before are evaluate()'s");
  REQUIRE_THAT(fr.totalPayment == prm.fundingIntervals * fr.paymentPerInterval, "fundingImpact: total = n x payment");
  for (const auto& lp : {fr.liquidationPrice.isolated, fr.liquidationPrice.cross})
    if (lp) REQUIRE_THAT(isValidPositive(*lp), "fundingImpact: a liquidation price is a valid price " + num(*lp));
  if (fr.totalPayment == 0) tally(cFundingZero);
  if (fr.totalPayment == 0)
    REQUIRE_THAT(fr.liquidationPrice.isolated == fr.liquidationPriceBefore.isolated &&
                     fr.liquidationPrice.cross == fr.liquidationPriceBefore.cross,
                 "fundingImpact: no payment, no change");
}

void checkOdds(const Scenario& s, const Report& base, bool valid, const Params& prm) {
  OddsRequest request{.position = prm.position, .volatility = prm.sigma, .years = prm.years, .drift = prm.mu};
  request.fundingRate = prm.oddsFundingRate;
  request.fundingIntervalHours = prm.fundingHours;
  if (prm.surfaceGiven)
    request.volatilityFrom = VolatilityFrom{.surface = VolSurface{.expiries = {prm.surfaceExpiry}, .strikes = {100},
                                                        .vols = {{prm.surfaceVolatility}}},
                                            .strike = prm.surfaceStrike};
  auto r = liquidationOdds(s, request);
  checkResult(r, "liquidationOdds");
  if (!valid) REQUIRE_THAT(!r, "liquidationOdds: an invalid scenario is an error");
  if (!r) return;
  OddsResult explained = *r.value;
  explain(s, request, explained);
  const Finite f{"liquidationOdds."};
  f.steps("steps", explained.steps);
  REQUIRE_THAT(explained.probability.isolated == r.value->probability.isolated &&
                   explained.probability.cross == r.value->probability.cross,
               "liquidationOdds: explain() changes no number");
  // odds.h: the closed form is exact unless funding moves the barrier; the volatility used is finite.
  REQUIRE_THAT(r.value->exact == !request.fundingRate, "liquidationOdds: exact unless a funding rate is given");
  REQUIRE_THAT(std::isfinite(r.value->volatility) && r.value->volatility >= 0, "liquidationOdds: a finite volatility");
  for (const auto& lp : {r.value->liquidationPriceAtHorizon.isolated, r.value->liquidationPriceAtHorizon.cross})
    REQUIRE_THAT(!lp || (std::isfinite(*lp) && *lp > 0), "liquidationOdds: the price at the horizon is finite and > 0");
  if (request.fundingRate) {  // the barrier may appear or vanish with the payments: a probability in [0, 1]
    for (const auto& p : {r.value->probability.isolated, r.value->probability.cross})
      REQUIRE_THAT(!p || (*p >= 0 && *p <= 1), "liquidationOdds: with funding, a probability in [0, 1]");
    return;
  }
  const std::size_t i = prm.position;
  // odds.h: a probability per mode, absent exactly when there is no liquidation price.
  for (const auto& [p, lp] : {std::pair{r.value->probability.isolated, base.isolated->positions[i].liquidationPrice},
                              std::pair{r.value->probability.cross, base.cross->positions[i].liquidationPrice}}) {
    REQUIRE_THAT(p.has_value() == lp.has_value(), "liquidationOdds: a probability iff a liquidation price");
    if (p) REQUIRE_THAT(*p >= 0 && *p <= 1, "liquidationOdds: a probability in [0, 1]: " + num(*p));
  }
}

/// odds.h valueAtRisk: at most 2 steps (2,000 paths), every number finite, ES >= VaR, the fund's loss >= 0.
void checkValueAtRisk(const Scenario& s, MonteCarloRequest request) {
  if (request.steps > 2) return;
  request.paths = 2000;
  const auto v = valueAtRisk(s, request);
  checkResult(v, "valueAtRisk");
  if (!v) return;
  for (const LossMeasures* m : {&v.value->loss.isolated, &v.value->loss.cross})
    for (const auto& [var, es] : {std::pair{m->var99, m->es99}, std::pair{m->var975, m->es975}})
      REQUIRE_THAT(std::isfinite(var.value) && std::isfinite(es.value) && es.value >= var.value - 1e-9 * std::abs(var.value) &&
                       std::isfinite(var.standardError) && var.standardError >= 0 && std::isfinite(es.standardError),
                   "valueAtRisk: finite, ES >= VaR, standard errors >= 0");
  for (const FundLoss* f : {&v.value->insuranceFund.isolated, &v.value->insuranceFund.cross})
    for (double q : f->quantiles) REQUIRE_THAT(std::isfinite(q) && q >= 0, "valueAtRisk: the fund's loss is finite and >= 0");
}

void checkMonteCarlo(const Scenario& s, bool valid, const Params& prm) {
  const std::vector<std::string> symbols = symbolsOf(s);
  MonteCarloRequest request{.years = prm.years, .steps = prm.mcSteps, .paths = prm.mcPaths, .seed = prm.mcSeed};
  request.fundingRate = prm.oddsFundingRate;
  request.fundingIntervalHours = prm.fundingHours;
  if (prm.jumpsGiven) request.jumps = JumpModel{prm.jumpIntensity, prm.jumpMean, prm.jumpStdev};
  for (std::size_t j = 0; j < symbols.size() && j < prm.volatility.size(); ++j) {
    if (prm.volatility[j]) request.volatility[symbols[j]] = *prm.volatility[j];
    if (prm.drift[j]) request.drift[symbols[j]] = *prm.drift[j];
  }
  if (prm.correlated) {
    const std::size_t n = prm.volatility.size();
    request.correlation.assign(n, std::vector<double>(n));
    for (std::size_t i = 0; i < n * n; ++i) request.correlation[i / n][i % n] = prm.correlation[i];
  }
  // A bounded amount of work per input: at most 4096 path-steps are simulated.
  std::size_t begin = prm.mcBegin, end = prm.mcEnd;
  if (end > begin && request.steps > 0) end = begin + std::min(end - begin, 4096 / std::max<std::size_t>(request.steps, 1));
  if (request.steps > 4096 && end > begin) end = begin;
  const auto r = monteCarlo(s, request, begin, end);
  checkResult(r, "monteCarlo");
  if (!valid) REQUIRE_THAT(!r, "monteCarlo: an invalid scenario is an error");
  if (!r) return;
  const MonteCarloTally& t = *r.value;
  REQUIRE_THAT(t.paths == end - begin, "monteCarlo: one count per path simulated");
  REQUIRE_THAT(t.liquidatedPaths.isolated <= t.paths && t.liquidatedPaths.cross <= t.paths, "monteCarlo: counts <= paths");
  std::size_t iso = 0, cross = 0;
  for (std::size_t x : t.timeHistogram.isolated) iso += x;
  for (std::size_t x : t.timeHistogram.cross) cross += x;
  REQUIRE_THAT(iso == t.liquidatedPaths.isolated && cross == t.liquidatedPaths.cross,
               "monteCarlo: histograms sum to the counts");
  for (const auto& p : {t.probability.isolated, t.probability.cross})
    REQUIRE_THAT(p.has_value() == (t.paths > 0) && (!p || (*p >= 0 && *p <= 1)), "monteCarlo: a probability per mode");
  for (const auto& d : {t.medianDays.isolated, t.medianDays.cross})
    if (d) REQUIRE_THAT(std::isfinite(*d) && *d > 0, "monteCarlo: median days finite and > 0");
  for (std::size_t x : t.isolatedByPosition) REQUIRE_THAT(x <= t.paths, "monteCarlo: per-position counts <= paths");
  // odds.h: "the result does not depend on the chunking".
  if (end - begin >= 2) {
    const std::size_t mid = begin + (end - begin) / 2;
    auto first = monteCarlo(s, request, begin, mid);
    REQUIRE_THAT(first.value.has_value(), "monteCarlo: a chunk of a valid request is valid");
    const auto second = monteCarlo(s, request, mid, end, std::move(*first.value));
    REQUIRE_THAT(second.value.has_value(), "monteCarlo: the second chunk is valid");
    const MonteCarloTally& u = *second.value;
    tally(cMonteCarloChunks);
    REQUIRE_THAT(u.paths == t.paths && u.liquidatedPaths.isolated == t.liquidatedPaths.isolated &&
                     u.liquidatedPaths.cross == t.liquidatedPaths.cross && u.isolatedByPosition == t.isolatedByPosition &&
                     u.timeHistogram.isolated == t.timeHistogram.isolated &&
                     u.timeHistogram.cross == t.timeHistogram.cross && u.medianDays.isolated == t.medianDays.isolated &&
                     u.medianDays.cross == t.medianDays.cross,
                 "monteCarlo: two chunks give the tally of one");
  }
  checkValueAtRisk(s, request);
}

void checkUnwind(const Scenario& s, const Report& base, bool valid, const Params& prm) {
  UnwindRequest request{.position = prm.position, .mode = prm.unwindMode, .style = prm.unwindStyle,
                        .book = prm.book, .depthPerPercent = prm.depthPerPercent, .slices = prm.slices,
                        .visibleSize = prm.visibleSize, .replenishFraction = prm.replenish,
                        .insuranceFund = prm.insuranceFund, .order = prm.unwindOrder,
                        .partial = prm.unwindPartial, .stepDown = prm.unwindStepDown};
  // A bounded amount of work: at most 64 slices of a request engine.h accepts (up to 10,000).
  if (request.style == UnwindStyle::Twap && request.slices > 64 && request.slices <= 10'000) request.slices = 64;
  if (request.style == UnwindStyle::Iceberg && prm.position < s.positions.size() && request.visibleSize > 0) {
    const double count = s.positions[prm.position].quantity / request.visibleSize;
    if (count > 64 && count <= 10'001) return;
  }
  const auto r = unwind(s, request);
  checkResult(r, "unwind");
  if (!valid) REQUIRE_THAT(!r, "unwind: an invalid scenario is an error");
  if (!r) return;
  const UnwindResult& u = *r.value;
  const Finite f{"unwind."};
  for (const UnwindSlice& sl : u.slices) {
    for (double x : {sl.quantity, sl.averagePrice, sl.worstPrice, sl.requested, sl.unfilled, sl.insuranceFundChange,
                     sl.insuranceFundAfter})
      f.x("slices", x);
    REQUIRE_THAT(sl.quantity >= 0 && sl.unfilled >= 0, "unwind: slice sizes >= 0");
  }
  for (double x : {u.averagePrice, u.bankruptcyPrice, u.liquidationPrice, u.insuranceFundChange, u.insuranceFundAfter,
                   u.unfilled, u.quantity, u.filled, u.worstPrice})
    f.x("result", x);
  f.x("adlThresholdPrice", u.adlThresholdPrice);
  UnwindResult explained = u;
  explain(s, request, explained);
  f.steps("steps", explained.steps);
  REQUIRE_THAT(explained.averagePrice == u.averagePrice && explained.insuranceFundAfter == u.insuranceFundAfter &&
                   explained.adlSlice == u.adlSlice && explained.remaining == u.remaining,
               "unwind: explain() changes no number");
  // engine.h: the engine takes over at evaluate()'s prices in request.mode; ADL iff adlSlice;
  // fund after = fund + change; filled + unfilled = the whole position.
  const Outcome& o = prm.unwindMode == MarginMode::Isolated ? *base.isolated : *base.cross;
  REQUIRE_THAT(u.liquidationPrice == o.positions[prm.position].liquidationPrice &&
                   u.bankruptcyPrice == o.positions[prm.position].bankruptcyPrice,
               "unwind: takes over at evaluate()'s liquidation and bankruptcy prices");
  REQUIRE_THAT(u.autoDeleveraging == u.adlSlice.has_value(), "unwind: ADL iff adlSlice");
  if (u.adlSlice) REQUIRE_THAT(*u.adlSlice < u.slices.size(), "unwind: adlSlice names a slice");
  REQUIRE_THAT(u.quantity == s.positions[prm.position].quantity, "unwind: the whole position");
  REQUIRE_THAT(closeRel(u.filled + u.unfilled + u.remaining, u.quantity, 1e-9),
               "unwind: filled + unfilled + remaining = quantity");
  REQUIRE_THAT(u.remaining >= 0 && (u.remaining == 0 || u.partialLiquidation) && (!u.backstop || u.partialLiquidation),
               "unwind: contracts kept and the backstop only after a partial order");
  if (u.partialLiquidation) REQUIRE_THAT(prm.unwindPartial == UnwindPartial::Venue, "unwind: partial only when asked");
  if (u.stepDownOrders > 0)
    REQUIRE_THAT(u.partialLiquidation && prm.unwindStepDown != UnwindStepDown::None && u.stepDownOrders <= u.slices.size(),
                 "unwind: a step down only when named, within the slices");
  f.x("remaining", u.remaining);
  REQUIRE_THAT(closeRel(u.insuranceFundAfter, request.insuranceFund + u.insuranceFundChange, 1e-12,
                        1e-12 * (std::abs(request.insuranceFund) + std::abs(u.insuranceFundChange))),
               "unwind: fund after = fund + change");
}

/// reconcile.h: errors for an invalid scenario; finite figures; MarginLab agreeing means no switch; the
/// switches found are among those available; explain() changes no number.
void checkReconcile(const Scenario& s, bool valid, const Params& prm) {
  const ReconcileRequest request{.venueFigures = prm.venueFigures, .relativeTolerance = prm.reconcileTolerance};
  auto r = reconcile(s, request);
  checkResult(r, "reconcile");
  REQUIRE_THAT(valid || !r, "reconcile: an invalid scenario is an error");
  if (!r) return;
  const Finite f{"reconcile."};
  for (const PositionReconciliation& p : r.value->positions) {
    for (const ReconciledFigures* x : {&p.marginLab, &p.figures}) {
      f.x("liquidationPrice", x->liquidationPrice);
      f.x("bankruptcyPrice", x->bankruptcyPrice);
      f.x("initialMargin", x->initialMargin);
      f.x("maintenanceMargin", x->maintenanceMargin);
      f.x("marginRatio", x->marginRatio);
    }
    f.x("distance", p.distance);
    REQUIRE_THAT(p.tried >= 1, "reconcile: at least MarginLab's own combination");
    REQUIRE_THAT(!p.agrees || (p.reproduced && p.conventions.empty()), "reconcile: agreeing needs no switch");
    for (const Convention c : p.conventions)
      REQUIRE_THAT(std::find(p.available.begin(), p.available.end(), c) != p.available.end(),
                   "reconcile: a switch found is an available one");
  }
  ReconcileResult explained = *r.value;
  explain(s, request, explained);
  for (std::size_t i = 0; i < explained.positions.size(); ++i) {
    const PositionReconciliation &a = r.value->positions[i], &b = explained.positions[i];
    REQUIRE_THAT(a.conventions == b.conventions && sameBits(a.distance, b.distance) && !b.steps.empty(),
                 "reconcile: explain() adds steps and changes no number");
    f.steps("steps", b.steps);
  }
}

void checkAdl(const Scenario& s, bool valid, const Params& prm) {
  const AdlRequest request{.position = prm.position, .mode = prm.adlMode, .pnlQuantiles = prm.adlPnl,
                           .leverageQuantiles = prm.adlLeverage, .okxRanking = prm.adlOkxRanking};
  const auto r = adlRank(s, request);
  checkResult(r, "adlRank");
  REQUIRE_THAT(valid || !r, "adlRank: an invalid scenario is an error");
  if (!r.value) return;
  const Finite f{"adlRank."};
  const AdlRankResult& a = *r.value;
  for (double x : {a.pnlPercent, a.leverage, a.score, a.quantile}) f.x("result", x);
  REQUIRE_THAT(a.quantile >= 0 && a.quantile <= 1, "adlRank: quantile in [0, 1]");
  REQUIRE_THAT(a.lights == std::min(5, static_cast<int>(std::floor(a.quantile * 5)) + 1), "adlRank: 20% buckets");
  AdlRankResult explained = a;
  explain(s, request, explained);
  f.steps("steps", explained.steps);
  REQUIRE_THAT(explained.quantile == a.quantile && explained.score == a.score, "adlRank: explain() changes no number");
}

/// isolatedMarginBatch on the liquidation batch's inputs (`solved`: the liquidation batch's prices,
/// null when it gave errors): what it adds to the liquidation batch, and evaluate()'s margins.
void checkMarginBatch(const BatchRequest& request, const Scenario& s, const std::vector<std::size_t>& index,
                      std::span<const double> side, std::span<const double> quantity, std::span<const double> entry,
                      std::span<const double> leverage, const std::vector<double>* solved) {
  const std::size_t n = side.size();
  std::vector<double> lp(n), im(n), mm(n), mmr(n), tier(n);
  const auto errors = isolatedMarginBatch(request, side, quantity, entry, leverage, lp, BatchMargins{im, mm, mmr, tier});
  checkErrors(errors, "isolatedMarginBatch");
  REQUIRE_THAT(errors.size() <= 100, "isolatedMarginBatch: at most 100 errors (batch.h)");
  REQUIRE_THAT(solved || !errors.empty(), "isolatedMarginBatch: the liquidation batch's errors are its own");
  if (!errors.empty() || !solved) return;
  for (std::size_t k = 0; k < n && k < 4; ++k) {
    REQUIRE_THAT(lp[k] == (*solved)[k], "isolatedMarginBatch: the liquidation batch's price");
    Scenario one{.rules = s.rules, .walletBalance = 0, .takerFeeRate = s.takerFeeRate};
    Position p = s.positions[index[k]];
    p.side = side[k] > 0 ? Side::Long : Side::Short;
    p.markPrice.reset();
    p.isolatedMargin.reset();
    p.marginMode = MarginMode::Isolated;
    p.symbol = "X";  // the batch has no symbol: its table is the request's
    one.positions = {p};
    one.tiers["X"] = request.tiers;
    const Report r = evaluate(one);
    REQUIRE_THAT(r.errors.empty(), "isolatedMarginBatch: a position it accepts, evaluate() accepts");
    const PositionOutcome& o = r.isolated->positions[0];
    REQUIRE_THAT(im[k] == o.initialMargin && mm[k] == o.maintenanceMargin && mmr[k] == o.maintenanceMarginRate && tier[k] == o.tier,
                 "isolatedMarginBatch: evaluate()'s margins, exactly");
  }
}

void checkBatch(const Scenario& s, bool valid, const Params& prm) {
  if (s.positions.empty() || s.positions.size() > kFuzzPositions) return;
  const Position& first = s.positions[prm.position < s.positions.size() ? prm.position : 0];
  const TierTable* table = tableFor(s, first.symbol);
  BatchRequest request{.rules = s.rules, .contract = first.contract, .contractSize = first.contractSize,
                       .tiers = table ? *table : TierTable{}, .takerFeeRate = s.takerFeeRate};
  std::vector<double> side, quantity, entry, leverage;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < s.positions.size(); ++i) {
    const Position& p = s.positions[i];
    if (!prm.batchFromScenario && i > 0) break;
    if (p.symbol != first.symbol || p.contract != first.contract || p.contractSize != first.contractSize) continue;
    side.push_back(prm.batchFromScenario ? sign(p.side) : prm.batchSide);
    quantity.push_back(p.quantity);
    entry.push_back(p.entryPrice);
    leverage.push_back(p.leverage);
    index.push_back(i);
  }
  std::vector<double> out(side.size(), -7.0);
  const auto errors = isolatedLiquidationBatch(request, side, quantity, entry, leverage, out);
  if (table) checkMarginBatch(request, s, index, side, quantity, entry, leverage, errors.empty() ? &out : nullptr);
  checkErrors(errors, "isolatedLiquidationBatch");
  REQUIRE_THAT(errors.size() <= 100, "isolatedLiquidationBatch: at most 100 errors (batch.h)");
  if (!errors.empty()) {  // batch.h: a bad request leaves out untouched; a bad element may follow written ones
    const bool elementError = std::any_of(errors.begin(), errors.end(), [](const InputError& e) {
      for (const char* name : {"side[", "quantity[", "entryPrice[", "leverage["})
        if (e.path.rfind(name, 0) == 0) return true;
      return false;
    });
    if (!elementError)
      for (double x : out) REQUIRE_THAT(x == -7.0, "isolatedLiquidationBatch: out untouched on a bad request");
    return;
  }
  // batch.h: each entry is the isolated liquidation price of the position alone, marked at entry,
  // with its initial margin (0 when none), as evaluate() gives it to 1e-12 relative (the batch's
  // closed form and evaluate's walk may round a root at a tier cap differently).
  for (std::size_t k = 0; k < out.size() && k < 4; ++k) {
    Finite{"isolatedLiquidationBatch."}.x("out", out[k]);
    Scenario one{.rules = s.rules, .walletBalance = 0, .takerFeeRate = s.takerFeeRate};
    Position p = s.positions[index[k]];
    p.side = side[k] > 0 ? Side::Long : Side::Short;
    p.markPrice.reset();
    p.isolatedMargin.reset();
    p.marginMode.reset();
    one.positions = {p};
    if (table) one.tiers[p.symbol] = *table;
    const Report r = evaluate(one);
    if (!r.errors.empty()) continue;  // e.g. the wallet: the batch does not check one
    const double lp = r.isolated->positions[0].liquidationPrice.value_or(0.0);
    tally(cBatch);
    REQUIRE_THAT(out[k] == lp || std::abs(out[k] - lp) <= 1e-12 * lp,
                 "isolatedLiquidationBatch: " + num(out[k]) + " but evaluate() gives " + num(lp));
  }
  (void)valid;
}

void checkOrders(const Params& prm) {
  // orders.h kernels take inputs already checked ("validate first"): called only with prices,
  // sizes and a leverage that validate() accepts (isValidPositive; leverage at most 1000).
  bool fillsOk = !prm.fills.empty();
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const Fill& fl : prm.fills) {
    fillsOk &= isValidPositive(fl.quantity) && isValidPositive(fl.price);
    lo = std::min(lo, fl.price);
    hi = std::max(hi, fl.price);
  }
  if (fillsOk) {
    for (Contract c : {Contract::Linear, Contract::Inverse}) {
      const double avg = averageEntry(c, prm.fills);
      REQUIRE_THAT(std::isfinite(avg) && avg >= lo * (1 - 1e-12) && avg <= hi * (1 + 1e-12),
                   "averageEntry " + num(avg) + " between the fill prices");
    }
    // BitMEX floors each fill's value to whole satoshis: a lot worth less than one has none.
    bool satoshis = isValidPositive(prm.lotSize);
    for (const Fill& fl : prm.fills) satoshis &= prm.lotSize / fl.price * 1e8 >= 1;
    if (satoshis)
      for (Side side : {Side::Long, Side::Short})
        REQUIRE_THAT(std::isfinite(averageEntryBitmex(side, prm.lotSize, prm.fills)), "averageEntryBitmex finite");
  }
  const bool orderOk = isValidPositive(prm.adjustDelta) && isValidPositive(prm.orderPrice) &&
                       isValidPositive(prm.orderStop) && isValidPositive(prm.orderLeverage) && prm.orderLeverage <= 1000;
  if (orderOk) {
    OrderCost b = binanceCostToOpen(prm.orderSide, prm.adjustDelta, prm.orderPrice, prm.orderStop, prm.orderLeverage);
    explainBinanceCostToOpen(prm.orderSide, prm.adjustDelta, prm.orderPrice, prm.orderStop, prm.orderLeverage, b);
    const Finite f{"binanceCostToOpen."};
    for (double x : {b.initialMargin, b.openLoss, b.openFee, b.closeFee, b.total}) f.x("cost", x);
    f.steps("steps", b.steps);
    REQUIRE_THAT(b.openLoss >= 0 && b.total == b.initialMargin + b.openLoss, "binanceCostToOpen: total = IM + open loss");
    if (std::isfinite(prm.fee) && prm.fee >= 0 && prm.fee < 0.1) {
      OrderCost y = bybitOrderCost(prm.orderContract, prm.orderSide, prm.adjustDelta, prm.orderPrice,
                                   prm.orderLeverage, prm.fee);
      explainBybitOrderCost(prm.orderContract, prm.orderSide, prm.adjustDelta, prm.orderPrice, prm.orderLeverage,
                            prm.fee, y);
      const Finite g{"bybitOrderCost."};
      for (double x : {y.initialMargin, y.openLoss, y.openFee, y.closeFee, y.total}) g.x("cost", x);
      g.steps("steps", y.steps);
    }
  }
  // odds.h: the closed form is a probability for valid inputs.
  if (isValidPositive(prm.orderPrice) && isValidPositive(prm.orderStop) && prm.sigma >= 0 && prm.sigma <= 10 &&
      prm.years >= 0 && prm.years <= 100 && std::abs(prm.mu) <= 10) {
    const double p = firstPassageProbability(prm.orderPrice, prm.orderStop, prm.sigma, prm.years, prm.mu);
    REQUIRE_THAT(p >= 0 && p <= 1, "firstPassageProbability in [0, 1]: " + num(p));
  }
  REQUIRE_THAT(!formatNumber(prm.target).empty(), "formatNumber gives text");
}

/// curve.h: any input gives errors or finite numbers, and every liquidation price it solves lies on the
/// boundary (equity = maintenance to 1e-9 of the position's scale).
void checkSizeCurve(const Params& prm) {
  const SizeCurveInput& in = prm.sizeCurve;
  Result<SizeCurveResult> r = sizeCurve(in);
  checkResult(r, "sizeCurve");
  if (!r) return;
  explain(in, *r.value);
  const Finite f{"sizeCurve."};
  const SizeCurveResult& c = *r.value;
  for (double x : {c.notional, c.initialMarginRate, c.maintenanceMarginRate, c.initialMargin, c.maintenanceMargin, c.equity}) f.x("value", x);
  f.steps("steps", c.steps);
  for (const std::optional<double>& p : {c.liquidationPrice, c.upperLiquidationPrice}) {
    if (!p) continue;
    f.x("liquidationPrice", *p);
    const double equity = in.collateral + sign(in.side) * in.quantity * (*p - in.entryPrice);
    const double mm = curveMaintenanceRate(in, in.quantity, *p) * in.quantity * *p;
    const double scale = in.collateral + in.quantity * (in.entryPrice + *p);
    REQUIRE_THAT(*p > 0 && std::abs(equity - mm) <= 1e-9 * scale, "sizeCurve: on the boundary at " + num(*p));
  }
}

void checkOptions(const Params& prm) {
  checkSizeCurve(prm);
  // black.h: impliedVolatility checks its inputs, so any input gives a finite value or errors.
  const auto iv = impliedVolatility(prm.optionType, prm.strike, prm.forward, prm.optionYears, prm.optionPrice,
                                    prm.discount);
  checkResult(iv, "impliedVolatility");
  if (iv) {
    const Finite f{"impliedVolatility."};
    f.x("volatility", iv.value->volatility);
    f.x("priceError", iv.value->priceError);
    f.steps("steps", iv.value->steps);
    // A volatility within the bracket, or none when the price says nothing about it.
    const std::optional<double>& vol = iv.value->volatility;
    REQUIRE_THAT(vol.has_value() == iv.value->informative, "impliedVolatility: a volatility exactly when informative");
    if (vol)
      REQUIRE_THAT(*vol >= kMinImpliedVolatility && *vol <= kMaxImpliedVolatility,
                   "impliedVolatility within its bracket: " + num(*vol));
  }
  // The kernels assume valid inputs; called with those the rest of the core accepts (prices in
  // [kMinMagnitude, kMaxMagnitude], volatility <= 10, years <= 100 as odds.h bounds them, rates
  // and yields within +-100 %): every result finite, and a price between its no-arbitrage bounds.
  if (!isValidPositive(prm.strike) || !isValidPositive(prm.forward) || !(prm.optionVolatility >= 0 && prm.optionVolatility <= 10) ||
      !(prm.optionYears >= 0 && prm.optionYears <= 100) || !(std::abs(prm.rate) <= 1) || !(std::abs(prm.dividend) <= 1))
    return;
  const Finite f{"black."};
  const double sd = prm.optionVolatility * std::sqrt(prm.optionYears);
  const double df = std::exp(-prm.rate * prm.optionYears);
  const bool call = prm.optionType == OptionType::Call;
  const double price = black76Price(prm.optionType, prm.strike, prm.forward, sd, df);
  f.x("black76Price", price);
  const double intrinsic = df * std::max(call ? prm.forward - prm.strike : prm.strike - prm.forward, 0.0);
  const double upper = df * (call ? prm.forward : prm.strike);
  const double slack = 1e-12 * df * (prm.forward + prm.strike);
  REQUIRE_THAT(price >= intrinsic - slack && price <= upper + slack,
               "black76Price " + num(price) + " within [" + num(intrinsic) + ", " + num(upper) + "]");
  const Black76Greeks g = black76Greeks(prm.optionType, prm.strike, prm.forward, prm.optionVolatility, prm.optionYears, prm.rate);
  for (double x : {g.price, g.delta, g.gamma, g.vega, g.theta}) f.x("black76Greeks", x);
  const double bs = blackScholesPrice(prm.optionType, prm.strike, prm.forward, prm.rate, prm.dividend, prm.optionVolatility,
                                      prm.optionYears);
  f.x("blackScholesPrice", bs);
  const BlackScholesGreeks h = blackScholesGreeks(prm.optionType, prm.strike, prm.forward, prm.rate, prm.dividend,
                                                  prm.optionVolatility, prm.optionYears);
  for (double x : {h.price, h.delta, h.gamma, h.vega, h.theta, h.rho, h.dividendRho}) f.x("blackScholesGreeks", x);
}

// ---- the options account (options.h, scenario version 2) --------------------------------------

bool sameErrors(const std::vector<InputError>& a, std::size_t from, const std::vector<InputError>& b) {
  if (a.size() < from + b.size()) return false;
  for (std::size_t i = 0; i < b.size(); ++i)
    if (a[from + i].path != b[i].path || a[from + i].code != b[i].code || a[from + i].message != b[i].message)
      return false;
  return true;
}

/// Crossings of one scan (options.h, OptionsAccountView::liquidationPrices): inside the scanned
/// range, strictly ascending, and alternating: the sign of the gap flips at each one, so
/// liquidatedBelow alternates, the first one's matches the low end and the last one's the high end.
void checkCrossings(const std::vector<LiquidationCrossing>& list, double low, double high, bool lowLiquidated,
                    bool highLiquidated, const std::string& where) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const LiquidationCrossing& c = list[i];
    REQUIRE_THAT(c.price >= low && c.price <= high,
                 where + ": crossing " + num(c.price) + " outside [" + num(low) + ", " + num(high) + "]");
    if (i > 0) {
      REQUIRE_THAT(c.price > list[i - 1].price, where + ": crossings ascending");
      REQUIRE_THAT(c.liquidatedBelow != list[i - 1].liquidatedBelow, where + ": crossings alternate");
    }
  }
  if (list.empty()) {
    REQUIRE_THAT(lowLiquidated == highLiquidated, where + ": no crossing, yet the ends differ");
  } else {
    REQUIRE_THAT(list.front().liquidatedBelow == lowLiquidated, where + ": first crossing against the low end");
    REQUIRE_THAT(list.back().liquidatedBelow != highLiquidated, where + ": last crossing against the high end");
  }
}

/// The size of the numbers whose difference is equity - MM at `price`: wallet, every position's
/// value and premium, margins. A root of the gap is ~0 relative to this.
double gapScale(const OptionsScenario& s, const OptionsAccountResult& r, double price, const OptionsAccountPoint& a) {
  const bool inverse = s.settlement == Contract::Inverse;
  double scale = std::abs(s.walletBalance) + std::abs(a.equity) + a.maintenanceMargin + a.initialMargin;
  for (const Position& f : s.futures) {
    const double size = f.quantity * f.contractSize;
    scale += inverse ? size / f.entryPrice + size / price : size * (f.entryPrice + price);
  }
  for (std::size_t i = 0; i < s.options.size(); ++i) {
    const OptionPosition& o = s.options[i];
    const double bound = std::max(price * std::exp(s.interestRate * r.options[i].years), o.strike);
    scale += o.quantity * (o.premium + (inverse ? bound / price : bound));
  }
  return scale;
}

/// One view of evaluateOptions against optionsAccountAt: the numbers at U, the ends of the scan,
/// and each crossing (|equity - MM| <= 1e-6 x gapScale there; 1e-9 of the price either side it has
/// the sign liquidatedBelow says, unless that side is as small as the tolerance or another crossing is near).
void checkView(const OptionsScenario& s, const OptionsAccountResult& r, const OptionsAccountView& v, double days,
               double shift, const std::string& where) {
  const Finite f{where + "."};
  for (double x : {v.days, v.volShift, v.equity, v.initialMargin, v.maintenanceMargin, v.availableBalance, v.maxLoss})
    f.x("numbers", x);
  f.x("marginRatio", v.marginRatio);
  f.steps("steps", v.steps);
  for (const LiquidationCrossing& c : v.liquidationPrices) f.x("liquidationPrices", c.price);
  REQUIRE_THAT(v.days == days && v.volShift == shift, where + ": days and volShift as requested");
  // options.h: absent iff equity <= 0 or MM / equity is not finite (a subnormal equity).
  REQUIRE_THAT(v.marginRatio.has_value() == (v.equity > 0 && std::isfinite(v.maintenanceMargin / v.equity)),
               where + ": marginRatio absent iff equity <= 0 (or the ratio overflows)");
  REQUIRE_THAT(v.maxLoss == std::max(0.0, v.equity), where + ": maxLoss = max(0, equity)");
  REQUIRE_THAT(v.availableBalance == v.equity - v.initialMargin, where + ": available = equity - IM");
  const double u = s.underlyingPrice;
  const OptionsAccountPoint at = optionsAccountAt(s, u, days, shift);
  REQUIRE_THAT(at.equity == v.equity && at.maintenanceMargin == v.maintenanceMargin &&
                   at.initialMargin == v.initialMargin,
               where + ": equity and margins = optionsAccountAt(U)");
  REQUIRE_THAT(v.liquidated == (at.equity < at.maintenanceMargin), where + ": liquidated iff equity < MM at U");
  const OptionsAccountPoint lo = optionsAccountAt(s, r.scanLowPrice, days, shift);
  const OptionsAccountPoint hi = optionsAccountAt(s, r.scanHighPrice, days, shift);
  REQUIRE_THAT(v.liquidatedAtScanLow == (lo.equity < lo.maintenanceMargin), where + ": liquidatedAtScanLow");
  REQUIRE_THAT(v.liquidatedAtScanHigh == (hi.equity < hi.maintenanceMargin), where + ": liquidatedAtScanHigh");
  checkCrossings(v.liquidationPrices, r.scanLowPrice, r.scanHighPrice, v.liquidatedAtScanLow, v.liquidatedAtScanHigh,
                 where + ".liquidationPrices");
  const auto& list = v.liquidationPrices;
  for (std::size_t i = 0; i < list.size() && i < 4; ++i) {
    const double p = list[i].price;
    const OptionsAccountPoint a = optionsAccountAt(s, p, days, shift);
    const double gap = a.equity - a.maintenanceMargin, tol = 1e-6 * gapScale(s, r, p, a);
    tally(cOptionsCrossing);
    REQUIRE_THAT(std::abs(gap) <= tol, where + ": equity - MM at the crossing " + num(p) + " is " + num(gap) +
                                           ", tolerance " + num(tol));
    const double below = p * (1 - 1e-9), above = p * (1 + 1e-9);
    const bool nearOther = (i > 0 && list[i - 1].price >= p * (1 - 2e-9)) ||
                           (i + 1 < list.size() && list[i + 1].price <= p * (1 + 2e-9));
    if (nearOther) continue;
    const OptionsAccountPoint b = optionsAccountAt(s, below, days, shift), c = optionsAccountAt(s, above, days, shift);
    const double gb = b.equity - b.maintenanceMargin, gc = c.equity - c.maintenanceMargin;
    if (below >= r.scanLowPrice && std::abs(gb) > tol)
      REQUIRE_THAT((gb < 0) == list[i].liquidatedBelow, where + ": equity - MM just below " + num(p) + " is " + num(gb));
    if (above <= r.scanHighPrice && std::abs(gc) > tol)
      REQUIRE_THAT((gc < 0) != list[i].liquidatedBelow, where + ": equity - MM just above " + num(p) + " is " + num(gc));
  }
}

void checkIsolated(const OptionsScenario& s, const OptionsAccountResult& r, const OptionsRequest& rq) {
  REQUIRE_THAT(r.isolated.options.size() == s.options.size() && r.isolated.futures.size() == s.futures.size(),
               "evaluateOptions: one isolated position per position");
  const auto each = [&](const IsolatedPosition& iso, const std::string& where) {
    const Finite f{where + "."};
    f.x("postedMargin", iso.postedMargin);
    f.x("maxLoss", iso.maxLoss);
    f.steps("steps", iso.steps);
    for (const IsolatedHorizon* h : {&iso.now, &iso.later}) {
      for (const LiquidationCrossing& c : h->liquidationPrices) f.x("liquidationPrices", c.price);
      // The ends of an isolated scan are not reported: only order, range and alternation.
      const auto& list = h->liquidationPrices;
      for (std::size_t i = 0; i < list.size(); ++i) {
        REQUIRE_THAT(list[i].price >= r.scanLowPrice && list[i].price <= r.scanHighPrice,
                     where + ": isolated crossing " + num(list[i].price) + " outside the scan");
        if (i > 0)
          REQUIRE_THAT(list[i].price > list[i - 1].price && list[i].liquidatedBelow != list[i - 1].liquidatedBelow,
                       where + ": isolated crossings ascending and alternating");
      }
      if (!list.empty()) tally(cOptionsIsolatedCrossing);
    }
    if (rq.days == 0)
      REQUIRE_THAT(iso.later.liquidated == iso.now.liquidated &&
                       iso.later.liquidationPrices.size() == iso.now.liquidationPrices.size(),
                   where + ": days 0, later is now");
  };
  for (std::size_t i = 0; i < s.options.size(); ++i) {
    const std::string where = "isolated.options[" + std::to_string(i) + "]";
    const IsolatedPosition& iso = r.isolated.options[i];
    each(iso, where);
    const OptionPosition& o = s.options[i];
    REQUIRE_THAT(iso.postedMargin == r.options[i].initialMargin,
                 where + ": postedMargin " + num(iso.postedMargin) + " = the option's initialMargin " +
                     num(r.options[i].initialMargin));
    if (o.side == Side::Long) {
      REQUIRE_THAT(iso.now.liquidationPrices.empty() && iso.later.liquidationPrices.empty() && !iso.now.liquidated &&
                       !iso.later.liquidated,
                   where + ": a long option is never liquidated");
      REQUIRE_THAT(closeRel(iso.maxLoss, o.premium * o.quantity, 1e-12),
                   where + ": long maxLoss " + num(iso.maxLoss) + " = premium x quantity " + num(o.premium * o.quantity));
    } else {
      REQUIRE_THAT(iso.maxLoss == iso.postedMargin, where + ": short maxLoss = posted margin");
    }
  }
  for (std::size_t i = 0; i < s.futures.size(); ++i) {
    const std::string where = "isolated.futures[" + std::to_string(i) + "]";
    const IsolatedPosition& iso = r.isolated.futures[i];
    each(iso, where);
    REQUIRE_THAT(iso.postedMargin == r.futures[i].initialMargin,
                 where + ": postedMargin " + num(iso.postedMargin) + " = the future's initialMargin " +
                     num(r.futures[i].initialMargin));
    REQUIRE_THAT(iso.maxLoss == iso.postedMargin, where + ": maxLoss = posted margin");
  }
}

/// fitSurface (svi.h): errors exactly validate's; a fit has finite numbers, a valid VolSurface, and
/// explain() changes none of them.
void checkSurfaceFit(const Params& prm) {
  const SurfaceFitRequest& r = prm.surfaceFit;
  const std::vector<InputError> errors = validate(r);
  checkErrors(errors, "validate(SurfaceFitRequest)");
  const auto fit = fitSurface(r);
  checkResult(fit, "fitSurface");
  REQUIRE_THAT(fit.errors.size() == errors.size() && sameErrors(fit.errors, 0, errors), "fitSurface: errors = validate");
  if (!fit) return;
  const Finite f{"fitSurface."};
  for (const SviSmile& s : fit.value->smiles)
    for (double x : {s.forward, s.a, s.b, s.rho, s.m, s.sigma, s.rmse, s.minDensity, s.minDensityLogMoneyness, s.wingSlope})
      f.x("smile", x);
  for (const SurfaceArbitrage& a : fit.value->arbitrage)
    for (double x : {a.fromStrike, a.toStrike, a.fromLogMoneyness, a.toLogMoneyness, a.worst}) f.x("arbitrage", x);
  REQUIRE_THAT(validateVolSurface(fit.value->surface).empty(), "fitSurface: the sampled surface is a valid VolSurface");
  SurfaceFitResult explained = *fit.value;
  explain(r, explained);
  f.steps("steps", explained.steps);
  REQUIRE_THAT(explained.surface.vols == fit.value->surface.vols && explained.smiles.size() == fit.value->smiles.size(),
               "fitSurface: explain() changes no number");
}

/// A row name read as a venue's instrument name: errors only at "name" with the name rules; an
/// instrument's strike > 0 and its expiry a date the account reads.
void checkInstrumentName(const std::string& name) {
  const Result<InstrumentName> r = parseInstrumentName(name);
  checkErrors(r.errors, "parseInstrumentName");
  for (const InputError& e : r.errors)
    REQUIRE_THAT(e.path == "name" && e.rule.rfind("instrument", 0) == 0, "parseInstrumentName: errors at name, its rules");
  if (!r || !r.value->instrument) return;
  REQUIRE_THAT(r.value->strike > 0 && std::isfinite(r.value->strike) && !r.value->underlying.empty(),
               "parseInstrumentName: a strike > 0 and an underlying");
  OptionsScenario s;
  s.walletBalance = 1;
  s.underlyingPrice = 1;
  s.valuationDate = "2000-01-01";
  s.options.push_back(OptionPosition{.strike = r.value->strike, .expiryDate = r.value->expiryDate, .quantity = 1, .volatility = 0.5});
  REQUIRE_THAT(validateOptions(s).empty(), "parseInstrumentName: the expiry reads as a date after 2000-01-01");
}

/// The options scenario with the appended surface dates in its surface (its expiries dropped when as many).
OptionsScenario withSurfaceDates(const Params& prm) {
  OptionsScenario s = prm.options;
  if (prm.surfaceDates.empty() || !s.volSurface) return s;
  s.volSurface->expiryDates = prm.surfaceDates;
  if (s.volSurface->expiries.size() == prm.surfaceDates.size()) s.volSurface->expiries.clear();
  return s;
}

void checkOptionsAccount(const Params& prm) {
  checkInstrumentName(prm.instrumentName);
  const OptionsScenario dated = withSurfaceDates(prm);
  const OptionsScenario& s = dated;
  gOptionsRunning = true;
  const std::vector<InputError> scenarioErrors = validateOptions(s);
  checkErrors(scenarioErrors, "validateOptions");
  const bool valid = scenarioErrors.empty();
  if (valid) tally(cOptionsValid);

  // A bounded amount of work: at most 128 scanned prices of a request options.h accepts (up to 100,000).
  OptionsRequest rq = prm.optionsRequest;
  if (rq.scanPoints > 128 && rq.scanPoints <= 100'000) rq.scanPoints = 128;
  const std::vector<InputError> requestErrors = validateOptionsRequest(rq);
  checkErrors(requestErrors, "validateOptionsRequest");
  const auto res = evaluateOptions(s, rq);
  checkResult(res, "evaluateOptions");
  REQUIRE_THAT(res.errors.size() == scenarioErrors.size() + requestErrors.size() &&
                   sameErrors(res.errors, 0, scenarioErrors) && sameErrors(res.errors, scenarioErrors.size(), requestErrors),
               "evaluateOptions: errors = validateOptions + validateOptionsRequest");
  if (res) {
    tally(cOptionsValue);
    const OptionsAccountResult& r = *res.value;
    const Finite f{"evaluateOptions."};
    REQUIRE_THAT(r.options.size() == s.options.size() && r.futures.size() == s.futures.size(),
                 "evaluateOptions: one valuation per position");
    for (std::size_t i = 0; i < r.options.size(); ++i) {
      const OptionValuation& o = r.options[i];
      const std::string at = "options[" + std::to_string(i) + "].";
      for (double x : {o.years, o.volatility, o.forward, o.markPrice, o.value, o.unrealizedPnl, o.initialMargin,
                       o.maintenanceMargin, o.greeks.price, o.greeks.delta, o.greeks.gamma, o.greeks.vega, o.greeks.theta})
        f.x(at + "numbers", x);
      f.steps(at + "steps", o.steps);
      REQUIRE_THAT(o.years > 0 && o.years <= kMaxOptionYears, "evaluateOptions: " + at + "years " + num(o.years));
      REQUIRE_THAT(o.volatility > 0, "evaluateOptions: " + at + "volatility > 0");
      REQUIRE_THAT(o.volatilityFromSurface == !s.options[i].volatility.has_value(),
                   "evaluateOptions: " + at + "volatilityFromSurface iff no volatility given");
      REQUIRE_THAT(o.initialMargin >= 0 && o.maintenanceMargin >= 0, "evaluateOptions: " + at + "margins >= 0");
      if (s.options[i].side == Side::Long)
        REQUIRE_THAT(o.initialMargin == 0 && o.maintenanceMargin == 0, "evaluateOptions: a long option needs no margin");
    }
    for (std::size_t i = 0; i < r.futures.size(); ++i) {
      const FutureValuation& v = r.futures[i];
      const std::string at = "futures[" + std::to_string(i) + "].";
      for (double x : {v.sizeCoin, v.unrealizedPnl, v.initialMarginRate, v.maintenanceMarginRate, v.initialMargin,
                       v.maintenanceMargin})
        f.x(at + "numbers", x);
      f.steps(at + "steps", v.steps);
    }
    f.x("scanLowPrice", r.scanLowPrice);
    f.x("scanHighPrice", r.scanHighPrice);
    f.x("lastExpiryDays", r.lastExpiryDays);
    f.steps("steps", r.steps);
    REQUIRE_THAT(r.scanLowPrice == s.underlyingPrice * rq.scanLow && r.scanHighPrice == s.underlyingPrice * rq.scanHigh,
                 "evaluateOptions: the scanned range is U x scanLow .. U x scanHigh");
    REQUIRE_THAT(r.lastExpiryDays.has_value() == !s.options.empty(), "evaluateOptions: lastExpiryDays iff options");
    checkView(s, r, r.now, 0, 0, "evaluateOptions.now");
    checkView(s, r, r.later, rq.days, 0, "evaluateOptions.later");
    REQUIRE_THAT(r.volShifted.size() == rq.volShifts.size(), "evaluateOptions: one view per volShift");
    for (std::size_t i = 0; i < r.volShifted.size(); ++i)
      checkView(s, r, r.volShifted[i], 0, rq.volShifts[i], "evaluateOptions.volShifted[" + std::to_string(i) + "]");
    checkIsolated(s, r, rq);
  }

  // sweepOptionsAccount: the checked sweep; on success each entry is optionsAccountAt's.
  {
    const std::vector<double>& prices = prm.optionsSweepPrices;
    const std::size_t outSize = prices.size() - (prm.optionsSweepShortOut && !prices.empty() ? 1 : 0);
    std::vector<double> equity(outSize, -7.0), maintenance(prices.size(), -7.0);
    const auto errors = sweepOptionsAccount(s, prices, equity, maintenance, prm.optionsSweep);
    checkErrors(errors, "sweepOptionsAccount");
    REQUIRE_THAT(sameErrors(errors, 0, scenarioErrors), "sweepOptionsAccount: the scenario's errors first");
    if (!valid) REQUIRE_THAT(!errors.empty(), "sweepOptionsAccount: an invalid scenario is an error");
    if (!errors.empty()) {
      for (double x : equity) REQUIRE_THAT(x == -7.0, "sweepOptionsAccount: nothing written on an error");
      for (double x : maintenance) REQUIRE_THAT(x == -7.0, "sweepOptionsAccount: nothing written on an error");
    } else {
      for (std::size_t i = 0; i < prices.size(); ++i) {
        Finite{"sweepOptionsAccount."}.x("equity", equity[i]);
        Finite{"sweepOptionsAccount."}.x("maintenance", maintenance[i]);
        const OptionsAccountPoint a = optionsAccountAt(s, prices[i], prm.optionsSweep.days, prm.optionsSweep.volShift);
        REQUIRE_THAT(a.equity == equity[i] && a.maintenanceMargin == maintenance[i],
                     "sweepOptionsAccount at " + num(prices[i]) + " = optionsAccountAt");
        tally(cOptionsSweep);
      }
    }
  }

  // portfolioMargin: the grid's shape, its worst cell, and the requirement.
  {
    const PortfolioMarginRequest& request = prm.portfolio;
    const std::vector<InputError> pmErrors = validatePortfolioMarginRequest(request);
    checkErrors(pmErrors, "validatePortfolioMarginRequest");
    const auto pm = portfolioMargin(s, request);
    checkResult(pm, "portfolioMargin");
    REQUIRE_THAT(pm.errors.size() == scenarioErrors.size() + pmErrors.size() && sameErrors(pm.errors, 0, scenarioErrors) &&
                     sameErrors(pm.errors, scenarioErrors.size(), pmErrors),
                 "portfolioMargin: errors = validateOptions + validatePortfolioMarginRequest");
    if (pm) {
      tally(cOptionsPortfolio);
      const PortfolioMarginResult& g = *pm.value;
      const Finite f{"portfolioMargin."};
      REQUIRE_THAT(g.priceMoves == request.priceMoves && g.volShocks == request.volShocks, "portfolioMargin: the axes used");
      REQUIRE_THAT(g.pnl.size() == g.volShocks.size(), "portfolioMargin: one row per vol shock");
      double worst = std::numeric_limits<double>::infinity();
      for (const auto& row : g.pnl) {
        REQUIRE_THAT(row.size() == g.priceMoves.size(), "portfolioMargin: one cell per price move");
        for (double x : row) {
          f.x("pnl", x);
          worst = std::min(worst, x);
        }
      }
      for (double x : {g.worstPnl, g.requirement, g.equity}) f.x("numbers", x);
      f.x("marginRatio", g.marginRatio);
      for (double x : g.volShockScale) f.x("volShockScale", x);
      f.steps("steps", g.steps);
      REQUIRE_THAT(g.volShockScale.size() == s.options.size(), "portfolioMargin: one scale per option");
      REQUIRE_THAT(g.worstVolShock < g.pnl.size() && g.worstPriceMove < g.priceMoves.size() &&
                       g.pnl[g.worstVolShock][g.worstPriceMove] == g.worstPnl,
                   "portfolioMargin: worstPnl is the named cell");
      REQUIRE_THAT(g.worstPnl == worst, "portfolioMargin: worstPnl " + num(g.worstPnl) + " is the minimum " + num(worst));
      REQUIRE_THAT(g.requirement == std::max(0.0, -g.worstPnl), "portfolioMargin: requirement = max(0, -worstPnl)");
      REQUIRE_THAT(g.marginRatio.has_value() == (g.equity > 0 && std::isfinite(g.requirement / g.equity)),
                   "portfolioMargin: marginRatio absent iff equity <= 0 (or the ratio overflows)");
      REQUIRE_THAT(g.equity == optionsAccountAt(s, s.underlyingPrice).equity, "portfolioMargin: equity at U");
    }
  }
  gOptionsRunning = false;
}

void checkNames() {
  // scenario.h / errors.h: every enum value has a string that parses back.
  for (int i = 0; i < 8; ++i) REQUIRE_THAT(parseRules(toString(static_cast<Rules>(i))) == static_cast<Rules>(i), "rules");
  for (Contract c : {Contract::Linear, Contract::Inverse}) REQUIRE_THAT(parseContract(toString(c)) == c, "contract");
  for (Side s : {Side::Long, Side::Short}) REQUIRE_THAT(parseSide(toString(s)) == s, "side");
  for (MarginMode m : {MarginMode::Isolated, MarginMode::Cross}) REQUIRE_THAT(parseMarginMode(toString(m)) == m, "mode");
  for (ErrorCode c : kAllErrorCodes) REQUIRE_THAT(!toString(c).empty(), "error code string");
  for (OptionType t : {OptionType::Call, OptionType::Put}) REQUIRE_THAT(parseOptionType(toString(t)) == t, "option type");
  for (VolDynamics d : {VolDynamics::StickyStrike, VolDynamics::StickyMoneyness})
    REQUIRE_THAT(parseVolDynamics(toString(d)) == d, "vol dynamics");
  for (VolShockKind k : {VolShockKind::Relative, VolShockKind::Absolute})
    REQUIRE_THAT(parseVolShockKind(toString(k)) == k, "vol shock kind");
}

// ---- the account (account.h, scenario version 3) ------------------------------------------------

/// toAccount() of the decoded scenario (or options scenario), with the decoded edits.
Account accountOf(const Scenario& s, const Params& prm) {
  Account a = prm.accountFromOptions ? toAccount(prm.options) : toAccount(s);
  a.version = prm.accountVersion;
  if (prm.accountFlipMargin)
    a.margin = a.margin == AccountMargin::Tiers ? AccountMargin::DeribitStandard : AccountMargin::Tiers;
  if (prm.accountHaircut && !a.collateral.empty()) a.collateral[0].haircut = *prm.accountHaircut;
  a.collateral.insert(a.collateral.end(), prm.accountCollateral.begin(), prm.accountCollateral.end());
  for (Underlying u : prm.accountUnderlyings) {
    u.volSurface = prm.options.volSurface;
    a.underlyings.push_back(std::move(u));
  }
  if (prm.accountFutureMark && !a.futures.empty()) a.futures[0].markPrice = *prm.accountFutureMark;
  if (!prm.accountRelink.empty()) {
    if (!a.futures.empty()) a.futures[0].underlying = a.futures[0].settlementAsset = prm.accountRelink;
    if (!a.options.empty()) a.options[0].underlying = a.options[0].settlementAsset = prm.accountRelink;
  }
  a.venue = prm.accountVenue;
  if (prm.accountBeta && !a.collateral.empty()) a.collateral[0].beta = prm.accountBeta;
  return a;
}

/// Margin by venue: the account's errors first, then the request's; every number of a valid answer finite.
void checkVenues(const Account& a, const MarginByVenueRequest& q) {
  const Result<MarginByVenueResult> r = marginByVenue(a, q);
  checkErrors(r.errors, "marginByVenue");
  if (!r) return;
  const Finite f{"marginByVenue."};
  for (const VenueMargin& v : r.value->venues) {
    f.x(v.venue + ".initialMargin", v.initialMargin);
    f.x(v.venue + ".maintenanceMargin", v.maintenanceMargin);
    REQUIRE_THAT(v.initialMargin >= 0 && v.maintenanceMargin >= 0, "marginByVenue: margins >= 0");
    for (const PmComponent& c : v.components) f.x(v.venue + "." + c.name, c.value);
    for (const PmGrid& g : v.grids)
      for (const auto& row : g.pnl)
        for (double x : row) f.x(v.venue + "." + g.name, x);
  }
}

/// accountBoundary: errors well formed, every number finite, the explanation changes none.
void checkBoundary(const Account& a, const BoundaryRequest& q) {
  const Result<BoundaryResult> b = accountBoundary(a, q);
  checkErrors(b.errors, "accountBoundary");
  if (!b) return;
  const Finite f{"accountBoundary."};
  const std::vector<double> numbers = mltest::numbersOf(*b.value);
  for (std::size_t i = 0; i < numbers.size(); ++i) f.x("number " + std::to_string(i), numbers[i]);
  BoundaryResult explained = *b.value;
  explain(a, q, explained);
  REQUIRE_THAT(mltest::numbersOf(explained) == numbers, "accountBoundary: explain() changes no number");
}

/// venueReverse: errors well formed, every number finite, sizes and moves inside their ranges, the
/// explanation changes none.
void checkReverse(const Account& a, const Params& prm) {
  const VenueReverseRequest q{.margin = prm.venueRequest, .newLeg = prm.reverseLeg, .underlying = prm.reverseUnderlying};
  const Result<VenueReverseResult> r = venueReverse(a, q);
  checkErrors(r.errors, "venueReverse");
  if (!r) return;
  const Finite f{"venueReverse."};
  const std::vector<double> numbers = mltest::numbersOf(*r.value);
  for (std::size_t i = 0; i < numbers.size(); ++i) f.x("number " + std::to_string(i), numbers[i]);
  for (const VenueReverse& v : r.value->venues) {
    if (v.maxNewLegSize && v.maxNewLegSize->value)
      REQUIRE_THAT(*v.maxNewLegSize->value >= 0 && *v.maxNewLegSize->value <= kReverseMaxSize, "venueReverse: size in range");
    for (const ReverseAnswer* m : {&v.liquidationMove.down, &v.liquidationMove.up})
      if (m->value) REQUIRE_THAT(*m->value >= kReverseMoveDown && *m->value <= kReverseMoveUp, "venueReverse: move in range");
  }
  VenueReverseResult explained = *r.value;
  explain(q, explained);
  REQUIRE_THAT(mltest::numbersOf(explained) == numbers, "venueReverse: explain() changes no number");
}

void checkAccount(const Scenario& s, const Params& prm) {
  const Account a = accountOf(s, prm);
  const std::vector<InputError> errors = validate(a);
  checkErrors(errors, "validate(Account)");
  const AccountRequest q{.options = {.scanPoints = 64}};
  const Result<AccountResult> r = evaluateAccount(a, q);
  checkErrors(r.errors, "evaluateAccount");
  REQUIRE_THAT(r.errors.size() == errors.size() && sameErrors(r.errors, 0, errors),
               "evaluateAccount: errors = validate(account)");
  // An unedited conversion of a valid scenario is that scenario: valid, and the kernel's numbers one for one.
  const bool unedited = prm.accountVersion == 3 && !prm.accountFlipMargin && !prm.accountHaircut && !prm.accountVenue && !prm.accountBeta &&
                        prm.accountCollateral.empty() && prm.accountUnderlyings.empty() && prm.accountRelink.empty() &&
                        !prm.accountFutureMark;
  if (unedited && prm.accountFromOptions) {
    const auto base = evaluateOptions(prm.options, q.options);
    REQUIRE_THAT(!base || (r && r.value->optionsResult && mltest::numbersOf(*r.value->optionsResult) == mltest::numbersOf(*base.value)),
                 "evaluateAccount(toAccount(v2)) = evaluateOptions");
    if (base) tally(cAccountParity);
  } else if (unedited) {
    const Report base = evaluate(s);
    REQUIRE_THAT(!base.errors.empty() || (r && r.value->report && mltest::numbersOf(*r.value->report) == mltest::numbersOf(base)),
                 "evaluateAccount(toAccount(v1)) = evaluate");
    if (base.errors.empty()) tally(cAccountParity);
  }
  if (!r) return;
  tally(cAccountValid);
  const Finite f{"evaluateAccount."};
  const std::vector<double> numbers = mltest::numbersOf(*r.value);
  for (std::size_t i = 0; i < numbers.size(); ++i) f.x("number " + std::to_string(i), numbers[i]);
  AccountResult explained = *r.value;
  explain(a, q, explained);
  REQUIRE_THAT(mltest::numbersOf(explained) == numbers, "evaluateAccount: explain() changes no number");
  checkVenues(a, prm.venueRequest);
  if (prm.accountRunBoundary) checkBoundary(a, prm.accountBoundaryRequest);
  if (prm.accountRunReverse) checkReverse(a, prm);
}

}  // namespace

/// venue.h on every position's numbers (raw, and its liquidation price): an error exactly when an input
/// is out of range; otherwise a price within one step of the exact value, on the side Bybit rounds
/// to, and a whole number of lots that does not exceed the size by a lot.
void checkVenue(const Scenario& s, const Report& report, const Params& prm) {
  static constexpr double kTicks[] = {1e-9, 1e-6, 0.001, 0.1, 0.5, 1, 100, 1e15};
  for (std::size_t i = 0; i < s.positions.size() && i < 8; ++i) {
    const Position& p = s.positions[i];
    const double tick = kTicks[(i + prm.tools) % 8];
    const int sigFigs = static_cast<int>((prm.tools >> 4) % 8);
    const bool solved = report.errors.empty() && report.isolated && i < report.isolated->positions.size();
    const double lp = solved ? report.isolated->positions[i].liquidationPrice.value_or(p.entryPrice) : p.entryPrice;
    for (const double price : {p.entryPrice, lp}) {
      const TickResult r = roundToTick({.rules = s.rules, .side = p.side, .price = price, .tickSize = tick, .sigFigs = sigFigs});
      REQUIRE_THAT(r.errors.empty() == isValidPositive(price), "roundToTick: an error exactly for a bad price");
      if (!r.errors.empty()) continue;
      tally(cVenueTick);
      const double bound = std::max(tick, 1.0) * (1 + 1e-9) + 1e-9 * price;
      REQUIRE_THAT(r.price > 0 && std::isfinite(r.price) && std::abs(r.price - price) <= bound, "roundToTick: within a step");
      REQUIRE_THAT(r.decimals >= 0 && r.decimals <= 12, "roundToTick: decimals in 0..12");
      if (r.rounding == TickRounding::Conservative && price > std::max(tick, 1.0))
        REQUIRE_THAT(p.side == Side::Long ? r.price >= price * (1 - 1e-12) : r.price <= price * (1 + 1e-12), "roundToTick: toward the entry");
    }
    const LotResult lots = wholeLots({.contract = p.contract, .quantity = p.quantity, .lotSize = tick, .contractSize = p.contractSize});
    REQUIRE_THAT(lots.errors.empty() == (isValidPositive(p.quantity) && isValidPositive(p.contractSize)), "wholeLots: an error exactly for a bad size");
    if (lots.errors.empty())
      REQUIRE_THAT(lots.lots >= 0 && lots.lots == std::floor(lots.lots) && lots.quantity <= p.quantity * (1 + 1e-9) + 1e-12 &&
                       p.quantity - lots.quantity <= tick * (1 + 1e-9) + 1e-9 * p.quantity,
                   "wholeLots: whole lots, not above the size, less than a lot below it");
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool once = (checkNames(), std::getenv("MLFUZZ_STATS") && std::atexit(printCounts), true);
  (void)once;
  tally(cInputs);
  const Decoded d = decode(data, size);
  const Scenario& s = d.scenario;
  const Params& prm = d.params;
  gScenario = &s;
  gParams = &prm;

  const std::vector<InputError> validation = validate(s);
  const bool valid = validation.empty();
  if (valid) tally(cValid);
  // evaluate() gives numbers only; its steps come from explain(), which must change no number.
  REQUIRE_THAT(noSteps(d.report), "evaluate: no steps without explain()");
  Report explained = d.report;
  if (explained.errors.empty()) explain(s, explained);
  REQUIRE_THAT(sameNumbers(d.report, explained), "evaluate: explain() changes no number");
  checkReport(s, explained, validation, "evaluate");
  // A position index the one-position tools accept; others must be reported as errors.
  const bool indexOk = prm.position < s.positions.size();

  const auto run = [&](Tool t) { return (prm.tools >> t) & 1u; };
  if (run(kLiquidation)) checkLiquidation(s, d.report, valid, prm);
  if (run(kSweep)) checkSweep(s, d.report, valid, prm);
  if (run(kAdjust)) checkAdjust(s, valid, prm);
  if (indexOk || !valid) {
    if (run(kTarget)) checkTarget(s, d.report, valid, prm);
    if (run(kMarginToTarget)) checkMarginToTarget(s, d.report, valid, prm);
    if (run(kFunding)) checkFunding(s, d.report, valid, prm);
    if (run(kOdds)) checkOdds(s, d.report, valid, prm);
    if (run(kUnwind)) {
      checkUnwind(s, d.report, valid, prm);
      checkAdl(s, valid, prm);
    }
  } else {
    REQUIRE_THAT(!targetPrice(s, prm.position, prm.targetKind, prm.target), "targetPrice: a bad index is an error");
    REQUIRE_THAT(!marginToTarget(s, prm.position, prm.liquidationTarget), "marginToTarget: a bad index is an error");
    REQUIRE_THAT(!fundingImpact(s, prm.position, prm.fundingRate, prm.fundingIntervals), "fundingImpact: a bad index");
    REQUIRE_THAT(!liquidationOdds(s, {.position = prm.position, .volatility = prm.sigma, .years = prm.years, .drift = prm.mu}),
                 "liquidationOdds: a bad index");
    REQUIRE_THAT(!unwind(s, UnwindRequest{.position = prm.position, .depthPerPercent = 1}), "unwind: a bad index");
  }
  if (run(kMaxOpen)) checkMaxOpen(s, d.report, valid, prm);
  if (run(kStop)) checkStop(s, valid, prm);
  if (run(kStress)) checkStress(s, d.report, valid, prm);
  if (run(kCascade)) checkCascade(s, valid, prm);
  if (run(kMonteCarlo)) checkMonteCarlo(s, valid, prm);
  if (run(kBatch)) checkBatch(s, valid, prm);
  if (run(kOrders)) checkOrders(prm);
  if (run(kOptions)) checkOptions(prm);
  if (run(kOptionsAccount)) checkOptionsAccount(prm);
  checkVenue(s, d.report, prm);
  if (run(kSurfaceFit)) checkSurfaceFit(prm);
  if (run(kAccount)) checkAccount(s, prm);
  if (run(kReconcile)) checkReconcile(s, valid, prm);
  gScenario = nullptr;
  gParams = nullptr;
  return 0;
}
