// SPDX-License-Identifier: MIT
// MarginLab: average entry and order cost.
#include "marginlab/orders.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>

#include "marginlab/format.h"
#include "explain.h"
#include "risk_steps.h"

namespace marginlab {

namespace {

using detail::n;

}  // namespace

double averageEntry(Contract contract, std::span<const Fill> fills) noexcept {
  double size = 0, weighted = 0;
  for (const Fill& f : fills) {
    size += f.quantity;
    weighted += contract == Contract::Linear ? f.quantity * f.price : f.quantity / f.price;
  }
  return contract == Contract::Linear ? weighted / size : size / weighted;
}

double averageEntryBitmex(Side side, double lotSize, std::span<const Fill> fills) noexcept {
  double size = 0, value = 0;
  for (const Fill& f : fills) {
    const double satoshis = lotSize / f.price * 1e8;
    const double perLot = (side == Side::Long ? std::floor(satoshis) : std::round(satoshis)) / 1e8;
    value += perLot * f.quantity;
    size += f.quantity;
  }
  return lotSize / (value / size);
}

OrderCost binanceCostToOpen(Side side, double quantity, double orderPrice, double markPrice,
                            double leverage) noexcept {
  OrderCost c;
  const double dir = sign(side);
  c.initialMargin = quantity * orderPrice / leverage;
  c.openLoss = quantity * std::abs(std::min(0.0, dir * (markPrice - orderPrice)));
  c.total = c.initialMargin + c.openLoss;
  return c;
}

void explainBinanceCostToOpen(Side side, double quantity, double orderPrice, double markPrice, double leverage,
                              OrderCost& c) {
  const double dir = sign(side);
  c.steps.clear();
  detail::codedStep(c.steps, "orders.initialMargin", {{"quantity", quantity}, {"price", orderPrice}, {"leverage", leverage}},
       "initialMargin", "Initial margin of the order", "IM = Q·P / L",
       n(quantity) + "×" + n(orderPrice) + " / " + n(leverage), c.initialMargin);
  detail::codedStep(c.steps, "orders.openLoss",
       {{"quantity", quantity}, {"direction", dir}, {"markPrice", markPrice}, {"price", orderPrice}}, "openLoss",
       "Open loss: the order's price against the mark", "Q·|min(0, dir·(P_mark − P))|",
       n(quantity) + "×|min(0, " + n(dir) + "×(" + n(markPrice) + " − " + n(orderPrice) + "))|", c.openLoss);
  detail::codedStep(c.steps, "orders.costToOpen", {{"initialMargin", c.initialMargin}, {"openLoss", c.openLoss}}, "total",
       "Cost to open", "cost = IM + open loss", n(c.initialMargin) + " + " + n(c.openLoss), c.total);
}

OrderCost bybitOrderCost(Contract contract, Side side, double quantity, double price, double leverage,
                         double takerFeeRate) noexcept {
  OrderCost c;
  const double s = sign(side);
  const bool linear = contract == Contract::Linear;
  const double value = linear ? quantity * price : quantity / price;
  const double bankruptcy = linear ? price * (1 - s / leverage) : price * leverage / (leverage + s);
  const double closeValue = linear ? quantity * bankruptcy : quantity / bankruptcy;
  c.initialMargin = value / leverage;
  c.openFee = value * takerFeeRate;
  c.closeFee = closeValue * takerFeeRate;
  c.total = c.initialMargin + c.openFee + c.closeFee;
  return c;
}

void explainBybitOrderCost(Contract contract, Side side, double quantity, double price, double leverage,
                           double takerFeeRate, OrderCost& c) {
  const double s = sign(side);
  const bool linear = contract == Contract::Linear;
  const double value = linear ? quantity * price : quantity / price;
  const double bankruptcy = linear ? price * (1 - s / leverage) : price * leverage / (leverage + s);
  c.steps.clear();
  detail::codedStep(c.steps, "orders.initialMargin", {{"value", value}, {"leverage", leverage}}, "initialMargin",
       "Initial margin", "IM = value / L", n(value) + " / " + n(leverage), c.initialMargin);
  detail::codedStep(c.steps, "orders.openFee", {{"value", value}, {"takerFeeRate", takerFeeRate}}, "openFee", "Fee to open",
       "value·fee", n(value) + "×" + n(takerFeeRate), c.openFee);
  detail::codedStep(c.steps, linear ? "orders.closeFeeLinear" : "orders.closeFeeInverse",
       {{"quantity", quantity}, {"bankruptcyPrice", bankruptcy}, {"takerFeeRate", takerFeeRate}}, "closeFee",
       "Fee to close at the bankruptcy price " + n(bankruptcy), linear ? "Q·BP·fee" : "Q / BP·fee",
       linear ? n(quantity) + "×" + n(bankruptcy) + "×" + n(takerFeeRate)
              : n(quantity) + " / " + n(bankruptcy) + "×" + n(takerFeeRate),
       c.closeFee);
  detail::codedStep(c.steps, "orders.orderCost",
       {{"initialMargin", c.initialMargin}, {"openFee", c.openFee}, {"closeFee", c.closeFee}}, "total",
       "Order cost", "cost = IM + fee to open + fee to close",
       n(c.initialMargin) + " + " + n(c.openFee) + " + " + n(c.closeFee), c.total);
}

}  // namespace marginlab
