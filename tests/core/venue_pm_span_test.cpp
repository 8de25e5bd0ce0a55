// SPDX-License-Identifier: MIT
// CME SPAN's spreads (venue_pm.h, VENUES-PM.md 6.1) against the published worked examples by ID:
// SPAN-3, the intra-commodity (calendar) spread charge (cmegroup.com spread-calc: months 2/3/4 with
// outright 500/500/750 and intra charges 2v3 200, 2v4 50, 3v4 0 give 200, 300, 250, each the legs'
// outright difference + the charge), and SPAN-2, the inter-commodity credit (corn vs soybeans 2:1,
// outright 1,750 / 2,500, rate 55%: 6,000 - 3,300 = 2,700). Tolerance: 1e-9 relative (futures
// only: every number is a sum of products of the inputs).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "marginlab/account.h"
#include "marginlab/venue_pm.h"

using namespace marginlab;

namespace {

std::vector<const PmComponent*> components(const VenueMargin& m, std::string_view name) {
  std::vector<const PmComponent*> out;
  for (const PmComponent& c : m.components)
    if (c.name == name) out.push_back(&c);
  return out;
}

/// SPAN-3's product: price 10,000, months 2, 3 and 4 as tiers 0, 1 and 2; PSR 5% (500 a coin) for
/// months 2 and 3 and 7.5% (750) for month 4; the charges 2v3 200, 2v4 50, 3v4 0 in that order.
SpanParams span3() {
  SpanParams p{.underlying = "X", .priceScanRange = 0.05, .volScanRange = 0};
  p.tiers = {{.maxYears = 2.5 / 12}, {.maxYears = 3.5 / 12}, {.maxYears = 4.5 / 12, .priceScanRange = 0.075}};
  p.intraSpreads = {{.tierA = 0, .tierB = 1, .charge = 200}, {.tierA = 0, .tierB = 2, .charge = 50}, {.tierA = 1, .tierB = 2, .charge = 0}};
  return p;
}

PmUnit calendar(std::vector<std::pair<int, double>> monthCoins) {
  PmUnit u{.underlying = "X", .price = 10000};
  for (auto [month, coins] : monthCoins)
    u.legs.push_back({.path = "futures[" + std::to_string(u.legs.size()) + "]", .coins = coins, .mark = 10000, .years = month / 12.0});
  return u;
}

}  // namespace

TEST_CASE("venue PM: SPAN-3, the intra-commodity spread charge (months 2/3/4: 200, 300, 250)", "[venuepm][span]") {
  const SpanParams p = span3();
  // 2v3: outright 500 - 500 = 0 of scan risk + 200
  const VenueMargin m23 = spanMargin(calendar({{2, 1}, {3, -1}}), p);
  CHECK(m23.maintenanceMargin == Approx(200).epsilon(1e-9));
  CHECK(components(m23, "scanRisk")[0]->value == Approx(0).margin(1e-9));
  REQUIRE(components(m23, "intraSpreadCharge").size() == 1);
  CHECK(components(m23, "intraSpreadCharge")[0]->value == Approx(200).epsilon(1e-9));
  CHECK(*components(m23, "intraSpreadCharge")[0]->leg == "futures[1]");  // the later tier's leg
  // 2v4: 750 - 500 = 250 of scan risk (the +1 scenario: +500 - 750) + 50
  const VenueMargin m24 = spanMargin(calendar({{2, 1}, {4, -1}}), p);
  CHECK(m24.maintenanceMargin == Approx(300).epsilon(1e-9));
  CHECK(components(m24, "scanRisk")[0]->value == Approx(250).epsilon(1e-9));
  CHECK(components(m24, "intraSpreadCharge")[0]->value == Approx(50).epsilon(1e-9));
  // 3v4: 250 + 0
  const VenueMargin m34 = spanMargin(calendar({{3, 1}, {4, -1}}), p);
  CHECK(m34.maintenanceMargin == Approx(250).epsilon(1e-9));
  CHECK(m34.initialMargin == Approx(250).epsilon(1e-9));
  // Hand: the order listed is the priority. Long 1 month 2, short 1 month 3, short 1 month 4: 2v3
  // takes month 2's delta first (200), leaving none for 2v4; the scan: +1 scenario +500 - 500 - 750 = -750.
  const VenueMargin order = spanMargin(calendar({{2, 1}, {3, -1}, {4, -1}}), p);
  CHECK(order.maintenanceMargin == Approx(750 + 200).epsilon(1e-9));
  SpanParams reversed = p;
  std::swap(reversed.intraSpreads[0], reversed.intraSpreads[1]);
  CHECK(spanMargin(calendar({{2, 1}, {3, -1}, {4, -1}}), reversed).maintenanceMargin == Approx(750 + 50).epsilon(1e-9));
  // Hand: 3 long month 2 against 2 short month 3: 2 spreads x 200; the open coin's scan risk 500.
  CHECK(spanMargin(calendar({{2, 3}, {3, -2}}), p).maintenanceMargin == Approx(500 + 2 * 200).epsilon(1e-9));
  // No tiers given (the default): no charge, the scan alone.
  SpanParams none = p;
  none.tiers.clear(), none.intraSpreads.clear();
  const VenueMargin plain = spanMargin(calendar({{2, 1}, {3, -1}}), none);
  CHECK(plain.maintenanceMargin == Approx(0).margin(1e-9));
  CHECK(components(plain, "intraSpreadCharge").empty());
}

namespace {

/// SPAN-2's book: long 2 corn at 17,500, short 1 soybeans at 25,000, PSR 10% of each (outright
/// 1,750 and 2,500 a coin), both perpetual futures settled in USD.
Account cornSoy() {
  Account a{.margin = AccountMargin::DeribitStandard};
  a.collateral = {{.asset = "USD", .balance = 100000, .price = 1}};
  a.underlyings = {{.name = "CORN", .price = 17500, .futuresSizeRate = 0.01}, {.name = "SOY", .price = 25000, .futuresSizeRate = 0.01}};
  a.futures = {{.underlying = "CORN", .settlementAsset = "USD", .symbol = "CORN", .side = Side::Long, .quantity = 2, .entryPrice = 17500},
               {.underlying = "SOY", .settlementAsset = "USD", .symbol = "SOY", .side = Side::Short, .quantity = 1, .entryPrice = 25000}};
  return a;
}
MarginByVenueRequest cornSoyRequest() {
  MarginByVenueRequest q{.venue = "span"};
  q.span = {{.underlying = "CORN", .priceScanRange = 0.1}, {.underlying = "SOY", .priceScanRange = 0.1}};
  q.spanInter = {{.first = "CORN", .second = "SOY", .firstDelta = 2, .secondDelta = 1, .creditRate = 0.55}};
  return q;
}

}  // namespace

TEST_CASE("venue PM: SPAN-2, the inter-commodity spread credit (corn vs soybeans 2:1: 2,700)", "[venuepm][span]") {
  const Account a = cornSoy();
  MarginByVenueRequest q = cornSoyRequest();
  const Result<MarginByVenueResult> r = marginByVenue(a, q);
  REQUIRE(r);
  REQUIRE(r.value->venues.size() == 1);
  const VenueMargin& m = r.value->venues[0];
  REQUIRE(m.supported);
  // 1,750 x 2 + 2,500 = 6,000; credit 0.55 x (3,500 + 2,500) = 3,300; 2,700
  const auto scans = components(m, "scanRisk");
  REQUIRE(scans.size() == 2);
  CHECK(scans[0]->value + scans[1]->value == Approx(6000).epsilon(1e-9));
  const auto credits = components(m, "interSpreadCredit");
  REQUIRE(credits.size() == 2);
  CHECK(credits[0]->underlying == "CORN");
  CHECK(credits[0]->value == Approx(-0.55 * 3500).epsilon(1e-9));
  CHECK(*credits[0]->leg == "futures[0]");
  CHECK(credits[1]->value == Approx(-0.55 * 2500).epsilon(1e-9));
  CHECK(*credits[1]->leg == "futures[1]");
  CHECK(m.maintenanceMargin == Approx(2700).epsilon(1e-9));
  CHECK(m.initialMargin == Approx(2700).epsilon(1e-9));
  // the steps: each side's credit, rate x spreads x ratio x price risk per coin
  MarginByVenueResult explained = *r.value;
  explain(a, q, explained);
  double credited = 0;
  for (const Step& s : explained.steps)
    if (s.code == "venuePm.spanInterCredit") credited += s.value.value_or(0);
  CHECK(credited == Approx(-3300).epsilon(1e-9));
  // Hand: the IM ratio of each side applies to its own credit: SOY at 1.5 gives IM
  // 3,500 - 1,925 + 1.5 x (2,500 - 1,375) = 3,262.5, MM unchanged.
  q.span[1].imRatio = 1.5;
  const Result<MarginByVenueResult> ratio = marginByVenue(a, q);
  REQUIRE(ratio);
  CHECK(ratio.value->venues[0].initialMargin == Approx(3262.5).epsilon(1e-9));
  CHECK(ratio.value->venues[0].maintenanceMargin == Approx(2700).epsilon(1e-9));
  // Hand: same signs form no spread (long both): 3,500 + 2,500, no credit.
  Account longBoth = a;
  longBoth.futures[1].side = Side::Long;
  const Result<MarginByVenueResult> same = marginByVenue(longBoth, cornSoyRequest());
  REQUIRE(same);
  CHECK(same.value->venues[0].maintenanceMargin == Approx(6000).epsilon(1e-9));
  CHECK(components(same.value->venues[0], "interSpreadCredit").empty());
}

TEST_CASE("venue PM: SPAN spread parameters' errors at their paths", "[venuepm][span]") {
  const Account a = cornSoy();
  MarginByVenueRequest q = cornSoyRequest();
  q.span[0].tiers = {{.maxYears = 0.5}, {.maxYears = 0.25}, {.maxYears = 1, .priceScanRange = 0.5}};
  q.span[0].intraSpreads = {{.tierA = 0, .tierB = 3, .charge = 1}, {.tierA = 1, .tierB = 1, .charge = std::nan("")},
                            {.tierA = 0.5, .tierB = 1, .charge = -1}};
  q.spanInter = {{.first = "WHEAT", .second = "SOY", .firstDelta = 0, .creditRate = 1.5},
                 {.first = "SOY", .second = "SOY", .creditRate = 0.5}};
  const Result<MarginByVenueResult> e = marginByVenue(a, q);
  std::vector<std::string> paths, rules;
  for (const InputError& x : e.errors) paths.push_back(x.path), rules.push_back(x.rule);
  CHECK(paths == std::vector<std::string>{
                     "request.span[0].tiers[1].maxYears", "request.span[0].tiers[2].priceScanRange",
                     "request.span[0].intraSpreads[0].tierB", "request.span[0].intraSpreads[1].tierB",
                     "request.span[0].intraSpreads[1].charge", "request.span[0].intraSpreads[2].tierA",
                     "request.span[0].intraSpreads[2].charge", "request.spanInter[0].first", "request.spanInter[0].firstDelta",
                     "request.spanInter[0].creditRate", "request.spanInter[1].second"});
  CHECK(rules == std::vector<std::string>{"venuePmSpanTierOrder", "venuePmFraction", "whole", "venuePmSpanSame", "notFinite", "whole",
                                          "venuePmFraction", "venuePmSpanInter", "venuePmFraction", "venuePmFraction", "venuePmSpanSame"});
  for (const InputError& x : e.errors) CHECK(x.message.find(x.path) != std::string::npos);
  MarginByVenueRequest many = cornSoyRequest();
  many.spanInter.assign(kMaxSpanSpreads + 1, many.spanInter[0]);
  const Result<MarginByVenueResult> tooMany = marginByVenue(a, many);
  REQUIRE(tooMany.errors.size() == 1);
  CHECK(tooMany.errors[0].path == "request.spanInter");
}
