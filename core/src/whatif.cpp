// SPDX-License-Identifier: MIT
// MarginLab: what-if tools for one position. Each checks the scenario (validate) and every
// request field, builds the changed scenario and evaluates it, so the margins and liquidation
// prices are evaluate()'s own; the steps explain the arithmetic in between.
#include "marginlab/whatif.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "marginlab/orders.h"
#include "marginlab/profile.h"
#include "marginlab/tiers.h"
#include "marginlab/validate.h"
#include "model.h"
#include "explain.h"

namespace marginlab {

namespace {

using detail::Leg;
using detail::Model;


using detail::n;
using detail::sn;

using detail::add;

/// Request-field checks with validate.cpp's messages: the value and the limit.
struct RequestChecker {
  std::vector<InputError>& errors;

  void error(std::string path, ErrorCode code, std::string message) {
    errors.push_back({std::move(path), code, std::move(message)});
  }
  /// A price or size: finite and within [kMinMagnitude, kMaxMagnitude].
  bool positive(const std::string& path, double x) { return checkPositive(errors, path, x); }
  /// Any finite amount of magnitude <= kMaxMagnitude.
  bool finite(const std::string& path, double x) {
    if (!isValidNumber(x)) return error(path, ErrorCode::NotFinite, path + " must be a finite number"), false;
    if (std::abs(x) > kMaxMagnitude) {
      error(path, ErrorCode::OutOfRange, path + " (" + n(x) + ") must be between " + n(-kMaxMagnitude) + " and " +
                                             n(kMaxMagnitude));
      return false;
    }
    return true;
  }
  /// Leverage: as validate() checks a position's, at least kMinMagnitude (so 1 / leverage is
  /// finite), and at most 1000 (the tier's maximum is checked where the notional is known).
  bool leverage(const std::string& path, double x) {
    if (!positive(path, x)) return false;
    if (x > 1000) return error(path, ErrorCode::OutOfRange, path + " (" + n(x) + ") must be <= 1000"), false;
    return true;
  }
  /// An index into scenario.positions.
  bool position(const std::string& path, std::size_t index, std::size_t count) {
    if (index < count) return true;
    error(path, ErrorCode::OutOfRange,
          path + " (" + std::to_string(index) + ") must be < " + std::to_string(count) + ", the number of positions");
    return false;
  }
  /// A symbol as validate.cpp accepts it.
  bool symbol(const std::string& path, const std::string& s) {
    bool ok = !s.empty() && s.size() <= kMaxSymbolLength;
    for (char c : s)
      if (c < 0x21 || c > 0x7e) ok = false;
    if (!ok)
      error(path, s.empty() ? ErrorCode::Empty : ErrorCode::OutOfRange,
            path + " must be 1 to " + std::to_string(kMaxSymbolLength) + " printable characters without spaces");
    return ok;
  }
};

/// The tier table a new position of `symbol` would use (the scenario's, or the profile's
/// default), or nullptr.
const TierTable* tableFor(const Scenario& s, const std::string& symbol) {
  if (auto it = s.tiers.find(symbol); it != s.tiers.end()) return &it->second;
  if (const DefaultTierTable* d = findDefaultTierTable(s.rules, symbol)) return &d->tiers;
  return nullptr;
}

/// A new position must settle in the account's asset: one contract type per account.
void checkContract(RequestChecker& c, const Scenario& s, Contract contract) {
  if (s.positions.empty() || s.positions[0].contract == contract) return;
  c.error("request.contract", ErrorCode::Mixed,
          "request.contract is " + std::string(toString(contract)) + " but positions[0] is " +
              std::string(toString(s.positions[0].contract)) +
              ": one account settles in one asset, so linear and inverse cannot share it");
}

/// The mark a new position of `symbol` takes: the symbol's mark if the scenario holds it.
std::optional<double> symbolMark(const Scenario& s, const std::string& symbol) {
  for (const Position& p : s.positions)
    if (p.symbol == symbol) return p.mark();
  return std::nullopt;
}

/// Initial margin per unit of notional under the profile (bitmex reserves entry and exit fees).
double initialMarginRate(const Scenario& s, double leverage) {
  const Profile& profile = profileFor(s.rules);
  const double fee = s.takerFeeRate.value_or(profile.defaultTakerFeeRate);
  return 1.0 / leverage + (profile.feesInInitialMargin ? 2 * fee : 0.0);
}

/// Errors of a changed scenario, moved to the request field that caused them.
void remap(RequestChecker& c, const std::vector<InputError>& errors, const std::string& path, const std::string& prefix) {
  for (const InputError& e : errors) c.error(path, e.code, prefix + e.path + ": " + e.message);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Add to or reduce a position.

Result<AdjustResult> adjustPosition(const Scenario& scenario, const AdjustRequest& request) {
  Result<AdjustResult> result;
  result.errors = validate(scenario);
  RequestChecker c{result.errors};
  const bool indexOk = scenario.positions.empty() ||
                       c.position("request.position", request.position, scenario.positions.size());
  c.positive("request.price", request.price);
  if (c.finite("request.quantityDelta", request.quantityDelta) && request.quantityDelta == 0)
    c.error("request.quantityDelta", ErrorCode::OutOfRange, "request.quantityDelta (0) must not be 0");
  if (!result.errors.empty() || !indexOk) return result;

  AdjustResult r;
  r.scenario = scenario;
  Position& p = r.scenario.positions[request.position];
  const Position before = p;
  const bool linear = p.contract == Contract::Linear;
  const double s = sign(p.side);
  const double price = request.price;
  const double cs = p.contractSize;
  const std::string unit = linear ? "quote" : "coin";
  std::vector<Step>& steps = r.steps;
  // The market does not move with the fill: a mark left to default keeps today's value.
  if (!p.markPrice) {
    p.markPrice = before.mark();
    add(steps, "markPrice", "The mark stays where it was (it defaulted to the entry price before the fill)",
        "P_mark = EP_before", n(before.entryPrice), before.mark());
  }
  /// Realised PnL of closing `contracts` of the position as it was.
  auto realised = [&](double contracts) {
    return linear ? s * contracts * cs * (price - before.entryPrice)
                  : s * contracts * cs * (1 / before.entryPrice - 1 / price);
  };
  auto realisedStep = [&](double contracts, double value) {
    if (linear) {
      add(steps, "realizedPnl", "Realised PnL of the reduced part (" + unit + ")", "rPnL = s·Q_reduced·CS·(P − EP)",
          sn(s) + "×" + n(contracts) + "×" + n(cs) + "×(" + n(price) + " − " + n(before.entryPrice) + ")", value);
    } else {
      add(steps, "realizedPnl", "Realised PnL of the reduced part (" + unit + ")",
          "rPnL = s·Q_reduced·CS·(1/EP − 1/P)",
          sn(s) + "×" + n(contracts) + "×" + n(cs) + "×(1/" + n(before.entryPrice) + " − 1/" + n(price) + ")", value);
    }
  };
  /// Initial margin of a new part opened at the fill price, as the profile computes it.
  auto newPartMargin = [&](double contracts) {
    const double notional = linear ? contracts * cs * price : contracts * cs / price;
    return notional * initialMarginRate(scenario, p.leverage);
  };
  auto newPartMarginStep = [&](double contracts, double value) {
    const std::string notional = linear ? n(contracts) + "×" + n(cs) + "×" + n(price)
                                        : n(contracts) + "×" + n(cs) + " / " + n(price);
    const bool fees = profileFor(scenario.rules).feesInInitialMargin;
    add(steps, "isolatedMargin", "Initial margin of the part opened at the fill price",
        fees ? "IM_new = N_new·(1/L + 2·fee)" : "IM_new = N_new / L",
        "(" + notional + ")" + (fees ? "×(1/" + n(p.leverage) + " + 2×fee)" : " / " + n(p.leverage)), value);
  };

  const double q = before.quantity;
  const double delta = request.quantityDelta;
  if (delta > 0) {
    const Fill fills[] = {{q, before.entryPrice}, {delta, price}};
    p.quantity = q + delta;
    p.entryPrice = averageEntry(p.contract, fills);
    add(steps, "quantity", "Size after adding on the same side", "Q = Q_before + ΔQ", n(q) + " + " + n(delta),
        p.quantity);
    if (linear) {
      add(steps, "entryPrice", "Average entry: size-weighted arithmetic mean", "EP = (Q1·EP1 + Q2·P) / (Q1 + Q2)",
          "(" + n(q) + "×" + n(before.entryPrice) + " + " + n(delta) + "×" + n(price) + ") / (" + n(q) + " + " +
              n(delta) + ")",
          p.entryPrice);
    } else {
      add(steps, "entryPrice", "Average entry of an inverse contract: harmonic mean",
          "EP = (Q1 + Q2) / (Q1/EP1 + Q2/P)",
          "(" + n(q) + " + " + n(delta) + ") / (" + n(q) + "/" + n(before.entryPrice) + " + " + n(delta) + "/" +
              n(price) + ")",
          p.entryPrice);
    }
    if (p.isolatedMargin) {
      const double im = newPartMargin(delta);
      newPartMarginStep(delta, im);
      p.isolatedMargin = *before.isolatedMargin + im;
      add(steps, "isolatedMargin", "Isolated margin after the fill: the given margin plus the new part's",
          "M = M_before + IM_new", n(*before.isolatedMargin) + " + " + n(im), p.isolatedMargin);
    }
  } else {
    const double reduce = -delta;
    const double remainder = q - reduce;
    const bool exact = std::abs(remainder) <= 1e-12 * q;
    const double closedContracts = std::min(reduce, q);
    r.realizedPnl = realised(closedContracts);
    realisedStep(closedContracts, r.realizedPnl);
    r.scenario.walletBalance = scenario.walletBalance + r.realizedPnl;
    add(steps, "walletBalance", "Wallet after the fill: the realised PnL settles into it", "W = W_before + rPnL",
        n(scenario.walletBalance) + " + " + sn(r.realizedPnl), r.scenario.walletBalance);
    if (r.scenario.walletBalance < 0) {
      c.error("request.price", ErrorCode::OutOfRange,
              "request.price (" + n(price) + ") realises a loss of " + n(-r.realizedPnl) +
                  ", more than the wallet balance (" + n(scenario.walletBalance) +
                  "): the account would be liquidated before this fill");
      return result;
    }
    if (exact) {
      if (scenario.positions.size() == 1) {
        c.error("request.quantityDelta", ErrorCode::OutOfRange,
                "request.quantityDelta (" + n(delta) + ") closes the only position (realised PnL " + n(r.realizedPnl) +
                    "): a scenario needs at least one position");
        return result;
      }
      r.closed = true;
      r.side = before.side;
      r.quantity = 0;
      r.entryPrice = 0;
      r.scenario.positions.erase(r.scenario.positions.begin() + static_cast<std::ptrdiff_t>(request.position));
      add(steps, "quantity", "The fill closes the position exactly: it is removed from the scenario",
          "Q = Q_before − |ΔQ|", n(q) + " − " + n(reduce), 0.0);
    } else if (remainder > 0) {
      p.quantity = remainder;
      add(steps, "quantity", "Size after reducing; the entry price does not change", "Q = Q_before − |ΔQ|",
          n(q) + " − " + n(reduce), p.quantity);
      if (p.isolatedMargin) {
        p.isolatedMargin = *before.isolatedMargin * remainder / q;
        add(steps, "isolatedMargin", "Isolated margin scaled down with the size", "M = M_before·Q / Q_before",
            n(*before.isolatedMargin) + "×" + n(remainder) + " / " + n(q), p.isolatedMargin);
      }
    } else {
      r.flipped = true;
      p.side = before.side == Side::Long ? Side::Short : Side::Long;
      p.quantity = -remainder;
      p.entryPrice = price;
      add(steps, "side",
          "The fill reduces through zero: the position is closed and " + n(-remainder) + " contracts open " +
              std::string(toString(p.side)) + " at the fill price",
          "Q = |ΔQ| − Q_before", n(reduce) + " − " + n(q), p.quantity);
      add(steps, "entryPrice", "Entry of the new side: the fill price", "EP = P", n(price), price);
      if (p.isolatedMargin) {
        p.isolatedMargin = newPartMargin(p.quantity);
        newPartMarginStep(p.quantity, *p.isolatedMargin);
      }
    }
  }
  if (!r.closed) {
    r.side = p.side;
    r.quantity = p.quantity;
    r.entryPrice = p.entryPrice;
  }
  const std::vector<InputError> after = validate(r.scenario);
  if (!after.empty()) {
    remap(c, after, "request.quantityDelta", "after the fill, ");
    return result;
  }
  r.report = evaluate(r.scenario);
  explain(r.scenario, r.report);  // the answer carries the report's steps
  result.value = std::move(r);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Target price for a PnL or ROE.

Result<TargetResult> targetPrice(const Scenario& scenario, std::size_t position, TargetKind kind, double target) {
  Result<TargetResult> result;
  result.errors = validate(scenario);
  RequestChecker c{result.errors};
  const bool indexOk = scenario.positions.empty() || c.position("request.position", position, scenario.positions.size());
  c.finite("request.target", target);
  if (!result.errors.empty() || !indexOk) return result;

  const Position& p = scenario.positions[position];
  const Report report = evaluate(scenario);
  TargetResult r;
  const bool linear = p.contract == Contract::Linear;
  const double s = sign(p.side);
  const double size = p.quantity * p.contractSize;  // linear: base q; inverse: quote value V
  double pnl = target;
  if (kind == TargetKind::Roe) {
    const double im = report.cross->positions[position].initialMargin;
    pnl = target * im;
    add(r.steps, "pnl", "PnL target from the ROE target (a fraction: 0.5 is 50%) on the initial margin",
        "PnL = ROE·IM", n(target) + "×" + n(im), pnl);
  }
  if (linear) {
    const double price = p.entryPrice + pnl / (s * size);
    const bool ok = isValidPositive(price);
    add(r.steps, "price",
        ok ? "Mark at which the PnL reaches the target: s·q·(P − EP) = PnL"
           : "No positive price gives this PnL: the formula gives " + n(price),
        "P = EP + PnL / (s·q)", n(p.entryPrice) + " + " + sn(pnl) + " / (" + sn(s) + "×" + n(size) + ")",
        ok ? std::optional<double>(price) : std::nullopt);
    if (ok) r.price = price;
  } else {
    const double inv = 1 / p.entryPrice - pnl / (s * size);
    const std::string sub = "1/" + n(p.entryPrice) + " − " + sn(pnl) + " / (" + sn(s) + "×" + n(size) + ")";
    if (!(inv > 0)) {
      add(r.steps, "price",
          "No price gives this PnL: it needs 1/P = " + n(inv) + " <= 0 (" +
              (s > 0 ? "a long inverse position earns less than V/EP = " + n(size / p.entryPrice) + " coin"
                     : "the loss of a short inverse position reaches V/EP only as the price grows without bound") +
              ")",
          "1/P = 1/EP − PnL / (s·V)", sub, std::nullopt);
    } else {
      const double price = 1 / inv;
      const bool ok = isValidPositive(price);
      add(r.steps, "price",
          ok ? "Mark at which the PnL reaches the target: s·V·(1/EP − 1/P) = PnL"
             : "No accepted price gives this PnL: the formula gives " + n(price),
          "1/P = 1/EP − PnL / (s·V)", sub, ok ? std::optional<double>(price) : std::nullopt);
      if (ok) r.price = price;
    }
  }
  result.value = std::move(r);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Largest size that opens with the available balance.

Result<MaxOpenResult> maxOpenSize(const Scenario& scenario, const MaxOpenRequest& request) {
  Result<MaxOpenResult> result;
  result.errors = validate(scenario);
  RequestChecker c{result.errors};
  const bool symbolOk = c.symbol("request.symbol", request.symbol);
  c.positive("request.contractSize", request.contractSize);
  c.positive("request.price", request.price);
  const bool leverageOk = c.leverage("request.leverage", request.leverage);
  checkContract(c, scenario, request.contract);
  const TierTable* table = symbolOk ? tableFor(scenario, request.symbol) : nullptr;
  if (symbolOk && !table) {
    c.error("request.symbol", ErrorCode::TierMissing,
            "the " + std::string(toString(scenario.rules)) + " profile ships no tier table for " + request.symbol +
                ": give one in tiers." + request.symbol);
  }
  if (!result.errors.empty()) return result;
  const Profile& profile = profileFor(scenario.rules);
  const auto tiers = resolveTiers(*table, profile);
  if (leverageOk && request.leverage > tiers.front().maxLeverage * (1 + 1e-12)) {
    c.error("request.leverage", ErrorCode::OutOfRange,
            "request.leverage (" + n(request.leverage) + ") must be <= " + n(tiers.front().maxLeverage) +
                ", the highest the " + request.symbol + " table allows");
    return result;
  }

  MaxOpenResult r;
  const Report report = evaluate(scenario);
  const Outcome& o = request.mode == MarginMode::Cross ? *report.cross : *report.isolated;
  const double available = std::max(0.0, o.account.availableBalance);
  const bool linear = request.contract == Contract::Linear;
  add(r.steps, "initialMargin",
      std::string("Available balance (") + (request.mode == MarginMode::Cross ? "cross" : "isolated") +
          " outcome), floored at 0",
      "A = max(0, available)", n(o.account.availableBalance), available);
  // Rows allow leverage L while their maxLeverage >= L; maxLeverage does not increase.
  std::size_t last = 0;
  while (last + 1 < tiers.size() && request.leverage <= tiers[last + 1].maxLeverage * (1 + 1e-12)) ++last;
  const double cap = tiers[last].cap;
  add(r.steps, "notional",
      "Largest notional that allows leverage " + n(request.leverage) + ": the cap of tier " +
          std::to_string(last + 1) + " (max leverage " + n(tiers[last].maxLeverage) + ")",
      "N_cap = cap_j, j = last row with maxLeverage >= L", n(cap), cap);
  const double rate = initialMarginRate(scenario, request.leverage);
  const double byBalance = available / rate;
  if (profile.feesInInitialMargin) {
    add(r.steps, "notional", "Notional the balance pays for, with entry and exit taker fees reserved",
        "N_A = A / (1/L + 2·fee)", n(available) + " / " + n(rate), byBalance);
  } else {
    add(r.steps, "notional", "Notional the balance pays for", "N_A = A·L", n(available) + "×" + n(request.leverage),
        byBalance);
  }
  r.notional = std::min(byBalance, cap);
  r.tier = static_cast<int>(tierIndexAt(tiers, r.notional)) + 1;
  add(r.steps, "notional",
      byBalance <= cap ? "The balance bounds the size (tier " + std::to_string(r.tier) + ")"
                       : "The tier cap bounds the size (tier " + std::to_string(r.tier) + ")",
      "N = min(N_A, N_cap)", "min(" + n(byBalance) + ", " + n(cap) + ")", r.notional);
  r.initialMargin = r.notional * rate;
  add(r.steps, "initialMargin", "Initial margin of the order",
      profile.feesInInitialMargin ? "IM = N·(1/L + 2·fee)" : "IM = N / L",
      profile.feesInInitialMargin ? n(r.notional) + "×" + n(rate) : n(r.notional) + " / " + n(request.leverage),
      r.initialMargin);
  r.quantity = linear ? r.notional / (request.price * request.contractSize)
                      : r.notional * request.price / request.contractSize;
  // validate() recomputes the entry notional from the quantity (Q·CS·P, or Q·CS / P); rounded, it
  // could pass the cap by an ulp, and the position would not open: step the quantity down by
  // ulps (a few at most) until it does not.
  const auto entryNotional = [&](double q) {
    const double size = q * request.contractSize;
    return linear ? size * request.price : size / request.price;
  };
  for (int i = 0; i < 16 && r.quantity > 0 && entryNotional(r.quantity) > cap; ++i)
    r.quantity = std::nextafter(r.quantity, 0.0);
  if (linear) {
    add(r.steps, "quantity", "Contracts: the notional over the price and the contract size", "Q = N / (P·CS)",
        n(r.notional) + " / (" + n(request.price) + "×" + n(request.contractSize) + ")", r.quantity);
  } else {
    add(r.steps, "quantity", "Contracts: the coin notional times the price, over the contract's quote value",
        "Q = N·P / CS", n(r.notional) + "×" + n(request.price) + " / " + n(request.contractSize), r.quantity);
  }
  result.value = std::move(r);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Size from a stop-loss and a risk fraction.

Result<StopSizeResult> sizeFromStop(const Scenario& scenario, const StopSizeRequest& request) {
  Result<StopSizeResult> result;
  result.errors = validate(scenario);
  RequestChecker c{result.errors};
  const bool symbolOk = c.symbol("request.symbol", request.symbol);
  c.positive("request.contractSize", request.contractSize);
  const bool entryOk = c.positive("request.entryPrice", request.entryPrice);
  const bool stopOk = c.positive("request.stopPrice", request.stopPrice);
  c.leverage("request.leverage", request.leverage);
  if (!isValidNumber(request.riskFraction)) {
    c.error("request.riskFraction", ErrorCode::NotFinite, "request.riskFraction must be a finite number");
  } else if (!(request.riskFraction > 0 && request.riskFraction <= 1)) {
    c.error("request.riskFraction", ErrorCode::OutOfRange,
            "request.riskFraction (" + n(request.riskFraction) + ") must be > 0 and <= 1 (a fraction: 0.01 is 1%)");
  }
  const double s = sign(request.side);
  if (entryOk && stopOk && !(s * (request.entryPrice - request.stopPrice) > 0)) {
    c.error("request.stopPrice", ErrorCode::OutOfRange,
            "request.stopPrice (" + n(request.stopPrice) + ") must be " + (s > 0 ? "below" : "above") +
                " the entry price (" + n(request.entryPrice) + ") for a " + std::string(toString(request.side)));
  }
  checkContract(c, scenario, request.contract);
  if (symbolOk && !tableFor(scenario, request.symbol)) {
    c.error("request.symbol", ErrorCode::TierMissing,
            "the " + std::string(toString(scenario.rules)) + " profile ships no tier table for " + request.symbol +
                ": give one in tiers." + request.symbol);
  }
  if (!result.errors.empty()) return result;

  StopSizeResult r;
  const Report before = evaluate(scenario);
  const double equity = before.cross->account.equity;
  const bool linear = request.contract == Contract::Linear;
  const double cs = request.contractSize;
  r.riskAmount = request.riskFraction * equity;
  add(r.steps, "riskAmount", "Amount at risk: the share of the account equity (cross outcome)",
      "R = f·equity", n(request.riskFraction) + "×" + n(equity), r.riskAmount);
  if (linear) {
    const double perContract = std::abs(request.entryPrice - request.stopPrice) * cs;
    r.quantity = r.riskAmount / perContract;
    add(r.steps, "quantity", "Contracts whose loss at the stop equals the amount at risk",
        "Q = R / (|EP − P_stop|·CS)",
        n(r.riskAmount) + " / (|" + n(request.entryPrice) + " − " + n(request.stopPrice) + "|×" + n(cs) + ")",
        r.quantity);
  } else {
    const double perContract = cs * std::abs(1 / request.entryPrice - 1 / request.stopPrice);
    r.quantity = r.riskAmount / perContract;
    add(r.steps, "quantity", "Contracts whose loss at the stop (in coin) equals the amount at risk",
        "Q = R / (CS·|1/EP − 1/P_stop|)",
        n(r.riskAmount) + " / (" + n(cs) + "×|1/" + n(request.entryPrice) + " − 1/" + n(request.stopPrice) + "|)",
        r.quantity);
  }
  if (!(r.quantity >= kMinMagnitude)) {
    add(r.steps, "liquidationPrice", "No position to place: the amount at risk buys less than the smallest size",
        "", "", std::nullopt);
    result.value = std::move(r);
    return result;
  }

  Scenario next = scenario;
  Position added{.symbol = request.symbol, .contract = request.contract, .contractSize = cs, .side = request.side,
                 .quantity = r.quantity, .entryPrice = request.entryPrice, .leverage = request.leverage};
  added.markPrice = symbolMark(scenario, request.symbol);  // one symbol, one mark
  if (added.markPrice && *added.markPrice != request.entryPrice) {
    add(r.steps, "liquidationPrice",
        "The new position takes the mark " + request.symbol + " already has in the scenario (one symbol, one mark)",
        "P_mark = mark of " + request.symbol, n(*added.markPrice), *added.markPrice);
  }
  next.positions.push_back(added);
  const std::size_t index = next.positions.size() - 1;
  const std::vector<InputError> errors = validate(next);
  if (!errors.empty()) {
    for (const InputError& e : errors) {
      const bool lev = e.path == "positions[" + std::to_string(index) + "].leverage";
      c.error(lev ? "request.leverage" : "request.riskFraction", e.code,
              "with the size this risk implies (" + n(r.quantity) + " contracts), " + e.path + ": " + e.message);
    }
    return result;
  }
  const Report report = evaluate(next);
  const Outcome& o = request.mode == MarginMode::Cross ? *report.cross : *report.isolated;
  r.liquidationPrice = o.positions[index].liquidationPrice;
  const std::string mode(toString(request.mode));
  if (r.liquidationPrice) {
    const double lp = *r.liquidationPrice;
    add(r.steps, "liquidationPrice", "Liquidation price of the new position, " + mode, "LP (evaluate)", n(lp), lp);
    r.stopBeyondLiquidation = s > 0 ? request.stopPrice < lp : request.stopPrice > lp;
    add(r.steps, "stopBeyondLiquidation",
        r.stopBeyondLiquidation
            ? "Warning: the stop lies beyond the liquidation price, so the position is liquidated before the stop "
              "triggers"
            : "The stop triggers before the liquidation price",
        s > 0 ? "P_stop < LP" : "P_stop > LP", n(request.stopPrice) + (s > 0 ? " < " : " > ") + n(lp),
        r.stopBeyondLiquidation ? 1.0 : 0.0);
  } else {
    add(r.steps, "liquidationPrice", "No price liquidates the new position (" + mode + "), so the stop always comes first",
        "", "", std::nullopt);
  }
  result.value = std::move(r);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Margin or wallet to add so the liquidation price moves to a target.

namespace {

/// The most equity a group of legs needs on the way from the mark to `target`:
/// F(P) = Σ (MM(P) − PnL(P)) on every tier piece between them, evaluated at each piece's ends.
/// Equity F(target) puts the liquidation price at `target` when F is largest there.
struct Requirement {
  double atTarget = 0;  ///< F(target), MM with the tier at the notional at the target
  double most = 0;      ///< max of F on the path
  double mostAt = 0;    ///< the price where it is largest
  std::vector<std::size_t> tiers;  ///< per leg, the row at the target
  double maintenance = 0, pnl = 0; ///< at the target
};

Requirement requirement(const Model& m, const std::vector<const Leg*>& group, double target) {
  const Leg& first = *group.front();
  const double uMark = first.u(first.mark), uTarget = first.u(target);
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
  Requirement req;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const double mid = (points[i] + points[i + 1]) / 2;
    double c0 = 0, c1 = 0, mm0 = 0, mm1 = 0, p0 = 0, p1 = 0;
    std::vector<std::size_t> tiers;
    for (const Leg* leg : group) {
      const detail::Maintenance mm = detail::maintenanceAt(m, *leg, mid);
      mm0 += mm.c0;
      mm1 += mm.c1;
      p0 += leg->pnl0;
      p1 += leg->pnl1;
      tiers.push_back(mm.tier);
    }
    c0 = mm0 - p0;
    c1 = mm1 - p1;
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
  add(steps, field,
      std::string(atEntry ? "Maintenance margin on the entry value, " : "Maintenance margin at the target, ") +
          tierList(m, group, req.tiers),
      many + (atEntry ? "MM = N_entry·MMR − amount" : "MM(T) = N(T)·MMR − amount"), "T = " + n(target),
      req.maintenance);
  add(steps, field, "Unrealised PnL at the target", many + "uPnL(T)", "T = " + n(target), req.pnl);
  add(steps, field, "Equity needed for the liquidation price to be the target", "E_T = MM(T) − uPnL(T)",
      n(req.maintenance) + " − " + sn(req.pnl), req.atTarget);
  if (!largestAtTarget(req)) {
    add(steps, field,
        "The liquidation price cannot be exactly the target: between the mark and the target the equity needed is "
        "larger, " + n(req.most) + " at " + n(req.mostAt) +
            " (the maintenance steps at a tier cap, or positions of the other side outweigh this one); "
            "the amount below covers that, and the liquidation price then lies there",
        "E = max E(P) for P from the mark to T", n(req.most), req.most);
  }
}

}  // namespace

Result<MarginToTargetResult> marginToTarget(const Scenario& scenario, std::size_t position,
                                            double targetLiquidationPrice) {
  Result<MarginToTargetResult> result;
  result.errors = validate(scenario);
  RequestChecker c{result.errors};
  const bool indexOk = scenario.positions.empty() || c.position("request.position", position, scenario.positions.size());
  const double target = targetLiquidationPrice;
  const bool targetOk = c.positive("request.targetLiquidationPrice", target);
  if (result.errors.empty() && indexOk && targetOk) {
    const Position& p = scenario.positions[position];
    const double mark = p.mark();
    if (p.side == Side::Long ? !(target < mark) : !(target > mark)) {
      c.error("request.targetLiquidationPrice", ErrorCode::OutOfRange,
              "request.targetLiquidationPrice (" + n(target) + ") must be " +
                  (p.side == Side::Long ? "below" : "above") + " the mark (" + n(mark) + ") for a " +
                  std::string(toString(p.side)));
    }
  }
  if (!result.errors.empty() || !indexOk) return result;

  MarginToTargetResult r;
  const Model m = detail::buildModel(scenario);
  const Leg& leg = m.legs[position];
  const std::string& symbol = scenario.positions[position].symbol;

  // Isolated: the position alone, backed by its isolated margin.
  {
    const std::vector<const Leg*> group{&leg};
    const Requirement req = requirement(m, group, target);
    requirementSteps(m, group, req, target, "isolatedMarginToAdd", r.steps);
    double margin = req.most;
    if (m.profile->extraMarginNetOfFee) {
      // Bybit UTA counts extra margin as extra / (1 − s·fee): invert that.
      margin = leg.initialMargin + (req.most - leg.initialMargin) * (1 - leg.s * m.fee);
      add(r.steps, "isolatedMarginToAdd",
          "Isolated margin that counts as that equity: extra margin counts net of the fee to close",
          "M = IM + (E_T − IM)·(1 − s·fee)",
          n(leg.initialMargin) + " + (" + n(req.most) + " − " + n(leg.initialMargin) + ")×(1 − " + sn(leg.s) + "×" +
              n(m.fee) + ")",
          margin);
    }
    r.isolatedMarginToAdd = margin - leg.isolatedMargin;
    r.isolatedExact = largestAtTarget(req) && margin >= kMinMagnitude;
    add(r.steps, "isolatedMarginToAdd",
        margin >= kMinMagnitude
            ? (r.isolatedMarginToAdd >= 0 ? "Isolated margin to add" : "Isolated margin that can be removed (negative)")
            : "No isolated margin puts the liquidation price there: it would need a margin of " + n(margin) +
                  " (<= 0); the difference is shown",
        "ΔM = M_T − M", n(margin) + " − " + n(leg.isolatedMargin), r.isolatedMarginToAdd);
  }

  // Cross: every position of the symbol moves together, backed by the rest of the account.
  {
    std::vector<const Leg*> group;
    double otherMaintenance = 0, otherPnl = 0;
    for (const Leg& l : m.legs) {
      if (scenario.positions[l.index].symbol == symbol) {
        group.push_back(&l);
      } else {
        const detail::Maintenance mm = detail::maintenanceAt(m, l, l.u(l.mark));
        otherMaintenance += mm.c0 + mm.c1 * l.u(l.mark);
        otherPnl += l.pnlAt(l.mark);
      }
    }
    const double wallet = scenario.walletBalance;
    const double e0 = wallet - otherMaintenance + otherPnl;
    add(r.steps, "walletToAdd",
        "Margin backing " + symbol + " in cross: the wallet, less the maintenance of the other positions, plus their PnL",
        "E0 = W − Σ MM_other + Σ uPnL_other", n(wallet) + " − " + n(otherMaintenance) + " + " + sn(otherPnl), e0);
    const Requirement req = requirement(m, group, target);
    requirementSteps(m, group, req, target, "walletToAdd", r.steps);
    r.walletToAdd = req.most - e0;
    const bool walletOk = wallet + r.walletToAdd >= 0;
    r.crossExact = largestAtTarget(req) && walletOk;
    add(r.steps, "walletToAdd",
        walletOk ? (r.walletToAdd >= 0 ? "Wallet to add" : "Wallet that can be withdrawn (negative)")
                 : "No wallet balance puts the liquidation price there: the wallet would have to be " +
                       n(wallet + r.walletToAdd) + " (< 0); the difference is shown",
        "ΔW = E_T − E0", n(req.most) + " − " + n(e0), r.walletToAdd);
  }
  result.value = std::move(r);
  return result;
}

}  // namespace marginlab
