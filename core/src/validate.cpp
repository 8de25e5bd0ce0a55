// SPDX-License-Identifier: MIT
// MarginLab: the one entry check of a scenario.
#include "marginlab/validate.h"

#include <cmath>
#include <string>

#include "marginlab/format.h"
#include "marginlab/profile.h"
#include "marginlab/tiers.h"

namespace marginlab {

namespace {


class Checker {
 public:
  std::vector<InputError> errors;

  void add(std::string path, ErrorCode code, std::string message) {
    errors.push_back({std::move(path), code, std::move(message)});
  }

  /// A price, size or amount: finite and within [kMinMagnitude, kMaxMagnitude].
  bool positive(const std::string& path, double x) { return checkPositive(errors, path, x); }

  /// A balance: finite, 0 or within [kMinMagnitude, kMaxMagnitude]. A positive balance below
  /// kMinMagnitude (1e-316, found by the fuzzer) made maintenance / equity overflow to +inf.
  bool nonNegative(const std::string& path, double x) {
    if (!isValidNumber(x)) return add(path, ErrorCode::NotFinite, path + " must be a finite number"), false;
    if (x < 0) return add(path, ErrorCode::Negative, path + " (" + formatNumber(x) + ") must be >= 0"), false;
    if (x > kMaxMagnitude || (x > 0 && x < kMinMagnitude)) {
      add(path, ErrorCode::OutOfRange,
          path + " (" + formatNumber(x) + ") must be 0 or between " + formatNumber(kMinMagnitude) + " and " +
              formatNumber(kMaxMagnitude));
      return false;
    }
    return true;
  }
};

std::string positionPath(std::size_t i, std::string_view field) {
  return "positions[" + std::to_string(i) + "]." + std::string(field);
}

bool validSymbol(std::string_view symbol) noexcept {
  if (symbol.empty() || symbol.size() > kMaxSymbolLength) return false;
  for (char c : symbol)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

}  // namespace

bool checkPositive(std::vector<InputError>& errors, const std::string& path, double x) {
  if (!isValidNumber(x)) {
    errors.push_back({path, ErrorCode::NotFinite, path + " must be a finite number"});
    return false;
  }
  if (!(x > 0)) {
    errors.push_back({path, ErrorCode::NotPositive, path + " (" + formatNumber(x) + ") must be > 0"});
    return false;
  }
  if (x < kMinMagnitude || x > kMaxMagnitude) {
    errors.push_back({path, ErrorCode::OutOfRange,
                      path + " (" + formatNumber(x) + ") must be between " + formatNumber(kMinMagnitude) + " and " +
                          formatNumber(kMaxMagnitude)});
    return false;
  }
  return true;
}
std::vector<InputError> validate(const Scenario& s) {
  Checker c;
  const Profile& profile = profileFor(s.rules);
  if (s.version != 1) {
    c.add("version", ErrorCode::Unsupported,
          "version (" + std::to_string(s.version) + ") is not supported: this build reads version 1");
  }
  c.nonNegative("walletBalance", s.walletBalance);
  if (s.takerFeeRate) {
    const double f = *s.takerFeeRate;
    if (!isValidNumber(f)) {
      c.add("takerFeeRate", ErrorCode::NotFinite, "takerFeeRate must be a finite number");
    } else if (!(f >= 0 && f < 0.1)) {
      c.add("takerFeeRate", ErrorCode::OutOfRange,
            "takerFeeRate (" + formatNumber(f) + ") must be >= 0 and < 0.1 (a fraction: 0.0005 is 0.05%)");
    }
  }
  const double fee = s.takerFeeRate.value_or(profile.defaultTakerFeeRate);

  // Tier tables the scenario gives, checked whether or not a position uses them.
  bool tablesOk = true;
  for (const auto& [symbol, table] : s.tiers) {
    const std::string path = "tiers." + symbol;
    if (!validSymbol(symbol)) {
      c.add(path, ErrorCode::OutOfRange,
            "tier table key must be a symbol of 1 to " + std::to_string(kMaxSymbolLength) +
                " printable characters without spaces");
      tablesOk = false;
      continue;
    }
    auto tableErrors = validateTierTable(table, profile, path);
    if (tableErrors.empty() && profile.feeInMaintenanceRate && isValidNumber(fee)) {
      for (std::size_t j = 0; j < table.size(); ++j) {
        const double rate = table[j].maintenanceMarginRate.value_or(0);
        if (rate + fee >= 1) {
          const std::string p = path + "[" + std::to_string(j) + "].maintenanceMarginRate";
          tableErrors.push_back({p, ErrorCode::OutOfRange,
                                 p + " (" + formatNumber(rate) + ") plus takerFeeRate (" + formatNumber(fee) +
                                     ") must be < 1"});
        }
      }
    }
    if (!tableErrors.empty()) tablesOk = false;
    c.errors.insert(c.errors.end(), tableErrors.begin(), tableErrors.end());
  }

  if (s.positions.empty()) {
    c.add("positions", ErrorCode::Empty, "positions must hold at least one position");
  } else if (s.positions.size() > kMaxPositions) {
    c.add("positions", ErrorCode::TooMany,
          "positions has " + std::to_string(s.positions.size()) + " entries; at most " +
              std::to_string(kMaxPositions) + " are accepted");
    return c.errors;
  }

  for (std::size_t i = 0; i < s.positions.size(); ++i) {
    const Position& p = s.positions[i];
    bool ok = true;
    if (!validSymbol(p.symbol)) {
      c.add(positionPath(i, "symbol"), p.symbol.empty() ? ErrorCode::Empty : ErrorCode::OutOfRange,
            positionPath(i, "symbol") + " must be 1 to " + std::to_string(kMaxSymbolLength) +
                " printable characters without spaces");
      ok = false;
    }
    // The path is built only for an error (checkPositive passes exactly the isValidPositive
    // values).
    auto positive = [&](const char* field, double x) {
      return isValidPositive(x) || c.positive(positionPath(i, field), x);
    };
    ok &= positive("contractSize", p.contractSize);
    ok &= positive("quantity", p.quantity);
    ok &= positive("entryPrice", p.entryPrice);
    if (p.markPrice) ok &= positive("markPrice", *p.markPrice);
    // At least kMinMagnitude: initial margin = notional / leverage stays finite (found by the
    // fuzzer).
    ok &= positive("leverage", p.leverage);
    if (p.isolatedMargin) positive("isolatedMargin", *p.isolatedMargin);
    if (i > 0 && p.contract != s.positions[0].contract) {
      c.add(positionPath(i, "contract"), ErrorCode::Mixed,
            positionPath(i, "contract") + " is " + std::string(toString(p.contract)) + " but positions[0] is " +
                std::string(toString(s.positions[0].contract)) +
                ": one account settles in one asset, so linear and inverse cannot share it");
    }
    if (!ok || !validSymbol(p.symbol)) continue;
    // One symbol has one mark: positions of it move together in cross margin.
    for (std::size_t j = 0; j < i; ++j) {
      const Position& q = s.positions[j];
      if (q.symbol == p.symbol && isValidPositive(q.mark()) && q.mark() != p.mark()) {
        c.add(positionPath(i, "markPrice"), ErrorCode::Mixed,
              positionPath(i, "markPrice") + " (" + formatNumber(p.mark()) + (p.markPrice ? "" : ", its entry price") +
                  ") must equal the mark of positions[" + std::to_string(j) + "] (" + formatNumber(q.mark()) +
                  "): one symbol has one mark price");
        ok = false;
        break;
      }
    }
    if (!ok) continue;

    // Leverage against the tier at the entry notional.
    const TierTable* table = nullptr;
    if (auto it = s.tiers.find(p.symbol); it != s.tiers.end()) {
      if (!tablesOk) continue;
      table = &it->second;
    } else if (const DefaultTierTable* d = findDefaultTierTable(s.rules, p.symbol)) {
      table = &d->tiers;
    } else {
      c.add(positionPath(i, "symbol"), ErrorCode::TierMissing,
            "the " + std::string(toString(s.rules)) + " profile ships no tier table for " + p.symbol +
                ": give one in tiers." + p.symbol);
      continue;
    }
    // The row at the entry notional, as tierIndexAt finds it (caps and leverages need no resolving).
    const double size = p.quantity * p.contractSize;
    const double entryNotional = p.contract == Contract::Linear ? size * p.entryPrice : size / p.entryPrice;
    if (entryNotional > table->back().notionalCap) {
      c.add(positionPath(i, "quantity"), ErrorCode::OutOfRange,
            "the entry notional (" + formatNumber(entryNotional) + ") of positions[" + std::to_string(i) +
                "] exceeds the last tier's cap (" + formatNumber(table->back().notionalCap) + ")");
      continue;
    }
    std::size_t row = 0;
    while (row + 1 < table->size() && !(entryNotional <= (*table)[row].notionalCap)) ++row;
    const Tier& tier = (*table)[row];
    if (p.leverage > tier.maxLeverage * (1 + 1e-12)) {
      c.add(positionPath(i, "leverage"), ErrorCode::OutOfRange,
            positionPath(i, "leverage") + " (" + formatNumber(p.leverage) + ") must be <= " +
                formatNumber(tier.maxLeverage) + " for the tier at notional " + formatNumber(entryNotional));
    }
  }
  return c.errors;
}

}  // namespace marginlab
