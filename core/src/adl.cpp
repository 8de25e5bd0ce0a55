// SPDX-License-Identifier: MIT
// MarginLab: the venues' ADL ranking (VENUES.md 1.1, 2.1, 4.1) and the position's place in an assumed
// crowd of other traders, as the five-light indicator.
#include "marginlab/adl.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "marginlab/check.h"
#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "explain.h"
#include "risk_steps.h"

namespace marginlab {

namespace {

using detail::n;

/// Binance ranks by PnL% x margin ratio; Bybit and BitMEX by PnL% and effective leverage.
enum class Formula { Binance, ProfitLeverage };

/// OKX: only with the assumption named (request.okxRanking), as Bybit's formula.
std::optional<Formula> formulaFor(Rules rules, AdlOkxRanking okx) noexcept {
  if (rules == Rules::Binance) return Formula::Binance;
  if (rules == Rules::Okx)
    return okx == AdlOkxRanking::PnlTimesLeverageAssumed ? std::optional<Formula>(Formula::ProfitLeverage) : std::nullopt;
  const bool profitLeverage = rules == Rules::Bybit || rules == Rules::BybitUta || rules == Rules::Bitmex;
  return profitLeverage ? std::optional<Formula>(Formula::ProfitLeverage) : std::nullopt;
}

const std::vector<double> kDefaultPnl{-0.5, -0.1, 0, 0.1, 0.5};
const std::vector<double> kDefaultLeverage{1, 2, 5, 10, 25};
const std::vector<double> kDefaultMarginRatio{0.01, 0.05, 0.1, 0.3, 0.8};

Param param(const char* name, double x) { return {name, x}; }

/// What a crowd list holds: any PnL%, a leverage (> 0) or a margin ratio (>= 0).
enum class Kind { Pnl, Leverage, MarginRatio };

/// One crowd list: empty (the default) or 2..kMaxAdlQuantiles values of its kind, ascending.
void checkQuantiles(const std::string& path, const std::vector<double>& q, Kind kind, Checker& c) {
  if (q.empty()) return;
  if (q.size() < 2 || q.size() > kMaxAdlQuantiles) {
    c.fail(path, "adlQuantileCount",
           {param("count", static_cast<double>(q.size())), param("limit", static_cast<double>(kMaxAdlQuantiles))});
    return;
  }
  for (std::size_t i = 0; i < q.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const bool ok = kind == Kind::Pnl        ? c.finite(at, q[i]) && c.between(at, q[i], -kMaxMagnitude, kMaxMagnitude)
                    : kind == Kind::Leverage ? c.positive(at, q[i])
                                             : c.nonNegative(at, q[i]);
    if (ok && i > 0 && isValidNumber(q[i - 1]) && q[i] < q[i - 1])
      c.fail(at, "adlQuantileOrder", {param("value", q[i]), param("previous", q[i - 1])});
  }
}

/// The position's own ranking inputs.
struct Own {
  double pnl = 0, leverage = 0, score = 0;
  // Binance: the inputs of PnL% and the margin ratio; Bybit/BitMEX: mark, entry, BP.
  double upnl = 0, wallet = 0, maintenance = 0, mark = 0, entry = 0, bp = 0;
};

double scoreOf(Formula f, double pnl, double leverage) noexcept {
  if (f == Formula::Binance) return std::max(0.0, pnl) * leverage;
  return pnl > 0 ? pnl * leverage : pnl / leverage;
}

/// Binance: the pool that backs the position (isolated: its margin; cross: the wallet and every position).
Own binanceOwn(const Scenario& s, const Outcome& o, std::size_t i, MarginMode mode) {
  Own w;
  const PositionOutcome& po = o.positions[i];
  if (mode == MarginMode::Isolated) {
    w.wallet = po.margin;
    w.upnl = po.unrealizedPnl;
    w.maintenance = po.maintenanceMargin;
  } else {
    w.wallet = s.walletBalance;
    for (const PositionOutcome& x : o.positions) w.upnl += x.unrealizedPnl;
    w.maintenance = o.account.maintenanceMargin;
  }
  w.pnl = std::max(0.0, w.upnl) / std::max(1.0, w.wallet);
  const double equity = w.wallet + w.upnl;
  w.leverage = equity > 0 ? w.maintenance / equity : 0;
  w.score = scoreOf(Formula::Binance, w.pnl, w.leverage);
  return w;
}

/// Bybit, BitMEX: values at the mark, entry and bankruptcy price (linear Q*CS*P, inverse Q*CS/P).
Own profitLeverageOwn(const Position& p, double bp) {
  Own w;
  w.mark = p.mark();
  w.entry = p.entryPrice;
  w.bp = bp;
  const double s = sign(p.side);
  if (p.contract == Contract::Linear) {
    w.pnl = s * (w.mark - w.entry) / w.entry;
    w.leverage = w.mark / std::abs(w.mark - bp);
  } else {
    w.pnl = s * (1 - w.entry / w.mark);
    w.leverage = bp / std::abs(bp - w.mark);
  }
  w.score = scoreOf(Formula::ProfitLeverage, w.pnl, w.leverage);
  return w;
}

/// The quantile function of `q` (evenly spaced probabilities, linear between them) at u in [0, 1].
double quantileAt(const std::vector<double>& q, double u) noexcept {
  const double x = u * static_cast<double>(q.size() - 1);
  const auto k = std::min(static_cast<std::size_t>(x), q.size() - 2);
  return q[k] + (x - static_cast<double>(k)) * (q[k + 1] - q[k]);
}

/// P(X < x) for X with quantile function `q`.
double below(const std::vector<double>& q, double x) noexcept {
  if (!(x > q.front())) return 0;
  if (x > q.back()) return 1;
  std::size_t k = 0;  // the last k with q[k] < x; q[k + 1] >= x
  while (k + 1 < q.size() && q[k + 1] < x) ++k;
  if (k + 1 == q.size()) return 1;
  return (static_cast<double>(k) + (x - q[k]) / (q[k + 1] - q[k])) / static_cast<double>(q.size() - 1);
}

/// P(crowd score < score): at each leverage midpoint the score grows with PnL%, so it is below `score`
/// exactly when PnL% is below the PnL% that gives `score` at that leverage.
double crowdBelow(Formula f, const std::vector<double>& pnl, const std::vector<double>& lev, double score) {
  double sum = 0;
  for (std::size_t j = 0; j < kAdlLeverageGrid; ++j) {
    const double l = quantileAt(lev, (static_cast<double>(j) + 0.5) / static_cast<double>(kAdlLeverageGrid));
    double p = 0;
    if (f == Formula::Binance) p = score <= 0 ? 0.0 : (l == 0 ? 1.0 : below(pnl, score / l));
    else p = below(pnl, score > 0 ? score / l : score * l);
    sum += p;
  }
  return sum / static_cast<double>(kAdlLeverageGrid);
}

int lightsOf(double quantile) noexcept { return std::min(5, static_cast<int>(std::floor(quantile * 5)) + 1); }

/// Every check; the formula, the outcome in request.mode and the BP when there is no error.
struct Checked {
  Formula formula;
  Report report;
};

std::optional<Checked> check(const Scenario& s, const AdlRequest& r, Checker& c) {
  Report report = evaluate(s);
  c.merge(report.errors);
  const std::optional<Formula> f = formulaFor(s.rules, r.okxRanking);
  if (!f) c.fail("scenario.rules", "adlNoRanking", {Param{"value", std::string(toString(s.rules))}});
  if (r.position >= s.positions.size())
    c.fail("request.position", "positionIndex",
           {param("value", static_cast<double>(r.position)), param("limit", static_cast<double>(s.positions.size()))});
  checkQuantiles("request.pnlQuantiles", r.pnlQuantiles, Kind::Pnl, c);
  checkQuantiles("request.leverageQuantiles", r.leverageQuantiles,
                 f == Formula::Binance ? Kind::MarginRatio : Kind::Leverage, c);
  if (!c.ok() || !report.isolated) return std::nullopt;
  const Outcome& o = r.mode == MarginMode::Isolated ? *report.isolated : *report.cross;
  const PositionOutcome& po = o.positions[r.position];
  if (*f == Formula::ProfitLeverage && (!po.bankruptcyPrice || po.pastBankruptcy)) {
    c.fail("request.position", "adlNoBankruptcy",
           {param("value", static_cast<double>(r.position)), Param{"mode", std::string(toString(r.mode))}});
    return std::nullopt;
  }
  return Checked{*f, std::move(report)};
}

Own ownOf(const Scenario& s, const AdlRequest& r, const Checked& k) {
  const Outcome& o = r.mode == MarginMode::Isolated ? *k.report.isolated : *k.report.cross;
  return k.formula == Formula::Binance ? binanceOwn(s, o, r.position, r.mode)
                                       : profitLeverageOwn(s.positions[r.position], *o.positions[r.position].bankruptcyPrice);
}

}  // namespace

Result<AdlRankResult> adlRank(const Scenario& scenario, const AdlRequest& request) {
  Checker c;
  const std::optional<Checked> k = check(scenario, request, c);
  if (!k) return {std::nullopt, std::move(c.errors)};
  const bool binance = k->formula == Formula::Binance;
  const Own w = ownOf(scenario, request, *k);
  AdlRankResult a{.pnlPercent = w.pnl, .leverage = w.leverage, .score = w.score};
  a.pnlQuantiles = request.pnlQuantiles.empty() ? kDefaultPnl : request.pnlQuantiles;
  a.leverageQuantiles = request.leverageQuantiles;
  if (a.leverageQuantiles.empty()) a.leverageQuantiles = binance ? kDefaultMarginRatio : kDefaultLeverage;
  a.quantile = crowdBelow(k->formula, a.pnlQuantiles, a.leverageQuantiles, a.score);
  a.lights = lightsOf(a.quantile);
  return {std::move(a), {}};
}

namespace {

std::string listText(const std::vector<double>& q) {
  std::string out = "[";
  for (std::size_t i = 0; i < q.size(); ++i) out += (i ? ", " : "") + n(q[i]);
  return out + "]";
}

/// Binance's PnL%, margin ratio and LeveragePnL.
void explainBinance(std::vector<Step>& steps, const Own& w) {
  detail::codedStep(steps, "adl.pnlBinance", {param("unrealizedPnl", w.upnl), param("walletBalance", w.wallet)},
                    "pnlPercent", "Binance's PnL%: the unrealized profit (a loss counts as 0) over the wallet (at least 1)",
                    "PnL% = max(0, uPnL) / max(1, WB)",
                    "max(0, " + n(w.upnl) + ") / max(1, " + n(w.wallet) + ")", w.pnl);
  detail::codedStep(steps, "adl.marginRatio", {param("maintenanceMargin", w.maintenance), param("walletBalance", w.wallet),
                                               param("unrealizedPnl", w.upnl)},
                    "leverage", "Margin ratio: maintenance margin over the margin balance (0 when that is not above 0)",
                    "MR = MM / (WB + uPnL)", n(w.maintenance) + " / (" + n(w.wallet) + " + " + detail::sn(w.upnl) + ")",
                    w.leverage);
  detail::codedStep(steps, "adl.scoreBinance", {param("pnlPercent", w.pnl), param("marginRatio", w.leverage)}, "score",
                    "LeveragePnL, Binance's ranking score (FAQ \"What Is Auto-Deleveraging\")", "PnL% × MR",
                    n(w.pnl) + " × " + n(w.leverage), w.score);
}

/// Bybit's and BitMEX's PnL%, effective leverage and score.
void explainProfitLeverage(std::vector<Step>& steps, const Position& p, const Own& w) {
  const bool linear = p.contract == Contract::Linear;
  const std::string s = detail::sn(sign(p.side));
  detail::codedStep(steps, linear ? "adl.pnlLinear" : "adl.pnlInverse",
                    {param("side", sign(p.side)), param("markPrice", w.mark), param("entryPrice", w.entry)}, "pnlPercent",
                    "PnL%: the position's value at the mark against its entry value",
                    linear ? "PnL% = s·(mark − entry) / entry" : "PnL% = s·(1 − entry / mark)",
                    linear ? s + "×(" + n(w.mark) + " − " + n(w.entry) + ") / " + n(w.entry)
                           : s + "×(1 − " + n(w.entry) + " / " + n(w.mark) + ")",
                    w.pnl);
  detail::codedStep(steps, linear ? "adl.effectiveLeverageLinear" : "adl.effectiveLeverageInverse",
                    {param("markPrice", w.mark), param("bankruptcyPrice", w.bp)}, "leverage",
                    "Effective leverage: the mark value over its distance to the bankruptcy value",
                    linear ? "EffLev = mark / |mark − BP|" : "EffLev = BP / |BP − mark|",
                    linear ? n(w.mark) + " / |" + n(w.mark) + " − " + n(w.bp) + "|"
                           : n(w.bp) + " / |" + n(w.bp) + " − " + n(w.mark) + "|",
                    w.leverage);
  const bool profit = w.pnl > 0;
  detail::codedStep(steps, profit ? "adl.scoreProfit" : "adl.scoreLoss",
                    {param("pnlPercent", w.pnl), param("leverage", w.leverage)}, "score",
                    profit ? "Ranking score in profit (Bybit, BitMEX): PnL% times the effective leverage"
                           : "Ranking score at a loss or flat (Bybit, BitMEX): PnL% over the effective leverage",
                    profit ? "score = PnL% × EffLev" : "score = PnL% / EffLev",
                    n(w.pnl) + (profit ? " × " : " / ") + n(w.leverage), w.score);
}

/// The assumed crowd, the share below, the lights.
void explainQueue(std::vector<Step>& steps, bool binance, const AdlRankResult& a) {
  detail::codedStep(steps, binance ? "adl.crowdBinance" : "adl.crowd",
                    {param("pnlCount", static_cast<double>(a.pnlQuantiles.size())),
                     param("leverageCount", static_cast<double>(a.leverageQuantiles.size()))},
                    "quantile",
                    std::string("The other traders (an assumption: the venue does not publish them): quantiles of PnL% and of ") +
                        (binance ? "the margin ratio" : "effective leverage") +
                        " at evenly spaced probabilities, linear between, independent of each other",
                    "PnL% quantiles; second factor's quantiles",
                    listText(a.pnlQuantiles) + "; " + listText(a.leverageQuantiles), std::nullopt);
  detail::codedStep(steps, "adl.quantile", {param("score", a.score), param("grid", static_cast<double>(kAdlLeverageGrid))},
                    "quantile",
                    "Share of the others ranked below the position: at each of 1000 leverage midpoints the share whose "
                    "PnL% gives a lower score (exact, the score grows with PnL%), averaged",
                    binance ? "q = (1/M)·Σ_j P(PnL% < score / MR_j)"
                            : "q = (1/M)·Σ_j P(PnL% < x_j), x_j = score / L_j (score > 0) or score·L_j",
                    "score = " + n(a.score), a.quantile);
  detail::codedStep(steps, "adl.lights", {param("quantile", a.quantile)}, "lights",
                    "The venues' five-light indicator: 20% quantile buckets; 5 lights, the top 20%, are deleveraged first",
                    "lights = min(5, floor(5·q) + 1)", "min(5, floor(5×" + n(a.quantile) + ") + 1)",
                    static_cast<double>(a.lights));
}

}  // namespace

std::vector<InputError> validate(const Scenario& scenario, const AdlRequest& request) {
  return adlRank(scenario, request).errors;  // the ranking itself is a few thousand operations
}

void explain(const Scenario& scenario, const AdlRequest& request, AdlRankResult& result) {
  Checker c;
  const std::optional<Checked> k = check(scenario, request, c);
  result.steps.clear();
  if (!k) return;
  const Own w = ownOf(scenario, request, *k);
  if (scenario.rules == Rules::Okx)
    detail::codedStep(result.steps, "adl.okxAssumed", {}, "score",
                      "OKX publishes no ADL ranking formula (its position data gives a five-level indicator only): "
                      "ranked here as Bybit ranks, PnL% times or over the effective leverage, an assumption "
                      "(request.okxRanking 'pnlTimesLeverageAssumed')",
                      "", "", std::nullopt);
  if (k->formula == Formula::Binance) explainBinance(result.steps, w);
  else explainProfitLeverage(result.steps, scenario.positions[request.position], w);
  explainQueue(result.steps, k->formula == Formula::Binance, result);
}

}  // namespace marginlab
