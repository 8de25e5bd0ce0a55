// SPDX-License-Identifier: MIT
// MarginLab: the scenario a user enters (DESIGN.md, "Scenario format (version 1)").
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace marginlab {

/// Formula profile: which venue's published rules compute margin and liquidation.
enum class Rules { Binance, Bybit, BybitUta, Okx, Hyperliquid, Bitmex, Dydx, Simple };
/// Linear contracts settle in the quote asset; inverse contracts settle in the coin.
enum class Contract { Linear, Inverse };
enum class Side { Long, Short };
enum class MarginMode { Isolated, Cross };

/// One row of a tier (bracket, risk limit) table.
struct Tier {
  double notionalCap = 0;  ///< upper bound of the notional this row covers; linear: quote, inverse: coin
  double maxLeverage = 1;  ///< highest leverage allowed while the entry notional is in this row
  /// Fraction of notional. Optional only for `hyperliquid`, which derives 1 / (2 * maxLeverage).
  std::optional<double> maintenanceMarginRate;
  /// Settlement asset; maintenance margin = notional * rate - amount. Default: the continuity
  /// recurrence amount_n = floor_n * (rate_n - rate_{n-1}) + amount_{n-1} for profiles whose
  /// venues publish it (binance, bybit, hyperliquid, simple), 0 for the others.
  std::optional<double> maintenanceAmount;
};

/// Rows sorted by notionalCap ascending; a row covers notionals above the previous cap up to
/// its own. Notionals above the last cap use the last row.
using TierTable = std::vector<Tier>;

/// One perpetual or futures position as entered. Prices are quote per base unit.
struct Position {
  std::string symbol;                    ///< e.g. "BTCUSDT"; selects the tier table
  Contract contract = Contract::Linear;  ///< linear | inverse
  double contractSize = 1;               ///< linear: base per contract; inverse: quote per contract
  Side side = Side::Long;
  double quantity = 0;                   ///< contracts, > 0
  double entryPrice = 0;                 ///< quote per base, > 0
  std::optional<double> markPrice;       ///< quote per base; default: entryPrice
  double leverage = 1;                   ///< > 0 and <= the tier's maxLeverage at the entry notional; default 1
  std::optional<MarginMode> marginMode;  ///< absent: compare both modes
  /// Settlement asset; default: the profile's initial margin at entry (notional / leverage).
  std::optional<double> isolatedMargin;

  [[nodiscard]] double mark() const noexcept { return markPrice.value_or(entryPrice); }
};

struct Scenario {
  int version = 1;
  Rules rules = Rules::Binance;
  double walletBalance = 0;  ///< collateral in the settlement asset (quote for linear, coin for inverse)
  /// Fraction of notional, where the profile charges a fee in its margin (okx, bybit-uta,
  /// bitmex). Default: the profile's own taker rate.
  std::optional<double> takerFeeRate;
  std::vector<Position> positions;
  /// Per symbol; otherwise the profile's default table for that symbol.
  std::map<std::string, TierTable, std::less<>> tiers;
};

/// The strings JS and JSON use ("binance", "linear", "long", "isolated").
std::string_view toString(Rules) noexcept;
std::string_view toString(Contract) noexcept;
std::string_view toString(Side) noexcept;
std::string_view toString(MarginMode) noexcept;
std::optional<Rules> parseRules(std::string_view) noexcept;
std::optional<Contract> parseContract(std::string_view) noexcept;
std::optional<Side> parseSide(std::string_view) noexcept;
std::optional<MarginMode> parseMarginMode(std::string_view) noexcept;

/// The asset a position's amounts settle in, named from its symbol. Linear: the quote asset
/// (USDT, USDC, FDUSD, BUSD or USD, at the end of the symbol or before a '-' or '_'; "quote" when
/// none is found). Inverse: the coin (the symbol's leading letters and digits without a USD,
/// USDT or USDC suffix and without any '-' or '_' part, so "BTCUSD_PERP" is BTC and "XBTUSD" is
/// XBT; "coin" when the symbol has no such form). Case-insensitive; the answer is upper case.
std::string settlementAsset(std::string_view symbol, Contract contract);

/// +1 for long, -1 for short.
constexpr double sign(Side s) noexcept { return s == Side::Long ? 1.0 : -1.0; }

/// Every accepted profile string, in the order of the enum.
inline constexpr std::string_view kRuleNames[] = {"binance", "bybit", "bybit-uta", "okx",
                                                  "hyperliquid", "bitmex", "dydx", "simple"};

}  // namespace marginlab
