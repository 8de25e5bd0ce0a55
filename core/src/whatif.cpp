// SPDX-License-Identifier: MIT
// MarginLab: what-if tools for one position. Each tool's validate() checks the scenario and every
// request field through the Checker; its kernel builds the changed scenario and evaluates it, so
// the margins and liquidation prices are evaluate()'s own; its explain() rebuilds the steps of
// the arithmetic in between from the inputs and the result.
#include "marginlab/whatif.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "explain.h"
#include "marginlab/check.h"
#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "marginlab/orders.h"
#include "marginlab/profile.h"
#include "marginlab/tiers.h"
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

Param num(std::string_view name, double x) { return {std::string(name), x}; }
Param text(std::string_view name, std::string_view x) { return {std::string(name), std::string(x)}; }

/// An index into scenario.positions.
bool checkIndex(Checker& c, const std::string& path, std::size_t index, std::size_t count) {
  if (index < count) return true;
  c.fail(path, "positionIndex", {num("value", static_cast<double>(index)), num("limit", static_cast<double>(count))});
  return false;
}

/// Any finite amount of magnitude <= kMaxMagnitude.
bool checkAmount(Checker& c, const std::string& path, double x) {
  return c.between(path, x, -kMaxMagnitude, kMaxMagnitude);
}

/// Leverage: as validate() checks a position's, at least kMinMagnitude (so 1 / leverage is
/// finite), and at most 1000 (the tier's maximum is checked where the notional is known).
bool checkLeverage(Checker& c, const std::string& path, double x) {
  return c.positive(path, x) && c.atMost(path, x, 1000);
}

/// A symbol as validate() accepts a position's.
bool checkSymbol(Checker& c, const std::string& path, const std::string& s) {
  bool ok = !s.empty() && s.size() <= kMaxSymbolLength;
  for (char ch : s)
    if (ch < 0x21 || ch > 0x7e) ok = false;
  if (!ok) c.fail(path, s.empty() ? Rule("symbolEmpty") : Rule("symbolFormat"), {num("limit", kMaxSymbolLength)});
  return ok;
}

/// The tier table a new position of `symbol` would use (the scenario's, or the profile's
/// default for its contract), or nullptr.
const TierTable* tableFor(const Scenario& s, const std::string& symbol, Contract contract) {
  if (auto it = s.tiers.find(symbol); it != s.tiers.end()) return &it->second;
  if (const DefaultTierTable* d = findDefaultTierTable(s.rules, symbol, contract)) return &d->tiers;
  return nullptr;
}

/// A new position's contract and tier table: one contract type per account, a table for the symbol.
bool checkPlacement(Checker& c, const Scenario& s, bool symbolOk, const std::string& symbol, Contract contract) {
  bool ok = symbolOk;
  if (!s.positions.empty() && s.positions[0].contract != contract) {
    c.fail("request.contract", "mixedContract",
           {text("contract", toString(contract)), text("first", toString(s.positions[0].contract))});
    ok = false;
  }
  if (symbolOk && !tableFor(s, symbol, contract)) {
    failNoTable(c, "request.symbol", s.rules, symbol, contract);
    ok = false;
  }
  return ok;
}

/// An error of a changed scenario, moved to the request field that caused it (its code kept):
/// `rule`'s message with `first`, the scenario's path ("at") and message.
void remap(Checker& c, const InputError& e, const std::string& path, Rule rule, Param first) {
  c.fail(path, rule, {std::move(first), text("at", e.path), text("message", e.message)});
  c.errors.back().code = e.code;
}

/// The mark a new position of `symbol` takes: the symbol's mark if the scenario holds it.
std::optional<double> symbolMark(const Scenario& s, const std::string& symbol) {
  for (const Position& p : s.positions)
    if (p.symbol == symbol) return p.mark();
  return std::nullopt;
}

/// The taker fee rate: the scenario's, or the profile's default.
double takerFee(const Scenario& s) { return s.takerFeeRate.value_or(profileFor(s.rules).defaultTakerFeeRate); }

/// Initial margin per unit of notional under the profile (bitmex reserves entry and exit fees).
double initialMarginRate(const Scenario& s, double leverage) {
  return 1.0 / leverage + (profileFor(s.rules).feesInInitialMargin ? 2 * takerFee(s) : 0.0);
}

/// The rate of the opening taker fee paid from the wallet when a fill opens. Every venue charges
/// it; where the initial margin already reserves the entry and exit fees (bitmex, VENUES.md 4.1:
/// IM = value·(1/L + 2·fee)) the reservation pays it, and the wallet is not charged twice.
double openFeeRate(const Scenario& s) { return profileFor(s.rules).feesInInitialMargin ? 0.0 : takerFee(s); }

/// Notional of `contracts` at `price`: quote for linear, coin for inverse.
double notionalAt(Contract contract, double contracts, double contractSize, double price) {
  return contract == Contract::Linear ? contracts * contractSize * price : contracts * contractSize / price;
}

// ---------------------------------------------------------------------------------------------
// Add to or reduce a position: the numbers of the fill.

/// Realised PnL of closing `contracts` of position `p` at `price`.
double realised(const Position& p, double contracts, double price) {
  const double s = sign(p.side);
  return p.contract == Contract::Linear ? s * contracts * p.contractSize * (price - p.entryPrice)
                                        : s * contracts * p.contractSize * (1 / p.entryPrice - 1 / price);
}

/// Initial margin of `contracts` opened at `price` on position `p`'s terms, as the profile computes it.
double newPartMargin(const Scenario& s, const Position& p, double contracts, double price) {
  return notionalAt(p.contract, contracts, p.contractSize, price) * initialMarginRate(s, p.leverage);
}

/// The scenario after the fill and what changed; no report. Assumes valid request fields.
AdjustResult applyFill(const Scenario& scenario, const AdjustRequest& request) {
  AdjustResult r;
  r.scenario = scenario;
  Position& p = r.scenario.positions[request.position];
  const Position& before = scenario.positions[request.position];
  const double price = request.price, q = before.quantity, delta = request.quantityDelta;
  if (!p.markPrice) p.markPrice = before.mark();  // the market does not move with the fill
  // Taker fees on the fill's notional at the fill price: the closing part's comes out of its
  // realised PnL, the opening part's out of the wallet (openFeeRate). No venue puts fees in the
  // average entry (VENUES.md BN Open Price tab, BY-12/13, HL entry price): the entry stays the fills'.
  const auto feeOf = [&](double contracts, double rate) {
    return notionalAt(before.contract, contracts, before.contractSize, price) * rate;
  };
  if (delta > 0) {
    const Fill fills[] = {{q, before.entryPrice}, {delta, price}};
    p.quantity = q + delta;
    p.entryPrice = averageEntry(p.contract, fills);
    if (p.isolatedMargin) p.isolatedMargin = *before.isolatedMargin + newPartMargin(scenario, before, delta, price);
    r.fee = feeOf(delta, openFeeRate(scenario));
    r.scenario.walletBalance = scenario.walletBalance - r.fee;
  } else {
    const double reduce = -delta;
    const double remainder = q - reduce;
    const double closeFee = feeOf(std::min(reduce, q), takerFee(scenario));
    const double openFee = remainder < 0 ? feeOf(-remainder, openFeeRate(scenario)) : 0.0;
    r.realizedPnl = realised(before, std::min(reduce, q), price) - closeFee;
    r.fee = closeFee + openFee;
    r.scenario.walletBalance = scenario.walletBalance + r.realizedPnl - openFee;
    if (std::abs(remainder) <= 1e-12 * q) {
      r.closed = true;
      r.scenario.positions.erase(r.scenario.positions.begin() + static_cast<std::ptrdiff_t>(request.position));
    } else if (remainder > 0) {
      p.quantity = remainder;
      if (p.isolatedMargin) p.isolatedMargin = *before.isolatedMargin * remainder / q;
    } else {
      r.flipped = true;
      p.side = before.side == Side::Long ? Side::Short : Side::Long;
      p.quantity = -remainder;
      p.entryPrice = price;
      if (p.isolatedMargin) p.isolatedMargin = newPartMargin(scenario, before, p.quantity, price);
    }
  }
  const Position& after = r.closed ? before : r.scenario.positions[request.position];
  r.side = after.side;
  r.quantity = r.closed ? 0 : after.quantity;
  r.entryPrice = r.closed ? 0 : after.entryPrice;
  return r;
}

}  // namespace

std::vector<InputError> validate(const Scenario& scenario, const AdjustRequest& request) {
  Checker c;
  c.merge(validate(scenario));
  const bool indexOk =
      scenario.positions.empty() || checkIndex(c, "request.position", request.position, scenario.positions.size());
  c.positive("request.price", request.price);
  if (checkAmount(c, "request.quantityDelta", request.quantityDelta) && request.quantityDelta == 0)
    c.fail("request.quantityDelta", "notZero", {num("value", 0)});
  if (!c.ok() || !indexOk) return c.errors;

  const AdjustResult a = applyFill(scenario, request);
  if (a.scenario.walletBalance < 0) {
    c.fail("request.price", "fillLossAboveWallet",
           {num("value", request.price), num("loss", scenario.walletBalance - a.scenario.walletBalance),
            num("wallet", scenario.walletBalance)});
    return c.errors;
  }
  if (a.closed && scenario.positions.size() == 1) {
    c.fail("request.quantityDelta", "closesOnlyPosition",
           {num("value", request.quantityDelta), num("realizedPnl", a.realizedPnl)});
    return c.errors;
  }
  for (const InputError& e : validate(a.scenario))
    remap(c, e, "request.quantityDelta", "afterFill", num("value", request.quantityDelta));
  return c.errors;
}

Result<AdjustResult> adjustPosition(const Scenario& scenario, const AdjustRequest& request) {
  Result<AdjustResult> result;
  result.errors = validate(scenario, request);
  if (!result.errors.empty()) return result;
  AdjustResult r = applyFill(scenario, request);
  r.report = evaluate(r.scenario);
  explain(r.scenario, r.report);  // the answer carries the report's steps
  result.value = std::move(r);
  return result;
}

namespace {

void realisedStep(const Position& before, double contracts, double price, double value, std::vector<Step>& steps) {
  const bool linear = before.contract == Contract::Linear;
  const std::string head = sn(sign(before.side)) + "×" + n(contracts) + "×" + n(before.contractSize);
  const std::string label = std::string("Realised PnL of the reduced part (") + (linear ? "quote" : "coin") + ")";
  if (linear) {
    add(steps, "adjust.realizedPnl.linear", "realizedPnl", label, "rPnL = s·Q_reduced·CS·(P − EP)",
        head + "×(" + n(price) + " − " + n(before.entryPrice) + ")", value,
        {num("side", sign(before.side)), num("contracts", contracts), num("contractSize", before.contractSize),
         num("price", price), num("entryPrice", before.entryPrice)});
  } else {
    add(steps, "adjust.realizedPnl.inverse", "realizedPnl", label, "rPnL = s·Q_reduced·CS·(1/EP − 1/P)",
        head + "×(1/" + n(before.entryPrice) + " − 1/" + n(price) + ")", value,
        {num("side", sign(before.side)), num("contracts", contracts), num("contractSize", before.contractSize),
         num("price", price), num("entryPrice", before.entryPrice)});
  }
}

/// The taker fee of `contracts` of position `p` at the fill price: "fee = N·f".
void feeStep(std::vector<Step>& steps, std::string_view code, const std::string& label, const Position& p,
             double contracts, double price, double rate) {
  const double notional = notionalAt(p.contract, contracts, p.contractSize, price);
  const std::string nText = p.contract == Contract::Linear ? n(contracts) + "×" + n(p.contractSize) + "×" + n(price)
                                                           : n(contracts) + "×" + n(p.contractSize) + " / " + n(price);
  add(steps, code, "fee", label, "fee = N·f", "(" + nText + ")×" + n(rate), notional * rate,
      {num("contracts", contracts), num("contractSize", p.contractSize), num("price", price), num("feeRate", rate)});
}

void newPartMarginStep(const Scenario& s, const Position& p, double contracts, double price, double value,
                       std::vector<Step>& steps) {
  const double cs = p.contractSize;
  const std::string notional = p.contract == Contract::Linear ? n(contracts) + "×" + n(cs) + "×" + n(price)
                                                              : n(contracts) + "×" + n(cs) + " / " + n(price);
  const bool fees = profileFor(s.rules).feesInInitialMargin;
  add(steps, "adjust.newPartMargin", "isolatedMargin", "Initial margin of the part opened at the fill price",
      fees ? "IM_new = N_new·(1/L + 2·fee)" : "IM_new = N_new / L",
      "(" + notional + ")" + (fees ? "×(1/" + n(p.leverage) + " + 2×fee)" : " / " + n(p.leverage)), value,
      {num("contracts", contracts), num("contractSize", cs), num("price", price), num("leverage", p.leverage)});
}

void explainAdd(const Scenario& s, const AdjustRequest& request, const AdjustResult& r, std::vector<Step>& steps) {
  const Position& before = s.positions[request.position];
  const Position& p = r.scenario.positions[request.position];
  const double q = before.quantity, delta = request.quantityDelta, price = request.price;
  add(steps, "adjust.quantity.add", "quantity", "Size after adding on the same side", "Q = Q_before + ΔQ",
      n(q) + " + " + n(delta), r.quantity, {num("quantity", q), num("delta", delta)});
  if (p.contract == Contract::Linear) {
    add(steps, "adjust.entryPrice.linear", "entryPrice", "Average entry: size-weighted arithmetic mean",
        "EP = (Q1·EP1 + Q2·P) / (Q1 + Q2)",
        "(" + n(q) + "×" + n(before.entryPrice) + " + " + n(delta) + "×" + n(price) + ") / (" + n(q) + " + " +
            n(delta) + ")",
        r.entryPrice,
        {num("quantity", q), num("entryPrice", before.entryPrice), num("delta", delta), num("price", price)});
  } else {
    add(steps, "adjust.entryPrice.inverse", "entryPrice", "Average entry of an inverse contract: harmonic mean",
        "EP = (Q1 + Q2) / (Q1/EP1 + Q2/P)",
        "(" + n(q) + " + " + n(delta) + ") / (" + n(q) + "/" + n(before.entryPrice) + " + " + n(delta) + "/" +
            n(price) + ")",
        r.entryPrice,
        {num("quantity", q), num("entryPrice", before.entryPrice), num("delta", delta), num("price", price)});
  }
  if (before.isolatedMargin) {
    const double im = newPartMargin(s, before, delta, price);
    newPartMarginStep(s, before, delta, price, im, steps);
    add(steps, "adjust.isolatedMargin.add", "isolatedMargin",
        "Isolated margin after the fill: the given margin plus the new part's", "M = M_before + IM_new",
        n(*before.isolatedMargin) + " + " + n(im), p.isolatedMargin,
        {num("margin", *before.isolatedMargin), num("newPartMargin", im)});
  }
  const double rate = openFeeRate(s);
  if (rate > 0) {
    feeStep(steps, "adjust.fee.open", "Taker fee to open the added part, paid from the wallet", before, delta, price,
            rate);
    add(steps, "adjust.walletBalance.fee", "walletBalance", "Wallet after the fill: the fee comes out of it",
        "W = W_before − fee", n(s.walletBalance) + " − " + n(r.fee), r.scenario.walletBalance,
        {num("wallet", s.walletBalance), num("fee", r.fee)});
  }
}

void explainReduce(const Scenario& s, const AdjustRequest& request, const AdjustResult& r, std::vector<Step>& steps) {
  const Position& before = s.positions[request.position];
  const double q = before.quantity, reduce = -request.quantityDelta, price = request.price;
  const double closed = std::min(reduce, q), fee = takerFee(s);
  const double gross = realised(before, closed, price);
  realisedStep(before, closed, price, gross, steps);
  if (fee > 0) {
    const double closeFee = notionalAt(before.contract, closed, before.contractSize, price) * fee;
    feeStep(steps, "adjust.fee.close", "Taker fee to close the reduced part", before, closed, price, fee);
    add(steps, "adjust.realizedPnl.net", "realizedPnl", "Realised PnL net of the closing fee", "rPnL = rPnL_gross − fee",
        sn(gross) + " − " + n(closeFee), r.realizedPnl, {num("gross", gross), num("fee", closeFee)});
  }
  const double openFee = r.fee - (gross - r.realizedPnl);
  if (r.flipped && openFee > 0) {
    feeStep(steps, "adjust.fee.open", "Taker fee to open the new side, paid from the wallet", before, r.quantity, price,
            openFeeRate(s));
    add(steps, "adjust.walletBalance.flip", "walletBalance",
        "Wallet after the fill: the realised PnL settles into it, the opening fee comes out",
        "W = W_before + rPnL − fee_open", n(s.walletBalance) + " + " + sn(r.realizedPnl) + " − " + n(openFee),
        r.scenario.walletBalance, {num("wallet", s.walletBalance), num("realizedPnl", r.realizedPnl), num("fee", openFee)});
  } else {
    add(steps, "adjust.walletBalance", "walletBalance", "Wallet after the fill: the realised PnL settles into it",
        "W = W_before + rPnL", n(s.walletBalance) + " + " + sn(r.realizedPnl), r.scenario.walletBalance,
        {num("wallet", s.walletBalance), num("realizedPnl", r.realizedPnl)});
  }
  if (r.closed) {
    add(steps, "adjust.quantity.closed", "quantity",
        "The fill closes the position exactly: it is removed from the scenario", "Q = Q_before − |ΔQ|",
        n(q) + " − " + n(reduce), 0.0, {num("quantity", q), num("reduce", reduce)});
    return;
  }
  const Position& p = r.scenario.positions[request.position];
  if (!r.flipped) {
    add(steps, "adjust.quantity.reduce", "quantity", "Size after reducing; the entry price does not change",
        "Q = Q_before − |ΔQ|", n(q) + " − " + n(reduce), r.quantity, {num("quantity", q), num("reduce", reduce)});
    if (before.isolatedMargin) {
      add(steps, "adjust.isolatedMargin.scaled", "isolatedMargin", "Isolated margin scaled down with the size",
          "M = M_before·Q / Q_before", n(*before.isolatedMargin) + "×" + n(r.quantity) + " / " + n(q), p.isolatedMargin,
          {num("margin", *before.isolatedMargin), num("quantity", r.quantity), num("quantityBefore", q)});
    }
    return;
  }
  add(steps, "adjust.flip", "side",
      "The fill reduces through zero: the position is closed and " + n(r.quantity) + " contracts open " +
          std::string(toString(r.side)) + " at the fill price",
      "Q = |ΔQ| − Q_before", n(reduce) + " − " + n(q), r.quantity,
      {num("reduce", reduce), num("quantity", q), text("side", toString(r.side))});
  add(steps, "adjust.entryPrice.flip", "entryPrice", "Entry of the new side: the fill price", "EP = P", n(price), price,
      {num("price", price)});
  if (before.isolatedMargin) newPartMarginStep(s, before, r.quantity, price, *p.isolatedMargin, steps);
}

}  // namespace

void explain(const Scenario& scenario, const AdjustRequest& request, AdjustResult& result) {
  result.steps.clear();
  const Position& before = scenario.positions[request.position];
  if (!before.markPrice) {
    add(result.steps, "adjust.markPrice", "markPrice",
        "The mark stays where it was (it defaulted to the entry price before the fill)", "P_mark = EP_before",
        n(before.entryPrice), before.mark(), {num("entryPrice", before.entryPrice)});
  }
  if (request.quantityDelta > 0)
    explainAdd(scenario, request, result, result.steps);
  else
    explainReduce(scenario, request, result, result.steps);
  marginlab::explain(result.scenario, result.report);
}

// ---------------------------------------------------------------------------------------------
// Target price for a PnL or ROE.

std::vector<InputError> validate(const Scenario& scenario, const TargetRequest& request) {
  Checker c;
  c.merge(validate(scenario));
  if (!scenario.positions.empty()) checkIndex(c, "request.position", request.position, scenario.positions.size());
  checkAmount(c, "request.target", request.target);
  return c.errors;
}

namespace {

/// The PnL the request asks for: the target, or ROE x the initial margin.
double targetPnl(const Scenario& s, const TargetRequest& request, double* initialMargin = nullptr) {
  if (request.kind == TargetKind::Pnl) return request.target;
  const double im = detail::buildModel(s).legs[request.position].initialMargin;
  if (initialMargin) *initialMargin = im;
  return request.target * im;
}

}  // namespace

Result<TargetResult> targetPrice(const Scenario& scenario, const TargetRequest& request) {
  Result<TargetResult> result;
  result.errors = validate(scenario, request);
  if (!result.errors.empty()) return result;
  const Position& p = scenario.positions[request.position];
  const double s = sign(p.side);
  const double size = p.quantity * p.contractSize;  // linear: base q; inverse: quote value V
  const double pnl = targetPnl(scenario, request);
  TargetResult r;
  if (p.contract == Contract::Linear) {
    const double price = p.entryPrice + pnl / (s * size);
    if (isValidPositive(price)) r.price = price;
  } else {
    const double inv = 1 / p.entryPrice - pnl / (s * size);
    if (inv > 0 && isValidPositive(1 / inv)) r.price = 1 / inv;
  }
  result.value = std::move(r);
  return result;
}

Result<TargetResult> targetPrice(const Scenario& scenario, std::size_t position, TargetKind kind, double target) {
  return targetPrice(scenario, TargetRequest{.position = position, .kind = kind, .target = target});
}

void explain(const Scenario& scenario, const TargetRequest& request, TargetResult& result) {
  std::vector<Step>& steps = result.steps;
  steps.clear();
  const Position& p = scenario.positions[request.position];
  const double s = sign(p.side);
  const double size = p.quantity * p.contractSize;
  double im = 0;
  const double pnl = targetPnl(scenario, request, &im);
  if (request.kind == TargetKind::Roe) {
    add(steps, "targetPrice.pnlFromRoe", "pnl",
        "PnL target from the ROE target (a fraction: 0.5 is 50%) on the initial margin", "PnL = ROE·IM",
        n(request.target) + "×" + n(im), pnl, {num("roe", request.target), num("initialMargin", im)});
  }
  const std::string quotient = sn(pnl) + " / (" + sn(s) + "×" + n(size) + ")";
  if (p.contract == Contract::Linear) {
    const double price = p.entryPrice + pnl / (s * size);
    add(steps, result.price ? "targetPrice.linear" : "targetPrice.linear.none", "price",
        result.price ? "Mark at which the PnL reaches the target: s·q·(P − EP) = PnL"
                     : "No positive price gives this PnL: the formula gives " + n(price),
        "P = EP + PnL / (s·q)", n(p.entryPrice) + " + " + quotient, result.price,
        {num("entryPrice", p.entryPrice), num("pnl", pnl), num("side", s), num("size", size)});
    return;
  }
  const double inv = 1 / p.entryPrice - pnl / (s * size);
  const std::string sub = "1/" + n(p.entryPrice) + " − " + quotient;
  if (!(inv > 0)) {
    add(steps, "targetPrice.inverse.none", "price",
        "No price gives this PnL: it needs 1/P = " + n(inv) + " <= 0 (" +
            (s > 0 ? "a long inverse position earns less than V/EP = " + n(size / p.entryPrice) + " coin"
                   : "the loss of a short inverse position reaches V/EP only as the price grows without bound") +
            ")",
        "1/P = 1/EP − PnL / (s·V)", sub, std::nullopt,
        {num("inverse", inv), num("entryPrice", p.entryPrice), num("pnl", pnl), num("side", s), num("size", size)});
    return;
  }
  add(steps, result.price ? "targetPrice.inverse" : "targetPrice.inverse.outOfRange", "price",
      result.price ? "Mark at which the PnL reaches the target: s·V·(1/EP − 1/P) = PnL"
                   : "No accepted price gives this PnL: the formula gives " + n(1 / inv),
      "1/P = 1/EP − PnL / (s·V)", sub, result.price,
      {num("inverse", inv), num("entryPrice", p.entryPrice), num("pnl", pnl), num("side", s), num("size", size)});
}

// ---------------------------------------------------------------------------------------------
// Largest size that opens with the available balance.

std::vector<InputError> validate(const Scenario& scenario, const MaxOpenRequest& request) {
  Checker c;
  c.merge(validate(scenario));
  const bool symbolOk = checkSymbol(c, "request.symbol", request.symbol);
  c.positive("request.contractSize", request.contractSize);
  c.positive("request.price", request.price);
  const bool leverageOk = checkLeverage(c, "request.leverage", request.leverage);
  const bool positionOk = checkPlacement(c, scenario, symbolOk, request.symbol, request.contract);
  if (!c.ok() || !positionOk || !leverageOk) return c.errors;
  const auto tiers = resolveTiers(*tableFor(scenario, request.symbol, request.contract), profileFor(scenario.rules));
  if (request.leverage > tiers.front().maxLeverage * (1 + 1e-12)) {
    c.fail("request.leverage", "leverageAboveTable",
           {num("value", request.leverage), num("limit", tiers.front().maxLeverage), text("symbol", request.symbol)});
  }
  return c.errors;
}

namespace {

/// What bounds the order: the balance (after what closing the other side frees), the cost per
/// unit of notional, and the room the tier that allows its leverage leaves beside the position held.
struct MaxOpenTerms {
  double availableBalance = 0;  ///< the outcome's, may be negative
  double mark = 0;              ///< the symbol's mark; the order price if the scenario does not hold it
  const Position* held = nullptr;     ///< the symbol's position on the order's side
  const Position* closing = nullptr;  ///< else its position on the other side, which the order closes first
  double heldNotional = 0;            ///< entry notional of `held`
  double closingPnl = 0, closingFee = 0;       ///< realised at the order price, and the fee to close
  double closingMargin = 0, closingUpnl = 0;   ///< what closing releases: its margin, its PnL at the mark
  double freed = 0;      ///< closingMargin − closingUpnl + closingPnl − closingFee
  double funds = 0;      ///< availableBalance + freed
  double available = 0;  ///< funds floored at 0
  std::size_t last = 0;  ///< the last row that allows the leverage
  double cap = 0, room = 0;  ///< the row's cap; room = max(0, cap − heldNotional)
  double rate = 0, openLossRate = 0, feeRate = 0, costRate = 0, byBalance = 0;
  bool fees = false;  ///< fees reserved in the initial margin (bitmex)
};

/// The symbol's position on `side`, or nullptr.
const Position* symbolPosition(const Scenario& s, const std::string& symbol, Side side, std::size_t* index) {
  for (std::size_t i = 0; i < s.positions.size(); ++i) {
    if (s.positions[i].symbol == symbol && s.positions[i].side == side) {
      *index = i;
      return &s.positions[i];
    }
  }
  return nullptr;
}

/// Open loss per unit of notional at the order price: the fill's loss to the mark, never a gain.
/// Binance's cost to open (VENUES.md BN-6: OpenLoss = Q·|min(0, dir·(MP − orderPrice))|, 1 BTC
/// short at 9,253.30 with MP 9,259.84 costs 6.54 more). Every other profile counts it too: the
/// cross available balance is equity − IM, and the fill's PnL to the mark moves the equity by it.
double openLossRate(Contract contract, Side side, double price, double mark) {
  const double s = sign(side);
  return contract == Contract::Linear ? std::max(0.0, s * (price - mark)) / price
                                      : std::max(0.0, s * (price / mark - 1));
}

/// What closing the other side at the order price releases into the outcome's balance.
void closingTerms(const Scenario& s, const MaxOpenRequest& request, const Outcome& o, std::size_t k,
                  MaxOpenTerms& t) {
  const Position& c = *t.closing;
  t.closingPnl = realised(c, c.quantity, request.price);
  t.closingFee = notionalAt(c.contract, c.quantity, c.contractSize, request.price) * takerFee(s);
  if (request.mode == MarginMode::Cross) {
    t.closingMargin = o.positions[k].initialMargin;
    t.closingUpnl = o.positions[k].unrealizedPnl;
  } else {
    t.closingMargin = o.positions[k].margin;
  }
  t.freed = t.closingMargin - t.closingUpnl + t.closingPnl - t.closingFee;
}

MaxOpenTerms maxOpenTerms(const Scenario& s, const MaxOpenRequest& request, const std::vector<ResolvedTier>& tiers) {
  MaxOpenTerms t;
  const Report report = evaluate(s);
  const Outcome& o = request.mode == MarginMode::Cross ? *report.cross : *report.isolated;
  t.availableBalance = o.account.availableBalance;
  t.mark = symbolMark(s, request.symbol).value_or(request.price);
  std::size_t k = 0;
  t.held = symbolPosition(s, request.symbol, request.side, &k);
  if (t.held) {
    t.heldNotional = notionalAt(t.held->contract, t.held->quantity, t.held->contractSize, t.held->entryPrice);
  } else if ((t.closing = symbolPosition(s, request.symbol, request.side == Side::Long ? Side::Short : Side::Long, &k))) {
    closingTerms(s, request, o, k, t);
  }
  t.funds = t.availableBalance + t.freed;
  t.available = std::max(0.0, t.funds);
  // Rows allow leverage L while their maxLeverage >= L; maxLeverage does not increase. The tier
  // is the symbol's whole position's: the room is what the cap leaves beside the position held.
  while (t.last + 1 < tiers.size() && request.leverage <= tiers[t.last + 1].maxLeverage * (1 + 1e-12)) ++t.last;
  t.cap = tiers[t.last].cap;
  t.room = std::max(0.0, t.cap - t.heldNotional);
  t.rate = initialMarginRate(s, request.leverage);
  t.openLossRate = openLossRate(request.contract, request.side, request.price, t.mark);
  t.feeRate = openFeeRate(s);
  t.costRate = t.rate + t.openLossRate + t.feeRate;
  t.byBalance = t.available / t.costRate;
  t.fees = profileFor(s.rules).feesInInitialMargin;
  return t;
}

/// The entry notional validate() computes for the symbol's position after opening `q` contracts
/// more at the order price: the combined position's on the same side, the new side's otherwise.
double entryNotionalAfter(const MaxOpenRequest& request, const MaxOpenTerms& t, double q) {
  if (!t.held) return notionalAt(request.contract, q, request.contractSize, request.price);
  const Fill fills[] = {{t.held->quantity, t.held->entryPrice}, {q, request.price}};
  return notionalAt(request.contract, t.held->quantity + q, t.held->contractSize, averageEntry(request.contract, fills));
}

}  // namespace

Result<MaxOpenResult> maxOpenSize(const Scenario& scenario, const MaxOpenRequest& request) {
  Result<MaxOpenResult> result;
  result.errors = validate(scenario, request);
  if (!result.errors.empty()) return result;
  const auto tiers = resolveTiers(*tableFor(scenario, request.symbol, request.contract), profileFor(scenario.rules));
  const MaxOpenTerms t = maxOpenTerms(scenario, request, tiers);
  MaxOpenResult r;
  r.notional = std::min(t.byBalance, t.room);
  r.tier = static_cast<int>(tierIndexAt(tiers, t.heldNotional + r.notional)) + 1;
  r.initialMargin = r.notional * t.rate;
  r.openLoss = r.notional * t.openLossRate;
  r.fee = r.notional * t.feeRate;
  r.cost = r.initialMargin + r.openLoss + r.fee;
  r.heldQuantity = t.held ? t.held->quantity : 0.0;
  r.closingQuantity = t.closing ? t.closing->quantity : 0.0;
  const bool linear = request.contract == Contract::Linear;
  double q = linear ? r.notional / (request.price * request.contractSize) : r.notional * request.price / request.contractSize;
  // validate() recomputes the entry notional from the quantities (and the average entry); rounded,
  // it could pass the cap by an ulp, and the position would not open: step the quantity down by
  // ulps (a few at most) until it does not.
  for (int i = 0; i < 64 && q > 0 && entryNotionalAfter(request, t, q) > t.cap; ++i) q = std::nextafter(q, 0.0);
  r.quantity = r.closingQuantity + q;
  result.value = std::move(r);
  return result;
}

namespace {

/// The position held: on the same side, its notional and the room the tier leaves; on the other
/// side, what closing it frees.
void heldSteps(const MaxOpenRequest& request, const MaxOpenTerms& t, std::vector<Step>& steps) {
  if (t.held) {
    add(steps, "maxOpen.held", "notional",
        "Already held on this side: " + n(t.held->quantity) + " contracts at entry " + n(t.held->entryPrice) +
            "; the tier applies to the symbol's whole position" +
            (t.held->leverage != request.leverage ? " (held at " + n(t.held->leverage) + "x: set it to the order's " +
                                                        n(request.leverage) + "x to add at that leverage)"
                                                  : ""),
        "N_held = entry notional", n(t.heldNotional), t.heldNotional,
        {num("quantity", t.held->quantity), num("entryPrice", t.held->entryPrice), num("leverage", t.held->leverage)});
    return;
  }
  if (!t.closing) return;
  const bool cross = request.mode == MarginMode::Cross;
  add(steps, "maxOpen.closing", "initialMargin",
      "The order first closes the " + std::string(toString(t.closing->side)) + " " + n(t.closing->quantity) +
          " held: it releases its " + (cross ? "initial margin and its PnL at the mark" : "isolated margin") +
          " and realises its PnL at the order price, net of the fee to close",
      cross ? "F = IM_held − uPnL_held + rPnL − fee_close" : "F = M_held + rPnL − fee_close",
      n(t.closingMargin) + (cross ? " − " + sn(t.closingUpnl) : "") + " + " + sn(t.closingPnl) + " − " +
          n(t.closingFee),
      t.freed,
      {num("quantity", t.closing->quantity), num("margin", t.closingMargin), num("unrealizedPnl", t.closingUpnl),
       num("realizedPnl", t.closingPnl), num("fee", t.closingFee)});
}

/// The balance and what one unit of notional costs: N_A = A / (IM rate + open loss rate + fee rate).
void byBalanceSteps(const MaxOpenRequest& request, const MaxOpenTerms& t, std::vector<Step>& steps) {
  if (t.openLossRate > 0) {
    add(steps, "maxOpen.openLossRate", "openLoss",
        "Open loss per unit of notional: the order price is worse than the mark " + n(t.mark),
        request.contract == Contract::Linear ? "o = max(0, s·(P − P_mark)) / P" : "o = max(0, s·(P / P_mark − 1))",
        n(request.price) + ", " + n(t.mark), t.openLossRate,
        {num("price", request.price), num("mark", t.mark), text("side", toString(request.side))});
  }
  if (t.openLossRate == 0 && t.feeRate == 0) {
    if (t.fees) {
      add(steps, "maxOpen.byBalance.fees", "notional",
          "Notional the balance pays for, with entry and exit taker fees reserved", "N_A = A / (1/L + 2·fee)",
          n(t.available) + " / " + n(t.rate), t.byBalance, {num("available", t.available), num("rate", t.rate)});
    } else {
      add(steps, "maxOpen.byBalance", "notional", "Notional the balance pays for", "N_A = A·L",
          n(t.available) + "×" + n(request.leverage), t.byBalance,
          {num("available", t.available), num("leverage", request.leverage)});
    }
    return;
  }
  add(steps, "maxOpen.byBalance.cost", "notional",
      "Notional the balance pays for: initial margin, open loss and the taker fee to open",
      std::string("N_A = A / (") + (t.fees ? "1/L + 2·fee" : "1/L") + " + o + fee)",
      n(t.available) + " / (" + n(t.rate) + " + " + n(t.openLossRate) + " + " + n(t.feeRate) + ")", t.byBalance,
      {num("available", t.available), num("rate", t.rate), num("openLossRate", t.openLossRate),
       num("feeRate", t.feeRate)});
}

/// What the opened part costs: open loss, fee, and their sum with the initial margin.
void costSteps(const MaxOpenTerms& t, const MaxOpenResult& r, std::vector<Step>& steps) {
  if (t.openLossRate > 0) {
    add(steps, "maxOpen.openLoss", "openLoss", "Open loss of the order", "OL = N·o",
        n(r.notional) + "×" + n(t.openLossRate), r.openLoss, {num("notional", r.notional), num("rate", t.openLossRate)});
  }
  if (t.feeRate > 0) {
    add(steps, "maxOpen.fee", "fee", "Taker fee to open", "fee = N·f", n(r.notional) + "×" + n(t.feeRate), r.fee,
        {num("notional", r.notional), num("feeRate", t.feeRate)});
  }
  if (t.openLossRate > 0 || t.feeRate > 0) {
    add(steps, "maxOpen.cost", "cost", "Cost to open: initial margin, open loss and fee", "C = IM + OL + fee",
        n(r.initialMargin) + " + " + n(r.openLoss) + " + " + n(r.fee), r.cost,
        {num("initialMargin", r.initialMargin), num("openLoss", r.openLoss), num("fee", r.fee)});
  }
}

}  // namespace

void explain(const Scenario& scenario, const MaxOpenRequest& request, MaxOpenResult& r) {
  std::vector<Step>& steps = r.steps;
  steps.clear();
  const auto tiers = resolveTiers(*tableFor(scenario, request.symbol, request.contract), profileFor(scenario.rules));
  const MaxOpenTerms t = maxOpenTerms(scenario, request, tiers);
  const std::string mode = request.mode == MarginMode::Cross ? "cross" : "isolated";
  if (t.closing) {
    add(steps, "maxOpen.available.before", "initialMargin", "Available balance (" + mode + " outcome)",
        "A0 = available", n(t.availableBalance), t.availableBalance,
        {num("availableBalance", t.availableBalance), text("mode", toString(request.mode))});
  } else {
    add(steps, "maxOpen.available", "initialMargin", "Available balance (" + mode + " outcome), floored at 0",
        "A = max(0, available)", n(t.availableBalance), t.available,
        {num("availableBalance", t.availableBalance), text("mode", toString(request.mode))});
  }
  heldSteps(request, t, steps);
  if (t.closing) {
    add(steps, "maxOpen.funds", "initialMargin", "Balance for the opened part, floored at 0", "A = max(0, A0 + F)",
        n(t.availableBalance) + " + " + sn(t.freed), t.available, {num("availableBalance", t.availableBalance),
                                                                    num("freed", t.freed)});
  }
  add(steps, "maxOpen.tierCap", "notional",
      "Largest notional that allows leverage " + n(request.leverage) + ": the cap of tier " +
          std::to_string(t.last + 1) + " (max leverage " + n(tiers[t.last].maxLeverage) + ")",
      "N_cap = cap_j, j = last row with maxLeverage >= L", n(t.cap), t.cap,
      {num("leverage", request.leverage), num("tier", static_cast<double>(t.last + 1)),
       num("maxLeverage", tiers[t.last].maxLeverage), num("cap", t.cap)});
  if (t.held) {
    add(steps, "maxOpen.room", "notional", "Room the cap leaves beside the position held", "N_room = max(0, N_cap − N_held)",
        "max(0, " + n(t.cap) + " − " + n(t.heldNotional) + ")", t.room, {num("cap", t.cap), num("held", t.heldNotional)});
  }
  byBalanceSteps(request, t, steps);
  const bool byBalance = t.byBalance <= t.room;
  add(steps, byBalance ? "maxOpen.notional.balance" : "maxOpen.notional.cap", "notional",
      byBalance ? "The balance bounds the size (tier " + std::to_string(r.tier) + ")"
                : "The tier cap bounds the size (tier " + std::to_string(r.tier) + ")",
      t.held ? "N = min(N_A, N_room)" : "N = min(N_A, N_cap)", "min(" + n(t.byBalance) + ", " + n(t.room) + ")",
      r.notional, {num("byBalance", t.byBalance), num("cap", t.room), num("tier", r.tier)});
  add(steps, t.fees ? "maxOpen.initialMargin.fees" : "maxOpen.initialMargin", "initialMargin",
      "Initial margin of the order", t.fees ? "IM = N·(1/L + 2·fee)" : "IM = N / L",
      t.fees ? n(r.notional) + "×" + n(t.rate) : n(r.notional) + " / " + n(request.leverage), r.initialMargin,
      {num("notional", r.notional), num("rate", t.rate), num("leverage", request.leverage)});
  costSteps(t, r, steps);
  const double opened = r.quantity - r.closingQuantity;
  if (request.contract == Contract::Linear) {
    add(steps, "maxOpen.quantity.linear", "quantity", "Contracts: the notional over the price and the contract size",
        "Q = N / (P·CS)", n(r.notional) + " / (" + n(request.price) + "×" + n(request.contractSize) + ")", opened,
        {num("notional", r.notional), num("price", request.price), num("contractSize", request.contractSize)});
  } else {
    add(steps, "maxOpen.quantity.inverse", "quantity",
        "Contracts: the coin notional times the price, over the contract's quote value", "Q = N·P / CS",
        n(r.notional) + "×" + n(request.price) + " / " + n(request.contractSize), opened,
        {num("notional", r.notional), num("price", request.price), num("contractSize", request.contractSize)});
  }
  if (t.closing) {
    add(steps, "maxOpen.quantity.total", "quantity", "Size of the order: the part that closes, then the part that opens",
        "Q = Q_close + Q_open", n(r.closingQuantity) + " + " + n(opened), r.quantity,
        {num("closing", r.closingQuantity), num("opened", opened)});
  }
}

// ---------------------------------------------------------------------------------------------
// Size from a stop-loss and a risk fraction.

namespace {

/// The size the risk implies, and the scenario with it (when it is a size at all).
struct StopPlan {
  double equity = 0;  ///< cross account equity before
  double riskAmount = 0;
  double quantity = 0;
  double feeRate = 0, priceLoss = 0, feePerContract = 0;  ///< per contract: the loss to the stop, the fees
  std::optional<Scenario> next;  ///< with the new position appended at the symbol's mark
};

StopPlan stopPlan(const Scenario& s, const StopSizeRequest& request) {
  StopPlan plan;
  plan.equity = evaluate(s).cross->account.equity;
  plan.riskAmount = request.riskFraction * plan.equity;
  plan.feeRate = takerFee(s);
  const double ep = request.entryPrice, sp = request.stopPrice, cs = request.contractSize;
  const bool linear = request.contract == Contract::Linear;
  // Per contract: the price loss to the stop and the taker fees on the way in (at the entry) and
  // out (at the stop); every venue charges both (bitmex reserves them in the IM and charges them).
  plan.priceLoss = linear ? std::abs(ep - sp) * cs : cs * std::abs(1 / ep - 1 / sp);
  plan.feePerContract = plan.feeRate * (linear ? cs * (ep + sp) : cs * (1 / ep + 1 / sp));
  plan.quantity = plan.riskAmount / (plan.priceLoss + plan.feePerContract);
  if (!(plan.quantity >= kMinMagnitude)) return plan;
  Position added{.symbol = request.symbol,
                 .contract = request.contract,
                 .contractSize = request.contractSize,
                 .side = request.side,
                 .quantity = plan.quantity,
                 .entryPrice = request.entryPrice,
                 .leverage = request.leverage};
  added.markPrice = symbolMark(s, request.symbol);  // one symbol, one mark
  plan.next = s;
  plan.next->positions.push_back(std::move(added));
  return plan;
}

}  // namespace

std::vector<InputError> validate(const Scenario& scenario, const StopSizeRequest& request) {
  Checker c;
  c.merge(validate(scenario));
  const bool symbolOk = checkSymbol(c, "request.symbol", request.symbol);
  c.positive("request.contractSize", request.contractSize);
  const bool entryOk = c.positive("request.entryPrice", request.entryPrice);
  const bool stopOk = c.positive("request.stopPrice", request.stopPrice);
  checkLeverage(c, "request.leverage", request.leverage);
  if (c.finite("request.riskFraction", request.riskFraction) &&
      !(request.riskFraction > 0 && request.riskFraction <= 1))
    c.fail("request.riskFraction", "riskFraction", {num("value", request.riskFraction)});
  const double s = sign(request.side);
  if (entryOk && stopOk && !(s * (request.entryPrice - request.stopPrice) > 0)) {
    c.fail("request.stopPrice", "stopSide",
           {num("value", request.stopPrice), text("direction", s > 0 ? "below" : "above"),
            num("entryPrice", request.entryPrice), text("side", toString(request.side))});
  }
  const bool positionOk = checkPlacement(c, scenario, symbolOk, request.symbol, request.contract);
  if (!c.ok() || !positionOk) return c.errors;
  const StopPlan plan = stopPlan(scenario, request);
  if (!plan.next) return c.errors;
  const std::string leverage = "positions[" + std::to_string(plan.next->positions.size() - 1) + "].leverage";
  for (const InputError& e : validate(*plan.next))
    remap(c, e, e.path == leverage ? "request.leverage" : "request.riskFraction", "impliedSize",
          num("quantity", plan.quantity));
  return c.errors;
}

Result<StopSizeResult> sizeFromStop(const Scenario& scenario, const StopSizeRequest& request) {
  Result<StopSizeResult> result;
  result.errors = validate(scenario, request);
  if (!result.errors.empty()) return result;
  const StopPlan plan = stopPlan(scenario, request);
  StopSizeResult r;
  r.riskAmount = plan.riskAmount;
  r.quantity = plan.quantity;
  r.fees = plan.quantity * plan.feePerContract;
  if (plan.next) {
    const Report report = evaluate(*plan.next);
    const Outcome& o = request.mode == MarginMode::Cross ? *report.cross : *report.isolated;
    r.liquidationPrice = o.positions.back().liquidationPrice;
    if (r.liquidationPrice) {
      r.stopBeyondLiquidation = request.side == Side::Long ? request.stopPrice < *r.liquidationPrice
                                                           : request.stopPrice > *r.liquidationPrice;
    }
  }
  result.value = std::move(r);
  return result;
}

namespace {

/// With a taker fee: the loss per contract at the stop, the fees in and out, and the size.
void stopFeeSteps(const StopSizeRequest& request, const StopPlan& plan, const StopSizeResult& r,
                  std::vector<Step>& steps) {
  const bool linear = request.contract == Contract::Linear;
  const std::string entry = n(request.entryPrice), stop = n(request.stopPrice), cs = n(request.contractSize);
  add(steps, linear ? "sizeFromStop.priceLoss.linear" : "sizeFromStop.priceLoss.inverse", "quantity",
      "Loss per contract from the entry to the stop", linear ? "l = |EP − P_stop|·CS" : "l = CS·|1/EP − 1/P_stop|",
      linear ? "|" + entry + " − " + stop + "|×" + cs : cs + "×|1/" + entry + " − 1/" + stop + "|", plan.priceLoss,
      {num("entryPrice", request.entryPrice), num("stopPrice", request.stopPrice),
       num("contractSize", request.contractSize)});
  add(steps, linear ? "sizeFromStop.fees.linear" : "sizeFromStop.fees.inverse", "fees",
      "Taker fees per contract: in at the entry, out at the stop",
      linear ? "φ = f·CS·(EP + P_stop)" : "φ = f·CS·(1/EP + 1/P_stop)",
      linear ? n(plan.feeRate) + "×" + cs + "×(" + entry + " + " + stop + ")"
             : n(plan.feeRate) + "×" + cs + "×(1/" + entry + " + 1/" + stop + ")",
      plan.feePerContract,
      {num("feeRate", plan.feeRate), num("contractSize", request.contractSize), num("entryPrice", request.entryPrice),
       num("stopPrice", request.stopPrice)});
  add(steps, "sizeFromStop.quantity.fees", "quantity",
      "Contracts whose loss at the stop, fees in and out included, equals the amount at risk", "Q = R / (l + φ)",
      n(r.riskAmount) + " / (" + n(plan.priceLoss) + " + " + n(plan.feePerContract) + ")", r.quantity,
      {num("riskAmount", r.riskAmount), num("priceLoss", plan.priceLoss), num("feePerContract", plan.feePerContract)});
  add(steps, "sizeFromStop.feesTotal", "fees", "Fees in the loss at the stop", "Q·φ",
      n(r.quantity) + "×" + n(plan.feePerContract), r.fees,
      {num("quantity", r.quantity), num("feePerContract", plan.feePerContract)});
}

}  // namespace

void explain(const Scenario& scenario, const StopSizeRequest& request, StopSizeResult& r) {
  std::vector<Step>& steps = r.steps;
  steps.clear();
  const StopPlan plan = stopPlan(scenario, request);
  const std::string entry = n(request.entryPrice), stop = n(request.stopPrice), cs = n(request.contractSize);
  add(steps, "sizeFromStop.riskAmount", "riskAmount", "Amount at risk: the share of the account equity (cross outcome)",
      "R = f·equity", n(request.riskFraction) + "×" + n(plan.equity), r.riskAmount,
      {num("riskFraction", request.riskFraction), num("equity", plan.equity)});
  if (plan.feeRate > 0) {
    stopFeeSteps(request, plan, r, steps);
  } else if (request.contract == Contract::Linear) {
    add(steps, "sizeFromStop.quantity.linear", "quantity", "Contracts whose loss at the stop equals the amount at risk",
        "Q = R / (|EP − P_stop|·CS)", n(r.riskAmount) + " / (|" + entry + " − " + stop + "|×" + cs + ")", r.quantity,
        {num("riskAmount", r.riskAmount), num("entryPrice", request.entryPrice), num("stopPrice", request.stopPrice),
         num("contractSize", request.contractSize)});
  } else {
    add(steps, "sizeFromStop.quantity.inverse", "quantity",
        "Contracts whose loss at the stop (in coin) equals the amount at risk", "Q = R / (CS·|1/EP − 1/P_stop|)",
        n(r.riskAmount) + " / (" + cs + "×|1/" + entry + " − 1/" + stop + "|)", r.quantity,
        {num("riskAmount", r.riskAmount), num("entryPrice", request.entryPrice), num("stopPrice", request.stopPrice),
         num("contractSize", request.contractSize)});
  }
  if (!plan.next) {
    add(steps, "sizeFromStop.tooSmall", "liquidationPrice",
        "No position to place: the amount at risk buys less than the smallest size", "", "", std::nullopt,
        {num("quantity", r.quantity)});
    return;
  }
  const std::optional<double> mark = plan.next->positions.back().markPrice;
  if (mark && *mark != request.entryPrice) {
    add(steps, "sizeFromStop.mark", "liquidationPrice",
        "The new position takes the mark " + request.symbol + " already has in the scenario (one symbol, one mark)",
        "P_mark = mark of " + request.symbol, n(*mark), *mark, {text("symbol", request.symbol), num("mark", *mark)});
  }
  const std::string mode(toString(request.mode));
  if (!r.liquidationPrice) {
    add(steps, "sizeFromStop.noLiquidation", "liquidationPrice",
        "No price liquidates the new position (" + mode + "), so the stop always comes first", "", "", std::nullopt,
        {text("mode", mode)});
    return;
  }
  const double lp = *r.liquidationPrice;
  const bool lng = request.side == Side::Long;
  add(steps, "sizeFromStop.liquidationPrice", "liquidationPrice", "Liquidation price of the new position, " + mode,
      "LP (evaluate)", n(lp), lp, {text("mode", mode), num("liquidationPrice", lp)});
  add(steps, r.stopBeyondLiquidation ? "sizeFromStop.stopBeyondLiquidation" : "sizeFromStop.stopFirst",
      "stopBeyondLiquidation",
      r.stopBeyondLiquidation
          ? "Warning: the stop lies beyond the liquidation price, so the position is liquidated before the stop "
            "triggers"
          : "The stop triggers before the liquidation price",
      lng ? "P_stop < LP" : "P_stop > LP", stop + (lng ? " < " : " > ") + n(lp), r.stopBeyondLiquidation ? 1.0 : 0.0,
      {num("stopPrice", request.stopPrice), num("liquidationPrice", lp)});
}

// ---------------------------------------------------------------------------------------------
// Margin or wallet to add so the liquidation price moves to a target.

namespace {

/// The most equity a group of legs needs on the way from the mark to `target`:
/// F(P) = Σ (MM(P) − PnL(P)) on every tier piece between them, evaluated at each piece's ends.
/// Equity F(target) puts the liquidation price at `target` when F is largest there.
struct Requirement {
  double atTarget = 0;              ///< F(target), MM with the tier at the notional at the target
  double most = 0;                  ///< max of F on the path
  double mostAt = 0;                ///< the price where it is largest
  std::vector<std::size_t> tiers;   ///< per leg, the row at the target
  double maintenance = 0, pnl = 0;  ///< at the target
};

/// The ends of the tier pieces between the target and the mark, in u, from the target on.
std::vector<double> pieceEnds(const Model& m, const std::vector<const Leg*>& group, double uTarget, double uMark) {
  std::vector<double> points{uTarget};
  if (m.profile->basis == MaintenanceBasis::AtPrice) {
    for (const Leg* leg : group) {
      const auto& tiers = m.tiersOf(*leg);
      for (std::size_t j = 0; j + 1 < tiers.size(); ++j) {
        const double b = tiers[j].cap / leg->k;
        if (b > std::min(uMark, uTarget) && b < std::max(uMark, uTarget)) points.push_back(b);
      }
    }
  }
  points.push_back(uMark);
  const bool up = uMark > uTarget;  // walk from the target toward the mark
  std::sort(points.begin(), points.end(), [&](double a, double b) { return up ? a < b : a > b; });
  points.erase(std::unique(points.begin(), points.end()), points.end());
  return points;
}

Requirement requirement(const Model& m, const std::vector<const Leg*>& group, double target) {
  const Leg& first = *group.front();
  const std::vector<double> points = pieceEnds(m, group, first.u(target), first.u(first.mark));
  Requirement req;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const double mid = (points[i] + points[i + 1]) / 2;
    double mm0 = 0, mm1 = 0, p0 = 0, p1 = 0;
    std::vector<std::size_t> tiers;
    for (const Leg* leg : group) {
      const detail::Maintenance mm = detail::maintenanceAt(m, *leg, mid);
      mm0 += mm.c0;
      mm1 += mm.c1;
      p0 += leg->pnl0;
      p1 += leg->pnl1;
      tiers.push_back(mm.tier);
    }
    const double c0 = mm0 - p0, c1 = mm1 - p1;
    for (double u : {points[i], points[i + 1]}) {
      const double f = c0 + c1 * u;
      if (i == 0 && u == points[0]) {
        req.atTarget = req.most = f;
        req.mostAt = first.priceOf(u);
        req.tiers = tiers;
        req.maintenance = mm0 + mm1 * u;
        req.pnl = p0 + p1 * u;
      } else if (f > req.most) {
        req.most = f;
        req.mostAt = first.priceOf(u);
      }
    }
  }
  return req;
}

/// Whether the requirement is largest at the target (up to rounding).
bool largestAtTarget(const Requirement& req) {
  return req.most <= req.atTarget + 1e-12 * std::max({std::abs(req.atTarget), std::abs(req.most), 1e-300});
}

/// The isolated side: the position alone, backed by its isolated margin.
struct IsolatedNeed {
  Requirement req;
  double margin = 0;  ///< the isolated margin that puts the liquidation price there
};
IsolatedNeed isolatedNeed(const Model& m, const Leg& leg, double target) {
  IsolatedNeed need;
  need.req = requirement(m, {&leg}, target);
  need.margin = need.req.most;
  // Bybit UTA counts extra margin as extra / (1 − s·fee): invert that.
  if (m.profile->extraMarginNetOfFee)
    need.margin = leg.initialMargin + (need.req.most - leg.initialMargin) * (1 - leg.s * m.fee);
  return need;
}

/// The cross side: every position of the symbol moves together, backed by the rest of the account.
struct CrossNeed {
  Requirement req;
  std::vector<const Leg*> group;
  double otherMaintenance = 0, otherPnl = 0;
  double e0 = 0;  ///< the equity backing the group now
};
CrossNeed crossNeed(const Model& m, const std::string& symbol, double target) {
  CrossNeed need;
  for (const Leg& l : m.legs) {
    if (m.scenario->positions[l.index].symbol == symbol) {
      need.group.push_back(&l);
    } else {
      const detail::Maintenance mm = detail::maintenanceAt(m, l, l.u(l.mark));
      need.otherMaintenance += mm.c0 + mm.c1 * l.u(l.mark);
      need.otherPnl += l.pnlAt(l.mark);
    }
  }
  need.e0 = m.scenario->walletBalance - need.otherMaintenance + need.otherPnl;
  need.req = requirement(m, need.group, target);
  return need;
}

}  // namespace

std::vector<InputError> validate(const Scenario& scenario, const MarginToTargetRequest& request) {
  Checker c;
  c.merge(validate(scenario));
  const bool indexOk =
      scenario.positions.empty() || checkIndex(c, "request.position", request.position, scenario.positions.size());
  const double target = request.targetLiquidationPrice;
  const bool targetOk = c.positive("request.targetLiquidationPrice", target);
  if (!c.ok() || !indexOk || !targetOk) return c.errors;
  const Position& p = scenario.positions[request.position];
  const double mark = p.mark();
  const bool lng = p.side == Side::Long;
  if (lng ? !(target < mark) : !(target > mark)) {
    c.fail("request.targetLiquidationPrice", "targetSide",
           {num("value", target), text("direction", lng ? "below" : "above"), num("mark", mark),
            text("side", toString(p.side))});
  }
  return c.errors;
}

Result<MarginToTargetResult> marginToTarget(const Scenario& scenario, const MarginToTargetRequest& request) {
  Result<MarginToTargetResult> result;
  result.errors = validate(scenario, request);
  if (!result.errors.empty()) return result;
  const double target = request.targetLiquidationPrice;
  const Model m = detail::buildModel(scenario);
  const Leg& leg = m.legs[request.position];
  MarginToTargetResult r;
  const IsolatedNeed iso = isolatedNeed(m, leg, target);
  r.toAdd.isolated = iso.margin - leg.isolatedMargin;
  r.exact.isolated = largestAtTarget(iso.req) && iso.margin >= kMinMagnitude;
  const CrossNeed cross = crossNeed(m, scenario.positions[request.position].symbol, target);
  r.toAdd.cross = cross.req.most - cross.e0;
  r.exact.cross = largestAtTarget(cross.req) && scenario.walletBalance + r.toAdd.cross >= 0;
  result.value = std::move(r);
  return result;
}

Result<MarginToTargetResult> marginToTarget(const Scenario& scenario, std::size_t position,
                                            double targetLiquidationPrice) {
  return marginToTarget(scenario,
                        MarginToTargetRequest{.position = position, .targetLiquidationPrice = targetLiquidationPrice});
}

namespace {

std::string tierList(const Model& m, const std::vector<const Leg*>& group, const std::vector<std::size_t>& tiers) {
  std::string out;
  for (std::size_t i = 0; i < tiers.size(); ++i) {
    const ResolvedTier& t = m.tiersOf(*group[i])[tiers[i]];
    if (i) out += "; ";
    out += "tier " + std::to_string(tiers[i] + 1) + " (MMR " + n(t.rate) + ", amount " + n(t.amount) + ")";
  }
  return out;
}

void requirementSteps(const Model& m, const std::vector<const Leg*>& group, const Requirement& req, double target,
                      const std::string& field, std::vector<Step>& steps) {
  const bool atEntry = m.profile->basis == MaintenanceBasis::AtEntry;
  const std::string many = group.size() > 1 ? "Σ " : "";
  add(steps, "marginToTarget.maintenance", field,
      std::string(atEntry ? "Maintenance margin on the entry value, " : "Maintenance margin at the target, ") +
          tierList(m, group, req.tiers),
      many + (atEntry ? "MM = N_entry·MMR − amount" : "MM(T) = N(T)·MMR − amount"), "T = " + n(target), req.maintenance,
      {num("target", target)});
  add(steps, "marginToTarget.pnl", field, "Unrealised PnL at the target", many + "uPnL(T)", "T = " + n(target), req.pnl,
      {num("target", target)});
  add(steps, "marginToTarget.equityNeeded", field, "Equity needed for the liquidation price to be the target",
      "E_T = MM(T) − uPnL(T)", n(req.maintenance) + " − " + sn(req.pnl), req.atTarget,
      {num("maintenance", req.maintenance), num("pnl", req.pnl)});
  if (!largestAtTarget(req)) {
    add(steps, "marginToTarget.notExact", field,
        "The liquidation price cannot be exactly the target: between the mark and the target the equity needed is "
        "larger, " +
            n(req.most) + " at " + n(req.mostAt) +
            " (the maintenance steps at a tier cap, or positions of the other side outweigh this one); "
            "the amount below covers that, and the liquidation price then lies there",
        "E = max E(P) for P from the mark to T", n(req.most), req.most, {num("most", req.most), num("at", req.mostAt)});
  }
}

void explainIsolatedNeed(const Model& m, const Leg& leg, double target, const MarginToTargetResult& r,
                         std::vector<Step>& steps) {
  const IsolatedNeed need = isolatedNeed(m, leg, target);
  requirementSteps(m, {&leg}, need.req, target, "isolatedMarginToAdd", steps);
  if (m.profile->extraMarginNetOfFee) {
    add(steps, "marginToTarget.isolated.netOfFee", "isolatedMarginToAdd",
        "Isolated margin that counts as that equity: extra margin counts net of the fee to close",
        "M = IM + (E_T − IM)·(1 − s·fee)",
        n(leg.initialMargin) + " + (" + n(need.req.most) + " − " + n(leg.initialMargin) + ")×(1 − " + sn(leg.s) + "×" +
            n(m.fee) + ")",
        need.margin,
        {num("initialMargin", leg.initialMargin), num("equity", need.req.most), num("side", leg.s), num("fee", m.fee)});
  }
  const double margin = need.margin;
  add(steps, margin >= kMinMagnitude ? "marginToTarget.isolated.toAdd" : "marginToTarget.isolated.impossible",
      "isolatedMarginToAdd",
      margin >= kMinMagnitude
          ? (r.toAdd.isolated >= 0 ? "Isolated margin to add" : "Isolated margin that can be removed (negative)")
          : "No isolated margin puts the liquidation price there: it would need a margin of " + n(margin) +
                " (<= 0); the difference is shown",
      "ΔM = M_T − M", n(margin) + " − " + n(leg.isolatedMargin), r.toAdd.isolated,
      {num("margin", margin), num("marginBefore", leg.isolatedMargin)});
}

void explainCrossNeed(const Model& m, const std::string& symbol, double target, const MarginToTargetResult& r,
                      std::vector<Step>& steps) {
  const CrossNeed need = crossNeed(m, symbol, target);
  const double wallet = m.scenario->walletBalance;
  add(steps, "marginToTarget.cross.backing", "walletToAdd",
      "Margin backing " + symbol + " in cross: the wallet, less the maintenance of the other positions, plus their PnL",
      "E0 = W − Σ MM_other + Σ uPnL_other", n(wallet) + " − " + n(need.otherMaintenance) + " + " + sn(need.otherPnl),
      need.e0,
      {text("symbol", symbol), num("wallet", wallet), num("otherMaintenance", need.otherMaintenance),
       num("otherPnl", need.otherPnl)});
  requirementSteps(m, need.group, need.req, target, "walletToAdd", steps);
  const bool walletOk = wallet + r.toAdd.cross >= 0;
  add(steps, walletOk ? "marginToTarget.cross.toAdd" : "marginToTarget.cross.impossible", "walletToAdd",
      walletOk ? (r.toAdd.cross >= 0 ? "Wallet to add" : "Wallet that can be withdrawn (negative)")
               : "No wallet balance puts the liquidation price there: the wallet would have to be " +
                     n(wallet + r.toAdd.cross) + " (< 0); the difference is shown",
      "ΔW = E_T − E0", n(need.req.most) + " − " + n(need.e0), r.toAdd.cross,
      {num("equity", need.req.most), num("backing", need.e0)});
}

}  // namespace

void explain(const Scenario& scenario, const MarginToTargetRequest& request, MarginToTargetResult& result) {
  result.steps.clear();
  const Model m = detail::buildModel(scenario);
  explainIsolatedNeed(m, m.legs[request.position], request.targetLiquidationPrice, result, result.steps);
  explainCrossNeed(m, scenario.positions[request.position].symbol, request.targetLiquidationPrice, result,
                   result.steps);
}

}  // namespace marginlab
