// SPDX-License-Identifier: MIT
// Margin by venue, the reverse questions (venue_pm_reverse.h) and the dated parameter sets
// (venue_pm_params.h). The reverse answers are checked two ways: closed forms written out here
// (a short future under SPAN and under Deribit's linear grid), and re-evaluating marginByVenue and
// the account at the answer (margin = equity there to the tolerance, margin below equity just inside,
// above just outside). The sets are checked against VENUES-PM.md's published values by section.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "marginlab/account.h"
#include "marginlab/venue_pm.h"
#include "marginlab/venue_pm_params.h"
#include "marginlab/venue_pm_reverse.h"

using namespace marginlab;

namespace {

/// 100,000 USDC, short 1 BTC linear perpetual at the index (100,000): no PnL today.
Account shortPerp() {
  Account a{.margin = AccountMargin::DeribitStandard};
  a.collateral = {{.asset = "USDC", .balance = 100000, .price = 1}};
  a.underlyings = {{.name = "BTC", .price = 100000}};
  a.futures = {{.underlying = "BTC", .settlementAsset = "USDC", .symbol = "BTC-PERPETUAL", .side = Side::Short, .quantity = 1,
                .entryPrice = 100000}};
  return a;
}

VenueReverseRequest spanRequest() {
  VenueReverseRequest q;
  q.margin.span = {{.underlying = "BTC", .priceScanRange = 0.1, .volScanRange = 0}};
  return q;
}

const VenueReverse* row(const VenueReverseResult& r, std::string_view venue, std::string_view kind = "portfolio") {
  for (const VenueReverse& v : r.venues)
    if (v.venue == venue && v.kind == kind) return &v;
  return nullptr;
}

/// A row's margin and the equity the venue counts, both USD, by the public calls: marginByVenue's row
/// and evaluateAccount under the venue's shipped rule set.
std::pair<double, double> marginAndEquity(const Account& a, const MarginByVenueRequest& q, const std::string& venue,
                                          const std::string& kind, bool initial) {
  MarginByVenueRequest one = q;
  one.venue = venue;
  const Result<MarginByVenueResult> m = marginByVenue(a, one);
  REQUIRE(m);
  const VenueMargin* v = nullptr;
  for (const VenueMargin& x : m.value->venues)
    if (x.kind == kind) v = &x;
  REQUIRE(v);
  REQUIRE(v->supported);
  double k = 1;
  for (const Underlying& u : a.underlyings)
    if (u.name == v->currency) k = u.price;
  const AccountVenue want = venue == "deribit" ? AccountVenue::DeribitCross : venue == "okx" ? AccountVenue::OkxMultiCurrency
                            : venue == "bybit" ? AccountVenue::BybitUnified : venue == "binance" ? AccountVenue::BinanceUnified
                                                                                                 : AccountVenue::Generic;
  Account c = a;
  for (const AccountRules& r : accountVenues())
    if (r.venue == want) c.venue = r;
  const Result<AccountResult> e = evaluateAccount(c);
  REQUIRE(e);
  const double equity = initial ? e.value->account.venue.collateralInitial : e.value->account.venue.collateralMaintenance;
  return {k * (initial ? v->initialMargin : v->maintenanceMargin), equity};
}

}  // namespace

TEST_CASE("venue PM reverse: a short future under SPAN, by hand", "[venuepm][reverse]") {
  // SPAN PSR 10%: MM = IM = 0.1 x 100,000 x (1 + m) x size (the +1 scenario; the extreme one counts
  // 0.35 x 2 x 10% = 7%). Equity = 100,000 - 100,000 m (short 1).
  VenueReverseRequest q = spanRequest();
  q.margin.venue = "span";
  q.newLeg = NewLeg{.future = AccountFuture{.underlying = "BTC", .settlementAsset = "USDC", .symbol = "BTC-PERPETUAL",
                                            .side = Side::Short, .quantity = 1, .entryPrice = 100000}};
  const Result<VenueReverseResult> r = venueReverse(shortPerp(), q);
  REQUIRE(r);
  const VenueReverse* s = row(*r.value, "span");
  REQUIRE(s);
  CHECK(s->initialMargin == Approx(10000).epsilon(1e-12));
  CHECK(s->initialEquity == Approx(100000).epsilon(1e-12));
  // (a) 10,000 (1 + q) = 100,000: q = 9
  REQUIRE(s->maxNewLegSize);
  REQUIRE(s->maxNewLegSize->value);
  CHECK_FALSE(s->maxNewLegSize->reason);
  CHECK(*s->maxNewLegSize->value == Approx(9).epsilon(1e-9));
  // (b) up: 100,000 (1 - m) = 10,000 (1 + m): m = 90,000 / 110,000 = 9/11
  REQUIRE(s->liquidationMove.up.value);
  CHECK(*s->liquidationMove.up.value == Approx(9.0 / 11).epsilon(1e-9));
  CHECK(s->liquidationMove.up.margin == Approx(10000 * (1 + 9.0 / 11)).epsilon(1e-8));
  // down: equity rises and MM falls: none within -95%, with the reason
  CHECK_FALSE(s->liquidationMove.down.value);
  REQUIRE(s->liquidationMove.down.reason);
  CHECK(s->liquidationMove.down.reason->find("-95%") != std::string::npos);
}

TEST_CASE("venue PM reverse: a short linear perpetual under Deribit PM, by hand", "[venuepm][reverse][deribit]") {
  // Deribit, USD currency, newest set (VENUES-PM.md 1.5): worst case at +16% = 0.16 x 100,000 per BTC
  // short; the extended table's +50% cell counts the edge loss x 0.16/0.5 less the 25,000 dampener (0
  // below 4.88 BTC); roll shock on a perpetual: the floor 1% x 100,000. IM = 17,000 per BTC, MM = 0.8 IM.
  VenueReverseRequest q;
  q.margin.venue = "deribit";
  q.newLeg = NewLeg{.future = AccountFuture{.underlying = "BTC", .settlementAsset = "USDC", .symbol = "BTC-PERPETUAL",
                                            .side = Side::Short, .quantity = 0.5, .entryPrice = 100000}};
  const Result<VenueReverseResult> r = venueReverse(shortPerp(), q);
  REQUIRE(r);
  const VenueReverse* d = row(*r.value, "deribit");
  REQUIRE(d);
  CHECK(d->initialMargin == Approx(17000).epsilon(1e-12));
  CHECK(d->maintenanceMargin == Approx(13600).epsilon(1e-12));
  // (a) 17,000 (1 + q) = 100,000 (USDC counts at 100%): q = 83/17
  REQUIRE(d->maxNewLegSize->value);
  CHECK(*d->maxNewLegSize->value == Approx(83.0 / 17).epsilon(1e-9));
  // (b) up: 100,000 (1 - m) = 13,600 (1 + m): m = 86,400 / 113,600
  CHECK(*d->liquidationMove.up.value == Approx(86400.0 / 113600).epsilon(1e-9));
  CHECK_FALSE(d->liquidationMove.down.value);
}

TEST_CASE("venue PM reverse: every row re-evaluated at its answers", "[venuepm][reverse]") {
  Account a = shortPerp();
  a.collateral = {{.asset = "USDC", .balance = 40000, .price = 1}, {.asset = "BTC", .balance = 0.5, .price = 100000}};
  a.valuationDate = "2025-06-01";
  a.options = {{.underlying = "BTC", .settlementAsset = "USDC", .contract = Contract::Linear,
                .option = {.type = OptionType::Put, .strike = 80000, .expiryYears = 30.0 / 365, .side = Side::Short,
                           .quantity = 2, .premium = 1500, .volatility = 0.6}}};
  VenueReverseRequest q = spanRequest();
  q.margin.span[0].volScanRange = 0.05;
  q.newLeg = NewLeg{.option = AccountOption{.underlying = "BTC", .settlementAsset = "USDC", .contract = Contract::Linear,
                                            .option = {.type = OptionType::Call, .strike = 120000, .expiryYears = 30.0 / 365,
                                                       .side = Side::Short, .quantity = 1, .premium = 1000, .volatility = 0.55}}};
  const Result<VenueReverseResult> r = venueReverse(a, q);
  REQUIRE(r);
  int checked = 0;
  for (const VenueReverse& v : r.value->venues) {
    if (!v.supported) continue;
    INFO(v.venue << " " << v.kind);
    if (v.maxNewLegSize && v.maxNewLegSize->value && !v.maxNewLegSize->reason) {
      const double s = *v.maxNewLegSize->value;
      const auto at = [&](double size) {
        Account b = a;
        b.options.push_back(*q.newLeg->option);
        b.options.back().option.quantity = size;
        return marginAndEquity(b, q.margin, v.venue, v.kind, true);
      };
      const auto [im, eq] = at(s);
      CHECK(std::abs(im - eq) <= 1e-6 * eq);
      const auto [imIn, eqIn] = at(s * (1 - 1e-6));
      CHECK(imIn < eqIn);
      const auto [imOut, eqOut] = at(s * (1 + 1e-6));
      CHECK(imOut > eqOut);
      ++checked;
    }
    for (const ReverseAnswer* m : {&v.liquidationMove.down, &v.liquidationMove.up}) {
      if (!m->value || m->reason) continue;
      const double x = *m->value, inside = x - 1e-6 * (x < 0 ? -1 : 1), outside = x + 1e-6 * (x < 0 ? -1 : 1);
      const auto [mm, eq] = marginAndEquity(movedAccount(a, x), q.margin, v.venue, v.kind, false);
      CHECK(std::abs(mm - eq) <= 1e-6 * eq);
      const auto [mmIn, eqIn] = marginAndEquity(movedAccount(a, inside), q.margin, v.venue, v.kind, false);
      CHECK(mmIn < eqIn);
      const auto [mmOut, eqOut] = marginAndEquity(movedAccount(a, outside), q.margin, v.venue, v.kind, false);
      CHECK(mmOut > eqOut);
      ++checked;
    }
  }
  CHECK(checked >= 8);
}

TEST_CASE("venue PM reverse: request errors at their paths", "[venuepm][reverse]") {
  VenueReverseRequest q;
  q.newLeg = NewLeg{};
  q.underlying = "DOGE";
  Result<VenueReverseResult> r = venueReverse(shortPerp(), q);
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].path == "request.underlying");
  CHECK(r.errors[1].path == "request.newLeg");
  q.underlying.reset();
  q.newLeg = NewLeg{.future = AccountFuture{.underlying = "BTC", .settlementAsset = "USDC", .side = Side::Short,
                                            .quantity = std::nan(""), .entryPrice = 100000}};
  r = venueReverse(shortPerp(), q);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].path == "request.newLeg.future.quantity");
  q.newLeg->future->quantity = 1;
  q.newLeg->future->settlementAsset = "XYZ";
  r = venueReverse(shortPerp(), q);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].path == "request.newLeg.future.settlementAsset");
}

TEST_CASE("venue PM: OKX's dated sets and their diff (VENUES-PM.md 2.2, announcement of 2025-01-02)", "[venuepm][params]") {
  const std::vector<PmParameterSet> sets = pmParameterSets("okx");
  REQUIRE(sets.size() == 3);
  CHECK(sets[0].asOf == "2024-05-11");
  CHECK(sets[1].asOf == "2025-01-02");
  CHECK(sets[2].asOf == "2025-01-06");
  CHECK(pmParameterSetAt("okx", "2099-01-01")->asOf == "2025-01-06");  // default: the newest
  const Result<PmParameterDiff> d = pmParameterDiff("okx", "2024-12-31", "2025-01-10");
  REQUIRE(d);
  CHECK(d.value->setA == "2024-05-11");
  CHECK(d.value->setB == "2025-01-06");
  const auto change = [&](std::string_view scope, std::string_view name) -> const PmParameterChange* {
    for (const PmParameterChange& c : d.value->changes)
      if (c.name == name && c.scope.find(scope) != std::string::npos) return &c;
    return nullptr;
  };
  // MR1 BTC/ETH +-15% -> +-12%; MR6 +-30% -> +-24%; MR4 7.5% -> 5%; second classes; others' MR4 45% -> 30%
  REQUIRE(change("BTC", "spotMove"));
  CHECK(*change("BTC", "spotMove")->before == 0.15);
  CHECK(*change("BTC", "spotMove")->after == 0.12);
  CHECK(change("BTC", "spotMove")->fromAfter == "2025-01-06");
  CHECK(*change("BTC", "extremeMove")->before == 0.30);
  CHECK(*change("BTC", "extremeMove")->after == 0.24);
  CHECK(*change("BTC", "basisRisk")->before == 0.075);
  CHECK(*change("BTC", "basisRisk")->after == 0.05);
  CHECK(change("BTC", "basisRisk")->sourceAfter.find("2025-01-02") != std::string::npos);
  CHECK(*change("LTC", "spotMove")->after == 0.18);
  CHECK(*change("SOL", "extremeMove")->after == 0.36);
  CHECK(*change("SOL", "basisRisk")->before == 0.225);
  CHECK(*change("others", "basisRisk")->after == 0.30);
  CHECK(d.value->changes.size() == 7);
  CHECK_FALSE(change("others", "imFactor"));  // unchanged 1.3
}

TEST_CASE("venue PM: Bybit's and Deribit's dated sets and diffs (VENUES-PM.md 3.2, 1.5)", "[venuepm][params]") {
  const Result<PmParameterDiff> b = pmParameterDiff("bybit", "2024-12-01", "2025-02-01");
  REQUIRE(b);
  REQUIRE(b.value->changes.size() == 1);  // BTC/ETH +-15% -> +-10% from 2025-01-10
  CHECK(b.value->changes[0].scope == "BTC ETH");
  CHECK(*b.value->changes[0].before == 0.15);
  CHECK(*b.value->changes[0].after == 0.10);
  CHECK(pmParameterDiff("bybit", "2025-02-01", "2025-03-01").value->changes.empty());
  // Deribit: the USD currency's pnl_offset 0 -> 0.4 and max_offsetable_pnl 0 -> 1,000,000 (2024 -> 2026);
  // ETH's set first appears in 2026 (no value before).
  const Result<PmParameterDiff> d = pmParameterDiff("deribit", "2024-06-17", "2026-02-15");
  REQUIRE(d);
  int usd = 0, eth = 0;
  for (const PmParameterChange& c : d.value->changes) {
    if (c.scope == "USD" && c.name == "pnlOffset") {
      CHECK((*c.before == 0 && *c.after == 0.4));
      ++usd;
    }
    if (c.scope == "USD" && c.name == "maxOffsetablePnl") {
      CHECK((*c.before == 0 && *c.after == 1000000));
      ++usd;
    }
    if (c.scope == "ETH") {
      CHECK((!c.before && c.after));
      ++eth;
    }
  }
  CHECK(usd == 2);
  CHECK(eth == 16);  // the 16 values of table 1.5 (with max_delta_shock and delta_total_liq_shock_threshold)
  CHECK(pmParameter("deribit", "priceRange", "ETH", "2026-03-01")->value == 0.18);
  CHECK(pmParameter("deribit", "extendedDampener", "BTC", "2026-03-01")->value == 100000);
  // errors at their paths
  const Result<PmParameterDiff> e = pmParameterDiff("binance", "2025-13-01", "x");
  REQUIRE(e.errors.size() == 3);
  CHECK(e.errors[0].path == "venue");
  CHECK(e.errors[1].path == "dateA");
  CHECK(e.errors[2].path == "dateB");
}
