// SPDX-License-Identifier: MIT
// MarginLab: the rule profiles. Each switch names the VENUES.md section it implements.
#include "marginlab/profile.h"

namespace marginlab {

namespace {

constexpr Profile kProfiles[] = {
    // Binance USDS-M / COIN-M (VENUES.md 1.1): MM = notional * MMR - cum at the liquidation
    // price; no fee in the liquidation price (the clearance fee is charged after).
    {.rules = Rules::Binance,
     .source = "Binance futures FAQ: liquidation price (USDS-M, COIN-M) and leverage brackets"},
    // Bybit classic (VENUES.md 2.1, BY-1, BY-2, BY-8b): MM on the entry value.
    {.rules = Rules::Bybit,
     .basis = MaintenanceBasis::AtEntry,
     .defaultTakerFeeRate = 0.00055,
     .source = "Bybit help: Liquidation Price (USDT contract, inverse), classic account"},
    // Bybit Unified Trading Account (VENUES.md 2.1, BY-4): MM at the liquidation price, extra
    // margin divided by (1 -+ fee); the reported MM adds the fee to close.
    {.rules = Rules::BybitUta,
     .feeToCloseInReport = true,
     .extraMarginNetOfFee = true,
     .defaultTakerFeeRate = 0.00055,
     .source = "Bybit help: UTA trading rules, liquidation price under isolated mode"},
    // OKX (VENUES.md 3.1): margin ratio = (margin + UPL) / (notional * (MMR + fee)); tiers
    // without a deduction.
    {.rules = Rules::Okx,
     .feeInMaintenanceRate = true,
     .continuousAmounts = false,
     .defaultTakerFeeRate = 0.0005,
     .source = "OKX help: isolated margin mode, tiered maintenance margin ratio rules"},
    // Hyperliquid (VENUES.md 6.1): MMR = 1 / (2 * max leverage), deduction recurrence; every
    // perpetual is quoted and settled in USDC (linear), so an inverse contract is refused.
    {.rules = Rules::Hyperliquid,
     .rateFromMaxLeverage = true,
     .linearOnly = true,
     .source = "Hyperliquid docs: trading/liquidations, margin-tiers"},
    // BitMEX (VENUES.md 4.1): IM reserves entry and exit taker fees, MM adds the exit fee, both
    // on the entry value; risk-limit steps have no continuity amount.
    {.rules = Rules::Bitmex,
     .basis = MaintenanceBasis::AtEntry,
     .exitFeeInMaintenance = true,
     .feesInInitialMargin = true,
     .continuousAmounts = false,
     .defaultTakerFeeRate = 0.00075,
     .source = "BitMEX: risk limits, liquidation examples, contract specifications"},
    // dYdX v4 (VENUES.md 7.1): MMR_i = |S * P * MMF|, liquidatable when equity < total MMR.
    {.rules = Rules::Dydx,
     .continuousAmounts = false,
     .source = "dYdX v4 documentation: concepts/trading (margin, liquidations)"},
    // Textbook: MM = notional * MMR - amount at the liquidation price, no fees.
    {.rules = Rules::Simple, .source = "MarginLab textbook profile: no fees, continuous tiers"},
};

}  // namespace

const Profile& profileFor(Rules rules) noexcept { return kProfiles[static_cast<int>(rules)]; }

}  // namespace marginlab
