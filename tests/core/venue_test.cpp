// SPDX-License-Identifier: MIT
// A price on a venue's tick and a size in whole lots (venue.h). The expected numbers are written by
// hand from the venues' published rules, cited per case.
#include "support.h"

using namespace mltest;

namespace {
TickResult tick(Rules rules, Side side, double price, double tickSize, int sigFigs = 0) {
  return roundToTick({.rules = rules, .side = side, .price = price, .tickSize = tickSize, .sigFigs = sigFigs});
}
}  // namespace

TEST_CASE("roundToTick: nearest tick where no venue source states a direction", "[venue]") {
  // Binance BTCUSDT tick 0.1 (exchangeInfo PRICE_FILTER); by hand: 57228.44 -> 57228.4, 57228.45 -> 57228.5.
  auto r = tick(Rules::Binance, Side::Long, 57228.44, 0.1);
  REQUIRE(r.errors.empty());
  CHECK(r.price == 57228.4);  // exactly the double of "57228.4": printed with 1 decimal
  CHECK(r.decimals == 1);
  CHECK(r.exact == 57228.44);
  CHECK(r.rounding == TickRounding::Nearest);
  CHECK(tick(Rules::Binance, Side::Short, 57228.46, 0.1).price == 57228.5);
  // dYdX ETH-USD tick 0.1, SOL-USD 0.001 (genesis subticks): by hand.
  CHECK(tick(Rules::Dydx, Side::Long, 1849.96, 0.1).price == 1850.0);
  CHECK(tick(Rules::Dydx, Side::Long, 21.23449, 0.001).price == 21.234);
  // A price already on the grid stays (0.3 / 0.1 is 2.9999999999999996 in binary).
  CHECK(tick(Rules::Okx, Side::Long, 0.3, 0.1).price == 0.3);
  // A tick of 0.0005 (four decimals): 1.23474 -> 1.2345 (2469.48 ticks -> 2469).
  auto small = tick(Rules::Bitmex, Side::Long, 1.23474, 0.0005);
  CHECK(small.price == 1.2345);
  CHECK(small.decimals == 4);
}

TEST_CASE("roundToTick: Bybit rounds toward the entry (long up, short down)", "[venue]") {
  // VENUES.md BY-8b: inverse isolated at 8,000, 50x, MMR 0.5%: long 7,881.77..., short 8,121.83...
  // unrounded; Bybit's published prices are rounded conservatively (BY-7/BY-8), tick 0.5 for BTCUSD.
  auto longSide = tick(Rules::Bybit, Side::Long, 7881.77, 0.5);
  CHECK(longSide.price == 7882.0);
  CHECK(longSide.rounding == TickRounding::Conservative);
  CHECK(tick(Rules::Bybit, Side::Short, 8121.83, 0.5).price == 8121.5);
  CHECK(tick(Rules::BybitUta, Side::Long, 7881.0, 0.5).price == 7881.0);  // on the grid: unchanged
}

TEST_CASE("roundToTick: Hyperliquid's five significant figures, whole prices always allowed", "[venue]") {
  // hyperliquid docs, tick-and-lot-size: at most 5 significant figures and 6 - szDecimals decimals;
  // integer prices always allowed. BTC szDecimals 5 -> tick 0.1: 50000.123456 -> 50000 (the SDKs' example).
  CHECK(tick(Rules::Hyperliquid, Side::Long, 50000.123456, 0.1, 5).price == 50000.0);
  CHECK(tick(Rules::Hyperliquid, Side::Long, 123456.7, 0.1, 5).price == 123457.0);
  // "1234.5 is valid but 1234.56 is not": ETH szDecimals 4 -> tick 0.01; 1234.56 -> 1234.6 (nearest).
  auto eth = tick(Rules::Hyperliquid, Side::Short, 1234.56, 0.01, 5);
  CHECK(eth.price == 1234.6);
  CHECK(eth.decimals == 1);
  // "0.001234 is valid, 0.0012345 is not (more than 6 decimal places)": szDecimals 0 -> tick 1e-6.
  CHECK_THAT(tick(Rules::Hyperliquid, Side::Long, 0.0012345, 1e-6, 5).price, WithinAbs(0.001235, 1e-15));
  CHECK_THAT(tick(Rules::Hyperliquid, Side::Long, 0.0012344, 1e-6, 5).price, WithinAbs(0.001234, 1e-15));
}

TEST_CASE("roundToTick: bad input is an error at its path, never a number", "[venue]") {
  auto r = tick(Rules::Binance, Side::Long, std::nan(""), 0.1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].path == "price");
  CHECK(r.errors[0].code == ErrorCode::NotFinite);
  auto t = tick(Rules::Binance, Side::Long, 100, -0.1, 40);
  REQUIRE(t.errors.size() == 2);
  CHECK(t.errors[0].path == "tickSize");
  CHECK(t.errors[1].path == "sigFigs");
  // Below one tick (a price of 0.04 on a 0.1 tick) is the smallest price, not 0.
  CHECK(tick(Rules::Binance, Side::Short, 0.04, 0.1).price == 0.1);
}

TEST_CASE("wholeLots: the largest whole number of lots, with its unit", "[venue]") {
  // By hand: 748166.6667 contracts of lot 1 -> 748166; 0.12345 BTC of lot 0.001 -> 123 lots = 0.123 BTC.
  auto contracts = wholeLots({.contract = Contract::Inverse, .quantity = 748166.6667, .lotSize = 1, .contractSize = 100});
  REQUIRE(contracts.errors.empty());
  CHECK(contracts.lots == 748166);
  CHECK(contracts.quantity == 748166);
  CHECK(contracts.unit == "contracts");
  auto btc = wholeLots({.quantity = 0.12345, .lotSize = 0.001, .baseAsset = "BTC"});
  CHECK(btc.lots == 123);
  CHECK(btc.quantity == 0.123);
  CHECK(btc.decimals == 3);
  CHECK(btc.unit == "BTC");
  // On the grid stays (0.7 / 0.1 = 6.999999999999999 in binary): 7 lots.
  CHECK(wholeLots({.quantity = 0.7, .lotSize = 0.1, .baseAsset = "ETH"}).lots == 7);
  // Below one lot: 0 lots (nothing opens).
  CHECK(wholeLots({.quantity = 0.0004, .lotSize = 0.001, .baseAsset = "BTC"}).lots == 0);
  auto bad = wholeLots({.quantity = -1, .lotSize = 0, .baseAsset = std::string(41, 'X')});
  REQUIRE(bad.errors.size() == 3);
  CHECK(bad.errors[0].path == "quantity");
  CHECK(bad.errors[1].path == "lotSize");
  CHECK(bad.errors[2].path == "baseAsset");
}

TEST_CASE("roundToTick: a tick far finer than the price still rounds toward the entry", "[venue]") {
  // 100.0000000004 is 100000000000.4 ticks of 1e-9: Bybit rounds a long's price up, to 100.000000001
  // (the quotient is whole only to within a few ulps, not to within 1e-9 of itself: 100 ticks here).
  const TickResult up = roundToTick({.rules = Rules::Bybit, .side = Side::Long, .price = 100.0000000004, .tickSize = 1e-9});
  REQUIRE(up.errors.empty());
  CHECK(up.price == 100.000000001);
  const TickResult down = roundToTick({.rules = Rules::Bybit, .side = Side::Short, .price = 100.0000000006, .tickSize = 1e-9});
  CHECK(down.price == 100.0);
  // A quotient off a whole number by binary rounding alone still counts as whole: 0.3 is 3 ticks of 0.1.
  CHECK(roundToTick({.rules = Rules::Bybit, .side = Side::Long, .price = 0.3, .tickSize = 0.1}).price == 0.3);
}

TEST_CASE("venue explain: one step each, its value the result's, no number changed", "[venue]") {
  const TickRequest tick{.rules = Rules::Bybit, .side = Side::Short, .price = 8121.83, .tickSize = 0.5};
  TickResult t = roundToTick(tick);
  const double price = t.price;
  REQUIRE(t.steps.empty());
  explain(tick, t);
  REQUIRE(t.steps.size() == 1);
  CHECK(t.steps[0].code == "venue.tick");
  CHECK(t.price == price);
  CHECK(*t.steps[0].value == 8121.5);  // a short on Bybit: down to the half-dollar tick
  const LotRequest lot{.quantity = 0.12345, .lotSize = 0.001, .baseAsset = "BTC"};
  LotResult l = wholeLots(lot);
  REQUIRE(l.steps.empty());
  explain(lot, l);
  REQUIRE(l.steps.size() == 1);
  CHECK(l.steps[0].code == "venue.lots");
  CHECK(*l.steps[0].value == 0.123);
  CHECK(l.quantity == 0.123);
}
