// SPDX-License-Identifier: MIT
// Average entry and order cost against the venues' published examples (VENUES.md).
#include "support.h"

using namespace mltest;

TEST_CASE("BY-12: inverse average entry is harmonic", "[orders][bybit]") {
  // Bybit article 000001113: 50 @ 10,000 + 50 @ 15,000 -> 12,000.
  // 100 / (50/10000 + 50/15000) = 100 / (0.005 + 0.00333...) = 12,000. Tolerance 1e-12 rel.
  const Fill fills[] = {{50, 10'000}, {50, 15'000}};
  CHECK_THAT(averageEntry(Contract::Inverse, fills), WithinRel(12'000.0, 1e-12));
}

TEST_CASE("BY-13: linear average entry is arithmetic", "[orders][bybit]") {
  // Bybit article 000001113: 1 @ 10,000 + 2 @ 13,000 -> 12,000; USDC: 0.5 @ 50,000 + 0.8 @
  // 51,000 -> (25,000 + 40,800) / 1.3 = 50,615.38.
  const Fill usdt[] = {{1, 10'000}, {2, 13'000}};
  CHECK_THAT(averageEntry(Contract::Linear, usdt), WithinRel(12'000.0, 1e-12));
  const Fill usdc[] = {{0.5, 50'000}, {0.8, 51'000}};
  CHECK_THAT(averageEntry(Contract::Linear, usdc), WithinAbs(50'615.38, 0.005));
}

TEST_CASE("MX-3: BitMEX average entry in satoshis", "[orders][bitmex]") {
  // BitMEX support article 6205210741277: long 100 @ 29,800 + 200 @ 30,000, lot 100.
  // Per lot: 100/29800 = 0.0033557046 -> floor 0.00335570; 100/30000 -> 0.00333333.
  // Average (0.00335570*100 + 0.00333333*200) / 300 = 0.003340787 -> 100 / that = 29,933.07.
  const Fill fills[] = {{100, 29'800}, {200, 30'000}};
  CHECK_THAT(averageEntryBitmex(Side::Long, 100, fills), WithinAbs(29'933.07, 0.005));
  // The arithmetic mean (29,933.33) is what BitMEX does not do.
  CHECK(std::abs(averageEntryBitmex(Side::Long, 100, fills) - 29'933.33) > 0.1);
}

TEST_CASE("BN-6: Binance cost to open", "[orders][binance]") {
  // Binance FAQ 87fa7ee3: 1 BTC, order 9,253.30, 20x, mark 9,259.84.
  // IM = 9253.30 / 20 = 462.665 (the page shows 462.66); open loss long 0, short
  // |min(0, -1 x (9259.84 - 9253.30))| = 6.54; cost long 462.665, short 469.205 (page: 469.20).
  // Tolerance: 1e-9 abs on the unrounded values; the page truncates to the cent.
  const OrderCost buy = binanceCostToOpen(Side::Long, 1, 9'253.30, 9'259.84, 20);
  CHECK_THAT(buy.initialMargin, WithinAbs(462.665, 1e-9));
  CHECK_THAT(buy.openLoss, WithinAbs(0.0, 1e-12));
  CHECK_THAT(std::floor(buy.total * 100) / 100, WithinAbs(462.66, 1e-9));
  const OrderCost sell = binanceCostToOpen(Side::Short, 1, 9'253.30, 9'259.84, 20);
  CHECK_THAT(sell.openLoss, WithinAbs(6.54, 1e-9));
  CHECK_THAT(std::floor(sell.total * 100) / 100, WithinAbs(469.20, 1e-9));
  // BN-6b (2021 copy): order 34,764.02, 20x, mark 34,770.73: IM 1,738.20, short open loss 6.71.
  const OrderCost b = binanceCostToOpen(Side::Short, 1, 34'764.02, 34'770.73, 20);
  CHECK_THAT(std::floor(b.initialMargin * 100) / 100, WithinAbs(1'738.20, 1e-9));
  CHECK_THAT(b.openLoss, WithinAbs(6.71, 1e-9));
}

TEST_CASE("BY-9, BY-10, BY-11: Bybit order cost", "[orders][bybit]") {
  // BY-9 (Order-Cost-USDT-Contract): long 1 BTC @ 50,000, 10x, fee 0.055%:
  // IM 5,000 + open 50,000 x 0.00055 = 27.5 + close 45,000 x 0.00055 = 24.75 -> 5,052.25.
  const OrderCost a = bybitOrderCost(Contract::Linear, Side::Long, 1, 50'000, 10, 0.00055);
  CHECK_THAT(a.initialMargin, WithinAbs(5'000, 1e-9));
  CHECK_THAT(a.openFee, WithinAbs(27.5, 1e-9));
  CHECK_THAT(a.closeFee, WithinAbs(24.75, 1e-9));
  CHECK_THAT(a.total, WithinAbs(5'052.25, 1e-9));
  // BY-10 (inverse): long 10,000 USD ETHUSD @ 2,000, 25x, fee 0.055%: IM 5/25 = 0.2 ETH,
  // open 5 x 0.00055 = 0.00275, close at BP 2000*25/26: 5.2 x 0.00055 = 0.00286 -> 0.20561.
  const OrderCost b = bybitOrderCost(Contract::Inverse, Side::Long, 10'000, 2'000, 25, 0.00055);
  CHECK_THAT(b.initialMargin, WithinAbs(0.2, 1e-12));
  CHECK_THAT(b.openFee, WithinAbs(0.00275, 1e-12));
  CHECK_THAT(b.closeFee, WithinAbs(0.00286, 1e-12));
  CHECK_THAT(b.total, WithinAbs(0.20561, 1e-12));
  // BY-11 (older page): long 1 BTC @ 10,000, 50x, fee 0.075%: 200 + 7.5 + 7.35 = 214.85.
  const OrderCost c = bybitOrderCost(Contract::Linear, Side::Long, 1, 10'000, 50, 0.00075);
  CHECK_THAT(c.total, WithinAbs(214.85, 1e-9));
  CHECK(c.steps.empty());  // numbers only until explained
}

TEST_CASE("Order cost: the explanation changes no number and ends with the total", "[orders][explain]") {
  for (Side side : {Side::Long, Side::Short}) {
    const OrderCost plain = binanceCostToOpen(side, 1, 9'253.30, 9'259.84, 20);
    OrderCost explained = plain;
    explainBinanceCostToOpen(side, 1, 9'253.30, 9'259.84, 20, explained);
    CHECK(explained.initialMargin == plain.initialMargin);
    CHECK(explained.openLoss == plain.openLoss);
    CHECK(explained.total == plain.total);
    REQUIRE(explained.steps.size() == 3);
    CHECK(explained.steps[0].substituted == "1×9253.3 / 20");
    CHECK(explained.steps.back().value == plain.total);
    CHECK(explained.steps.back().code == "orders.costToOpen");
    for (Contract contract : {Contract::Linear, Contract::Inverse}) {
      const double quantity = contract == Contract::Linear ? 1 : 10'000;
      const OrderCost bybit = bybitOrderCost(contract, side, quantity, 2'000, 25, 0.00055);
      OrderCost shown = bybit;
      explainBybitOrderCost(contract, side, quantity, 2'000, 25, 0.00055, shown);
      CHECK(shown.initialMargin == bybit.initialMargin);
      CHECK(shown.openFee == bybit.openFee);
      CHECK(shown.closeFee == bybit.closeFee);
      CHECK(shown.total == bybit.total);
      REQUIRE(shown.steps.size() == 4);
      CHECK(shown.steps[2].formula == (contract == Contract::Linear ? "Q·BP·fee" : "Q / BP·fee"));
      CHECK(shown.steps.back().value == bybit.total);
      CHECK_FALSE(shown.steps.back().params.empty());
    }
  }
}
