// SPDX-License-Identifier: MIT
// MarginLab: how a liquidation engine unwinds a position it took over, for teaching.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Most levels a book gives.
inline constexpr std::size_t kMaxBookLevels = 10'000;

/// One price level of the side of the book the engine trades against.
struct BookLevel {
  double price = 0;  ///< quote per base
  double size = 0;   ///< contracts available
};

enum class UnwindStyle { Market, Twap, Iceberg };
/// The engine's liquidation order (VENUES.md 8). Book: it fills through the book and the fund pays for
/// fills worse than the bankruptcy price while it can (BitMEX, MX-1). IocAtBankruptcy: an
/// immediate-or-cancel limit at the bankruptcy price fills only levels at or better than it (bids >= BP
/// for a long's sell, asks <= BP for a short's buy), the rest is taken over (Binance 1.1, Bybit 2.1).
enum class UnwindOrder { Book, IocAtBankruptcy };
/// Partial liquidation. None: the style's orders for the whole position (as before). Venue: the venue's
/// documented partial liquidation where the lab has it, otherwise as None (a step says why).
/// Hyperliquid (docs "Liquidations", partial liquidations; announcement 307): a liquidatable position over
/// 100,000 USDC notional sends 20% of it as a market liquidation order; during the 30 s cooldown after it,
/// the liquidation order is for the whole position; below 2/3 of the maintenance margin the backstop
/// (liquidator vault) takes it over. Isolated and cross (cross: the account's equity and maintenance).
/// The tiered venues step down the risk-limit tiers first (VENUES.md 1.1 Binance liquidation protocol
/// FAQ 360033525271: "one large IOC to reduce to a lower bracket"; 2.1 Bybit: "partial IOC to the lower
/// risk limit tier"; 4.1 BitMEX /app/liquidation: "FillOrKill sized to drop a tier"; 3.1 OKX: "reduce by
/// tiers", [UNVERIFIED]). How much each order closes and its order type are not published: the lab steps
/// down only when request.stepDown names its assumption (UnwindStepDown).
enum class UnwindPartial { None, Venue };
/// The step down the tiers (request.partial Venue on Binance, Bybit, Bybit UTA, BitMEX, OKX). None: not
/// modelled, the whole position is unwound (a step says why). LowerTierAssumed: each order reduces the
/// position to the cap of the next lower tier (the notional that puts it in that tier), then the margin is
/// checked at the mark (the liquidation price); met: the trader keeps the rest; not met: the next step
/// down, and from the lowest tier the whole rest. TwoTiersAssumed: the same, two tiers at a time (copies
/// of OKX's text, VENUES.md 3.1). Both are assumptions: the venues say "to a lower tier" without the
/// size, and the order is modelled as a market order walking the book (no limit price, depth taken does
/// not come back between the orders).
enum class UnwindStepDown { None, LowerTierAssumed, TwoTiersAssumed };
/// Hyperliquid's partial liquidation: the notional above which 20% is sent first, USDC.
inline constexpr double kHyperliquidPartialNotional = 100'000;
inline constexpr double kHyperliquidPartialShare = 0.2;
/// Hyperliquid's backstop: equity below this share of the maintenance margin.
inline constexpr double kHyperliquidBackstopShare = 2.0 / 3.0;
struct UnwindRequest {
  std::size_t position = 0;
  MarginMode mode = MarginMode::Isolated;  ///< whose liquidation and bankruptcy prices apply
  UnwindStyle style = UnwindStyle::Market;
  /// The book, best level first. Empty: a linear depth model from depthPerPercent.
  std::vector<BookLevel> book;
  double depthPerPercent = 0;   ///< contracts per 1% away from the takeover price (depth model)
  std::size_t slices = 1;       ///< TWAP: equal slices; Iceberg: slices of visibleSize
  double visibleSize = 0;       ///< Iceberg: contracts shown per slice
  double replenishFraction = 1; ///< share of consumed depth that returns between slices (0..1)
  double insuranceFund = 0;     ///< balance before, settlement asset
  UnwindOrder order = UnwindOrder::Book;  ///< the liquidation order's convention
  UnwindPartial partial = UnwindPartial::None;  ///< Venue needs style Market
  UnwindStepDown stepDown = UnwindStepDown::None;  ///< the tiered venues' step down (needs partial Venue)
};
/// One slice of the unwind: a row of the slice table. Prices are quote per base.
struct UnwindSlice {
  double quantity = 0, averagePrice = 0, worstPrice = 0;  ///< filled contracts; 0, 0, 0 when nothing filled
  double requested = 0;            ///< contracts the slice tried to close
  double unfilled = 0;             ///< requested - quantity: no depth left, beyond the IOC's limit, or the fund empty
  std::size_t levels = 0;          ///< book levels it traded against
  double insuranceFundChange = 0;  ///< this slice's fills against the bankruptcy price, settlement asset
  double insuranceFundAfter = 0;   ///< running fund balance after the slice (>= 0: 0 is an empty fund)
  double fundTakeover = 0;         ///< of unfilled: taken over by the fund at BP (its balance was > 0)
  double adlQuantity = 0;          ///< of unfilled: deleveraged at BP (the fund was empty)
  /// A partial order's contracts the book did not fill: they stay in the position (not in unfilled).
  double carried = 0;
};
struct UnwindResult {
  std::vector<UnwindSlice> slices;
  double averagePrice = 0;
  double bankruptcyPrice = 0, liquidationPrice = 0;
  double insuranceFundChange = 0;  ///< > 0: fills better than bankruptcy feed the fund
  double insuranceFundAfter = 0;
  double unfilled = 0;             ///< contracts not filled in the book: fundTakeover + adlQuantity
  bool autoDeleveraging = false;   ///< adlQuantity > 0: some contracts found neither a fill nor a fund with a balance
  std::vector<Step> steps;         ///< filled by explain() only
  double quantity = 0;             ///< contracts to close: the whole position
  double filled = 0;               ///< contracts filled in the book (quantity - unfilled)
  double worstPrice = 0;           ///< worst fill of the whole unwind
  bool depthModel = false;         ///< the book was empty: levels came from depthPerPercent
  /// 0-based first slice with an ADL quantity: where ADL starts. Absent when autoDeleveraging is false.
  std::optional<std::size_t> adlSlice;
  /// The average fill (long: below, short: above) at which the fund would be used up:
  /// linear BP - s*F/(Q*CS), inverse 1/(1/BP + s*F/(Q*CS)). Absent: the fund covers any price.
  std::optional<double> adlThresholdPrice;
  double fundTakeover = 0;  ///< contracts the insurance fund took over at BP (no ADL for them)
  double adlQuantity = 0;   ///< contracts deleveraged at BP against opposite positions
  /// The venue's partial liquidation applied (request.partial Venue, the venue has a rule, and the
  /// position qualifies): slice 1 is the partial order.
  bool partialLiquidation = false;
  /// Contracts the trader keeps: after the partial order the maintenance margin is met at the mark (the
  /// liquidation price). filled + unfilled + remaining = quantity.
  double remaining = 0;
  bool backstop = false;  ///< Hyperliquid: equity fell below 2/3 of MM; the vault (the fund) took the rest at BP
  std::size_t stepDownOrders = 0;  ///< the tier step-down orders sent (slices 0..stepDownOrders-1)
};
/// Every input error: the scenario's, then the request's. Checks: request.slices only for Twap,
/// request.visibleSize for Iceberg (at most 10,000 slices), request.replenishFraction for Twap
/// and Iceberg, request.depthPerPercent when the book is empty. Levels strictly descending (long)
/// / ascending (short), at or beyond the takeover price: a long sells into bids at or below LP, a
/// short buys asks at or above it. The position must have a liquidation and a bankruptcy price in
/// request.mode. request.partial Venue needs style Market (partialStyle).
std::vector<InputError> validate(const Scenario& scenario, const UnwindRequest& request);

/// Validates, then unwinds the whole position from its liquidation price in request.mode, fill by
/// fill (numbers only, no steps). Fills better than BP feed the fund. Order Book: a fill worse than
/// BP is taken only while the fund's running balance pays for it; at the level where it would fall
/// below zero only the part that brings it to exactly zero fills. Order IocAtBankruptcy: levels worse
/// than BP do not fill. insuranceFundAfter = insuranceFund + insuranceFundChange, never below zero.
/// Between slices the missing depth of every level recovers by replenishFraction: missing <- missing
/// * (1 - replenishFraction). Contracts a slice does not fill are that slice's unfilled (not carried
/// to the next slice): the fund takes them over at BP while its balance is > 0 (fundTakeover),
/// otherwise they are deleveraged at BP (adlQuantity).
/// Depth model: level k at LP*(1 - s*k/1000) with depthPerPercent/10 contracts, k = 0..999
/// for a long (down to 0.1% of LP) and k = 0..1000 for a short (up to 2*LP).
/// Partial (request.partial Venue, Hyperliquid's rule applies): slice 0 is 20% of the position (the depth it
/// takes does not come back); then at the mark LP, E1 = s*Q*CS*(LP - BP) - s*CS*(q1*LP - Σ q*p) against
/// MM1 = s*Q*CS*(LP - BP)*(Q - q1)/Q: E1 > MM1 keeps the rest (remaining), E1 < 2/3*MM1 hands it to the
/// fund at BP (backstop), otherwise slice 1 is a market order for the whole rest.
Result<UnwindResult> unwind(const Scenario& scenario, const UnwindRequest& request);

/// "Show the math": the steps of `result`, which unwind(scenario, request) returned. Changes no number.
void explain(const Scenario& scenario, const UnwindRequest& request, UnwindResult& result);

}  // namespace marginlab
