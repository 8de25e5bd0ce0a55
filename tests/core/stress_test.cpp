// SPDX-License-Identifier: MIT
// stress.h: price-shock grids, cascading liquidations of a cross account, and funding, each
// against a hand calculation written beside it; input errors by path and code.
#include <limits>

#include "generator.h"
#include "marginlab/stress.h"
#include "support.h"

using namespace mltest;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

template <class T>
T ok(const Result<T>& r) {  // a copy: callers pass temporaries
  INFO("first error: " << (r.errors.empty() ? std::string("none") : r.errors.front().path + ": " + r.errors.front().message));
  REQUIRE(r.errors.empty());
  REQUIRE(r.value);
  return *r.value;
}

Result<StressResult> run(const Scenario& s, const StressRequest& r) { return stressGrid(s, r); }
Result<CascadeResult> run(const Scenario& s, const CascadeRequest& r) { return cascade(s, r); }
Result<FundingResult> run(const Scenario& s, const FundingRequest& r) { return fundingImpact(s, r); }

/// The tool's value with its explanation; the explanation changes no number.
template <class Request>
auto explained(const Scenario& s, const Request& request) {
  auto value = ok(run(s, request));
  explain(s, request, value);
  return value;
}

bool finiteSteps(const std::vector<Step>& steps) {
  return std::all_of(steps.begin(), steps.end(), [](const Step& s) { return !s.value || std::isfinite(*s.value); });
}

/// Simple profile (flat 0.5% for any symbol), wallet 10,000:
///   BTCUSDT long 1 @ 10,000, 10x: isolated margin 1,000;
///   ETHUSDT short 10 @ 1,000, 10x: isolated margin 1,000.
Scenario twoSymbols() {
  Scenario s{.rules = Rules::Simple, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 10'000, .leverage = 10},
                 Position{.symbol = "ETHUSDT", .side = Side::Short, .quantity = 10, .entryPrice = 1'000, .leverage = 10}};
  return s;
}

/// Simple profile, one long 1 BTCUSDT @ 10,000, 10x, on `wallet`, taker fee 0.1%.
Scenario oneLong(double wallet) {
  Scenario s{.rules = Rules::Simple, .walletBalance = wallet, .takerFeeRate = 0.001};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 10'000, .leverage = 10}};
  return s;
}

using Marks = std::map<std::string, double, std::less<>>;

CascadeRequest path(const std::string& symbol, const std::vector<double>& prices) {
  CascadeRequest r;
  for (double p : prices) r.marks.push_back(Marks{{symbol, p}});
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Shock grid
// ---------------------------------------------------------------------------------------------

TEST_CASE("stress grid, one factor with a beta: equity, ratio and liquidations by hand", "[stress]") {
  // Marks move by P (1 + beta shock); ETH beta 2, BTC 1. Isolated LPs (simple, 0.5%):
  //   BTC long:  (1000 - 10000) / (0.005 - 1) = 9,045.226...;  ETH short: (1000 + 10000) / 10.05 = 1,094.527...
  // Shock -20%: BTC 8,000, ETH 600.
  //   Isolated: BTC pool max(0, 1000 - 2000) = 0 (liquidated), ETH pool 1000 + 4000 = 5000, the rest of the
  //   wallet 10000 - 2000 = 8000: equity 13,000. MM = 8000 x 0.005 + 6000 x 0.005 = 70.
  //   Cross: 10000 - 2000 + 4000 = 12,000; ratio 70 / 12000; nothing liquidated (ETH cross LP with BTC at
  //   8,000: (10000 - 40 - 2000 + 10000) / 10.05 = 1,787.06 > 600; BTC's E0 covers any price).
  // Shock +20%: BTC 12,000, ETH 1,400.
  //   Isolated: BTC pool 3000, ETH pool max(0, 1000 - 4000) = 0 (liquidated): equity 3000 + 8000 = 11,000,
  //   MM = 60 + 70 = 130. Cross: 10000 + 2000 - 4000 = 8,000, ratio 130 / 8000; ETH cross LP
  //   (10000 - 60 + 2000 + 10000) / 10.05 = 2,183.08 > 1,400: not liquidated.
  // Shock 0: both 10,000. Tolerance 1e-12 relative.
  StressRequest req{.shocks = {-0.2, 0, 0.2}};
  req.betas = {{"ETHUSDT", 2}};
  const StressResult& g = explained(twoSymbols(), req);
  REQUIRE(g.cells.size() == 3);
  const StressCell& down = g.cells[0];
  CHECK(down.symbol.empty());
  CHECK(down.shock == -0.2);
  CHECK_THAT(down.equity.isolated, WithinRel(13'000.0, 1e-12));
  CHECK_THAT(down.equity.cross, WithinRel(12'000.0, 1e-12));
  REQUIRE(down.marginRatio.isolated);
  REQUIRE(down.marginRatio.cross);
  CHECK_THAT(*down.marginRatio.isolated, WithinRel(70.0 / 13'000, 1e-12));
  CHECK_THAT(*down.marginRatio.cross, WithinRel(70.0 / 12'000, 1e-12));
  CHECK(down.liquidated.isolated == std::vector<bool>{true, false});
  CHECK(down.liquidated.cross == std::vector<bool>{false, false});

  CHECK_THAT(g.cells[1].equity.isolated, WithinRel(10'000.0, 1e-12));
  CHECK_THAT(g.cells[1].equity.cross, WithinRel(10'000.0, 1e-12));
  CHECK(g.cells[1].liquidated.isolated == std::vector<bool>{false, false});

  const StressCell& up = g.cells[2];
  CHECK_THAT(up.equity.isolated, WithinRel(11'000.0, 1e-12));
  CHECK_THAT(up.equity.cross, WithinRel(8'000.0, 1e-12));
  CHECK_THAT(*up.marginRatio.cross, WithinRel(130.0 / 8'000, 1e-12));
  CHECK(up.liquidated.isolated == std::vector<bool>{false, true});
  CHECK(up.liquidated.cross == std::vector<bool>{false, false});
  CHECK(finiteSteps(g.steps));
  CHECK_FALSE(g.steps.empty());
}

TEST_CASE("stress grid, each symbol on its own: blocks per symbol, then per shock", "[stress]") {
  // Symbols in order of appearance: BTC then ETH; shocks -50%, +50%; the other symbol stays still.
  //   BTC -50% (5,000): cross 10000 - 5000 = 5,000; isolated max(0, 1000 - 5000) + 1000 + 8000 = 9,000,
  //                     BTC isolated liquidated (LP 9,045.23), cross not (E0 = 10000 - 50 = 9950 > loss).
  //   BTC +50%: cross 15,000.  ETH -50% (500): short gains 5,000: cross 15,000.
  //   ETH +50% (1,500): cross 5,000; ETH isolated liquidated (LP 1,094.53); cross LP
  //                     (10000 - 50 + 10000) / 10.05 = 1,985.07 > 1,500: not.
  // Tolerance 1e-12 relative.
  const StressResult& g = ok(stressGrid(twoSymbols(), StressRequest{.shocks = {-0.5, 0.5}, .model = ShockModel::EachSymbol}));
  REQUIRE(g.cells.size() == 4);
  CHECK(g.cells[0].symbol == "BTCUSDT");
  CHECK(g.cells[1].symbol == "BTCUSDT");
  CHECK(g.cells[2].symbol == "ETHUSDT");
  CHECK(g.cells[3].symbol == "ETHUSDT");
  CHECK(g.cells[0].shock == -0.5);
  CHECK(g.cells[3].shock == 0.5);
  CHECK_THAT(g.cells[0].equity.cross, WithinRel(5'000.0, 1e-12));
  CHECK_THAT(g.cells[0].equity.isolated, WithinRel(9'000.0, 1e-12));
  CHECK(g.cells[0].liquidated.isolated == std::vector<bool>{true, false});
  CHECK(g.cells[0].liquidated.cross == std::vector<bool>{false, false});
  CHECK_THAT(g.cells[1].equity.cross, WithinRel(15'000.0, 1e-12));
  CHECK_THAT(g.cells[2].equity.cross, WithinRel(15'000.0, 1e-12));
  CHECK_THAT(g.cells[3].equity.cross, WithinRel(5'000.0, 1e-12));
  CHECK(g.cells[3].liquidated.isolated == std::vector<bool>{false, true});
  CHECK(g.cells[3].liquidated.cross == std::vector<bool>{false, false});
}

TEST_CASE("stress grid: a cross account past its liquidation price, and zero equity has no ratio", "[stress]") {
  // Wallet 1,000 = the isolated margin. Cross LP = (1000 - 10000) / (0.005 - 1) = 9,045.23.
  // Shock -10% -> 9,000: cross equity 1000 - 1000 = 0 (no ratio), liquidated; isolated the same pool: 0.
  // Shock -5% -> 9,500: equity 500, ratio 47.5 / 500, not liquidated. Tolerance 1e-12 relative.
  const StressResult& g = ok(stressGrid(oneLong(1'000), StressRequest{.shocks = {-0.1, -0.05}}));
  REQUIRE(g.cells.size() == 2);
  CHECK_THAT(g.cells[0].equity.cross, WithinAbs(0.0, 1e-9));
  CHECK_FALSE(g.cells[0].marginRatio.cross);
  CHECK_FALSE(g.cells[0].marginRatio.isolated);
  CHECK(g.cells[0].liquidated.cross == std::vector<bool>{true});
  CHECK(g.cells[0].liquidated.isolated == std::vector<bool>{true});
  CHECK_THAT(g.cells[1].equity.cross, WithinRel(500.0, 1e-12));
  CHECK_THAT(*g.cells[1].marginRatio.cross, WithinRel(47.5 / 500, 1e-12));
  CHECK(g.cells[1].liquidated.cross == std::vector<bool>{false});
}

TEST_CASE("stress grid: input errors by path", "[stress]") {
  const Scenario s = twoSymbols();
  SECTION("no shocks") {
    const auto r = stressGrid(s, {});
    CHECK(hasError(r.errors, "request.shocks", ErrorCode::Empty));
    CHECK_FALSE(r.value);
  }
  SECTION("bad shocks, each at its index") {
    const auto r = stressGrid(s, StressRequest{.shocks = {0.1, kNaN, -1, kInf}});
    CHECK(hasError(r.errors, "request.shocks[1]", ErrorCode::NotFinite));
    CHECK(hasError(r.errors, "request.shocks[2]", ErrorCode::OutOfRange));
    CHECK(hasError(r.errors, "request.shocks[3]", ErrorCode::NotFinite));
    CHECK(r.errors.size() == 3);
  }
  SECTION("too many shocks") {
    const auto r = stressGrid(s, StressRequest{.shocks = std::vector<double>(1'001, 0.1)});
    CHECK(hasError(r.errors, "request.shocks", ErrorCode::TooMany));
  }
  SECTION("betas: unknown symbol, not finite, each-symbol model") {
    StressRequest req{.shocks = {0.1}};
    req.betas = {{"XRPUSDT", 1}, {"BTCUSDT", kNaN}};
    const auto r = stressGrid(s, req);
    CHECK(hasError(r.errors, "request.betas.XRPUSDT", ErrorCode::UnknownValue));
    CHECK(hasError(r.errors, "request.betas.BTCUSDT", ErrorCode::NotFinite));
    req.model = ShockModel::EachSymbol;
    CHECK(hasError(stressGrid(s, req).errors, "request.betas", ErrorCode::Unsupported));
  }
  SECTION("a beta that moves a mark to zero or below is an error at the shock") {
    // ETH beta 3, shock -50%: 1000 x (1 - 1.5) = -500.
    StressRequest req{.shocks = {0.2, -0.5}};
    req.betas = {{"ETHUSDT", 3}};
    const auto r = stressGrid(s, req);
    REQUIRE(r.errors.size() == 1);
    CHECK(hasError(r.errors, "request.shocks[1]", ErrorCode::OutOfRange));
    CHECK_THAT(r.errors[0].message, Catch::Matchers::Contains("ETHUSDT"));
  }
  SECTION("scenario errors come with the request's") {
    Scenario bad = s;
    bad.walletBalance = kNaN;
    const auto r = stressGrid(bad, StressRequest{.shocks = {kNaN}});
    CHECK(hasError(r.errors, "walletBalance", ErrorCode::NotFinite));
    CHECK(hasError(r.errors, "request.shocks[0]", ErrorCode::NotFinite));
  }
}

TEST_CASE("stress grid: a shock range gives the decimal shocks the page listed", "[stress][range]") {
  // stress.h ShockRange: from, from + step, ... to, each rounded to 1e-8, so -50% to +50% by 10%
  // gives -0.4, not -0.5 + 0.1 (-0.39999999999999997). The page built the same list in percent:
  // for (x = -50; x <= 50 + 1e-9; x += 10) Math.round(x * 1e6) / 1e8.
  const StressRequest range{.shockRange = ShockRange{.from = -0.5, .to = 0.5, .step = 0.1}};
  CHECK(shockList(range) == std::vector<double>{-0.5, -0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5});
  std::vector<double> page;
  for (double x = -50; x <= 50 + 1e-9 && page.size() < 1000; x += 10) page.push_back(std::round(x * 1e6) / 1e8);
  CHECK(shockList(range) == page);
  // A range that does not land on `to` stops before it; a step within 1e-9 of landing reaches it.
  CHECK(shockList(StressRequest{.shockRange = ShockRange{.from = 0, .to = 0.25, .step = 0.1}}) ==
        std::vector<double>{0, 0.1, 0.2});
  CHECK(shockList(StressRequest{.shockRange = ShockRange{.from = -0.3, .to = 0.3, .step = 0.3}}) ==
        std::vector<double>{-0.3, 0, 0.3});
  // The grid of a range is the grid of its list.
  const StressResult& a = ok(stressGrid(twoSymbols(), range));
  const StressResult& b = ok(stressGrid(twoSymbols(), StressRequest{.shocks = shockList(range)}));
  REQUIRE(a.cells.size() == 11);
  for (std::size_t i = 0; i < a.cells.size(); ++i) {
    CHECK(a.cells[i].shock == b.cells[i].shock);
    CHECK(a.cells[i].equity.cross == b.cells[i].equity.cross);
    CHECK(a.cells[i].liquidated.isolated == b.cells[i].liquidated.isolated);
  }
}

TEST_CASE("stress grid: shock range errors by path", "[stress][range]") {
  const Scenario s = twoSymbols();
  const auto errors = [&](ShockRange g) { return stressGrid(s, StressRequest{.shockRange = g}).errors; };
  CHECK(hasError(errors({.from = -1, .to = 0.5, .step = 0.1}), "request.shockRange.from", ErrorCode::OutOfRange));
  CHECK(hasError(errors({.from = kNaN, .to = 0.5, .step = 0.1}), "request.shockRange.from", ErrorCode::NotFinite));
  CHECK(hasError(errors({.from = 0.2, .to = 0.1, .step = 0.1}), "request.shockRange.to", ErrorCode::OutOfRange));
  CHECK(hasError(errors({.from = 0, .to = kInf, .step = 0.1}), "request.shockRange.to", ErrorCode::NotFinite));
  CHECK(hasError(errors({.from = 0, .to = 0.1, .step = 0}), "request.shockRange.step", ErrorCode::OutOfRange));
  CHECK(hasError(errors({.from = 0, .to = 0.1, .step = 1e-9}), "request.shockRange.step", ErrorCode::OutOfRange));
  // 1,001 shocks: one more than the grid takes.
  const auto many = errors({.from = -0.05, .to = 0.05, .step = 0.0001});
  CHECK(hasError(many, "request.shockRange", ErrorCode::TooMany));
  CHECK_THAT(many[0].message, Catch::Matchers::Contains("1001 shocks"));
  // A range whose last shock takes a mark below zero: one error at the range.
  StressRequest beta{.shockRange = ShockRange{.from = -0.5, .to = 0.5, .step = 0.1}};
  beta.betas = {{"ETHUSDT", -3}};
  const auto moved = stressGrid(s, beta).errors;
  REQUIRE(moved.size() == 1);
  CHECK(hasError(moved, "request.shockRange", ErrorCode::OutOfRange));
  // Both lists at once is ambiguous.
  CHECK(hasError(stressGrid(s, StressRequest{.shocks = {0.1}, .shockRange = ShockRange{.from = 0, .to = 0.1, .step = 0.1}}).errors,
                 "request.shockRange", ErrorCode::OutOfRange));
}

namespace {

/// The scenario with every position's mark moved as the cell moved it.
Scenario movedBy(Scenario s, const StressRequest& r, const StressCell& cell) {
  for (Position& p : s.positions) {
    if (r.model == ShockModel::EachSymbol && p.symbol != cell.symbol) continue;
    const auto it = r.betas.find(p.symbol);
    const double beta = r.model == ShockModel::OneFactor && it != r.betas.end() ? it->second : 1.0;
    p.markPrice = p.mark() * (1 + beta * cell.shock);
  }
  return s;
}

/// Each cell against evaluate() of its moved scenario: the same bits. Returns the liquidations seen.
int checkAgainstEvaluate(const Scenario& s, const StressRequest& r, const StressResult& g) {
  int liquidations = 0;
  for (const StressCell& cell : g.cells) {
    const Report e = evaluateOk(movedBy(s, r, cell));
    INFO("shock " << cell.shock << " " << cell.symbol);
    CHECK(cell.equity.isolated == e.isolated->account.equity);
    CHECK(cell.equity.cross == e.cross->account.equity);
    CHECK(cell.marginRatio.isolated == e.isolated->account.marginRatio);
    CHECK(cell.marginRatio.cross == e.cross->account.marginRatio);
    for (std::size_t k = 0; k < s.positions.size(); ++k) {
      const auto& di = e.isolated->positions[k].distanceToLiquidation;
      const auto& dc = e.cross->positions[k].distanceToLiquidation;
      CHECK(cell.liquidated.isolated[k] == (di && *di <= 0));
      CHECK(cell.liquidated.cross[k] == (dc && *dc <= 0));
      liquidations += cell.liquidated.isolated[k] + cell.liquidated.cross[k];
    }
  }
  return liquidations;
}

}  // namespace

TEST_CASE("stress grid: every cell is evaluate() of the moved marks, bit for bit", "[stress][property]") {
  // stress.h: the grid does not evaluate each cell; its numbers must still be evaluate()'s: equity,
  // margin ratio, and distanceToLiquidation <= 0 per position, exactly, on the generated scenarios
  // (every profile, tiers, both contracts), one factor with betas and each symbol alone.
  Generator g(kSeed + 11);
  int liquidations = 0, cells = 0;
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    INFO("scenario " << i << "\n" << describe(s));
    StressRequest r{.shocks = {-0.6, -0.3, -0.1, -0.02, 0, 0.02, 0.1, 0.3, 1.0, g.uniform(-0.6, 1)}};
    if (g.chance(0.3)) {
      r.model = ShockModel::EachSymbol;
    } else {
      for (const Position& p : s.positions)
        if (g.chance(0.5)) r.betas[p.symbol] = g.uniform(0.5, 1.5);
    }
    const StressResult& grid = ok(stressGrid(s, r));
    liquidations += checkAgainstEvaluate(s, r, grid);
    cells += static_cast<int>(grid.cells.size());
  }
  CHECK(cells > 3'000);
  CHECK(liquidations > 500);
}

TEST_CASE("stress grid: a mark on a tier cap where the maintenance steps up", "[stress]") {
  // OKX-style table without continuity amounts, no fee: 1% to 50,000, 5% above. Long 1 @ 60,000,
  // isolated margin 12,000, mark 62,500; shock -20% puts the mark at 50,000, the notional on the cap.
  // There equity 12000 - 10000 = 2,000 covers tier 1 (500) but not tier 2 (2,500): evaluate()'s
  // liquidation price is the mark itself (distance 0), so the position counts as liquidated.
  Scenario s{.rules = Rules::Okx, .walletBalance = 20'000, .takerFeeRate = 0};
  s.tiers["BTCUSDT"] = {Tier{.notionalCap = 50'000, .maxLeverage = 50, .maintenanceMarginRate = 0.01},
                        Tier{.notionalCap = 1e9, .maxLeverage = 20, .maintenanceMarginRate = 0.05}};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 60'000, .markPrice = 62'500,
                          .leverage = 10, .isolatedMargin = 12'000}};
  const StressRequest r{.shocks = {-0.2, -0.19, -0.21}};
  const StressResult& g = ok(stressGrid(s, r));
  REQUIRE(movedBy(s, r, g.cells[0]).positions[0].markPrice == 50'000);
  CHECK(g.cells[0].liquidated.isolated[0]);
  CHECK_FALSE(g.cells[2].liquidated.isolated[0]);  // 49,375: tier 1, 1,375 - 493.75 > 0
  CHECK(checkAgainstEvaluate(s, r, g) >= 1);
}

// ---------------------------------------------------------------------------------------------
// Cascade
// ---------------------------------------------------------------------------------------------

TEST_CASE("cascade, whole account: a long walked down through its liquidation price", "[cascade]") {
  // Simple profile (whole account), wallet 1,000, long 1 @ 10,000, fee 0.1%.
  // Cross LP: 1000 + (P - 10000) = 0.005 P -> P = 9000 / 0.995 = 9,045.23.
  // Path 10,000 / 9,500 / 9,100 / 9,040 / 8,800:
  //   9,100: equity 100 > MM 45.5: safe.
  //   9,040: equity 40 <= MM 45.2: closed at 9,040; realised -960 -> W = 40;
  //          fee = min(0.001 x 9040 = 9.04, 40) = 9.04 -> equity 30.96.
  //   8,800: nothing left to liquidate; equity stays 30.96.
  // Tolerance 1e-9 absolute (sums of a few thousands).
  const CascadeResult& c = explained(oneLong(1'000), path("BTCUSDT", {10'000, 9'500, 9'100, 9'040, 8'800}));
  REQUIRE(c.events.size() == 1);
  const CascadeEvent& e = c.events[0];
  CHECK(e.step == 3);
  CHECK(e.position == 0);
  CHECK(e.symbol == "BTCUSDT");
  CHECK(e.price == 9'040);
  CHECK_THAT(e.closedQuantity, WithinRel(1.0, 1e-12));
  CHECK_THAT(e.fee, WithinAbs(9.04, 1e-9));
  CHECK_THAT(e.equityAfter, WithinAbs(30.96, 1e-9));
  CHECK_FALSE(e.pastBankruptcy);
  CHECK(e.reason == CascadeReason::WholeAccount);
  REQUIRE(c.equity.size() == 5);
  CHECK_THAT(c.equity[0], WithinAbs(1'000.0, 1e-9));
  CHECK_THAT(c.equity[1], WithinAbs(500.0, 1e-9));
  CHECK_THAT(c.equity[2], WithinAbs(100.0, 1e-9));
  CHECK_THAT(c.equity[3], WithinAbs(30.96, 1e-9));
  CHECK_THAT(c.equity[4], WithinAbs(30.96, 1e-9));
  CHECK_THAT(c.finalEquity, WithinAbs(30.96, 1e-9));
  CHECK(c.insuranceFundLoss == 0);
  CHECK(finiteSteps(c.steps));
}

namespace {

/// Binance profile, two tiers: up to 50,000 at 1% (cum 0), above at 5% with
/// cum = 50,000 x (5% - 1%) = 2,000. Long 10 BTCUSDT @ 10,000 (notional 100,000, tier 2), 10x,
/// wallet 12,000. Binance's default taker fee is 0; the request gives 0.2%.
Scenario twoTiers() {
  Scenario s{.rules = Rules::Binance, .walletBalance = 12'000};
  s.tiers = {{"BTCUSDT", {Tier{.notionalCap = 50'000, .maxLeverage = 50, .maintenanceMarginRate = 0.01},
                          Tier{.notionalCap = 1'000'000, .maxLeverage = 20, .maintenanceMarginRate = 0.05}}}};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 10, .entryPrice = 10'000, .leverage = 10}};
  return s;
}

}  // namespace

TEST_CASE("cascade, tier by tier: a two-tier position reduced to the lower tier, then closed", "[cascade]") {
  // Equity(P) = 12000 + 10 (P - 10000); MM tier 2 = 10 P x 5% - 2000.
  //   9,200: equity 4,000 > MM 2,600: safe.
  //   9,000: equity 2,000 <= MM 2,500. Binance reduces to the tier-1 cap: 50,000 / 9,000 = 50/9
  //          contracts remain, 10 - 50/9 = 40/9 closed (notional 40,000). Realised 40/9 x (-1000);
  //          fee 0.2% x 40,000 = 80; equity 2000 - 80 = 1,920 > MM tier 1 = 50,000 x 1% = 500: stop.
  //   8,700: W = 12000 - 40000/9 - 80 = 68000/9 - 80; uPnL = 50/9 x (-1300) = -65000/9;
  //          equity = 3000/9 - 80 = 253.33 <= MM = 50/9 x 8700 x 1% = 483.33: tier 1, closed whole;
  //          fee = min(0.2% x 50/9 x 8700 = 870/9, 253.33) = 96.67; final = 2130/9 - 80 = 156.67.
  // Tolerance 1e-9 relative.
  CascadeRequest req = path("BTCUSDT", {10'000, 9'200, 9'000, 8'700});
  req.liquidationFeeRate = 0.002;
  const CascadeResult& c = explained(twoTiers(), req);
  REQUIRE(c.events.size() == 2);
  CHECK(c.events[0].step == 2);
  CHECK_THAT(c.events[0].closedQuantity, WithinRel(40.0 / 9, 1e-9));
  CHECK_THAT(c.events[0].fee, WithinRel(80.0, 1e-9));
  CHECK_THAT(c.events[0].equityAfter, WithinRel(1'920.0, 1e-9));
  CHECK(c.events[0].reason == CascadeReason::TierCut);
  CHECK(c.events[1].step == 3);
  CHECK_THAT(c.events[1].closedQuantity, WithinRel(50.0 / 9, 1e-9));
  CHECK_THAT(c.events[1].fee, WithinRel(870.0 / 9, 1e-9));
  CHECK_THAT(c.events[1].equityAfter, WithinRel(2'130.0 / 9 - 80, 1e-9));
  CHECK_FALSE(c.events[1].pastBankruptcy);
  REQUIRE(c.equity.size() == 4);
  CHECK_THAT(c.equity[1], WithinRel(4'000.0, 1e-9));
  CHECK_THAT(c.equity[2], WithinRel(1'920.0, 1e-9));
  CHECK_THAT(c.finalEquity, WithinRel(2'130.0 / 9 - 80, 1e-9));
  CHECK(c.insuranceFundLoss == 0);

  // The same path liquidated whole: at 9,000 everything closes, fee 0.2% x 90,000 = 180,
  // final 2,000 - 180 = 1,820.
  req.style = CascadeLiquidation::WholeAccount;
  const CascadeResult& whole = explained(twoTiers(), req);
  REQUIRE(whole.events.size() == 1);
  CHECK_THAT(whole.events[0].fee, WithinRel(180.0, 1e-9));
  CHECK_THAT(whole.finalEquity, WithinRel(1'820.0, 1e-9));
}

TEST_CASE("cascade: a gap past bankruptcy is the insurance fund's loss", "[cascade]") {
  // Simple, wallet 1,000, long 1 @ 10,000: bankruptcy at 9,000. The path gaps 9,600 -> 8,500:
  // equity 1000 - 1500 = -500 <= MM; closed at 8,500, realised -1,500 -> W = -500; fee
  // min(8.5, max(0, -500)) = 0; the insurance fund takes 500; final equity 0. Tolerance 1e-9 abs.
  const CascadeResult& c = explained(oneLong(1'000), path("BTCUSDT", {9'600, 8'500, 8'000}));
  REQUIRE(c.events.size() == 1);
  CHECK(c.events[0].step == 1);
  CHECK(c.events[0].pastBankruptcy);
  CHECK(c.events[0].fee == 0);
  CHECK(c.events[0].equityAfter == 0);
  CHECK_THAT(c.insuranceFundLoss, WithinAbs(500.0, 1e-9));
  CHECK(c.finalEquity == 0);
  CHECK(c.equity == std::vector<double>{600.0, 0.0, 0.0});
  CHECK_THAT(c.events[0].shortfall, WithinAbs(500.0, 1e-9));

  // Tier by tier, a gap past bankruptcy is a takeover of the whole position: the two-tier long at
  // 8,500 has equity 12000 - 15000 = -3,000, so all 10 contracts close and the fund takes 3,000.
  CascadeRequest req = path("BTCUSDT", {8'500});
  req.liquidationFeeRate = 0.002;
  const CascadeResult& t = explained(twoTiers(), req);
  REQUIRE(t.events.size() == 1);
  CHECK_THAT(t.events[0].closedQuantity, WithinRel(10.0, 1e-12));
  CHECK(t.events[0].pastBankruptcy);
  CHECK_THAT(t.insuranceFundLoss, WithinRel(3'000.0, 1e-12));
  CHECK(t.finalEquity == 0);
}

TEST_CASE("cascade: one losing symbol drags another into liquidation", "[cascade]") {
  // Simple, wallet 2,000, fee 0.1%: long 1 BTC @ 10,000 and long 10 ETH @ 1,000 (ETH never moves).
  // Equity = 2000 + (P_BTC - 10000); MM = 0.005 P_BTC + 10 x 1000 x 0.005 = 0.005 P + 50.
  //   9,000: equity 1,000 > MM 95.  8,080: equity 80 <= MM 40.4 + 50 = 90.4.
  // Whole account (the simple profile): BTC closed (fee min(8.08, 80) = 8.08, equity 71.92), then ETH,
  //   untouched by the move, closed too (fee min(10, 71.92) = 10): final 61.92.
  // Tier by tier: the largest MM is ETH's (50 > 40.4): ETH is closed first (fee 10, equity 70), and
  //   70 > BTC's MM 40.4, so the losing BTC survives: final equity 70 at 8,080.
  // Tolerance 1e-9 absolute.
  Scenario s{.rules = Rules::Simple, .walletBalance = 2'000, .takerFeeRate = 0.001};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 10'000, .leverage = 10},
                 Position{.symbol = "ETHUSDT", .quantity = 10, .entryPrice = 1'000, .leverage = 10}};
  CascadeRequest req;
  req.marks = {Marks{{"BTCUSDT", 9'000}, {"ETHUSDT", 1'000}}, Marks{{"BTCUSDT", 8'080}, {"ETHUSDT", 1'000}}};
  const CascadeResult& whole = ok(cascade(s, req));
  REQUIRE(whole.events.size() == 2);
  CHECK(whole.events[0].symbol == "BTCUSDT");
  CHECK_THAT(whole.events[0].fee, WithinAbs(8.08, 1e-9));
  CHECK_THAT(whole.events[0].equityAfter, WithinAbs(71.92, 1e-9));
  CHECK(whole.events[1].symbol == "ETHUSDT");
  CHECK(whole.events[1].position == 1);
  CHECK_THAT(whole.events[1].fee, WithinAbs(10.0, 1e-9));
  CHECK_THAT(whole.finalEquity, WithinAbs(61.92, 1e-9));

  req.style = CascadeLiquidation::TierByTier;
  const CascadeResult& tiered = ok(cascade(s, req));
  REQUIRE(tiered.events.size() == 1);
  CHECK(tiered.events[0].symbol == "ETHUSDT");
  CHECK_THAT(tiered.events[0].closedQuantity, WithinRel(10.0, 1e-12));
  CHECK_THAT(tiered.events[0].equityAfter, WithinAbs(70.0, 1e-9));
  CHECK_THAT(tiered.finalEquity, WithinAbs(70.0, 1e-9));
}

TEST_CASE("cascade: default styles and fee come from the profile", "[cascade]") {
  // Bybit classic (tier by tier, default taker 0.055%), long 1 @ 20,000, 50x, flat 0.5%, wallet 400:
  // MM on the entry value = 100; equity 400 + (P - 20000) <= 100 at P <= 19,700. At 19,650: equity 50,
  // tier 1 so closed whole; fee min(0.00055 x 19650 = 10.8075, 50) -> final 39.1925. Tolerance 1e-9 rel.
  Scenario s{.rules = Rules::Bybit, .walletBalance = 400};
  s.tiers = {{"BTCUSDT", flatTier(0.005)}};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 20'000, .leverage = 50}};
  const CascadeResult& c = explained(s, path("BTCUSDT", {19'710, 19'650}));
  REQUIRE(c.events.size() == 1);
  CHECK(c.events[0].step == 1);
  CHECK_THAT(c.events[0].fee, WithinRel(0.00055 * 19'650, 1e-9));
  CHECK_THAT(c.finalEquity, WithinRel(50 - 0.00055 * 19'650, 1e-9));
  bool tierStyle = false;
  for (const Step& st : c.steps) tierStyle |= st.field == "style" && st.label.find("Tier by tier") != std::string::npos;
  CHECK(tierStyle);
}

TEST_CASE("cascade: input errors by path", "[cascade]") {
  const Scenario s = twoSymbols();
  SECTION("no steps, too many steps") {
    CHECK(hasError(cascade(s, {}).errors, "request.marks", ErrorCode::Empty));
    CascadeRequest many;
    many.marks.assign(10'001, Marks{{"BTCUSDT", 1}, {"ETHUSDT", 1}});
    CHECK(hasError(cascade(s, many).errors, "request.marks", ErrorCode::TooMany));
  }
  SECTION("missing, unknown and bad marks, each at its path") {
    CascadeRequest req;
    req.marks = {Marks{{"BTCUSDT", 10'000}, {"ETHUSDT", 1'000}},
                 Marks{{"BTCUSDT", 9'000}},
                 Marks{{"BTCUSDT", kNaN}, {"ETHUSDT", -1}, {"SOLUSDT", 10}},
                 Marks{{"BTCUSDT", 1e300}, {"ETHUSDT", 0}}};
    const auto r = cascade(s, req);
    CHECK_FALSE(r.value);
    CHECK(hasError(r.errors, "request.marks[1].ETHUSDT", ErrorCode::Missing));
    CHECK(hasError(r.errors, "request.marks[2].BTCUSDT", ErrorCode::NotFinite));
    CHECK(hasError(r.errors, "request.marks[2].ETHUSDT", ErrorCode::NotPositive));
    CHECK(hasError(r.errors, "request.marks[2].SOLUSDT", ErrorCode::UnknownValue));
    CHECK(hasError(r.errors, "request.marks[3].BTCUSDT", ErrorCode::OutOfRange));
    CHECK(hasError(r.errors, "request.marks[3].ETHUSDT", ErrorCode::NotPositive));
    CHECK(r.errors.size() == 6);
  }
  SECTION("the list of mark errors is bounded") {
    CascadeRequest req;
    req.marks.assign(10'000, Marks{});
    const auto r = cascade(s, req);
    CHECK(r.errors.size() <= 110);
    CHECK(hasError(r.errors, "request.marks[0].BTCUSDT", ErrorCode::Missing));
    CHECK(hasError(r.errors, "request.marks", ErrorCode::OutOfRange));
  }
  SECTION("liquidation fee rate") {
    CascadeRequest req = path("BTCUSDT", {1});
    req.marks[0]["ETHUSDT"] = 1;
    req.liquidationFeeRate = kNaN;
    CHECK(hasError(cascade(s, req).errors, "request.liquidationFeeRate", ErrorCode::NotFinite));
    req.liquidationFeeRate = -0.01;
    CHECK(hasError(cascade(s, req).errors, "request.liquidationFeeRate", ErrorCode::OutOfRange));
    req.liquidationFeeRate = 0.1;
    CHECK(hasError(cascade(s, req).errors, "request.liquidationFeeRate", ErrorCode::OutOfRange));
  }
}

TEST_CASE("cascade: extreme paths stay finite", "[cascade]") {
  // Property: any valid path gives finite numbers, equity >= 0 after every step, and an insurance
  // fund loss >= 0; prices at both ends of the accepted range.
  for (Rules rules : {Rules::Binance, Rules::Bybit, Rules::Okx, Rules::Bitmex, Rules::Simple}) {
    Scenario s = twoTiers();
    s.rules = rules;
    if (rules == Rules::Okx || rules == Rules::Bitmex)
      for (Tier& t : s.tiers["BTCUSDT"]) t.maintenanceAmount = 0;
    const CascadeResult& c = explained(s, path("BTCUSDT", {1e15, 1e-9, 10'000, 1e15, 9'000}));
    INFO("rules " << toString(rules));
    for (double e : c.equity) {
      CHECK(std::isfinite(e));
      CHECK(e >= 0);
    }
    CHECK(std::isfinite(c.insuranceFundLoss));
    CHECK(c.insuranceFundLoss >= 0);
    CHECK(finiteSteps(c.steps));
  }
}

// ---------------------------------------------------------------------------------------------
// Funding
// ---------------------------------------------------------------------------------------------

namespace {

Scenario bybitLong(Side side, double wallet) {
  Scenario s{.rules = Rules::Bybit, .walletBalance = wallet};
  s.tiers = {{"BTCUSDT", flatTier(0.005)}};
  s.positions = {Position{.symbol = "BTCUSDT", .side = side, .quantity = 1, .entryPrice = 20'000, .leverage = 50}};
  return s;
}

}  // namespace

TEST_CASE("funding, BY-3: 200 USDT taken from position margin moves the LP to 19,900", "[funding][bybit]") {
  // Source: Bybit help "Liquidation Price (USDT Contract)", VENUES.md BY-1/BY-3 [PUB].
  // Long 1 BTC @ 20,000, 50x, MMR 0.5%: IM 400, MM 100, LP 19,700. Rate 1%, 1 interval, notional
  // 1 x 20,000: payment s x rate x N = 200 -> M' = 200, LP = 20,000 - (200 - 100) = 19,900.
  // Cross, wallet 1,000 -> 800: 800 + (P - 20000) = 100 -> LP 19,300 (before: 19,100).
  // Tolerance: abs 0.005 on the published price, 1e-12 relative on the hand expressions.
  const FundingResult& f = explained(bybitLong(Side::Long, 1'000), FundingRequest{.position = 0, .rate = 0.01, .intervals = 1});
  CHECK_THAT(f.paymentPerInterval, WithinRel(200.0, 1e-12));
  CHECK_THAT(f.totalPayment, WithinRel(200.0, 1e-12));
  CHECK_THAT(f.marginAfter.isolated, WithinRel(200.0, 1e-12));
  CHECK_THAT(f.marginAfter.cross, WithinRel(800.0, 1e-12));
  REQUIRE(f.liquidationPrice.isolated);
  CHECK_THAT(*f.liquidationPrice.isolated, WithinAbs(19'900, 0.005));
  REQUIRE(f.liquidationPriceBefore.isolated);
  CHECK_THAT(*f.liquidationPriceBefore.isolated, WithinRel(19'700.0, 1e-12));
  REQUIRE(f.liquidationPrice.cross);
  CHECK_THAT(*f.liquidationPrice.cross, WithinRel(19'300.0, 1e-12));
  CHECK_THAT(*f.liquidationPriceBefore.cross, WithinRel(19'100.0, 1e-12));
  CHECK_FALSE(f.liquidated.isolated);
  CHECK_FALSE(f.liquidated.cross);
  CHECK(finiteSteps(f.steps));
}

TEST_CASE("funding: a short receives at a positive rate, and zero intervals change nothing", "[funding]") {
  // Short 1 @ 20,000, 50x: payment -1 x 0.01 x 20,000 = -200 (received) -> M' = 600,
  // LP = 20,000 + (600 - 100) = 20,500 (before 20,300). Tolerance 1e-12 relative.
  const FundingResult& f = ok(fundingImpact(bybitLong(Side::Short, 1'000), 0, 0.01, 1));
  CHECK_THAT(f.paymentPerInterval, WithinRel(-200.0, 1e-12));
  CHECK_THAT(*f.liquidationPrice.isolated, WithinRel(20'500.0, 1e-12));
  CHECK_THAT(*f.liquidationPriceBefore.isolated, WithinRel(20'300.0, 1e-12));

  const FundingResult& z = ok(fundingImpact(bybitLong(Side::Long, 1'000), 0, 0.01, 0));
  CHECK(z.totalPayment == 0);
  CHECK(*z.liquidationPrice.isolated == *z.liquidationPriceBefore.isolated);
  CHECK(*z.liquidationPrice.cross == *z.liquidationPriceBefore.cross);
}

TEST_CASE("funding: inverse notional in coin", "[funding][inverse]") {
  // Simple, inverse long 100 contracts x 100 USD = V 10,000 @ 20,000, 10x: margin 0.5 / 10 = 0.05 BTC.
  // Notional at the mark V / P = 0.5 BTC; rate 0.1%, 3 intervals: 0.0005 x 3 = 0.0015 -> M' = 0.0485.
  // LP (simple, MM at the price): M' + V (1/EP - 1/P) = 0.005 V / P -> P = 1.005 V / (M' + V/EP)
  //   = 10050 / 0.5485 = 18,322.69...  Tolerance 1e-12 relative.
  Scenario s{.rules = Rules::Simple, .walletBalance = 1};
  s.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 100, .quantity = 100,
                          .entryPrice = 20'000, .leverage = 10}};
  const FundingResult& f = ok(fundingImpact(s, 0, 0.001, 3));
  CHECK_THAT(f.paymentPerInterval, WithinRel(0.0005, 1e-12));
  CHECK_THAT(f.totalPayment, WithinRel(0.0015, 1e-12));
  CHECK_THAT(f.marginAfter.isolated, WithinRel(0.0485, 1e-12));
  REQUIRE(f.liquidationPrice.isolated);
  CHECK_THAT(*f.liquidationPrice.isolated, WithinRel(10'050.0 / 0.5485, 1e-12));
}

TEST_CASE("funding: payments that use up the margin or the wallet", "[funding]") {
  // Simple, long 1 @ 10,000, 10x (M = 1,000), rate 5% for 3 intervals: 3 x 500 = 1,500.
  // Isolated M' = -500: LP where -500 + (P - 10000) = 0.005 P -> 10,500 / 0.995 = 10,552.76, above
  //   the mark: liquidated by funding.
  // Cross, wallet 5,000 -> 3,500: LP = (10000 - 3500) / 0.995 = 6,532.66; safe.
  // Cross, wallet 1,000 -> -500: the same line as isolated: 10,552.76, liquidated.
  // Tolerance 1e-12 relative.
  Scenario s = oneLong(5'000);
  const FundingResult& f = explained(s, FundingRequest{.position = 0, .rate = 0.05, .intervals = 3});
  CHECK_THAT(f.marginAfter.isolated, WithinRel(-500.0, 1e-12));
  REQUIRE(f.liquidationPrice.isolated);
  CHECK_THAT(*f.liquidationPrice.isolated, WithinRel(10'500.0 / 0.995, 1e-12));
  CHECK(f.liquidated.isolated);
  REQUIRE(f.liquidationPrice.cross);
  CHECK_THAT(*f.liquidationPrice.cross, WithinRel(6'500.0 / 0.995, 1e-12));
  CHECK_FALSE(f.liquidated.cross);

  s.walletBalance = 1'000;
  const FundingResult& g = explained(s, FundingRequest{.position = 0, .rate = 0.05, .intervals = 3});
  CHECK_THAT(g.marginAfter.cross, WithinRel(-500.0, 1e-12));
  REQUIRE(g.liquidationPrice.cross);
  CHECK_THAT(*g.liquidationPrice.cross, WithinRel(10'500.0 / 0.995, 1e-12));
  CHECK(g.liquidated.cross);
  CHECK(finiteSteps(g.steps));
}

TEST_CASE("funding: input errors by path", "[funding]") {
  const Scenario s = oneLong(1'000);
  CHECK(hasError(fundingImpact(s, 1, 0.01, 1).errors, "request.position", ErrorCode::OutOfRange));
  CHECK(hasError(fundingImpact(s, 0, kNaN, 1).errors, "request.rate", ErrorCode::NotFinite));
  CHECK(hasError(fundingImpact(s, 0, 1.5, 1).errors, "request.rate", ErrorCode::OutOfRange));
  CHECK(hasError(fundingImpact(s, 0, 0.01, -1).errors, "request.intervals", ErrorCode::Negative));
  CHECK(hasError(fundingImpact(s, 0, 0.01, 2'000'000).errors, "request.intervals", ErrorCode::OutOfRange));
  Scenario bad = s;
  bad.positions[0].leverage = kNaN;
  const auto r = fundingImpact(bad, 3, 0.01, 1);
  CHECK(hasError(r.errors, "positions[0].leverage", ErrorCode::NotFinite));
  CHECK(hasError(r.errors, "request.position", ErrorCode::OutOfRange));
  CHECK_FALSE(r.value);
}

// ---------------------------------------------------------------------------------------------
// Cascade along a straight path
// ---------------------------------------------------------------------------------------------

TEST_CASE("cascade: a straight path is the marks the page built", "[cascade][path]") {
  // stress.h CascadePath: step k of N sets every mark to mark x (1 + move x k / N), as the page's
  // loop did (with the move in percent / 100). The walk is the same, bit for bit.
  const Scenario s = twoSymbols();
  const CascadeRequest byPath{.path = CascadePath{.move = -0.4, .steps = 40}};
  CascadeRequest byMarks;
  for (int k = 1; k <= 40; ++k)
    byMarks.marks.push_back(Marks{{"BTCUSDT", 10'000 * (1 + (-40.0 / 100) * (k / 40.0))},
                                  {"ETHUSDT", 1'000 * (1 + (-40.0 / 100) * (k / 40.0))}});
  const CascadeResult& a = ok(cascade(s, byPath));
  const CascadeResult& b = ok(cascade(s, byMarks));
  CHECK(a.equity == b.equity);
  CHECK(a.finalEquity == b.finalEquity);
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    CHECK(a.events[i].step == b.events[i].step);
    CHECK(a.events[i].price == b.events[i].price);
    CHECK(a.events[i].equityAfter == b.events[i].equityAfter);
  }
}

TEST_CASE("cascade: path errors by path", "[cascade][path]") {
  const Scenario s = twoSymbols();
  const auto errors = [&](CascadePath p) { return cascade(s, CascadeRequest{.path = p}).errors; };
  CHECK(hasError(errors({.move = -1, .steps = 10}), "request.path.move", ErrorCode::OutOfRange));
  CHECK(hasError(errors({.move = kNaN, .steps = 10}), "request.path.move", ErrorCode::NotFinite));
  CHECK(hasError(errors({.move = -0.4, .steps = 0}), "request.path.steps", ErrorCode::OutOfRange));
  CHECK(hasError(errors({.move = -0.4, .steps = 10'001}), "request.path.steps", ErrorCode::OutOfRange));
  // BTCUSDT at 10,000 x (1 + 1e12) passes 1e15.
  const auto far = errors({.move = 1e12, .steps = 2});
  REQUIRE(far.size() == 1);
  CHECK(hasError(far, "request.path.move", ErrorCode::OutOfRange));
  CHECK_THAT(far[0].message, Catch::Matchers::Contains("BTCUSDT"));
  CascadeRequest both = path("BTCUSDT", {9'000});
  both.path = CascadePath{.move = -0.1, .steps = 2};
  CHECK(hasError(cascade(s, both).errors, "request.path", ErrorCode::OutOfRange));
}

TEST_CASE("cascade: events carry the numbers of their story", "[cascade]") {
  // The two-tier walk of "tier by tier" above: the cut at 9,000 (tier 2 to the tier-1 cap of
  // 50,000), then the close at 8,700 in tier 1.
  CascadeRequest req = path("BTCUSDT", {10'000, 9'200, 9'000, 8'700});
  req.liquidationFeeRate = 0.002;
  const CascadeResult& c = explained(twoTiers(), req);
  REQUIRE(c.events.size() == 2);
  const CascadeEvent& cut = c.events[0];
  CHECK(cut.reason == CascadeReason::TierCut);
  CHECK(cut.tier == 2);
  REQUIRE(cut.tierCap);
  CHECK(*cut.tierCap == 50'000);
  CHECK(cut.quantityBefore == 10);
  CHECK_THAT(cut.quantityAfter, WithinRel(50.0 / 9, 1e-12));
  CHECK_THAT(cut.triggerEquity, WithinRel(2'000.0, 1e-12));
  CHECK_THAT(cut.triggerMaintenance, WithinRel(2'500.0, 1e-12));
  CHECK_THAT(cut.realizedPnl, WithinRel(-40'000.0 / 9, 1e-12));
  CHECK_THAT(cut.closedNotional, WithinRel(40'000.0, 1e-12));
  const CascadeEvent& close = c.events[1];
  CHECK(close.reason == CascadeReason::TierClose);
  CHECK(close.tier == 1);
  CHECK_FALSE(close.tierCap);
  CHECK(close.quantityAfter == 0);
  CHECK(close.shortfall == 0);
  CHECK_THAT(close.walletAfter, WithinRel(c.finalEquity, 1e-12));
}

// ---------------------------------------------------------------------------------------------
// explain() changes no number
// ---------------------------------------------------------------------------------------------

namespace {

bool same(const StressResult& a, const StressResult& b) {
  if (a.cells.size() != b.cells.size()) return false;
  for (std::size_t i = 0; i < a.cells.size(); ++i) {
    const StressCell &x = a.cells[i], &y = b.cells[i];
    if (x.symbol != y.symbol || x.shock != y.shock || x.equity.isolated != y.equity.isolated ||
        x.equity.cross != y.equity.cross || x.marginRatio.isolated != y.marginRatio.isolated ||
        x.marginRatio.cross != y.marginRatio.cross || x.liquidated.isolated != y.liquidated.isolated ||
        x.liquidated.cross != y.liquidated.cross)
      return false;
  }
  return true;
}

bool same(const CascadeResult& a, const CascadeResult& b) {
  if (a.events.size() != b.events.size() || a.equity != b.equity || a.finalEquity != b.finalEquity ||
      a.insuranceFundLoss != b.insuranceFundLoss)
    return false;
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const CascadeEvent &x = a.events[i], &y = b.events[i];
    const double xs[] = {x.price, x.quantityBefore, x.closedQuantity, x.quantityAfter, x.realizedPnl, x.closedNotional,
                         x.fee, x.triggerEquity, x.triggerMaintenance, x.positionMaintenance, x.equityBefore,
                         x.walletAfter, x.equityAfter, x.shortfall};
    const double ys[] = {y.price, y.quantityBefore, y.closedQuantity, y.quantityAfter, y.realizedPnl, y.closedNotional,
                         y.fee, y.triggerEquity, y.triggerMaintenance, y.positionMaintenance, y.equityBefore,
                         y.walletAfter, y.equityAfter, y.shortfall};
    if (!std::equal(std::begin(xs), std::end(xs), std::begin(ys)) || x.step != y.step || x.position != y.position ||
        x.reason != y.reason || x.tier != y.tier || x.tierCap != y.tierCap || x.pastBankruptcy != y.pastBankruptcy)
      return false;
  }
  return true;
}

bool same(const FundingResult& a, const FundingResult& b) {
  return a.paymentPerInterval == b.paymentPerInterval && a.totalPayment == b.totalPayment &&
         a.marginAfter.isolated == b.marginAfter.isolated && a.marginAfter.cross == b.marginAfter.cross &&
         a.liquidationPrice.isolated == b.liquidationPrice.isolated && a.liquidationPrice.cross == b.liquidationPrice.cross &&
         a.liquidationPriceBefore.isolated == b.liquidationPriceBefore.isolated &&
         a.liquidationPriceBefore.cross == b.liquidationPriceBefore.cross &&
         a.liquidated.isolated == b.liquidated.isolated && a.liquidated.cross == b.liquidated.cross;
}

/// explain() on a copy: the same numbers, and steps whose values are finite.
template <class Request>
void checkExplain(const Scenario& s, const Request& request) {
  const auto r = run(s, request);
  REQUIRE(r);
  CHECK(r.value->steps.empty());
  auto explainedValue = *r.value;
  explain(s, request, explainedValue);
  CHECK(same(*r.value, explainedValue));
  CHECK_FALSE(explainedValue.steps.empty());
  CHECK(finiteSteps(explainedValue.steps));
  // Every step says its kind, except those copied from evaluate() and the solver (funding's).
  for (const Step& st : explainedValue.steps)
    CHECK((!st.code.empty() || st.field == "liquidationPrice" || st.field == "distanceToLiquidation"));
}

}  // namespace

TEST_CASE("stress, cascade, funding: explain() changes no number", "[stress][cascade][funding][property]") {
  Generator g(kSeed + 12);
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    INFO("scenario " << i << "\n" << describe(s));
    checkExplain(s, StressRequest{.shocks = {-0.5, -0.1, 0, 0.1, 0.5}});
    checkExplain(s, StressRequest{.shocks = {-0.3, 0.3}, .model = ShockModel::EachSymbol});
    checkExplain(s, CascadeRequest{.path = CascadePath{.move = g.chance(0.5) ? -0.6 : 1.5, .steps = 30}});
    const std::size_t k = static_cast<std::size_t>(g.integer(0, static_cast<int>(s.positions.size()) - 1));
    checkExplain(s, FundingRequest{.position = k, .rate = g.uniform(-0.01, 0.01), .intervals = g.integer(0, 2'000)});
  }
}

TEST_CASE("funding: a wallet left below the smallest balance is solved directly, not sent to evaluate", "[stress][funding]") {
  // The wallet after funding, 5e-10, is positive but below kMinMagnitude, which validate() refuses as
  // a wallet: the cross price then comes from the direct solve, as for a wallet at or below zero.
  Scenario s = twoSymbols();
  const auto first = fundingImpact(s, 0, 0.0001, 90);
  REQUIRE(first.errors.empty());
  s.walletBalance = first.value->totalPayment + 5e-10;
  const auto f = fundingImpact(s, 0, 0.0001, 90);
  REQUIRE(f.errors.empty());
  CHECK(f.value->marginAfter.cross > 0);
  CHECK(f.value->marginAfter.cross < kMinMagnitude);
  REQUIRE(f.value->liquidationPrice.cross);
  CHECK(isValidPositive(*f.value->liquidationPrice.cross));
}
