// SPDX-License-Identifier: MIT
// MarginLab: the tier tables each profile ships, with their source and date. Data only.
// Amounts left out are filled by the profile's continuity recurrence (see tiers.h).
#include "marginlab/tiers.h"

namespace marginlab {

namespace {

/// Row with an explicit rate and amount, as the venue publishes it.
Tier row(double cap, double maxLeverage, double rate, double amount) {
  return Tier{.notionalCap = cap, .maxLeverage = maxLeverage, .maintenanceMarginRate = rate,
              .maintenanceAmount = amount};
}
/// Row with the rate only; the amount follows from the profile.
Tier rateRow(double cap, double maxLeverage, double rate) {
  return Tier{.notionalCap = cap, .maxLeverage = maxLeverage, .maintenanceMarginRate = rate};
}
/// Row with the leverage only (hyperliquid derives the rate and the deduction).
Tier leverageRow(double cap, double maxLeverage) {
  return Tier{.notionalCap = cap, .maxLeverage = maxLeverage};
}

std::vector<DefaultTierTable> makeTables() {
  std::vector<DefaultTierTable> t;
  // Binance USDS-M BTCUSDT brackets (notional in USDT), 2021 snapshot: VENUES.md 1.2, from the
  // leverage-bracket table quoted in BN-1/BN-5 and the highfestiva gist b71e76f5.
  t.push_back({Rules::Binance,
               {"BTCUSDT"},
               {row(50'000, 125, 0.004, 0), row(250'000, 100, 0.005, 50),
                row(1'000'000, 50, 0.01, 1'300), row(10'000'000, 20, 0.025, 16'300),
                row(20'000'000, 10, 0.05, 266'300), row(50'000'000, 5, 0.10, 1'266'300),
                row(100'000'000, 4, 0.125, 2'516'300), row(200'000'000, 3, 0.15, 5'016'300),
                row(300'000'000, 2, 0.25, 25'016'300), row(500'000'000, 1, 0.50, 100'016'300)},
               "Binance announcement 'Updates to Leverage and Margin Tiers of Binance Futures "
               "Contracts' (brackets, rates, max leverage); cum by the recurrence, as VENUES.md 1.2",
               "2021-03-18"});
  t.push_back({Rules::Binance,
               {"ETHUSDT"},
               {row(10'000, 100, 0.005, 0), row(100'000, 75, 0.0065, 15),
                row(500'000, 50, 0.01, 365), row(1'000'000, 25, 0.02, 5'365),
                row(2'000'000, 10, 0.05, 35'365), row(5'000'000, 5, 0.10, 135'365),
                row(10'000'000, 4, 0.125, 260'365), row(20'000'000, 3, 0.15, 510'365),
                row(50'000'000, 2, 0.25, 2'510'365)},
               "Binance ETHUSDT brackets and cum as quoted in VENUES.md 1.2; the max leverage column "
               "and the last cap were not found in a stored copy (edit them if they matter)",
               "2021"});
  // Hyperliquid margin tiers (VENUES.md 6.1): BTC 0-150M 40x, >150M 20x; ETH 0-100M 25x,
  // >100M 15x; SOL 0-70M 20x. MMR = 1 / (2 max leverage), deduction by recurrence.
  t.push_back({Rules::Hyperliquid,
               {"BTC", "BTCUSD", "BTCUSDC", "BTC-USD", "BTCUSDT"},
               {leverageRow(150'000'000, 40), leverageRow(1e12, 20)},
               "https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers",
               "2025"});
  t.push_back({Rules::Hyperliquid,
               {"ETH", "ETHUSD", "ETHUSDC", "ETH-USD", "ETHUSDT"},
               {leverageRow(100'000'000, 25), leverageRow(1e12, 15)},
               "https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers",
               "2025"});
  t.push_back({Rules::Hyperliquid,
               {"SOL", "SOLUSD", "SOLUSDC", "SOL-USD", "SOLUSDT"},
               {leverageRow(70'000'000, 20), leverageRow(1e12, 20)},
               "https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers",
               "2025"});
  // Bybit linear BTCUSDT risk limits (MMR, IMR -> max leverage); deduction by recurrence.
  t.push_back({Rules::Bybit,
               {"BTCUSDT"},
               {rateRow(2'000'000, 100, 0.005), rateRow(4'000'000, 1 / 0.0175, 0.01),
                rateRow(6'000'000, 40, 0.015)},
               "Bybit API derivatives/v3/public/risk-limit (testnet output quoted in "
               "carpenstar/bybitapi-sdk-derivatives RiskLimit/README.md)",
               "2023"});
  t.push_back({Rules::BybitUta,
               {"BTCUSDT"},
               {rateRow(2'000'000, 100, 0.005), rateRow(4'000'000, 1 / 0.0175, 0.01),
                rateRow(6'000'000, 40, 0.015)},
               "Bybit API derivatives/v3/public/risk-limit (testnet output quoted in "
               "carpenstar/bybitapi-sdk-derivatives RiskLimit/README.md)",
               "2023"});
  // dYdX v4 genesis "large-cap" parameters: IMF 5% (20x), MMF 3%; no tiers.
  t.push_back({Rules::Dydx,
               {"BTC-USD", "ETH-USD", "BTCUSD", "ETHUSD", "BTCUSDC", "ETHUSDC", "BTCUSDT", "ETHUSDT"},
               {rateRow(1e12, 20, 0.03)},
               "dydxprotocol/v4-chain sample_pregenesis.json (perpetuals: large-cap liquidity tier)",
               "2024"});
  // BitMEX XBTUSD risk limits (VENUES.md 4.1, MX-2): base MM 0.50%, IM 1.00%, base limit
  // 200 XBT, step 150 XBT; each step adds the base MM to both. Notional in XBT.
  t.push_back({Rules::Bitmex,
               {"XBTUSD", "BTCUSD"},
               {row(200, 100, 0.005, 0), row(350, 1 / 0.015, 0.010, 0),
                row(500, 50, 0.015, 0), row(650, 40, 0.020, 0)},
               "https://www.bitmex.com/app/riskLimitsExamples and the XBTUSD /instrument response "
               "(riskLimit 200 XBT, riskStep 150 XBT)",
               "2024-11-24"});
  // Textbook profile: one row for every symbol.
  t.push_back({Rules::Simple,
               {"*"},
               {rateRow(1e12, 125, 0.005)},
               "MarginLab textbook profile: 0.5% maintenance, up to 125x",
               "2026-11"});
  return t;
}

}  // namespace

const std::vector<DefaultTierTable>& defaultTierTables() {
  static const std::vector<DefaultTierTable> tables = makeTables();
  return tables;
}

}  // namespace marginlab
