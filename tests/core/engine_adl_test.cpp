// SPDX-License-Identifier: MIT
// The liquidation engine's insurance fund and ADL as the venues describe them (VENUES.md 8; Bybit's ADL
// page help.bybit.com 900000031623: ADL only when the position cannot be closed at or better than the
// bankruptcy price and the fund cannot cover the loss; BitMEX MX-1: worse fills draw on the fund), and
// the two liquidation orders: through the book (BitMEX) or an IOC at the bankruptcy price (Binance 1.1,
// Bybit 2.1). Every case is a long or short of 10 contracts @ 100, 100x, MM 0.5%: LP 99.5 / 100.5,
// BP 99 / 101 (BitMEX rules, no fee), unless it says otherwise.
#include "marginlab/engine.h"

#include "support.h"
#include "unwind_support.h"

using namespace mltest;

namespace {

Scenario tenAt100(Side side = Side::Long) {
  Scenario s{.rules = Rules::Bitmex, .walletBalance = 10'000, .takerFeeRate = 0.0};
  s.tiers = {{"EXAMPLE", flatTier(0.005, 100)}};
  s.positions = {Position{.symbol = "EXAMPLE", .side = side, .quantity = 10, .entryPrice = 100, .leverage = 100}};
  return s;
}

UnwindResult run(const Scenario& s, const UnwindRequest& r) { return runUnwind(s, r); }

bool hasCode(const UnwindResult& u, const std::string& code) {
  return std::any_of(u.steps.begin(), u.steps.end(), [&](const Step& x) { return x.code == code; });
}

}  // namespace

TEST_CASE("The book runs out with a fund of 1e6: the fund takes the rest at BP, no ADL", "[engine][adl]") {
  // Long 10 against 3 @ 99.4 only, fund 1,000,000. Fills: 3 x (99.4 - 99) = +1.2 to the fund, which
  // ends at 1,000,001.2. The 7 contracts left: the fund's balance is > 0, so it takes them over at
  // BP 99: fundTakeover 7, adlQuantity 0, no ADL. (Until this model: autoDeleveraging true, adlSlice 0.)
  const UnwindResult u = run(tenAt100(), {.book = {{99.4, 3}}, .insuranceFund = 1e6});
  CHECK_THAT(u.filled, WithinAbs(3.0, 1e-12));
  CHECK_THAT(u.unfilled, WithinAbs(7.0, 1e-12));
  CHECK_THAT(u.insuranceFundChange, WithinAbs(1.2, 1e-9));
  CHECK_THAT(u.insuranceFundAfter, WithinAbs(1'000'001.2, 1e-6));
  CHECK_FALSE(u.autoDeleveraging);
  CHECK_FALSE(u.adlSlice);
  CHECK_THAT(u.fundTakeover, WithinAbs(7.0, 1e-12));
  CHECK(u.adlQuantity == 0);
  CHECK(hasCode(u, "unwind.fundTakeover"));
  CHECK(u.steps.back().code == "unwind.noAdlTakeover");
}

TEST_CASE("An empty fund and fills worse than BP: ADL from the slice where it runs out", "[engine][adl]") {
  // Long 10, fund 0, bids 2 @ 99.2 and 8 @ 98.9, TWAP 2 x 5, no recovery; 98.9 costs the fund 0.1 each.
  // Slice 1: 2 @ 99.2 give +0.4, 3 @ 98.9 cost 0.3: the fund holds 0.1. Slice 2: 5 @ 98.9 would cost
  // 0.5; the fund pays 0.1 / 0.1 = 1 contract and is empty; 4 contracts are deleveraged at BP.
  // Fund after 0 (never below), change 0.4 - 0.4 = 0; filled 6, average (198.4 + 4 x 98.9) / 6 = 99.
  const UnwindResult u = run(tenAt100(), {.style = UnwindStyle::Twap,
                                          .book = {{99.2, 2}, {98.9, 8}},
                                          .slices = 2,
                                          .replenishFraction = 0,
                                          .insuranceFund = 0});
  REQUIRE(u.slices.size() == 2);
  CHECK_THAT(u.slices[0].insuranceFundAfter, WithinAbs(0.1, 1e-9));
  CHECK(u.slices[0].adlQuantity == 0);
  CHECK_THAT(u.slices[1].quantity, WithinAbs(1.0, 1e-9));
  CHECK_THAT(u.slices[1].adlQuantity, WithinAbs(4.0, 1e-9));
  CHECK(u.slices[1].insuranceFundAfter == 0);
  CHECK(u.autoDeleveraging);
  REQUIRE(u.adlSlice);
  CHECK(*u.adlSlice == 1);
  CHECK_THAT(u.adlQuantity, WithinAbs(4.0, 1e-9));
  CHECK(u.fundTakeover == 0);
  CHECK(u.insuranceFundAfter == 0);
  CHECK_THAT(u.insuranceFundChange, WithinAbs(0.0, 1e-9));
  CHECK_THAT(u.filled, WithinAbs(6.0, 1e-9));
  CHECK_THAT(u.averagePrice, WithinAbs(99.0, 1e-9));
  for (const UnwindSlice& x : u.slices) CHECK(x.insuranceFundAfter >= 0);
  CHECK(hasCode(u, "unwind.fundCapLinear"));
  CHECK(hasCode(u, "unwind.adlQuantity"));
  CHECK(u.steps.back().code == "unwind.adlFund");
  CHECK(u.steps.back().label.find("ADL starts in slice 2") != std::string::npos);
}

TEST_CASE("IOC at the bankruptcy price: only the levels at or better than BP fill", "[engine][adl]") {
  // Long 10, bids 3 @ 99.4, 2 @ 99.2, 1 @ 99.0 (= BP), 4 @ 98.8.
  const std::vector<BookLevel> bids = {{99.4, 3}, {99.2, 2}, {99.0, 1}, {98.8, 4}};
  SECTION("fund 0: the IOC fills 6 and feeds 3 x 0.4 + 2 x 0.2 + 0 = 1.6; the fund takes the 4 over") {
    const UnwindResult u = run(tenAt100(), {.book = bids, .insuranceFund = 0, .order = UnwindOrder::IocAtBankruptcy});
    CHECK_THAT(u.filled, WithinAbs(6.0, 1e-12));
    CHECK(u.worstPrice == 99.0);
    CHECK_THAT(u.insuranceFundChange, WithinAbs(1.6, 1e-9));
    CHECK_THAT(u.fundTakeover, WithinAbs(4.0, 1e-12));
    CHECK_FALSE(u.autoDeleveraging);
    CHECK(hasCode(u, "unwind.iocLimitBids"));
  }
  SECTION("through the book instead, the fund's 1.6 pays 4 x 0.2 = 0.8 at 98.8: all 10 fill") {
    const UnwindResult u = run(tenAt100(), {.book = bids, .insuranceFund = 0});
    CHECK_THAT(u.filled, WithinAbs(10.0, 1e-12));
    CHECK_THAT(u.insuranceFundAfter, WithinAbs(0.8, 1e-9));
    CHECK_FALSE(u.autoDeleveraging);
    CHECK(hasCode(u, "unwind.orderBook"));
  }
  SECTION("fund 0 and only 1 @ BP then 9 @ 98.8: 1 fills at BP, nothing feeds the fund, 9 go to ADL") {
    const UnwindResult u =
        run(tenAt100(), {.book = {{99.0, 1}, {98.8, 9}}, .insuranceFund = 0, .order = UnwindOrder::IocAtBankruptcy});
    CHECK(u.filled == 1);
    CHECK(u.insuranceFundChange == 0);
    CHECK(u.adlQuantity == 9);
    CHECK(u.autoDeleveraging);
    CHECK(u.steps.back().code == "unwind.adlBook");
  }
}

TEST_CASE("A short: asks above BP 101 draw on the fund until it is empty", "[engine][adl]") {
  // Short 10, asks 3 @ 100.6 and 7 @ 101.2, fund 0. 100.6 feeds -1 x 3 x (100.6 - 101) = +1.2; each
  // contract @ 101.2 costs 0.2: the fund pays 1.2 / 0.2 = 6 and is empty, 1 contract is deleveraged.
  // Filled 9, average (301.8 + 6 x 101.2) / 9 = 909 / 9 = 101; fund after 0.
  const std::vector<BookLevel> asks = {{100.6, 3}, {101.2, 7}};
  const UnwindResult u = run(tenAt100(Side::Short), {.book = asks, .insuranceFund = 0});
  CHECK(u.bankruptcyPrice == 101);
  CHECK_THAT(u.filled, WithinAbs(9.0, 1e-9));
  CHECK_THAT(u.adlQuantity, WithinAbs(1.0, 1e-9));
  CHECK_THAT(u.averagePrice, WithinAbs(101.0, 1e-9));
  CHECK(u.insuranceFundAfter == 0);
  CHECK(u.autoDeleveraging);
  // The IOC at 101 buys only the 3 @ 100.6 (+1.2); the fund takes the other 7 over.
  const UnwindResult ioc = run(tenAt100(Side::Short), {.book = asks, .insuranceFund = 0, .order = UnwindOrder::IocAtBankruptcy});
  CHECK_THAT(ioc.filled, WithinAbs(3.0, 1e-12));
  CHECK_THAT(ioc.insuranceFundAfter, WithinAbs(1.2, 1e-9));
  CHECK_THAT(ioc.fundTakeover, WithinAbs(7.0, 1e-12));
  CHECK_FALSE(ioc.autoDeleveraging);
  CHECK(hasCode(ioc, "unwind.iocLimitAsks"));
}

TEST_CASE("An inverse long: the fund pays in coin until it is empty", "[engine][adl][inverse]") {
  // Inverse long 1000 contracts of 1 USD @ 10,000, 10x, MM 0.5%, wallet 1 BTC: BP = 10,000 x 10/11 =
  // 90,909.09.../10 = 9,090.909 (1/BP = 0.00011). Fund 0. 600 @ 9,100 feed 600 x (0.00011 - 1/9100) =
  // 0.0000659341 BTC. Each contract @ 9,050 costs 1/9050 - 0.00011 = 4.972376e-7 BTC: the fund pays
  // 0.0000659341 / 4.972376e-7 = 132.6 of the 400 (exactly 0.0000659341 / 4.972376e-7 = 132.600733),
  // and 267.399267 are deleveraged at BP. Fund after 0.
  Scenario s{.rules = Rules::Simple, .walletBalance = 1};
  s.tiers = {{"BTCUSD", flatTier(0.005, 100)}};
  s.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 1, .quantity = 1000,
                          .entryPrice = 10'000, .leverage = 10}};
  const UnwindResult u = run(s, {.book = {{9'100, 600}, {9'050, 400}}, .insuranceFund = 0});
  CHECK_THAT(u.bankruptcyPrice, WithinRel(100'000.0 / 11, 1e-12));
  CHECK_THAT(u.filled, WithinAbs(732.600733, 1e-6));
  CHECK_THAT(u.adlQuantity, WithinAbs(267.399267, 1e-6));
  CHECK(u.insuranceFundAfter == 0);
  CHECK_THAT(u.insuranceFundChange, WithinAbs(0.0, 1e-15));
  CHECK(hasCode(u, "unwind.fundCapInverse"));
}

TEST_CASE("Fills better than BP feed the fund under either order", "[engine][adl]") {
  // VENUES.md MX-1: long 1 @ 100, BP 99; a fill at 99.25 puts 0.25 in the fund. Long 10 here: 10 @ 99.25
  // feed 10 x 0.25 = 2.5; the IOC at 99 takes the same level.
  for (UnwindOrder order : {UnwindOrder::Book, UnwindOrder::IocAtBankruptcy}) {
    const UnwindResult u = run(tenAt100(), {.book = {{99.25, 10}}, .insuranceFund = 0, .order = order});
    CHECK_THAT(u.insuranceFundChange, WithinAbs(2.5, 1e-9));
    CHECK_THAT(u.insuranceFundAfter, WithinAbs(2.5, 1e-9));
    CHECK(u.unfilled == 0);
    CHECK_FALSE(u.autoDeleveraging);
    CHECK(u.steps.back().code == "unwind.noAdlGain");
  }
}
