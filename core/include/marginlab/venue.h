// SPDX-License-Identifier: MIT
// MarginLab: a venue's contract specification applied to a number: a price on the venue's tick
// (as its pages show a liquidation price) and a size in the venue's whole lots.
#pragma once

#include <string>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// How a venue rounds a computed price to its tick for display.
enum class TickRounding {
  Nearest,       ///< half away from zero; used where no source states a direction
  Conservative,  ///< toward the entry: a long's liquidation price up, a short's down (Bybit)
};

/// The rounding each profile's venue uses for a liquidation price (VENUES.md, per venue):
/// bybit, bybit-uta: Conservative (published inverse LP/BP rounded toward the entry, BY-7/BY-8);
/// binance ("display rounding to price tick", no direction), okx, bitmex, hyperliquid, dydx,
/// simple: no source states a direction, so Nearest.
TickRounding tickRoundingOf(Rules rules) noexcept;

struct TickRequest {
  Rules rules = Rules::Binance;
  Side side = Side::Long;
  double price = 0;     ///< the exact value (quote per base unit)
  double tickSize = 0;  ///< the venue's price step
  int sigFigs = 0;      ///< at most this many significant figures too (Hyperliquid: 5); 0 = no limit
};

struct TickResult {
  double price = 0;      ///< on the tick grid (and within sigFigs)
  double exact = 0;      ///< the request's price
  int decimals = 0;      ///< decimals that print the rounded price exactly (the tick's, at most 12)
  TickRounding rounding = TickRounding::Nearest;
  std::vector<Step> steps;  ///< explain() only
  std::vector<InputError> errors;
};

/// `price` on the venue's grid. Errors (not a price, tick not > 0, sigFigs outside 0..17) come back at
/// "price", "tickSize", "sigFigs".
TickResult roundToTick(const TickRequest& request);

/// The step of a rounded price (numbers first: called only when steps are asked for).
void explain(const TickRequest& request, TickResult& result);

struct LotRequest {
  Contract contract = Contract::Linear;
  double quantity = 0;      ///< a size as the scenario takes it (contracts x contractSize = base units, linear)
  double lotSize = 0;       ///< the venue's quantity step, in the same unit as quantity
  double contractSize = 1;  ///< base (linear) or quote (inverse) per contract
  std::string baseAsset;    ///< names the unit when one lot is one base unit step ("BTC"); may be empty
};

struct LotResult {
  double quantity = 0;  ///< floor(quantity / lotSize) lots, in quantity's unit: it still opens
  double lots = 0;      ///< the whole number of lots
  int decimals = 0;     ///< decimals that print quantity exactly (the lot size's, at most 12)
  std::string unit;     ///< baseAsset for a linear contract of size 1, else "contracts"
  std::vector<Step> steps;
  std::vector<InputError> errors;
};

/// The largest whole number of lots not above `quantity` (a size that opens stays one that opens).
LotResult wholeLots(const LotRequest& request);

/// The step of a size in whole lots (called only when steps are asked for).
void explain(const LotRequest& request, LotResult& result);

}  // namespace marginlab
