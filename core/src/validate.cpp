// SPDX-License-Identifier: MIT
// MarginLab: the one entry check of a scenario.
#include "marginlab/validate.h"

#include <cmath>
#include <cstring>
#include <string>

#include "marginlab/format.h"
#include "marginlab/profile.h"
#include "marginlab/tiers.h"

namespace marginlab {

namespace {

// Not inlined: each call site would otherwise build the strings itself (marginlab.wasm is built
// for size; these run only for an error).
[[gnu::noinline]] Param num(std::string_view name, double x) { return {std::string(name), x}; }
[[gnu::noinline]] Param text(std::string_view name, std::string_view x) {
  return {std::string(name), std::string(x)};
}

[[gnu::noinline]] std::string positionPath(std::size_t i, std::string_view field) {
  return "positions[" + std::to_string(i) + "]." + std::string(field);
}

bool validSymbol(std::string_view symbol) noexcept {
  if (symbol.empty() || symbol.size() > kMaxSymbolLength) return false;
  for (char c : symbol)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

/// version, walletBalance, takerFeeRate.
void checkAccount(Checker& c, const Scenario& s) {
  if (s.version != 1) c.fail("version", "unsupportedVersion", {num("value", s.version), num("supported", 1)});
  isValidNonNegative(s.walletBalance) || c.nonNegative("walletBalance", s.walletBalance);
  if (s.takerFeeRate) {
    const double f = *s.takerFeeRate;
    if (c.finite("takerFeeRate", f) && !(f >= 0 && f < 0.1))
      c.fail("takerFeeRate", "takerFeeRate", {num("value", f), num("low", 0), num("limit", 0.1)});
  }
}

/// The tier tables the scenario gives, checked whether or not a position uses them; false when one
/// is bad.
bool checkTables(Checker& c, const Scenario& s, const Profile& profile) {
  const double fee = s.takerFeeRate.value_or(profile.defaultTakerFeeRate);
  bool ok = true;
  for (const auto& [symbol, table] : s.tiers) {
    if (!validSymbol(symbol)) {
      c.fail("tiers." + symbol, "tierKeyFormat", {num("limit", kMaxSymbolLength)});
      ok = false;
      continue;
    }
    char buffer[6 + kMaxSymbolLength];  // "tiers." and a valid symbol, without an allocation
    std::memcpy(buffer, "tiers.", 6);
    std::memcpy(buffer + 6, symbol.data(), symbol.size());
    const std::string_view path(buffer, 6 + symbol.size());
    Checker t;
    t.merge(validateTierTable(table, profile, path));
    if (t.ok() && profile.feeInMaintenanceRate && isValidNumber(fee)) {
      for (std::size_t j = 0; j < table.size(); ++j) {
        const double rate = table[j].maintenanceMarginRate.value_or(0);
        if (rate + fee >= 1)
          t.fail(std::string(path) + "[" + std::to_string(j) + "].maintenanceMarginRate", "rateWithFee",
                 {num("value", rate), num("fee", fee), num("limit", 1)});
      }
    }
    ok &= t.ok();
    c.merge(std::move(t.errors));
  }
  return ok;
}

/// positions[i]'s own fields, and its contract and mark against the positions before it; false when
/// its tier cannot be checked.
bool checkPosition(Checker& c, const Scenario& s, std::size_t i) {
  const Position& p = s.positions[i];
  bool ok = validSymbol(p.symbol);
  if (!ok)
    c.fail(positionPath(i, "symbol"), p.symbol.empty() ? Rule("symbolEmpty") : Rule("symbolFormat"),
           {num("limit", kMaxSymbolLength)});
  // The path is built only for an error (Checker::positive passes exactly the isValidPositive values).
  auto positive = [&](const char* field, double x) {
    return isValidPositive(x) || c.positive(positionPath(i, field), x);
  };
  ok &= positive("contractSize", p.contractSize);
  ok &= positive("quantity", p.quantity);
  ok &= positive("entryPrice", p.entryPrice);
  if (p.markPrice) ok &= positive("markPrice", *p.markPrice);
  // At least kMinMagnitude: initial margin = notional / leverage stays finite (found by the fuzzer).
  ok &= positive("leverage", p.leverage);
  if (p.isolatedMargin) positive("isolatedMargin", *p.isolatedMargin);
  if (p.contract == Contract::Inverse && profileFor(s.rules).linearOnly) {
    c.fail(positionPath(i, "contract"), "inverseUnsupported", {text("rules", toString(s.rules)), text("asset", "USDC")});
    ok = false;  // no table of the profile is for it: its leverage is not checked against one
  } else if (i > 0 && p.contract != s.positions[0].contract) {
    c.fail(positionPath(i, "contract"), "mixedContract",
           {text("contract", toString(p.contract)), text("first", toString(s.positions[0].contract))});
    ok = false;  // its table is checked once its contract is the account's
  }
  if (!ok) return false;
  // One symbol has one mark: positions of it move together in cross margin.
  for (std::size_t j = 0; j < i; ++j) {
    const Position& q = s.positions[j];
    if (q.mark() != p.mark() && q.symbol == p.symbol && isValidPositive(q.mark())) {
      c.fail(positionPath(i, "markPrice"), "mixedMark",
             {num("value", p.mark()), text("entryNote", p.markPrice ? "" : ", its entry price"),
              num("other", static_cast<double>(j)), num("otherMark", q.mark())});
      return false;
    }
  }
  return true;
}

/// positions[i]'s leverage against the tier at its entry notional, in its table (given or shipped).
void checkLeverage(Checker& c, const Scenario& s, std::size_t i, bool tablesOk) {
  const Position& p = s.positions[i];
  const TierTable* table = nullptr;
  if (auto it = s.tiers.find(p.symbol); it != s.tiers.end()) {
    if (!tablesOk) return;
    table = &it->second;
  } else if (const DefaultTierTable* d = findDefaultTierTable(s.rules, p.symbol, p.contract)) {
    table = &d->tiers;
  } else {
    failNoTable(c, positionPath(i, "symbol"), s.rules, p.symbol, p.contract);
    return;
  }
  // The row at the entry notional, as tierIndexAt finds it (caps and leverages need no resolving).
  const double size = p.quantity * p.contractSize;
  const double entryNotional = p.contract == Contract::Linear ? size * p.entryPrice : size / p.entryPrice;
  if (entryNotional > table->back().notionalCap) {
    c.fail(positionPath(i, "quantity"), "entryAboveLastCap",
           {num("value", entryNotional), num("index", static_cast<double>(i)), num("limit", table->back().notionalCap)});
    return;
  }
  std::size_t row = 0;
  while (row + 1 < table->size() && !(entryNotional <= (*table)[row].notionalCap)) ++row;
  const Tier& tier = (*table)[row];
  if (p.leverage > tier.maxLeverage * (1 + 1e-12))
    c.fail(positionPath(i, "leverage"), "leverageAboveTier",
           {num("value", p.leverage), num("limit", tier.maxLeverage), num("notional", entryNotional)});
}

}  // namespace

std::vector<InputError> validate(const Scenario& s) {
  Checker c;
  const Profile& profile = profileFor(s.rules);
  checkAccount(c, s);
  const bool tablesOk = checkTables(c, s, profile);
  if (!c.listSize("positions", s.positions.size(), kMaxPositions, "position") && !s.positions.empty())
    return c.errors;
  for (std::size_t i = 0; i < s.positions.size(); ++i)
    if (checkPosition(c, s, i)) checkLeverage(c, s, i, tablesOk);
  return c.errors;
}

void failNoTable(Checker& c, const std::string& path, Rules rules, std::string_view symbol, Contract contract) {
  if (const DefaultTierTable* other = findDefaultTierTable(rules, symbol); other && other->contract && *other->contract != contract) {
    c.fail(path, "tierOtherContract", {text("rules", toString(rules)), text("symbol", std::string(symbol)),
                                       text("tableContract", toString(*other->contract))});
    return;
  }
  c.fail(path, "tierMissing", {text("rules", toString(rules)), text("symbol", std::string(symbol))});
}

}  // namespace marginlab
