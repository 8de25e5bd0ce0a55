// SPDX-License-Identifier: MIT
// The engine's partial liquidation per venue (request.partial 'venue', engine.h UnwindPartial).
// Hyperliquid's rule, from its docs "Liquidations" as reproduced for HIP-3 perps
// (docs.tings.xyz/core-mechanics/liquidations) and its announcement (t.me hyperliquid_announcements
// post 307, reposted at tginsight.xyz): "For liquidatable positions larger than 100k USDC ..., only 20%
// of the position will be sent as a market liquidation order to the book. After a block where any
// position of a user is partially liquidated, there is a cooldown period of 30 seconds. During this
// cooldown period, all market liquidation orders for that user will be for the entire position." And
// the backstop: "If the account equity drops below 2/3 of the maintenance margin ..., the backstop
// liquidation is triggered" (liquidator vault; hyperliquid-co.gitbook.io wiki, VENUES.md 6.1).
// Binance and Bybit ("one IOC to reduce to a lower bracket / risk limit tier") step down only when
// request.stepDown names the assumed size (their pages do not say it): engine_stepdown_test.cpp.
//
// Every case: Hyperliquid, BTC (shipped tiers: 40x max, MMR 1/(2x40) = 1.25%), isolated long 10 @
// 100,000, leverage 20: margin 1,000,000/20 = 50,000. By hand (docs' formula, hyperliquid_test.cpp):
//   LP = 100,000 - (50,000 - 12,500)/10/(1 - 0.0125) = 95,000/0.9875 = 96,202.5316455696...
//   BP = 100,000 - 50,000/10 = 95,000 (equity 0).
//   E0 = 10 x (LP - BP) = 12,025.316455696... = 1.25% x 10 x LP (the maintenance margin at LP).
//   Notional at LP 962,025.32 > 100,000: the partial order is 20% x 10 = 2 BTC.
// After it, with q1 filled for Σ q·p: slippage L1 = q1 x LP - Σ q·p, E1 = E0 - L1, the rest
// R = 10 - q1 has MM1 = E0 x R/10 (same rate, same mark); E1 > MM1 keeps R; 2/3 MM1 <= E1 <= MM1
// sends the whole rest (cooldown); E1 < 2/3 MM1 hands it to the backstop at BP.
#include "marginlab/engine.h"

#include "support.h"
#include "unwind_support.h"

using namespace mltest;

namespace {

constexpr double kLp = 95'000.0 / 0.9875;
constexpr double kE0 = 10 * (kLp - 95'000.0);

Scenario hyperliquidLong(double quantity = 10) {
  Scenario s{.rules = Rules::Hyperliquid, .walletBalance = 100'000};
  s.positions = {Position{.symbol = "BTC", .quantity = quantity, .entryPrice = 100'000, .leverage = 20}};
  return s;
}

/// The partial unwind of hyperliquidLong() against `book` through the book with `fund`.
UnwindResult partialRun(std::vector<BookLevel> book, double fund) {
  return runUnwind(hyperliquidLong(), {.book = std::move(book), .insuranceFund = fund, .partial = UnwindPartial::Venue});
}

bool hasCode(const UnwindResult& u, const std::string& code) {
  return std::any_of(u.steps.begin(), u.steps.end(), [&](const Step& x) { return x.code == code; });
}

const Step& stepOf(const UnwindResult& u, const std::string& code) {
  const auto it = std::find_if(u.steps.begin(), u.steps.end(), [&](const Step& x) { return x.code == code; });
  REQUIRE(it != u.steps.end());
  return *it;
}

}  // namespace

TEST_CASE("Hyperliquid partial: the takeover prices of the hand example", "[engine][partial]") {
  // Tolerance 1e-9 rel: the lab's LP and BP against the hand values above.
  const UnwindResult u = runUnwind(hyperliquidLong(), {.depthPerPercent = 100, .partial = UnwindPartial::Venue});
  CHECK_THAT(u.liquidationPrice, WithinRel(kLp, 1e-9));
  CHECK_THAT(u.bankruptcyPrice, WithinRel(95'000.0, 1e-9));
}

TEST_CASE("Hyperliquid partial: 20% sold, the margin is met, the trader keeps 8", "[engine][partial]") {
  // Bids 1 @ 96,200 and 100 @ 96,000. Partial order 2: 1 @ 96,200 + 1 @ 96,000, Σ q·p = 192,200,
  // average 96,100. L1 = 2 x 96,202.5316 - 192,200 = 205.0633; E1 = 12,025.3165 - 205.0633 =
  // 11,820.2532 >= MM1 = 12,025.3165 x 8/10 = 9,620.2532: kept, remaining 8, one slice.
  // Fund: 192,200 - 2 x 95,000 = +2,200. Tolerances 1e-9 abs on sizes, 1e-6 on money.
  const UnwindResult u =
      runUnwind(hyperliquidLong(), {.book = {{96'200, 1}, {96'000, 100}}, .partial = UnwindPartial::Venue});
  CHECK(u.partialLiquidation);
  REQUIRE(u.slices.size() == 1);
  CHECK_THAT(u.slices[0].requested, WithinAbs(2.0, 1e-12));
  CHECK_THAT(u.filled, WithinAbs(2.0, 1e-9));
  CHECK_THAT(u.averagePrice, WithinAbs(96'100.0, 1e-6));
  CHECK_THAT(u.remaining, WithinAbs(8.0, 1e-9));
  CHECK(u.unfilled == 0);
  CHECK_FALSE(u.backstop);
  CHECK_THAT(u.insuranceFundChange, WithinAbs(2'200.0, 1e-6));
  CHECK_THAT(stepOf(u, "unwind.partialOrder").value.value_or(0), WithinAbs(2.0, 1e-12));
  CHECK_THAT(stepOf(u, "unwind.partialEquity").value.value_or(0), WithinAbs(11'820.2532, 1e-4));
  CHECK_THAT(stepOf(u, "unwind.partialMaintenance").value.value_or(0), WithinAbs(9'620.2532, 1e-4));
  CHECK(hasCode(u, "unwind.partialKept"));
  CHECK_THAT(kE0, WithinAbs(12'025.3165, 1e-4));
  // The same request without 'venue' sells all 10 (as before): 1 @ 96,200 + 9 @ 96,000.
  const UnwindResult whole = runUnwind(hyperliquidLong(), {.book = {{96'200, 1}, {96'000, 100}}});
  CHECK_FALSE(whole.partialLiquidation);
  CHECK_THAT(whole.filled, WithinAbs(10.0, 1e-9));
  CHECK_THAT(whole.averagePrice, WithinAbs(96'020.0, 1e-6));
  CHECK(whole.remaining == 0);
  CHECK_FALSE(hasCode(whole, "unwind.partialOrder"));
}

TEST_CASE("Hyperliquid partial: still liquidatable in the cooldown, the next order is for the rest", "[engine][partial]") {
  // Bids 2 @ 94,900 and 20 @ 94,800, fund 10,000, through the book. Partial order: 2 @ 94,900.
  // L1 = 2 x (96,202.5316 - 94,900) = 2,605.0633; E1 = 9,420.2532 < MM1 = 9,620.2532 but
  // >= 2/3 x 9,620.2532 = 6,413.5021: cooldown, slice 2 is the whole rest, 8. The depth slice 1 took
  // stays taken, so slice 2 fills 8 @ 94,800. Average (2 x 94,900 + 8 x 94,800)/10 = 94,820.
  // Fund: 2 x (94,900 - 95,000) + 8 x (94,800 - 95,000) = -200 - 1,600 = -1,800; after 8,200.
  const UnwindResult u = partialRun({{94'900, 2}, {94'800, 20}}, 10'000);
  REQUIRE(u.slices.size() == 2);
  CHECK_THAT(u.slices[1].requested, WithinAbs(8.0, 1e-9));
  CHECK_THAT(u.slices[1].averagePrice, WithinAbs(94'800.0, 1e-6));
  CHECK_THAT(u.averagePrice, WithinAbs(94'820.0, 1e-6));
  CHECK(u.remaining == 0);
  CHECK_FALSE(u.backstop);
  CHECK_THAT(u.insuranceFundChange, WithinAbs(-1'800.0, 1e-6));
  CHECK_THAT(u.insuranceFundAfter, WithinAbs(8'200.0, 1e-6));
  CHECK_THAT(stepOf(u, "unwind.partialEquity").value.value_or(0), WithinAbs(9'420.2532, 1e-4));
  CHECK(hasCode(u, "unwind.partialCooldown"));
}

TEST_CASE("Hyperliquid partial: below 2/3 of MM the backstop takes the rest at BP", "[engine][partial]") {
  // Bids 2 @ 93,000 then 20 @ 92,000, fund 100,000. Partial order: 2 @ 93,000. L1 = 2 x 3,202.5316 =
  // 6,405.0633; E1 = 5,620.2532 < 6,413.5021: backstop. The 8 left go to the vault (the fund, whose
  // balance is 100,000 - 2 x 2,000 = 96,000 > 0) at BP: fundTakeover 8, no ADL, nothing more filled.
  const UnwindResult u = partialRun({{93'000, 2}, {92'000, 20}}, 100'000);
  REQUIRE(u.slices.size() == 2);
  CHECK(u.backstop);
  CHECK_THAT(u.filled, WithinAbs(2.0, 1e-9));
  CHECK_THAT(u.fundTakeover, WithinAbs(8.0, 1e-9));
  CHECK(u.adlQuantity == 0);
  CHECK_THAT(u.insuranceFundAfter, WithinAbs(96'000.0, 1e-6));
  CHECK_THAT(stepOf(u, "unwind.partialEquity").value.value_or(0), WithinAbs(5'620.2532, 1e-4));
  CHECK(hasCode(u, "unwind.partialBackstop"));
  // With an empty fund, a fill below BP through the book is paid by no one: the partial order fills
  // nothing, E1 = E0 = MM1 (not above it, the position is still liquidatable), so the cooldown order
  // is for all 10; it fills nothing either and the 10 are deleveraged at BP.
  const UnwindResult empty = partialRun({{93'000, 2}, {92'000, 20}}, 0);
  REQUIRE(empty.slices.size() == 2);
  CHECK(empty.slices[0].carried == 2);
  CHECK_FALSE(empty.backstop);
  CHECK(hasCode(empty, "unwind.partialCooldown"));
  CHECK(empty.filled == 0);
  CHECK_THAT(empty.adlQuantity, WithinAbs(10.0, 1e-9));
}

TEST_CASE("Partial 'venue' where no rule applies: the whole position, and a step says why", "[engine][partial]") {
  // 1 BTC: notional at LP 96,202.53 <= 100,000, liquidated whole (one slice of 1).
  const UnwindResult small = runUnwind(hyperliquidLong(1), {.depthPerPercent = 10, .partial = UnwindPartial::Venue});
  CHECK_FALSE(small.partialLiquidation);
  CHECK_THAT(small.slices.at(0).requested, WithinAbs(1.0, 1e-12));
  CHECK_THAT(stepOf(small, "unwind.partialSmall").value.value_or(0), WithinRel(kLp, 1e-9));
  // Binance: the step down the tiers is not modelled without request.stepDown.
  Scenario binance = hyperliquidLong();
  binance.rules = Rules::Binance;
  binance.positions[0].symbol = "BTCUSDT";
  const UnwindResult b = runUnwind(binance, {.depthPerPercent = 100, .partial = UnwindPartial::Venue});
  CHECK_FALSE(b.partialLiquidation);
  CHECK(hasCode(b, "unwind.partialNoRule"));
  CHECK_THAT(b.filled + b.unfilled, WithinAbs(10.0, 1e-9));
  // Cross mode applies too (worked by hand in engine_stepdown_test.cpp).
  const UnwindResult cross =
      runUnwind(hyperliquidLong(), {.mode = MarginMode::Cross, .depthPerPercent = 100, .partial = UnwindPartial::Venue});
  CHECK(cross.partialLiquidation);
  CHECK(hasCode(cross, "unwind.partialMaintenanceCross"));
}

TEST_CASE("Partial 'venue' needs a market order", "[engine][partial][validate]") {
  const auto errors = validate(hyperliquidLong(), {.style = UnwindStyle::Twap, .depthPerPercent = 100, .slices = 4,
                                                   .partial = UnwindPartial::Venue});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].path == "request.partial");
  CHECK(errors[0].rule == "partialStyle");
  CHECK(errors[0].message.find("'twap'") != std::string::npos);
}
