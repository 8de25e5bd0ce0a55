// SPDX-License-Identifier: MIT
// The liquidation engine's unwind: fills against the book, the insurance fund, and ADL.
#include "marginlab/engine.h"

#include <limits>

#include "support.h"

using namespace mltest;

namespace {

/// VENUES.md MX-1 (BitMEX /app/liquidationExamples [PUB-3P]), linear, no fee: long `qty`
/// contracts @ 100, 100x, MM 0.5% -> LP 99.50, BP 99.00 whatever the size (bitmex_test.cpp).
Scenario mx1(double qty = 1, Side side = Side::Long) {
  Scenario s{.rules = Rules::Bitmex, .walletBalance = 10'000, .takerFeeRate = 0.0};
  s.tiers = {{"EXAMPLE", flatTier(0.005, 100)}};
  s.positions = {Position{
      .symbol = "EXAMPLE", .side = side, .quantity = qty, .entryPrice = 100, .leverage = 100}};
  return s;
}

UnwindResult unwindOk(const Scenario& s, const UnwindRequest& r) {
  Result<UnwindResult> out = unwind(s, r);
  INFO("first error: " << (out.errors.empty()
                               ? std::string("none")
                               : out.errors.front().path + ": " + out.errors.front().message));
  REQUIRE(out);
  REQUIRE(out.value);
  return *out.value;
}

/// unwind() then explain(), requiring no error.
UnwindResult explainedOk(const Scenario& s, const UnwindRequest& r) {
  UnwindResult u = unwindOk(s, r);
  REQUIRE(u.steps.empty());  // numbers only until explained
  explain(s, r, u);
  return u;
}

/// Bids for a long of 10 in the hand examples: 3 @ 99.4, 4 @ 99.2, 5 @ 99.0.
const std::vector<BookLevel> kBids = {{99.4, 3}, {99.2, 4}, {99.0, 5}};

}  // namespace

TEST_CASE("MX-1: a fill at 99.25 against BP 99.00 feeds the fund 0.25", "[engine][bitmex]") {
  // VENUES.md MX-1: LP 99.50, BP 99.00; the liquidation order fills at 99.25 -> $0.25 to the
  // insurance fund. (99.25 - 99.00) x 1 contract x 1 = +0.25. Tolerance 1e-9 abs.
  const UnwindResult u = unwindOk(mx1(), {.book = {{99.25, 1}}, .insuranceFund = 0});
  CHECK_THAT(u.liquidationPrice, WithinAbs(99.50, 1e-9));
  CHECK_THAT(u.bankruptcyPrice, WithinAbs(99.00, 1e-9));
  REQUIRE(u.slices.size() == 1);
  CHECK_THAT(u.slices[0].quantity, WithinAbs(1.0, 1e-12));
  CHECK_THAT(u.averagePrice, WithinAbs(99.25, 1e-12));
  CHECK_THAT(u.worstPrice, WithinAbs(99.25, 1e-12));
  CHECK_THAT(u.insuranceFundChange, WithinAbs(0.25, 1e-9));
  CHECK_THAT(u.insuranceFundAfter, WithinAbs(0.25, 1e-9));
  CHECK(u.unfilled == 0);
  CHECK_FALSE(u.autoDeleveraging);
  CHECK_FALSE(u.adlSlice);
  // With an empty fund, ADL starts if the average fill is below BP itself.
  REQUIRE(u.adlThresholdPrice);
  CHECK_THAT(*u.adlThresholdPrice, WithinAbs(99.0, 1e-9));
}

TEST_CASE("MX-1: a fill at 98.75 draws 0.25 from the fund; an empty fund cannot pay it: ADL",
          "[engine][bitmex]") {
  // VENUES.md MX-1: the next trader filled at 98.75 -> the fund pays $0.25, ADL avoided (the
  // fund held the 0.25). (98.75 - 99.00) x 1 = -0.25. With fund 0 the fund pays for none of it
  // (0 / 0.25 = 0 contracts), the book fill is refused and the 1 contract is deleveraged at BP; the
  // fund stays at 0 (until this model, the fill was taken and the fund fell to -0.25).
  const UnwindResult paid = unwindOk(mx1(), {.book = {{98.75, 1}}, .insuranceFund = 0.25});
  CHECK_THAT(paid.insuranceFundChange, WithinAbs(-0.25, 1e-9));
  CHECK_THAT(paid.insuranceFundAfter, WithinAbs(0.0, 1e-9));
  CHECK_FALSE(paid.autoDeleveraging);
  REQUIRE(paid.adlThresholdPrice);
  CHECK_THAT(*paid.adlThresholdPrice, WithinAbs(98.75, 1e-9));  // 99 - 0.25 / (1 x 1)

  const UnwindResult adl = explainedOk(mx1(), {.book = {{98.75, 1}}, .insuranceFund = 0});
  CHECK(adl.insuranceFundChange == 0);
  CHECK(adl.insuranceFundAfter == 0);
  CHECK(adl.filled == 0);
  CHECK(adl.adlQuantity == 1);
  CHECK(adl.fundTakeover == 0);
  CHECK(adl.autoDeleveraging);
  REQUIRE(adl.adlSlice);
  CHECK(*adl.adlSlice == 0);
  REQUIRE_FALSE(adl.steps.empty());
  CHECK(adl.steps.back().field == "autoDeleveraging");
  CHECK(adl.steps.back().label.find("ADL starts in slice 1") != std::string::npos);
}

TEST_CASE("Market sweep of three bids: average by hand", "[engine]") {
  // Long 10 (LP 99.5, BP 99). Sell 10 into 3 @ 99.4, 4 @ 99.2, 5 @ 99.0: fills 3, 4, 3.
  // avg = (3x99.4 + 4x99.2 + 3x99.0) / 10 = (298.2 + 396.8 + 297) / 10 = 99.2; worst 99.0.
  // Fund: 3x0.4 + 4x0.2 + 3x0 = 2.0 = 10 x (99.2 - 99). Tolerance 1e-9 abs.
  const UnwindResult u = unwindOk(mx1(10), {.book = kBids, .insuranceFund = 1});
  REQUIRE(u.slices.size() == 1);
  CHECK(u.slices[0].levels == 3);
  CHECK_THAT(u.slices[0].averagePrice, WithinAbs(99.2, 1e-9));
  CHECK_THAT(u.slices[0].worstPrice, WithinAbs(99.0, 1e-12));
  CHECK_THAT(u.averagePrice, WithinAbs(99.2, 1e-9));
  CHECK_THAT(u.filled, WithinAbs(10.0, 1e-12));
  CHECK_THAT(u.insuranceFundChange, WithinAbs(2.0, 1e-9));
  CHECK_THAT(u.insuranceFundAfter, WithinAbs(3.0, 1e-9));
  CHECK_FALSE(u.autoDeleveraging);
  REQUIRE(u.adlThresholdPrice);
  CHECK_THAT(*u.adlThresholdPrice, WithinAbs(98.9, 1e-9));  // 99 - 1 / (10 x 1)
}

TEST_CASE("Market sweep of a short: asks ascending, mirrored", "[engine]") {
  // Short 10 @ 100, 100x, MM 0.5%: LP 100.5, BP 101. Buy 10 from 3 @ 100.6, 4 @ 100.8, 5 @ 101.0:
  // avg = (301.8 + 403.2 + 303) / 10 = 100.8; fund = -1 x 10 x (100.8 - 101) = +2.0.
  const UnwindResult u = unwindOk(
      mx1(10, Side::Short), {.book = {{100.6, 3}, {100.8, 4}, {101.0, 5}}, .insuranceFund = 0});
  CHECK_THAT(u.liquidationPrice, WithinAbs(100.5, 1e-9));
  CHECK_THAT(u.bankruptcyPrice, WithinAbs(101.0, 1e-9));
  CHECK_THAT(u.averagePrice, WithinAbs(100.8, 1e-9));
  CHECK_THAT(u.worstPrice, WithinAbs(101.0, 1e-12));
  CHECK_THAT(u.insuranceFundChange, WithinAbs(2.0, 1e-9));
  CHECK_FALSE(u.autoDeleveraging);
  REQUIRE(u.adlThresholdPrice);
  CHECK_THAT(*u.adlThresholdPrice, WithinAbs(101.0, 1e-9));  // BP + F/(Q CS), F = 0
}

TEST_CASE("TWAP: full, half and no replenishment, by hand", "[engine]") {
  // Long 10 in 2 slices of 5 against 3 @ 99.4, 4 @ 99.2, 5 @ 99.0. Tolerance 1e-9 abs.
  SECTION("full: each slice sees the original book") {
    // Each slice: 3 @ 99.4 + 2 @ 99.2 = 496.6 / 5 = 99.32. Fund 10 x 0.32 = 3.2.
    const UnwindResult u = unwindOk(
        mx1(10), {.style = UnwindStyle::Twap, .book = kBids, .slices = 2, .replenishFraction = 1});
    REQUIRE(u.slices.size() == 2);
    for (const UnwindSlice& s : u.slices) {
      CHECK_THAT(s.requested, WithinAbs(5.0, 1e-12));
      CHECK_THAT(s.averagePrice, WithinAbs(99.32, 1e-9));
      CHECK_THAT(s.worstPrice, WithinAbs(99.2, 1e-12));
      CHECK(s.levels == 2);
      CHECK_THAT(s.insuranceFundChange, WithinAbs(1.6, 1e-9));
    }
    CHECK_THAT(u.slices[1].insuranceFundAfter, WithinAbs(3.2, 1e-9));
    CHECK_THAT(u.averagePrice, WithinAbs(99.32, 1e-9));
    CHECK_THAT(u.insuranceFundChange, WithinAbs(3.2, 1e-9));
  }
  SECTION("none: the second slice walks what the first left") {
    // Slice 1 as above (99.32); slice 2: 2 @ 99.2 + 3 @ 99.0 = 495.4 / 5 = 99.08.
    // Overall the same as one market order: 99.2, fund 2.0.
    const UnwindResult u = unwindOk(
        mx1(10), {.style = UnwindStyle::Twap, .book = kBids, .slices = 2, .replenishFraction = 0});
    REQUIRE(u.slices.size() == 2);
    CHECK_THAT(u.slices[0].averagePrice, WithinAbs(99.32, 1e-9));
    CHECK_THAT(u.slices[1].averagePrice, WithinAbs(99.08, 1e-9));
    CHECK_THAT(u.slices[1].worstPrice, WithinAbs(99.0, 1e-12));
    CHECK_THAT(u.averagePrice, WithinAbs(99.2, 1e-9));
    CHECK_THAT(u.insuranceFundChange, WithinAbs(2.0, 1e-9));
  }
  SECTION("half: the missing depth comes back by half") {
    // After slice 1, 3 are missing at 99.4 and 2 at 99.2; half returns: 1.5 @ 99.4, 3 @ 99.2.
    // Slice 2: 1.5 @ 99.4 + 3 @ 99.2 + 0.5 @ 99.0 = (149.1 + 297.6 + 49.5) / 5 = 99.24.
    const UnwindResult u = unwindOk(
        mx1(10),
        {.style = UnwindStyle::Twap, .book = kBids, .slices = 2, .replenishFraction = 0.5});
    REQUIRE(u.slices.size() == 2);
    CHECK_THAT(u.slices[1].averagePrice, WithinAbs(99.24, 1e-9));
    CHECK(u.slices[1].levels == 3);
    CHECK_THAT(u.averagePrice, WithinAbs((99.32 + 99.24) / 2, 1e-9));
  }
}

TEST_CASE("Iceberg: visible 4 of 10 gives slices 4, 4 and a remainder 2", "[engine]") {
  // Against 3 @ 99.4, 4 @ 99.2, 5 @ 99.0. Tolerance 1e-9 abs.
  SECTION("no replenishment") {
    // 1: 3 @ 99.4 + 1 @ 99.2 = 397.4 / 4 = 99.35; 2: 3 @ 99.2 + 1 @ 99.0 = 396.6 / 4 = 99.15;
    // 3: 2 @ 99.0. Overall 99.2 (the market sweep), fund 2.0.
    const UnwindResult u = unwindOk(
        mx1(10),
        {.style = UnwindStyle::Iceberg, .book = kBids, .visibleSize = 4, .replenishFraction = 0});
    REQUIRE(u.slices.size() == 3);
    CHECK_THAT(u.slices[0].requested, WithinAbs(4.0, 1e-12));
    CHECK_THAT(u.slices[1].requested, WithinAbs(4.0, 1e-12));
    CHECK_THAT(u.slices[2].requested, WithinAbs(2.0, 1e-12));
    CHECK_THAT(u.slices[0].averagePrice, WithinAbs(99.35, 1e-9));
    CHECK_THAT(u.slices[1].averagePrice, WithinAbs(99.15, 1e-9));
    CHECK_THAT(u.slices[2].averagePrice, WithinAbs(99.0, 1e-9));
    CHECK_THAT(u.averagePrice, WithinAbs(99.2, 1e-9));
    CHECK_THAT(u.insuranceFundChange, WithinAbs(2.0, 1e-9));
  }
  SECTION("full replenishment") {
    // Slices 1 and 2: 99.35 each; slice 3: 2 @ 99.4. (397.4 x 2 + 198.8) / 10 = 99.36; fund 3.6.
    const UnwindResult u = unwindOk(
        mx1(10),
        {.style = UnwindStyle::Iceberg, .book = kBids, .visibleSize = 4, .replenishFraction = 1});
    REQUIRE(u.slices.size() == 3);
    CHECK_THAT(u.slices[2].averagePrice, WithinAbs(99.4, 1e-9));
    CHECK_THAT(u.averagePrice, WithinAbs(99.36, 1e-9));
    CHECK_THAT(u.insuranceFundChange, WithinAbs(3.6, 1e-9));
  }
  SECTION("a visible size that divides the position exactly has no remainder slice") {
    const UnwindResult u =
        unwindOk(mx1(10), {.style = UnwindStyle::Iceberg, .book = kBids, .visibleSize = 2.5});
    CHECK(u.slices.size() == 4);
  }
}

TEST_CASE("Inverse long: the fund changes in coin, the average is harmonic", "[engine][inverse]") {
  // Simple profile, inverse long 1,000 USD contracts @ 10,000, 10x, MM 0.5%: margin 0.01 coin.
  // BP: 0.01 + 1000 x (1/10000 - 1/P) = 0 -> P = 100000/11 = 9,090.909...;
  // LP: 0.01 + 1000 x (1/10000 - 1/P) = 0.005 x 1000/P -> P = 100500/11 = 9,136.36...
  Scenario s{.rules = Rules::Simple, .walletBalance = 1};
  s.tiers = {{"BTCUSD", flatTier(0.005, 100)}};
  s.positions = {Position{.symbol = "BTCUSD",
                          .contract = Contract::Inverse,
                          .contractSize = 1,
                          .quantity = 1000,
                          .entryPrice = 10'000,
                          .leverage = 10}};
  SECTION("one bid at 9,100: +1000 x (1/BP - 1/9100) = 0.11 - 0.10989011 = 0.00010989011 coin") {
    const UnwindResult u = unwindOk(s, {.book = {{9'100, 1'000}}, .insuranceFund = 0});
    CHECK_THAT(u.bankruptcyPrice, WithinRel(100'000.0 / 11, 1e-12));
    CHECK_THAT(u.liquidationPrice, WithinRel(100'500.0 / 11, 1e-12));
    CHECK_THAT(u.insuranceFundChange, WithinAbs(0.00010989011, 1e-12));
    CHECK_FALSE(u.autoDeleveraging);
  }
  SECTION("two bids: 600 @ 9,100 and 400 @ 9,050") {
    // BP = 1/0.00011. 600 @ 9,100 feed the fund 600 x (0.00011 - 1/9100) = 0.0000659341: it holds
    // 0.0001659341. Each contract @ 9,050 costs 1/9050 - 0.00011 = 4.972376e-7, so the fund pays for
    // 0.0001659341 / 4.972376e-7 = 333.711844 of the 400 and is then empty: the other 66.288156 are
    // deleveraged at BP (the whole 400 would need 0.0001989 > 0.0001659: until this model the fund
    // went to -0.000032961). Fund change -0.0001 (all of it), after 0. avg = 933.711844 /
    // (600/9100 + 333.711844/9050) = 9,082.066508. ADL threshold: 1 / (1/BP + 0.0001/1000) = 9,082.65.
    const UnwindResult u =
        unwindOk(s, {.book = {{9'100, 600}, {9'050, 400}}, .insuranceFund = 0.0001});
    CHECK_THAT(u.filled, WithinAbs(933.7118437, 1e-6));
    CHECK_THAT(u.adlQuantity, WithinAbs(66.2881563, 1e-6));
    CHECK(u.fundTakeover == 0);
    CHECK_THAT(u.averagePrice, WithinAbs(9'082.066508, 1e-6));
    CHECK_THAT(u.insuranceFundChange, WithinAbs(-0.0001, 1e-12));
    CHECK(u.insuranceFundAfter == 0);
    CHECK(u.autoDeleveraging);
    REQUIRE(u.adlSlice);
    CHECK(*u.adlSlice == 0);
    REQUIRE(u.adlThresholdPrice);
    CHECK_THAT(*u.adlThresholdPrice, WithinAbs(1 / 0.0001101, 1e-6));
  }
}

TEST_CASE("Depth model: an empty book gives a level every 0.1% from LP", "[engine][depth]") {
  // depthPerPercent 40 -> 4 contracts per level. Long 10, LP 99.5: levels 99.5, 99.5 x 0.999 =
  // 99.4005, 99.5 x 0.998 = 99.301. Fills 4, 4, 2: (398 + 397.602 + 198.602) / 10 = 99.4204;
  // fund 10 x (99.4204 - 99) = 4.204. Tolerance 1e-9 abs.
  const UnwindResult u = unwindOk(mx1(10), {.depthPerPercent = 40});
  CHECK(u.depthModel);
  REQUIRE(u.slices.size() == 1);
  CHECK(u.slices[0].levels == 3);
  CHECK_THAT(u.averagePrice, WithinAbs(99.4204, 1e-9));
  CHECK_THAT(u.worstPrice, WithinAbs(99.301, 1e-9));
  CHECK_THAT(u.insuranceFundChange, WithinAbs(4.204, 1e-9));

  // Short 10, LP 100.5: 4 @ 100.5, 4 @ 100.6005, 2 @ 100.701 -> 1005.804 / 10 = 100.5804;
  // fund -1 x 10 x (100.5804 - 101) = +4.196.
  const UnwindResult v = unwindOk(mx1(10, Side::Short), {.depthPerPercent = 40});
  CHECK_THAT(v.averagePrice, WithinAbs(100.5804, 1e-9));
  CHECK_THAT(v.insuranceFundChange, WithinAbs(4.196, 1e-9));

  // The whole model holds 1000 levels x 4 = 4000 contracts for a long: 5000 leaves 1000 unfilled.
  // A fund of 1e6 pays for every fill below BP (at most 4000 x 99 < 1e6) and takes the 1000 over.
  const UnwindResult big = unwindOk(mx1(5000), {.depthPerPercent = 40, .insuranceFund = 1e6});
  CHECK_THAT(big.unfilled, WithinAbs(1000.0, 1e-6));
  CHECK_THAT(big.fundTakeover, WithinAbs(1000.0, 1e-6));
  CHECK_FALSE(big.autoDeleveraging);
  CHECK(big.worstPrice > 0);
}

TEST_CASE("An exhausted book leaves contracts unfilled: the fund takes them over", "[engine]") {
  // Long 10 against 3 @ 99.4 only.
  SECTION("market: 3 filled, 7 unfilled, fund 5 + 1.2, the fund takes the 7 over at BP: no ADL") {
    const UnwindResult u = unwindOk(mx1(10), {.book = {{99.4, 3}}, .insuranceFund = 5});
    CHECK_THAT(u.filled, WithinAbs(3.0, 1e-12));
    CHECK_THAT(u.unfilled, WithinAbs(7.0, 1e-12));
    CHECK_THAT(u.insuranceFundChange, WithinAbs(1.2, 1e-9));
    CHECK_THAT(u.fundTakeover, WithinAbs(7.0, 1e-12));
    CHECK(u.adlQuantity == 0);
    CHECK_FALSE(u.autoDeleveraging);
    CHECK_FALSE(u.adlSlice);
  }
  SECTION("TWAP, no recovery: the second slice fills nothing") {
    const UnwindResult u = unwindOk(mx1(10), {.style = UnwindStyle::Twap,
                                              .book = {{99.4, 3}},
                                              .slices = 2,
                                              .replenishFraction = 0,
                                              .insuranceFund = 5});
    REQUIRE(u.slices.size() == 2);
    CHECK_THAT(u.slices[0].unfilled, WithinAbs(2.0, 1e-12));
    CHECK(u.slices[1].quantity == 0);
    CHECK(u.slices[1].averagePrice == 0);
    CHECK_THAT(u.slices[1].unfilled, WithinAbs(5.0, 1e-12));
    CHECK_THAT(u.unfilled, WithinAbs(7.0, 1e-12));
    CHECK_THAT(u.averagePrice, WithinAbs(99.4, 1e-12));
  }
  SECTION("TWAP, full recovery: each slice takes 3") {
    const UnwindResult u = unwindOk(mx1(10), {.style = UnwindStyle::Twap,
                                              .book = {{99.4, 3}},
                                              .slices = 2,
                                              .replenishFraction = 1,
                                              .insuranceFund = 5});
    CHECK_THAT(u.filled, WithinAbs(6.0, 1e-12));
    CHECK_THAT(u.unfilled, WithinAbs(4.0, 1e-12));
  }
}

TEST_CASE("ADL starts in the slice where the fund runs out, for the contracts it cannot pay", "[engine]") {
  // Long 10, fund 0.3, bids 2 @ 99.2, 8 @ 98.9, TWAP 2 x 5, no recovery.
  // Slice 1: 2 x 0.2 + 3 x (-0.1) = +0.1 -> 0.4; slice 2: 5 x 0.1 = 0.5 > 0.4, so the fund pays
  // 0.4 / 0.1 = 4 contracts and is empty: 1 contract is deleveraged at BP, ADL in slice 2 (until
  // this model the 5 filled and the fund fell to -0.1). Threshold 99 - 0.3/10 = 98.97; average
  // (198.4 + 7 x 98.9) / 9 = 890.7 / 9 = 98.966667.
  const UnwindResult u = unwindOk(mx1(10), {.style = UnwindStyle::Twap,
                                            .book = {{99.2, 2}, {98.9, 8}},
                                            .slices = 2,
                                            .replenishFraction = 0,
                                            .insuranceFund = 0.3});
  REQUIRE(u.slices.size() == 2);
  CHECK_THAT(u.slices[0].insuranceFundAfter, WithinAbs(0.4, 1e-9));
  CHECK(u.slices[1].insuranceFundAfter == 0);
  CHECK_THAT(u.slices[1].quantity, WithinAbs(4.0, 1e-9));
  CHECK_THAT(u.slices[1].adlQuantity, WithinAbs(1.0, 1e-9));
  CHECK(u.autoDeleveraging);
  REQUIRE(u.adlSlice);
  CHECK(*u.adlSlice == 1);
  CHECK_THAT(u.adlQuantity, WithinAbs(1.0, 1e-9));
  REQUIRE(u.adlThresholdPrice);
  CHECK_THAT(*u.adlThresholdPrice, WithinAbs(98.97, 1e-9));
  CHECK_THAT(u.averagePrice, WithinAbs(890.7 / 9, 1e-9));
  // A fund of 0.5 covers it: 0.5 + 0.1 - 0.5 = 0.1.
  const UnwindResult ok = unwindOk(mx1(10), {.style = UnwindStyle::Twap,
                                             .book = {{99.2, 2}, {98.9, 8}},
                                             .slices = 2,
                                             .replenishFraction = 0,
                                             .insuranceFund = 0.5});
  CHECK_FALSE(ok.autoDeleveraging);
  CHECK_THAT(ok.insuranceFundAfter, WithinAbs(0.1, 1e-9));
}

TEST_CASE("Unwind steps explain every number", "[engine]") {
  const UnwindResult u = explainedOk(mx1(10), {.style = UnwindStyle::Twap,
                                            .book = kBids,
                                            .slices = 30,
                                            .replenishFraction = 0.5,
                                            .insuranceFund = 1});
  CHECK(u.slices.size() == 30);
  const auto has = [&](const std::string& field) {
    return std::any_of(u.steps.begin(), u.steps.end(),
                       [&](const Step& s) { return s.field == field; });
  };
  for (const char* field :
       {"liquidationPrice", "bankruptcyPrice", "book", "slices", "averagePrice",
        "insuranceFundChange", "insuranceFundAfter", "adlThresholdPrice", "autoDeleveraging"})
    CHECK(has(field));
  // The order's convention, 20 slices one by one, one line for the middle ones, then the last.
  const auto sliceSteps = std::count_if(u.steps.begin(), u.steps.end(),
                                        [](const Step& s) { return s.field == "slices"; });
  CHECK(sliceSteps == 1 + 1 + 20 + 1 + 1);
  for (const Step& s : u.steps)
    if (s.value) CHECK(std::isfinite(*s.value));
  double sum = 0;
  for (const UnwindSlice& s : u.slices) sum += s.quantity + s.unfilled;
  CHECK_THAT(sum, WithinAbs(10.0, 1e-9));
}

TEST_CASE("Unwind input errors, by path", "[engine][errors]") {
  const Scenario s = mx1(10);
  const auto errorsOf = [&](const UnwindRequest& r) { return unwind(s, r).errors; };

  SECTION("book levels") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto e = errorsOf(
        {.book = {{nan, 1}, {99.3, 0}, {-1, 2}, {99.1, std::numeric_limits<double>::infinity()}}});
    CHECK(hasError(e, "request.book[0].price", ErrorCode::NotFinite));
    CHECK(hasError(e, "request.book[1].size", ErrorCode::NotPositive));
    CHECK(hasError(e, "request.book[2].price", ErrorCode::NotPositive));
    CHECK(hasError(e, "request.book[3].size", ErrorCode::NotFinite));
    CHECK(e.size() == 4);
  }
  SECTION("bids out of order and above the takeover price") {
    const auto e = errorsOf({.book = {{99.0, 1}, {99.3, 1}, {99.3, 1}}});
    CHECK(hasError(e, "request.book[1].price", ErrorCode::Unsorted));
    CHECK(hasError(e, "request.book[2].price", ErrorCode::Unsorted));
    const auto above = errorsOf({.book = {{99.6, 1}, {99.3, 1}}});
    REQUIRE(above.size() == 1);
    CHECK(hasError(above, "request.book[0].price", ErrorCode::OutOfRange));
    CHECK(above[0].message.find("99.5") != std::string::npos);
    // A short's asks ascend from LP 100.5: a level below it is refused.
    const auto shortErrors =
        unwind(mx1(10, Side::Short), {.book = {{100.4, 1}, {100.6, 1}, {100.55, 1}}}).errors;
    CHECK(hasError(shortErrors, "request.book[0].price", ErrorCode::OutOfRange));
    CHECK(hasError(shortErrors, "request.book[2].price", ErrorCode::Unsorted));
    // Today's wording, from the one message table.
    CHECK(e[0].message == "request.book[1].price (99.3) must be below the level before it (99): a long is sold into "
                          "bids, best (highest) first");
    CHECK(above[0].message == "request.book[0].price (99.6) must be at or below the liquidation price 99.5: the "
                              "engine sells into bids from the takeover price down");
  }
  SECTION("too many levels") {
    const std::vector<BookLevel> book(10'001, BookLevel{99, 1});
    const auto e = errorsOf({.book = book});
    CHECK(hasError(e, "request.book", ErrorCode::TooMany));
    CHECK(e.size() == 1);
  }
  SECTION("slices, visible size, replenishment") {
    CHECK(hasError(errorsOf({.style = UnwindStyle::Twap, .book = kBids, .slices = 0}),
                   "request.slices", ErrorCode::OutOfRange));
    CHECK(hasError(errorsOf({.style = UnwindStyle::Twap, .book = kBids, .slices = 10'001}),
                   "request.slices", ErrorCode::OutOfRange));
    CHECK(
        errorsOf({.style = UnwindStyle::Market, .book = kBids, .slices = 0}).empty());  // not used
    CHECK(hasError(errorsOf({.style = UnwindStyle::Iceberg, .book = kBids, .visibleSize = 0}),
                   "request.visibleSize", ErrorCode::NotPositive));
    // 10 / 0.0001 = 100,000 slices.
    CHECK(hasError(errorsOf({.style = UnwindStyle::Iceberg, .book = kBids, .visibleSize = 0.0001}),
                   "request.visibleSize", ErrorCode::OutOfRange));
    CHECK(hasError(
        errorsOf(
            {.style = UnwindStyle::Twap, .book = kBids, .slices = 2, .replenishFraction = 1.5}),
        "request.replenishFraction", ErrorCode::OutOfRange));
    CHECK(hasError(errorsOf({.style = UnwindStyle::Iceberg,
                             .book = kBids,
                             .visibleSize = 1,
                             .replenishFraction = std::numeric_limits<double>::quiet_NaN()}),
                   "request.replenishFraction", ErrorCode::NotFinite));
  }
  SECTION("depth model and fund") {
    const auto depth = errorsOf({.depthPerPercent = 0});
    CHECK(hasError(depth, "request.depthPerPercent", ErrorCode::NotPositive));
    CHECK(depth[0].message == "request.depthPerPercent (0) must be > 0 (the book is empty, so the depth model needs it)");
    CHECK(errorsOf({.book = kBids, .depthPerPercent = 0}).empty());  // a book needs no model
    CHECK(hasError(errorsOf({.book = kBids, .insuranceFund = -1}), "request.insuranceFund",
                   ErrorCode::Negative));
    CHECK(hasError(
        errorsOf({.book = kBids, .insuranceFund = std::numeric_limits<double>::infinity()}),
        "request.insuranceFund", ErrorCode::NotFinite));
  }
  SECTION("position: out of range, or no price liquidates it") {
    const auto e3 = errorsOf({.position = 3, .book = kBids});
    REQUIRE(e3.size() == 1);
    CHECK(hasError(e3, "request.position", ErrorCode::OutOfRange));
    CHECK(e3[0].message == "request.position (3) must be < 1, the number of positions");
    // Long 1x: LP and BP would be 0, no positive price liquidates it.
    Scenario safe{.rules = Rules::Simple, .walletBalance = 1'000};
    safe.tiers = {{"EXAMPLE", flatTier(0.005, 100)}};
    safe.positions = {
        Position{.symbol = "EXAMPLE", .quantity = 1, .entryPrice = 100, .leverage = 1}};
    const auto e = unwind(safe, {.book = {{50, 1}}}).errors;
    REQUIRE(e.size() == 1);
    CHECK(hasError(e, "request.position", ErrorCode::OutOfRange));
    CHECK(e[0].message == "request.position (0): no price liquidates this position in isolated mode, so there is "
                          "nothing for the engine to take over");
    CHECK(e[0].rule == "nothingToUnwind");
  }
  SECTION("scenario and request errors together") {
    Scenario bad = s;
    bad.positions[0].leverage = -1;
    const auto e = unwind(bad, {.depthPerPercent = -1, .insuranceFund = -1}).errors;
    CHECK(std::any_of(e.begin(), e.end(),
                      [](const InputError& x) { return x.path == "positions[0].leverage"; }));
    CHECK(hasError(e, "request.depthPerPercent", ErrorCode::NotPositive));
    CHECK(hasError(e, "request.insuranceFund", ErrorCode::Negative));
    CHECK_FALSE(unwind(bad, {}).value);
  }
}

TEST_CASE("Unwind: explain() changes no number", "[engine][explain]") {
  // Property: for every style and side, linear and inverse, with a book and the depth model, the numbers
  // after explain() equal those before, bit for bit, and the steps end with the verdict.
  const auto same = [](const UnwindResult& a, const UnwindResult& b) {
    bool slices = a.slices.size() == b.slices.size();
    for (std::size_t i = 0; slices && i < a.slices.size(); ++i) {
      const UnwindSlice &x = a.slices[i], &y = b.slices[i];
      slices = x.quantity == y.quantity && x.averagePrice == y.averagePrice && x.worstPrice == y.worstPrice &&
               x.requested == y.requested && x.unfilled == y.unfilled && x.levels == y.levels &&
               x.insuranceFundChange == y.insuranceFundChange && x.insuranceFundAfter == y.insuranceFundAfter &&
               x.fundTakeover == y.fundTakeover && x.adlQuantity == y.adlQuantity;
    }
    return slices && a.averagePrice == b.averagePrice && a.bankruptcyPrice == b.bankruptcyPrice &&
           a.liquidationPrice == b.liquidationPrice && a.insuranceFundChange == b.insuranceFundChange &&
           a.insuranceFundAfter == b.insuranceFundAfter && a.unfilled == b.unfilled &&
           a.autoDeleveraging == b.autoDeleveraging && a.quantity == b.quantity && a.filled == b.filled &&
           a.worstPrice == b.worstPrice && a.depthModel == b.depthModel && a.adlSlice == b.adlSlice &&
           a.adlThresholdPrice == b.adlThresholdPrice && a.fundTakeover == b.fundTakeover &&
           a.adlQuantity == b.adlQuantity;
  };
  std::size_t checked = 0;
  for (Side side : {Side::Long, Side::Short})
    for (UnwindStyle style : {UnwindStyle::Market, UnwindStyle::Twap, UnwindStyle::Iceberg})
      for (bool book : {false, true})
        for (double fund : {0.0, 3.0})
          for (UnwindOrder order : {UnwindOrder::Book, UnwindOrder::IocAtBankruptcy}) {
          const Scenario s = mx1(10, side);
          const std::vector<BookLevel> levels =
              side == Side::Long ? kBids : std::vector<BookLevel>{{100.6, 3}, {100.8, 4}, {101.0, 5}};
          const UnwindRequest r{.style = style, .book = book ? levels : std::vector<BookLevel>{},
                                .depthPerPercent = 3, .slices = 25, .visibleSize = 3, .replenishFraction = 0.25,
                                .insuranceFund = fund, .order = order};
          const UnwindResult plain = unwindOk(s, r);
          UnwindResult explained = plain;
          explain(s, r, explained);
          CHECK(same(plain, explained));
          REQUIRE_FALSE(explained.steps.empty());
          CHECK(explained.steps.back().field == "autoDeleveraging");
          for (const Step& step : explained.steps) CHECK_FALSE(step.code.empty());
          ++checked;
        }
  CHECK(checked == 48);

  Scenario inverse{.rules = Rules::Simple, .walletBalance = 1};
  inverse.tiers = {{"BTCUSD", flatTier(0.005, 100)}};
  inverse.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 1,
                                .quantity = 1000, .entryPrice = 10'000, .leverage = 10}};
  const UnwindRequest r{.book = {{9'100, 600}, {9'050, 400}}, .insuranceFund = 0.0001};
  const UnwindResult plain = unwindOk(inverse, r);
  UnwindResult explained = plain;
  explain(inverse, r, explained);
  CHECK(same(plain, explained));
  const auto fund = std::find_if(explained.steps.begin(), explained.steps.end(),
                                 [](const Step& x) { return x.field == "insuranceFundChange"; });
  REQUIRE(fund != explained.steps.end());
  CHECK(fund->formula == "ΔF = s·Q_filled·CS·(1/BP − 1/avg)");
  CHECK(fund->code == "unwind.fundChangeInverse");
}

TEST_CASE("The largest unwind stays bounded", "[engine][limits]") {
  // 10,000 levels and 10,000 TWAP slices that each sweep the whole refilled book.
  std::vector<BookLevel> book;
  for (int i = 0; i < 10'000; ++i) book.push_back({99.5 - 0.001 * i, 0.001});
  const UnwindResult u = unwindOk(mx1(200'000), {.style = UnwindStyle::Twap,
                                                 .book = book,
                                                 .slices = 10'000,
                                                 .replenishFraction = 0.5,
                                                 .insuranceFund = 0});
  CHECK(u.slices.size() == 10'000);
  CHECK(u.autoDeleveraging);
  CHECK(std::isfinite(u.averagePrice));
}
