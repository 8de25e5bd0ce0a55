// SPDX-License-Identifier: MIT
// Portfolio margin by venue (venue_pm.h) against VENUES-PM.md's worked examples by ID (DPM-1,
// DPM-2, DPM-3, OPM-1, SPAN-1) and hand calculations written out here: the three cases
// before and after (short puts and the extended table, a calendar spread's roll shock, the down
// shock near expiry), SPAN's 16 scenarios, Bybit's dated range, and futures at their own marks.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <array>

#include "generator.h"
#include "marginlab/account.h"
#include "marginlab/options.h"
#include "marginlab/venue_pm.h"

using namespace marginlab;

namespace {

DeribitPmParams btc2024() { return DeribitPmParams{.date = "2024-06-17"}; }  // VENUES-PM.md 1.5, BTC column

const PmComponent* component(const VenueMargin& m, std::string_view name, std::string_view leg = {}) {
  for (const PmComponent& c : m.components)
    if (c.name == name && (leg.empty() || (c.leg && *c.leg == leg))) return &c;
  return nullptr;
}
const VenueMargin* row(const MarginByVenueResult& r, std::string_view venue, std::string_view kind = "portfolio") {
  for (const VenueMargin& v : r.venues)
    if (v.venue == venue && v.kind == kind) return &v;
  return nullptr;
}

/// The ten short BTC puts 30% out of the money: U 100,000, K 70,000, 30 days, 60% vol, coin-settled.
Account shortPuts() {
  Account a{.margin = AccountMargin::DeribitStandard};
  a.collateral = {{.asset = "BTC", .balance = 5, .price = 100000}};
  a.underlyings = {{.name = "BTC", .price = 100000}};
  a.options = {{.underlying = "BTC", .settlementAsset = "BTC", .contract = Contract::Inverse,
                .option = {.type = OptionType::Put, .strike = 70000, .expiryYears = 30.0 / 365, .side = Side::Short,
                           .quantity = 10, .premium = 0.001, .volatility = 0.6}}};
  return a;
}

}  // namespace

TEST_CASE("venue PM: DPM-1, Deribit S:PM BTC docs example (perpetual and a dated future)", "[venuepm][deribit]") {
  PmUnit u{.underlying = "BTC", .price = 66000, .inverse = true};
  u.legs = {{.path = "futures[0]", .inverse = true, .coins = 0.314538364, .mark = 66000},
            {.path = "futures[1]", .inverse = true, .coins = -0.001187534, .mark = 66000, .years = 10.9 / 365}};
  CHECK(legPnl(u, u.legs[0], -0.16, 0) == Approx(-0.0599120693).epsilon(1e-9));
  CHECK(legPnl(u, u.legs[0], 0.16, 0) == Approx(0.0433846019).epsilon(1e-9));
  const VenueMargin m = deribitPortfolioMargin(u, btc2024());
  const PmComponent* worst = component(m, "worstCase");
  REQUIRE(worst);
  CHECK(worst->value == Approx(0.0596858724).epsilon(1e-9));
  CHECK(worst->scenario->priceMove == Approx(-0.16));  // bucket 1, left
  CHECK(*worst->leg == "futures[0]");
  CHECK(component(m, "rollShock", "futures[0]")->value + component(m, "rollShock", "futures[1]")->value ==
        Approx(0.00315725898).epsilon(1e-9));
  CHECK(m.initialMargin == Approx(0.06284313098).epsilon(1e-8));  // risk_matrix_margin (no orders, no MMP)
  CHECK(m.initialMargin + 0.06 + 0.000018212 == Approx(0.122861343).epsilon(1e-8));  // + mmp + open orders as printed
  CHECK(m.maintenanceMargin == Approx(0.050274504784).epsilon(1e-8));
  CHECK(m.grids[1].worstPnl == 0);  // the extended cells are absorbed by the dampener (observed)
}

TEST_CASE("venue PM: DPM-2, Deribit X:PM ETH API capture (short perpetual, pnl_offset 0.6)", "[venuepm][deribit]") {
  PmUnit u{.underlying = "ETH", .price = 2000, .inverse = true};
  u.legs = {{.path = "futures[0]", .inverse = true, .coins = -0.999487053, .mark = 2000}};
  const DeribitPmParams p{.date = "2026-02-15", .priceRange = 0.18, .volRangeUp = 0.4, .annualisedMoveRisk = 0.05,
                          .minAnnualisedMove = 0.005, .extendedDampener = 200000, .pnlOffset = 0.6, .maxOffsetablePnl = 20000000};
  CHECK(legPnl(u, u.legs[0], -0.18, 0) == Approx(0.219399597).epsilon(1e-8));
  const VenueMargin m = deribitPortfolioMargin(u, p);
  CHECK(m.grids[0].pnl[1][0] == Approx(0.131639758).epsilon(1e-8));  // -18%, aggregated x 0.6
  CHECK(m.grids[0].pnl[1][8] == Approx(-0.152464127).epsilon(1e-8));
  CHECK(component(m, "worstCase")->value == Approx(0.152464127).epsilon(1e-8));
  CHECK(component(m, "worstCase")->scenario->priceMove == Approx(0.18));  // bucket 9, right
  CHECK(component(m, "rollShock")->value == Approx(0.004997435).epsilon(1e-7));
  CHECK(m.initialMargin == Approx(0.157461562).epsilon(1e-8));
  CHECK(m.maintenanceMargin == Approx(0.125969250).epsilon(1e-8));
}

TEST_CASE("venue PM: DPM-3, Deribit's tenor-scaled volatility shocks", "[venuepm][deribit]") {
  const DeribitPmParams p = btc2024();
  const DeribitVols d7 = deribitVols(p, 0.45, 7), d30 = deribitVols(p, 0.45, 30), d90 = deribitVols(p, 0.45, 90);
  CHECK(d7.f == Approx(1.54742).epsilon(1e-5));
  CHECK(d30.f == Approx(1));
  CHECK(d90.f == Approx(0.86691).epsilon(1e-5));
  CHECK(d7.up == Approx(0.7982).epsilon(1e-4));
  CHECK(d30.up == Approx(0.6750).epsilon(1e-4));
  CHECK(d90.up == Approx(0.6451).epsilon(1e-4));
  CHECK(d7.down == Approx(0.2759).epsilon(1e-3));
  CHECK(d30.down == Approx(0.3375).epsilon(1e-4));
  CHECK(d90.down == Approx(0.3525).epsilon(1e-3));
  CHECK(deribitVols(p, 0.30, 7).up == Approx(0.5321).epsilon(1e-4));  // the 50% floor does not bind
  CHECK(deribitVols(p, 0.20, 30).up == Approx(0.5));                   // it does: 0.2 x 1.5 = 0.3 < 0.5
}

TEST_CASE("venue PM: issue case (c), the down shock near expiry stops at -100%", "[venuepm][deribit]") {
  // Before: the options account's grid, scale (30 / max(1, days))^0.30, -38%: at 1 day
  // 30^0.3 = 2.77418, x 0.38 = 1.05419 > 1, a down shock past -100% (floored at 1e-6).
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = 100000};
  s.options = {{.type = OptionType::Call, .strike = 100000, .expiryYears = 1.0 / 365, .side = Side::Short, .quantity = 1,
                .volatility = 0.5}};
  const Result<PortfolioMarginResult> before = portfolioMargin(s);
  REQUIRE(before);
  CHECK(before.value->volShockScale[0] * 0.38 == Approx(1.05419).epsilon(1e-5));
  // After: Deribit's down = max(sigma (1 - 0.25 f), 0) with f = (30/DTE)^0.30.
  const DeribitPmParams p = btc2024();
  CHECK(deribitVols(p, 0.5, 1).down == Approx(0.5 * (1 - 0.25 * 2.77418)).epsilon(1e-5));  // -69.3%, not past -100%
  CHECK(deribitVols(p, 0.5, 1.1).down > 0);
  CHECK(deribitVols(p, 0.5, 0.1).down == 0);  // f = 300^0.3 = 5.535: 1 - 1.384 < 0, floored at 0 as published
}

TEST_CASE("venue PM: issue case (a), ten short puts 30% OTM under the extended table", "[venuepm][deribit]") {
  // Before: the options account's +-16% x +-38% grid: 0.264 BTC.
  const Account a = shortPuts();
  OptionsScenario s{.walletBalance = 5, .underlyingPrice = 100000};
  s.options = {a.options[0].option};
  const Result<PortfolioMarginResult> before = portfolioMargin(s);
  REQUIRE(before);
  CHECK(before.value->requirement == Approx(0.2644).epsilon(1e-3));
  // At -66% (U = 34,000) with the vol-up shock (30 days: f = 1, 0.6 x 1.5 = 0.9) the puts lose
  // about 10.58 BTC at full weight: 10 x (P(34,000; 0.9)/34,000 - P(100,000; 0.6)/100,000).
  const double t = 30.0 / 365;
  const double loss = 10 * (black76Price(OptionType::Put, 70000, 34000, 0.9 * std::sqrt(t)) / 34000 -
                            black76Price(OptionType::Put, 70000, 100000, 0.6 * std::sqrt(t)) / 100000);
  CHECK(loss == Approx(10.58).epsilon(1e-3));
  // Deribit: weight 0.16 / 0.66 = 0.242424, then the dampener of 100,000 USD: (2.5651 x 100,000 - 100,000) / 100,000.
  const double expected = (loss * 0.16 / 0.66 * 100000 - 100000) / 100000;
  CHECK(expected == Approx(1.5651).epsilon(1e-3));
  const std::vector<PmUnit> units = riskUnits(a, true);
  REQUIRE(units.size() == 1);
  const VenueMargin m = deribitPortfolioMargin(units[0], btc2024());
  const PmComponent* worst = component(m, "worstCase.extended");
  REQUIRE(worst);
  CHECK(worst->value == Approx(expected).epsilon(1e-9));
  CHECK(worst->scenario->priceMove == Approx(-0.66));
  CHECK(*worst->leg == "options[0]");
  CHECK(m.initialMargin == Approx(expected).epsilon(1e-9));
  CHECK(m.maintenanceMargin == Approx(0.8 * expected).epsilon(1e-9));
  // The [UNVERIFIED] weight behind its option: full weight counts the whole loss less the dampener.
  const VenueMargin full = deribitPortfolioMargin(units[0], btc2024(), {.extendedWeight = DeribitExtendedWeight::Full});
  CHECK(full.initialMargin == Approx((loss * 100000 - 100000) / 100000).epsilon(1e-9));
}

TEST_CASE("venue PM: issue case (b), a calendar spread at its own marks pays a roll shock per leg", "[venuepm][deribit]") {
  // Before: both futures at the index, long 100 against short 100: the grid nets to ~0 (1.8e-15).
  OptionsScenario v2{.settlement = Contract::Linear, .walletBalance = 1000000, .underlyingPrice = 100000};
  v2.futures = {Position{.symbol = "BTC-28JUN24", .contract = Contract::Linear, .side = Side::Long, .quantity = 100, .entryPrice = 100000},
                Position{.symbol = "BTC-27SEP24", .contract = Contract::Linear, .side = Side::Short, .quantity = 100, .entryPrice = 101000}};
  const Result<PortfolioMarginResult> before = portfolioMargin(v2);
  REQUIRE(before);
  CHECK(before.value->requirement < 1e-6);
  // After: USDC futures BTC-28JUN24 at 100,000 and BTC-27SEP24 at 101,000, valuation 2024-06-17 (00:00).
  Account a{.margin = AccountMargin::DeribitStandard, .valuationDate = "2024-06-17"};
  a.collateral = {{.asset = "USD", .balance = 1000000, .price = 1}};
  a.underlyings = {{.name = "BTC", .price = 100000}};
  a.futures = {{.underlying = "BTC", .settlementAsset = "USD", .symbol = "BTC-28JUN24", .side = Side::Long, .quantity = 100,
                .entryPrice = 100000, .markPrice = 100000},
               {.underlying = "BTC", .settlementAsset = "USD", .symbol = "BTC-27SEP24", .side = Side::Short, .quantity = 100,
                .entryPrice = 101000, .markPrice = 101000}};
  const Result<MarginByVenueResult> r = marginByVenue(a, {.venue = "deribit"});
  REQUIRE(r);
  const VenueMargin* m = row(*r.value, "deribit");
  REQUIRE(m);
  // Grid: 100 x 100,000 x m - 100 x 101,000 x m = -100,000 m: worst at +16%, 16,000 USD; the short leg loses most.
  CHECK(component(*m, "worstCase")->value == Approx(16000).epsilon(1e-9));
  CHECK(*component(*m, "worstCase")->leg == "futures[1]");
  // Roll (USD set: 10% a year, floor 1%): 28JUN24 08:00 is 11 days 8 h away: 0.10 x 11.3333/365 = 0.0031 < 0.01;
  // 27SEP24 08:00 is 102 days 8 h away: 0.10 x 102.3333/365 = 0.028037.
  CHECK(component(*m, "rollShock", "futures[0]")->value == Approx(100 * 100000 * 0.01).epsilon(1e-9));
  CHECK(component(*m, "rollShock", "futures[1]")->value == Approx(100 * 101000 * 0.10 * 102.3333333333 / 365).epsilon(1e-9));
  CHECK(m->initialMargin == Approx(16000 + 100000 + 100 * 101000 * 0.10 * 102.3333333333 / 365).epsilon(1e-9));
}

TEST_CASE("venue PM: futures at their own marks in the account (a basis to the index)", "[venuepm][account]") {
  Account a{.margin = AccountMargin::DeribitStandard};
  a.collateral = {{.asset = "USD", .balance = 10000, .price = 1}};
  a.underlyings = {{.name = "BTC", .price = 100000}};
  a.futures = {{.underlying = "BTC", .settlementAsset = "USD", .symbol = "BTC-28JUN24", .side = Side::Long, .quantity = 1,
                .entryPrice = 99000}};
  const Result<AccountResult> index = evaluateAccount(a);
  REQUIRE(index);
  CHECK(index.value->account.assets[0].unrealizedPnl == Approx(1000));  // marked at the index, as before
  a.futures[0].markPrice = 101000;
  const Result<AccountResult> own = evaluateAccount(a);
  REQUIRE(own);
  CHECK(own.value->account.assets[0].unrealizedPnl == Approx(2000));  // 1 x (101,000 - 99,000)
  // Deribit standard: MM rate 1% + 1 BTC x 0.005% at the future's own price: 0.01005 x 101,000.
  CHECK(own.value->account.maintenanceMargin == Approx(0.01005 * 101000).epsilon(1e-12));
  a.futures[0].markPrice = -1;
  const std::vector<InputError> errors = validate(a);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].path == "futures[0].markPrice");
}

TEST_CASE("venue PM: OPM-1 and OKX's dated sets", "[venuepm][okx]") {
  PmUnit u{.underlying = "BTC", .price = 100000};
  u.legs = {{.path = "futures[0]", .coins = 10, .mark = 100000}};
  const VenueMargin now = okxPortfolioMargin(u, okxParams("BTC", "2025-06-01"));
  CHECK(component(now, "MR1")->value == Approx(120000).epsilon(1e-12));  // 10 x 100,000 x 12%
  CHECK(component(now, "MR6")->value == Approx(240000).epsilon(1e-12));  // raw loss at -24%
  CHECK(component(now, "MR6")->scenario->priceMove == Approx(-0.24));
  CHECK(now.maintenanceMargin == Approx(240000).epsilon(1e-12));
  CHECK(now.initialMargin == Approx(1.3 * 240000).epsilon(1e-12));
  CHECK(now.parameterSet == "2025-01-06");
  const VenueMargin before = okxPortfolioMargin(u, okxParams("BTC", "2024-12-01"));  // +-15%, +-30% before 2025-01-06
  CHECK(component(before, "MR1")->value == Approx(150000).epsilon(1e-12));
  CHECK(component(before, "MR6")->value == Approx(300000).epsilon(1e-12));
  const VenueMargin covered = okxPortfolioMargin(u, okxParams("BTC", "2025-06-01"), {.extremeCoverage = 0.35});
  CHECK(covered.maintenanceMargin == Approx(120000).epsilon(1e-12));  // 0.35 x 240,000 = 84,000 < MR1
  CHECK(okxParams("SOL", "2025-06-01").extremeMove == Approx(0.36));
  CHECK(okxParams("SOL", "2025-06-01").basisRisk == Approx(0.15));
  CHECK(okxParams("XYZ", "2024-06-01").basisRisk == Approx(0.45));
}

TEST_CASE("venue PM: Bybit's price range before and after 2025-01-10", "[venuepm][bybit]") {
  PmUnit u{.underlying = "BTC", .price = 100000};
  u.legs = {{.path = "futures[0]", .coins = -10, .mark = 100000}};
  CHECK(bybitPortfolioMargin(u, bybitParams("BTC", "2025-02-01")).maintenanceMargin == Approx(100000).epsilon(1e-12));
  CHECK(bybitPortfolioMargin(u, bybitParams("BTC", "2024-12-01")).maintenanceMargin == Approx(150000).epsilon(1e-12));
  // The [UNVERIFIED] contingencies behind options: 10 BTC x 1% x 100,000 = 10,000; IM x 1.2.
  const VenueMargin m = bybitPortfolioMargin(u, bybitParams("BTC", "2025-02-01"), {.futuresFactor = 0.01, .imFactor = 1.2});
  CHECK(component(m, "futuresContingency")->value == Approx(10000).epsilon(1e-12));
  CHECK(m.initialMargin == Approx(1.2 * 110000).epsilon(1e-12));
}

TEST_CASE("venue PM: SPAN-1 (McMillan's covered write) and SPAN's 16 scenarios by hand", "[venuepm][span]") {
  const std::array<double, 16> array = {-460, 610, 690, 1600, -2060, -990, 1460, 2130,
                                        -4130, -3240, 1940, 2360, -6620, -6010, 3870, -5500};
  const SpanScan scan = spanScanRisk(array);
  CHECK(scan.risk == 6620);
  CHECK(scan.scenario == 12);  // scenario 13: down 3/3, vol up
  CHECK(kSpanScenarios[12].price == -1);
  CHECK(kSpanScenarios[12].vol == 1);
  CHECK(0.35 * 2 * 10000 == Approx(7000));  // the future's extreme entry as printed
  // Hand: long 1 BTC (linear) at 100,000, PSR 10%: scenario 13 loses 10,000; the extreme (-20%)
  // 20,000 x 0.35 = 7,000 counts less.
  PmUnit u{.underlying = "BTC", .price = 100000};
  u.legs = {{.path = "futures[0]", .coins = 1, .mark = 100000}};
  const SpanParams p{.underlying = "BTC", .priceScanRange = 0.10, .volScanRange = 0};
  const VenueMargin f = spanMargin(u, p);
  CHECK(f.maintenanceMargin == Approx(10000).epsilon(1e-12));
  CHECK(f.grids[0].worstPriceMove == 12);
  // Hand: short 1 put K 85,000, almost no time or vol (its price is its intrinsic value): -10% leaves it
  // out of the money, -20% (80,000) loses 5,000, counted 35%: 1,750, from the extreme scenario 16.
  PmUnit q{.underlying = "BTC", .price = 100000};
  q.legs = {{.path = "options[0]", .option = true, .coins = -1, .years = 0.001, .type = OptionType::Put, .strike = 85000,
             .volatility = 1e-4}};
  const VenueMargin o = spanMargin(q, p);
  CHECK(o.maintenanceMargin == Approx(1750).epsilon(1e-9));
  CHECK(component(o, "scanRisk")->scenario->priceMove == Approx(-0.20));
  CHECK(*component(o, "scanRisk")->leg == "options[0]");
}

TEST_CASE("venue PM: side by side, unsupported rows and request errors at their paths", "[venuepm]") {
  const Account a = shortPuts();
  const Result<MarginByVenueResult> r = marginByVenue(a, {.asOf = "2025-06-01"});
  REQUIRE(r);
  CHECK(row(*r.value, "deribit")->supported);
  CHECK(row(*r.value, "deribit", "standard")->maintenanceMargin == Approx(0.7600 * 100000).epsilon(1e-3));
  CHECK(!row(*r.value, "binance")->supported);  // coin-settled options
  CHECK(!row(*r.value, "span")->supported);     // no SPAN parameters for BTC
  CHECK(row(*r.value, "okx")->supported);
  CHECK(row(*r.value, "bybit")->supported);
  MarginByVenueRequest bad{.asOf = "June", .venue = "cme"};
  bad.span = {{.underlying = "DOGE", .priceScanRange = 2}, {.underlying = "BTC", .priceScanRange = 0.4, .extremeMultiple = 3}};
  bad.okx.extremeCoverage = std::nan("");
  const Result<MarginByVenueResult> e = marginByVenue(a, bad);
  std::vector<std::string> paths;
  for (const InputError& x : e.errors) paths.push_back(x.path);
  CHECK(paths == std::vector<std::string>{"request.asOf", "request.venue", "request.span[0].underlying",
                                          "request.span[0].priceScanRange", "request.span[1].extremeMultiple", "request.okxExtremeCoverage"});
  MarginByVenueResult explained = *r.value;
  explain(a, {.asOf = "2025-06-01"}, explained);
  CHECK(!explained.steps.empty());
  CHECK(r.value->steps.empty());  // numbers only until explain()
  for (std::size_t i = 0; i < explained.venues.size(); ++i) {  // explain() changes no number
    CHECK(explained.venues[i].initialMargin == r.value->venues[i].initialMargin);
    CHECK(explained.venues[i].maintenanceMargin == r.value->venues[i].maintenanceMargin);
  }
  // The dated sets: OKX's MR1 on the puts at +-15% before 2025-01-06 is larger than at +-12% after.
  const Result<MarginByVenueResult> old = marginByVenue(a, {.asOf = "2024-12-01", .venue = "okx"});
  REQUIRE(old);
  CHECK(old.value->venues.size() == 1);
  CHECK(old.value->venues[0].parameterSet == "2024-05-11");
  CHECK(row(*r.value, "okx")->parameterSet == "2025-01-06");
}

TEST_CASE("venue PM: seeded accounts give finite margins, IM >= MM >= 0, and the worst cell is the grid's minimum", "[venuepm]") {
  mltest::Generator g(20261207);
  int checked = 0;
  for (int n = 0; n < 200; ++n) {
    const bool inverse = g.chance(0.5);
    const double u = g.uniform(1, 200000);
    Account a{.margin = AccountMargin::DeribitStandard, .valuationDate = "2025-06-01"};
    a.collateral = {{.asset = inverse ? "BTC" : "USD", .balance = g.uniform(0, 100), .price = inverse ? u : 1}};
    a.underlyings = {{.name = "BTC", .price = u}};
    const char* symbols[] = {"BTC-PERPETUAL", "BTC-27JUN25", "BTC-26DEC25", "BTC-25JUN27"};
    for (int i = g.integer(0, 4); i > 0; --i)
      a.futures.push_back({.underlying = "BTC", .settlementAsset = a.collateral[0].asset, .symbol = g.pick(symbols),
                           .contract = inverse ? Contract::Inverse : Contract::Linear, .side = g.chance(0.5) ? Side::Long : Side::Short,
                           .quantity = g.uniform(0.001, 1000), .entryPrice = u * g.uniform(0.5, 1.5),
                           .markPrice = g.chance(0.5) ? std::optional<double>(u * g.uniform(0.8, 1.2)) : std::nullopt});
    for (int i = g.integer(0, 6); i > 0; --i)
      a.options.push_back({.underlying = "BTC", .settlementAsset = a.collateral[0].asset,
                           .contract = inverse ? Contract::Inverse : Contract::Linear,
                           .option = {.type = g.chance(0.5) ? OptionType::Call : OptionType::Put, .strike = u * g.uniform(0.3, 3),
                                      .expiryYears = g.pick({1e-6, 0.001, 0.05, 0.5, 3.0}), .side = g.chance(0.5) ? Side::Long : Side::Short,
                                      .quantity = g.uniform(0.1, 100), .premium = 0, .volatility = g.uniform(0.01, 3)}});
    MarginByVenueRequest q{.okx = {.volShock = g.uniform(0, 0.9)}, .bybit = {.volShock = g.uniform(0, 0.9)}};
    q.span = {{.underlying = "BTC", .priceScanRange = g.uniform(0.01, 0.45), .volScanRange = g.uniform(0, 1), .extremeMultiple = 2}};
    const Result<MarginByVenueResult> r = marginByVenue(a, q);
    INFO("account " << n << (r.errors.empty() ? "" : ": " + r.errors.front().path + " " + r.errors.front().message));
    REQUIRE(r);
    for (const VenueMargin& v : r.value->venues) {
      if (!v.supported) continue;
      INFO(v.venue << " " << v.kind);
      CHECK(std::isfinite(v.initialMargin));
      CHECK(std::isfinite(v.maintenanceMargin));
      CHECK(v.maintenanceMargin >= 0);
      CHECK(v.initialMargin >= v.maintenanceMargin * (1 - 1e-12));
      for (const PmGrid& grid : v.grids) {
        double least = grid.pnl[0][0];
        for (const auto& row : grid.pnl)
          for (double x : row) {
            CHECK(std::isfinite(x));
            least = std::min(least, x);
          }
        CHECK(grid.worstPnl == least);
      }
      ++checked;
    }
  }
  CHECK(checked > 600);
}
