// SPDX-License-Identifier: MIT
// MarginLab: order-level arithmetic the venues publish: average entry after several fills,
// and the cost to open an order. Kernels: inputs must be finite and > 0 (validate first).
#pragma once

#include <span>
#include <vector>

#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// One opening fill.
struct Fill {
  double quantity = 0;  ///< contracts (inverse: quote value), > 0
  double price = 0;     ///< quote per base, > 0
};

/// Average entry after opening fills. Linear: size-weighted arithmetic mean; inverse:
/// harmonic mean (sum q / sum q/p), as Bybit documents (article 000001113) and BitMEX does.
double averageEntry(Contract contract, std::span<const Fill> fills) noexcept;

/// BitMEX average entry of an inverse contract (support article 6205210741277): each fill's
/// value lotSize / price in XBT is floored to 8 decimals for longs and rounded for shorts.
double averageEntryBitmex(Side side, double lotSize, std::span<const Fill> fills) noexcept;

/// What opening an order costs, in the settlement asset.
struct OrderCost {
  double initialMargin = 0;
  double openLoss = 0;  ///< Binance: the loss already on the book when the order fills against the mark
  double openFee = 0;   ///< Bybit: taker fee on the order value
  double closeFee = 0;  ///< Bybit: taker fee to close at the bankruptcy price
  double total = 0;
  std::vector<Step> steps;  ///< filled by the explain functions only
};

/// Binance "cost to open" (FAQ 87fa7ee33b574f7084d42bd2ce2e463b), linear:
/// IM = Q*P/L; open loss = Q * |min(0, dir * (mark - P))|, dir = +1 buy, -1 sell.
OrderCost binanceCostToOpen(Side side, double quantity, double orderPrice, double markPrice, double leverage) noexcept;
/// "Show the math" of `cost`, which binanceCostToOpen() returned for the same arguments. Changes no number.
void explainBinanceCostToOpen(Side side, double quantity, double orderPrice, double markPrice, double leverage,
                              OrderCost& cost);

/// Bybit order cost (Order-Cost-USDT-Contract, inverse page): IM + fee to open + fee to close,
/// the fee to close valued at the bankruptcy price EP(1 -+ 1/L) (inverse: EP*L/(L +- 1)).
/// `quantity` is base units (linear) or USD contracts (inverse, contract size 1).
OrderCost bybitOrderCost(Contract contract, Side side, double quantity, double price, double leverage,
                         double takerFeeRate) noexcept;
/// "Show the math" of `cost`, which bybitOrderCost() returned for the same arguments. Changes no number.
void explainBybitOrderCost(Contract contract, Side side, double quantity, double price, double leverage,
                           double takerFeeRate, OrderCost& cost);

}  // namespace marginlab
