// SPDX-License-Identifier: MIT
// Portfolio margin by venue (venue_pm.h): the components beyond the scenario grids, each against a
// hand calculation written here from VENUES-PM.md's rule: Deribit's delta shock (1.4, assumed shape
// behind deribitDeltaShock), OKX's MR2, MR3, MR5, MR7 (the BTC/ETH multiplier tiers before
// 2025-01-15, 2.2), MR8 and MR9, Bybit's vega spread (BTC/ETH 0.03% [PUB-3P], 3.2) and delta spread
// (45% [PUB-3P] low end) contingencies. The option values are the at-the-money closed form
// F erf(sigma sqrt(T) / (2 sqrt 2)) (r = 0) and the deep in-the-money limit U - K exp(-r T).
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "marginlab/account.h"
#include "marginlab/options.h"
#include "marginlab/venue_pm.h"

using namespace marginlab;

namespace {

const PmComponent* component(const VenueMargin& m, std::string_view name, std::string_view leg = {}) {
  for (const PmComponent& c : m.components)
    if (c.name == name && (leg.empty() || (c.leg && *c.leg == leg))) return &c;
  return nullptr;
}
const VenueMargin* row(const MarginByVenueResult& r, std::string_view venue) {
  for (const VenueMargin& v : r.venues)
    if (v.venue == venue && v.kind == "portfolio") return &v;
  return nullptr;
}

/// At the money, r = 0: Black-76 = F (2 N(s/2) - 1) = F erf(s / (2 sqrt 2)), s = sigma sqrt(T).
double atTheMoney(double forward, double sigma, double years) {
  return forward * std::erf(sigma * std::sqrt(years) / (2 * std::sqrt(2.0)));
}

PmLeg call(std::string path, double coins, double strike, double sigma, double years) {
  return PmLeg{.path = std::move(path), .option = true, .coins = coins, .years = years, .type = OptionType::Call,
               .strike = strike, .volatility = sigma};
}

}  // namespace

TEST_CASE("venue PM components: Deribit's delta shock, excess over the threshold (assumed shape)", "[venuepm][deribit]") {
  // VENUES-PM.md 1.5: max_delta_shock 0.1, delta_total_liq_shock_threshold 20,000,000 (USD assumed).
  const DeribitPmParams p{.date = "2024-06-17"};
  PmUnit linear{.underlying = "BTC", .price = 60000};
  linear.legs = {{.path = "futures[0]", .coins = 400, .mark = 60000}};  // cash delta 24,000,000 USD
  const VenueMargin off = deribitPortfolioMargin(linear, p);
  CHECK(component(off, "deltaShock") == nullptr);  // default: off (formula unpublished)
  const VenueMargin on = deribitPortfolioMargin(linear, p, {.deltaShock = DeribitDeltaShock::ExcessOverThreshold});
  REQUIRE(component(on, "deltaShock"));
  CHECK(component(on, "deltaShock")->value == Approx(400000).epsilon(1e-12));  // 0.1 x (24M - 20M)
  CHECK(*component(on, "deltaShock")->leg == "futures[0]");
  CHECK(on.initialMargin - off.initialMargin == Approx(400000).epsilon(1e-12));
  CHECK(on.maintenanceMargin - off.maintenanceMargin == Approx(0.8 * 400000).epsilon(1e-12));
  // Coin-settled: 400 coins of USD notional x 60,000 = 24M, the same 400,000 USD = 6.666... BTC.
  PmUnit inverse{.underlying = "BTC", .price = 60000, .inverse = true};
  inverse.legs = {{.path = "futures[0]", .inverse = true, .coins = -400, .mark = 60000}};
  const VenueMargin coin = deribitPortfolioMargin(inverse, p, {.deltaShock = DeribitDeltaShock::ExcessOverThreshold});
  CHECK(component(coin, "deltaShock")->value == Approx(400000.0 / 60000).epsilon(1e-12));
  // Below the threshold (100 BTC = 6M USD): 0, as in both stored examples (DPM-1, DPM-2).
  linear.legs[0].coins = 100;
  CHECK(component(deribitPortfolioMargin(linear, p, {.deltaShock = DeribitDeltaShock::ExcessOverThreshold}), "deltaShock")->value == 0);
}

TEST_CASE("venue PM components: cash delta of futures and options (the delta shock's and MR9's input)", "[venuepm]") {
  PmUnit u{.underlying = "BTC", .price = 100000};
  CHECK(cashDelta(u, {.path = "futures[0]", .coins = -3, .mark = 101000}) == Approx(-303000).epsilon(1e-12));  // linear: x its mark
  CHECK(cashDelta(u, {.path = "futures[1]", .inverse = true, .coins = 3, .mark = 101000}) == Approx(300000).epsilon(1e-12));  // x index
  // At the money, r = 0: delta N(s/2) = (1 + erf(s / (2 sqrt 2))) / 2, s = 0.5 sqrt(30/365); x forward 100,000 x 2 coins.
  const double s = 0.5 * std::sqrt(30.0 / 365), n = 0.5 * (1 + std::erf(s / (2 * std::sqrt(2.0))));
  CHECK(cashDelta(u, call("options[0]", 2, 100000, 0.5, 30.0 / 365)) == Approx(2 * n * 100000).epsilon(1e-9));
  // Coin-settled: Deribit's delta total, N(d1) minus the mark in coin (value / F).
  PmLeg coin = call("options[0]", 2, 100000, 0.5, 30.0 / 365);
  coin.inverse = true;
  CHECK(cashDelta(u, coin) == Approx(2 * (n - atTheMoney(100000, 0.5, 30.0 / 365) / 100000) * 100000).epsilon(1e-9));
}

TEST_CASE("venue PM components: OKX MR2 theta decay, MR3 vega and MR5 rate (assumed shapes)", "[venuepm][okx]") {
  const OkxPmParams p = okxParams("BTC", "2025-06-01");
  PmUnit u{.underlying = "BTC", .price = 100000};
  // MR2: a 1-day at-the-money call held 1 day decays to its intrinsic 0: the loss is its value.
  u.legs = {call("options[0]", 1, 100000, 0.5, 1.0 / 365)};
  CHECK(component(okxPortfolioMargin(u, p), "MR2") == nullptr);  // default 0 days: not charged
  const VenueMargin theta = okxPortfolioMargin(u, p, {.thetaDays = 1});
  CHECK(component(theta, "MR2")->value == Approx(atTheMoney(100000, 0.5, 1.0 / 365)).epsilon(1e-9));
  CHECK(component(theta, "MR2")->value == Approx(1044.04987).epsilon(1e-8));
  // MR3: a 30-day at-the-money call, IV 50% down 30 points to 20%.
  u.legs = {call("options[0]", 1, 100000, 0.5, 30.0 / 365)};
  const VenueMargin vega = okxPortfolioMargin(u, p, {.vegaPoints = 0.3});
  const PmComponent* mr3 = component(vega, "MR3");
  REQUIRE(mr3);
  CHECK(mr3->value == Approx(atTheMoney(100000, 0.5, 30.0 / 365) - atTheMoney(100000, 0.2, 30.0 / 365)).epsilon(1e-9));
  CHECK(mr3->value == Approx(3426.61688).epsilon(1e-8));
  CHECK(mr3->scenario->volShock == Approx(-0.3));
  CHECK(*mr3->leg == "options[0]");
  // MR3 adds to max(MR1, MR2, MR6): MMR = that + MR3.
  CHECK(vega.maintenanceMargin ==
        Approx(std::max(component(vega, "MR1")->value, component(vega, "MR6")->value) + mr3->value).epsilon(1e-12));
  // MR5: a deep in-the-money call (K 50,000, sigma 1%, 1 year) is worth U - K exp(-r T); the rate
  // 5% down: 50,000 (exp(0.05) - 1) = 2,563.5548188 lost.
  u.legs = {call("options[0]", 1, 50000, 0.01, 1)};
  const VenueMargin rate = okxPortfolioMargin(u, p, {.rateShock = 0.05});
  CHECK(component(rate, "MR5")->value == Approx(50000 * (std::exp(0.05) - 1)).epsilon(1e-9));
  CHECK(component(rate, "MR5")->value == Approx(2563.5548188).epsilon(1e-9));
}

TEST_CASE("venue PM components: OKX MR7 with the BTC/ETH multiplier tiers before 2025-01-15", "[venuepm][okx]") {
  // VENUES-PM.md 2.2 MR7 [PUB]: [0-10k] 1; (10k-70k] 2; (70k-170k] 4; (170k-300k] 6; (300k-470k] 8; (470k-700k] 10; above 12.
  CHECK(okxMinimumChargeMultiplier(0) == 1);
  CHECK(okxMinimumChargeMultiplier(10000) == 1);
  CHECK(okxMinimumChargeMultiplier(10000.01) == 2);
  CHECK(okxMinimumChargeMultiplier(70000) == 2);
  CHECK(okxMinimumChargeMultiplier(170000) == 4);
  CHECK(okxMinimumChargeMultiplier(300000) == 6);
  CHECK(okxMinimumChargeMultiplier(470000) == 8);
  CHECK(okxMinimumChargeMultiplier(700000) == 10);
  CHECK(okxMinimumChargeMultiplier(700000.01) == 12);
  // A flat book: 200 BTC long and 200 short at 100,000 (MR1 = MR6 = 0). Raw = 0.05% x 40,000,000 =
  // 20,000 -> tier 2, x 2 = 40,000 = MMR; IMR = 1.3 x 40,000 = 52,000.
  PmUnit u{.underlying = "BTC", .price = 100000};
  u.legs = {{.path = "futures[0]", .coins = 200, .mark = 100000}, {.path = "futures[1]", .coins = -200, .mark = 100000}};
  CHECK(okxPortfolioMargin(u, okxParams("BTC", "2024-12-01")).maintenanceMargin == 0);
  const VenueMargin m = okxPortfolioMargin(u, okxParams("BTC", "2024-12-01"), {.minimumChargeRate = 0.0005});
  CHECK(component(m, "MR7")->value == Approx(40000).epsilon(1e-12));
  CHECK(m.maintenanceMargin == Approx(40000).epsilon(1e-12));
  CHECK(m.initialMargin == Approx(52000).epsilon(1e-12));
  // No tiers published for other underlyings: multiplier 1.
  u.underlying = "XYZ";
  CHECK(component(okxPortfolioMargin(u, okxParams("XYZ", "2024-12-01"), {.minimumChargeRate = 0.0005}), "MR7")->value ==
        Approx(20000).epsilon(1e-12));
}

TEST_CASE("venue PM components: OKX MR9 stablecoin de-peg and MR8 borrowing", "[venuepm][okx]") {
  // MR9: 10 BTC long in USDT, 10 short in USDC at 100,000: cash deltas +1M USDT, -1M USDC; the
  // USDT-USDC hedging volume min(1M, 1M) x 1% = 10,000 (no USD leg: the other pairs 0).
  PmUnit u{.underlying = "BTC", .price = 100000};
  u.legs = {{.path = "futures[0]", .settlement = "USDT", .coins = 10, .mark = 100000},
            {.path = "futures[1]", .settlement = "USDC", .coins = -10, .mark = 100000}};
  const VenueMargin m = okxPortfolioMargin(u, okxParams("BTC", "2025-06-01"), {.depegFactor = 0.01});
  CHECK(component(m, "MR9.USDT-USDC")->value == Approx(10000).epsilon(1e-12));
  CHECK(component(m, "MR9.USDT-USD") == nullptr);
  CHECK(m.maintenanceMargin == Approx(10000).epsilon(1e-12));
  // MR8 through the account: 10,000 USDT borrowed (balance -10,000) x 10% = 1,000 on MMR, 1,300 on IMR.
  Account a;
  a.collateral = {{.asset = "BTC", .balance = 2, .price = 100000}, {.asset = "USDT", .balance = -10000, .price = 1}};
  a.underlyings = {{.name = "BTC", .price = 100000}};
  a.futures = {{.underlying = "BTC", .settlementAsset = "USDT", .symbol = "BTCUSDT", .side = Side::Long, .quantity = 1,
                .entryPrice = 100000}};
  const Result<MarginByVenueResult> base = marginByVenue(a, {.venue = "okx"});
  const Result<MarginByVenueResult> borrowed = marginByVenue(a, {.venue = "okx", .okx = {.borrowingRate = 0.1}});
  REQUIRE(base);
  REQUIRE(borrowed);
  const VenueMargin& b = *row(*borrowed.value, "okx");
  CHECK(component(b, "MR8", "collateral[1]")->value == Approx(1000).epsilon(1e-12));
  CHECK(b.maintenanceMargin - row(*base.value, "okx")->maintenanceMargin == Approx(1000).epsilon(1e-12));
  CHECK(b.initialMargin - row(*base.value, "okx")->initialMargin == Approx(1300).epsilon(1e-12));
}

TEST_CASE("venue PM components: Bybit's vega spread and delta spread contingencies", "[venuepm][bybit]") {
  const BybitPmParams p = bybitParams("BTC", "2025-02-01");
  CHECK(p.vegaSpreadFactor == Approx(0.0003));  // BTC/ETH 0.03% [PUB-3P]
  CHECK(bybitParams("XYZ", "2025-02-01").vegaSpreadFactor == 0);
  // Vega spread: 10 long calls at 60 days against 10 short at 30: 30 days x 10 x 0.03% x 100,000 = 9,000.
  PmUnit u{.underlying = "BTC", .price = 100000};
  u.legs = {call("options[0]", 10, 100000, 0.5, 60.0 / 365), call("options[1]", -10, 100000, 0.5, 30.0 / 365)};
  const VenueMargin vega = bybitPortfolioMargin(u, p);
  CHECK(component(vega, "vegaSpreadContingency")->value == Approx(9000).epsilon(1e-9));
  CHECK(*component(vega, "vegaSpreadContingency")->leg == "options[0]");
  // Delta spread: +10 perpetual, -4 at 0.25 years, -6 at 0.5 years: 4 x 0.25 + 6 x 0.5 = 4 coin-years
  // x 100,000 x 45% = 180,000 (the default factor); the marks equal the index, so the stress loss is 0.
  u.legs = {{.path = "futures[0]", .coins = 10, .mark = 100000}, {.path = "futures[1]", .coins = -4, .mark = 100000, .years = 0.25},
            {.path = "futures[2]", .coins = -6, .mark = 100000, .years = 0.5}};
  const VenueMargin delta = bybitPortfolioMargin(u, p);
  CHECK(component(delta, "deltaSpreadContingency", "futures[1]")->value == Approx(45000).epsilon(1e-12));
  CHECK(component(delta, "deltaSpreadContingency", "futures[2]")->value == Approx(135000).epsilon(1e-12));
  CHECK(delta.maintenanceMargin == Approx(180000).epsilon(1e-12));
  CHECK(bybitPortfolioMargin(u, p, {.deltaSpreadFactor = 0.6}).maintenanceMargin == Approx(240000).epsilon(1e-12));
  // only the stress loss of a flat book: 0 up to rounding (1e-6 USD)
  CHECK(bybitPortfolioMargin(u, p, {.deltaSpreadFactor = 0}).maintenanceMargin == Approx(0).margin(1e-6));
}

TEST_CASE("venue PM components: the new options' errors at their paths", "[venuepm]") {
  Account a;
  a.collateral = {{.asset = "USDT", .balance = 10000, .price = 1}};
  a.underlyings = {{.name = "BTC", .price = 100000}};
  a.futures = {{.underlying = "BTC", .settlementAsset = "USDT", .symbol = "BTCUSDT", .quantity = 1, .entryPrice = 100000}};
  MarginByVenueRequest q;
  q.okx = {.thetaDays = 400, .vegaPoints = -0.1, .rateShock = 0.6, .minimumChargeRate = 0.2, .borrowingRate = 2,
           .depegFactor = std::nan("")};
  q.bybit.deltaSpreadFactor = 1.5;
  const Result<MarginByVenueResult> r = marginByVenue(a, q);
  std::vector<std::string> paths;
  for (const InputError& e : r.errors) paths.push_back(e.path);
  CHECK(paths == std::vector<std::string>{"request.okxMr2Days", "request.okxMr3Points", "request.okxMr5RateShock", "request.okxMr7Rate",
                                          "request.okxMr8Rate", "request.okxMr9Factor", "request.bybitDeltaSpreadFactor"});
}
