// SPDX-License-Identifier: MIT
// MarginLab: the tier tables each profile ships, with their source and date. Data only.
// Amounts left out are filled by the profile's continuity recurrence (see tiers.h).
#include <optional>
#include <span>
#include <string_view>

#include "marginlab/tiers.h"

namespace marginlab {

namespace {

/// Absent: the profile derives the rate (hyperliquid) or the amount (the continuity recurrence).
constexpr double kDerived = -1;

/// One row as the venue publishes it: cap, max leverage, maintenance rate and amount.
struct Row {
  double cap;
  double maxLeverage;
  double rate = kDerived;
  double amount = kDerived;
};

/// One shipped table as constant data; `symbols` are separated by single spaces.
struct Table {
  Rules rules;
  const char* symbols;
  std::span<const Row> rows;
  const char* source;
  const char* date;
  std::optional<Contract> contract;  ///< the contract its caps are for; none: any
};

// Binance USDS-M BTCUSDT brackets (notional in USDT), 2021 snapshot: VENUES.md 1.2, from the
// leverage-bracket table quoted in BN-1/BN-5 and the highfestiva gist b71e76f5.
constexpr Row kBinanceBtc[] = {{50'000, 125, 0.004, 0},           {250'000, 100, 0.005, 50},
                               {1'000'000, 50, 0.01, 1'300},      {10'000'000, 20, 0.025, 16'300},
                               {20'000'000, 10, 0.05, 266'300},   {50'000'000, 5, 0.10, 1'266'300},
                               {100'000'000, 4, 0.125, 2'516'300}, {200'000'000, 3, 0.15, 5'016'300},
                               {300'000'000, 2, 0.25, 25'016'300}, {500'000'000, 1, 0.50, 100'016'300}};
constexpr Row kBinanceEth[] = {{10'000, 100, 0.005, 0},          {100'000, 75, 0.0065, 15},
                               {500'000, 50, 0.01, 365},         {1'000'000, 25, 0.02, 5'365},
                               {2'000'000, 10, 0.05, 35'365},    {5'000'000, 5, 0.10, 135'365},
                               {10'000'000, 4, 0.125, 260'365},  {20'000'000, 3, 0.15, 510'365},
                               {50'000'000, 2, 0.25, 2'510'365}};
// Hyperliquid margin tiers (VENUES.md 6.1): BTC 0-150M 40x, >150M 20x; ETH 0-100M 25x,
// >100M 15x; SOL 0-70M 20x. MMR = 1 / (2 max leverage), deduction by recurrence.
constexpr Row kHyperliquidBtc[] = {{150'000'000, 40}, {1e12, 20}};
constexpr Row kHyperliquidEth[] = {{100'000'000, 25}, {1e12, 15}};
constexpr Row kHyperliquidSol[] = {{70'000'000, 20}, {1e12, 20}};
// Bybit linear BTCUSDT risk limits (MMR, IMR -> max leverage); deduction by recurrence.
constexpr Row kBybitBtc[] = {{2'000'000, 100, 0.005}, {4'000'000, 1 / 0.0175, 0.01}, {6'000'000, 40, 0.015}};
// dYdX v4 genesis "large-cap" parameters: IMF 5% (20x), MMF 3%; no tiers.
constexpr Row kDydx[] = {{1e12, 20, 0.03}};
// BitMEX XBTUSD risk limits (VENUES.md 4.1, MX-2): base MM 0.50%, IM 1.00%, base limit
// 200 XBT, step 150 XBT; each step adds the base MM to both. Notional in XBT.
constexpr Row kBitmexXbt[] = {{200, 100, 0.005, 0}, {350, 1 / 0.015, 0.010, 0}, {500, 50, 0.015, 0}, {650, 40, 0.020, 0}};
// Textbook profile: one row for every symbol.
constexpr Row kSimple[] = {{1e12, 125, 0.005}};

constexpr const char* kHyperliquidSource = "https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers";
constexpr const char* kBybitSource =
    "Bybit API derivatives/v3/public/risk-limit (testnet output quoted in "
    "carpenstar/bybitapi-sdk-derivatives RiskLimit/README.md)";

constexpr Table kTables[] = {
    {Rules::Binance, "BTCUSDT", kBinanceBtc,
     "Binance announcement 'Updates to Leverage and Margin Tiers of Binance Futures "
     "Contracts' (brackets, rates, max leverage); cum by the recurrence, as VENUES.md 1.2",
     "2021-03-18", Contract::Linear},
    {Rules::Binance, "ETHUSDT", kBinanceEth,
     "Binance ETHUSDT brackets and cum as quoted in VENUES.md 1.2; the max leverage column "
     "and the last cap were not found in a stored copy (edit them if they matter)",
     "2021", Contract::Linear},
    {Rules::Hyperliquid, "BTC BTCUSD BTCUSDC BTC-USD BTCUSDT", kHyperliquidBtc, kHyperliquidSource, "2025", Contract::Linear},
    {Rules::Hyperliquid, "ETH ETHUSD ETHUSDC ETH-USD ETHUSDT", kHyperliquidEth, kHyperliquidSource, "2025", Contract::Linear},
    {Rules::Hyperliquid, "SOL SOLUSD SOLUSDC SOL-USD SOLUSDT", kHyperliquidSol, kHyperliquidSource, "2025", Contract::Linear},
    {Rules::Bybit, "BTCUSDT", kBybitBtc, kBybitSource, "2023", Contract::Linear},
    {Rules::BybitUta, "BTCUSDT", kBybitBtc, kBybitSource, "2023", Contract::Linear},
    {Rules::Dydx, "BTC-USD ETH-USD BTCUSD ETHUSD BTCUSDC ETHUSDC BTCUSDT ETHUSDT", kDydx,
     "dydxprotocol/v4-chain sample_pregenesis.json (perpetuals: large-cap liquidity tier)", "2024", Contract::Linear},
    {Rules::Bitmex, "XBTUSD BTCUSD", kBitmexXbt,
     "https://www.bitmex.com/app/riskLimitsExamples and the XBTUSD /instrument response "
     "(riskLimit 200 XBT, riskStep 150 XBT)",
     "2024-11-24", Contract::Inverse},
    {Rules::Simple, "*", kSimple, "MarginLab textbook profile: 0.5% maintenance, up to 125x", "2026-11"},
};

std::vector<DefaultTierTable> makeTables() {
  std::vector<DefaultTierTable> out(std::size(kTables));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const Table& t = kTables[i];
    DefaultTierTable& d = out[i];
    d.rules = t.rules;
    for (std::string_view rest = t.symbols;;) {
      const std::size_t space = rest.find(' ');
      d.symbols.emplace_back(rest.substr(0, space));
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
    d.tiers.resize(t.rows.size());
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const Row& row = t.rows[r];
      Tier& tier = d.tiers[r];
      tier.notionalCap = row.cap;
      tier.maxLeverage = row.maxLeverage;
      if (row.rate != kDerived) tier.maintenanceMarginRate = row.rate;
      if (row.amount != kDerived) tier.maintenanceAmount = row.amount;
    }
    d.source = t.source;
    d.date = t.date;
    d.contract = t.contract;
  }
  return out;
}

}  // namespace

const std::vector<DefaultTierTable>& defaultTierTables() {
  static const std::vector<DefaultTierTable> tables = makeTables();
  return tables;
}

}  // namespace marginlab
