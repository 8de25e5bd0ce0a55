// SPDX-License-Identifier: MIT
// Properties that must hold for any valid scenario (STYLE.md item 11), over the scenarios of
// the seeded generator in generator.h. A failure prints the seed index and the scenario.
#include <algorithm>
#include <cstdio>

#include "generator.h"

using namespace mltest;

namespace {

/// Signed distance to liquidation, +infinity when no price liquidates.
double distanceKey(const PositionOutcome& o) {
  return o.distanceToLiquidation.value_or(std::numeric_limits<double>::infinity());
}

bool isAtPrice(Rules r) { return profileFor(r).basis == MaintenanceBasis::AtPrice && !profileFor(r).feeToCloseInReport; }

/// Every double (and present optional) in one outcome, with a name for the message.
void collectNumbers(const Outcome& out, std::vector<std::pair<std::string, double>>& numbers) {
  auto opt = [&](const std::string& name, const std::optional<double>& x) {
    if (x) numbers.emplace_back(name, *x);
  };
  auto steps = [&](const std::string& where, const std::vector<Step>& list) {
    for (const Step& st : list) opt(where + ".steps[" + st.field + ": " + st.label + "]", st.value);
  };
  for (std::size_t i = 0; i < out.positions.size(); ++i) {
    const PositionOutcome& p = out.positions[i];
    const std::string at = "positions[" + std::to_string(i) + "].";
    opt(at + "liquidationPrice", p.liquidationPrice);
    opt(at + "bankruptcyPrice", p.bankruptcyPrice);
    numbers.emplace_back(at + "notional", p.notional);
    numbers.emplace_back(at + "initialMargin", p.initialMargin);
    numbers.emplace_back(at + "maintenanceMargin", p.maintenanceMargin);
    numbers.emplace_back(at + "maintenanceMarginRate", p.maintenanceMarginRate);
    numbers.emplace_back(at + "unrealizedPnl", p.unrealizedPnl);
    numbers.emplace_back(at + "roe", p.roe);
    numbers.emplace_back(at + "margin", p.margin);
    opt(at + "marginRatio", p.marginRatio);
    opt(at + "distanceToLiquidation", p.distanceToLiquidation);
    numbers.emplace_back(at + "maxLoss", p.maxLoss);
    steps(at, p.steps);
  }
  const AccountOutcome& a = out.account;
  numbers.emplace_back("account.equity", a.equity);
  numbers.emplace_back("account.maintenanceMargin", a.maintenanceMargin);
  opt("account.marginRatio", a.marginRatio);
  numbers.emplace_back("account.availableBalance", a.availableBalance);
  numbers.emplace_back("account.maxLoss", a.maxLoss);
  steps("account", a.steps);
}

std::vector<const Outcome*> outcomesOf(const Report& r) {
  std::vector<const Outcome*> out;
  for (const auto* o : {&r.isolated, &r.cross, &r.asGiven})
    if (*o) out.push_back(&**o);
  return out;
}

}  // namespace

TEST_CASE("properties: the generator makes valid scenarios", "[properties]") {
  int linear = 0, inverse = 0, multi = 0, liquidatable = 0, noLiquidation = 0;
  int rules[8] = {};
  for (const Scenario& s : scenarios()) {
    const auto errors = validate(s);
    INFO(describe(s) << (errors.empty() ? "" : errors.front().path + ": " + errors.front().message));
    REQUIRE(errors.empty());
    ++rules[static_cast<int>(s.rules)];
    (s.positions[0].contract == Contract::Linear ? linear : inverse)++;
    if (s.positions.size() > 1) ++multi;
    const Report r = evaluate(s);
    for (const PositionOutcome& p : r.isolated->positions) (p.liquidationPrice ? liquidatable : noLiquidation)++;
  }
  // The sample covers what the properties are about.
  for (int n : rules) CHECK(n > 10);
  CHECK(linear > 50);
  CHECK(inverse > 50);
  CHECK(multi > 50);
  CHECK(liquidatable > 100);
  CHECK(noLiquidation > 0);
}

TEST_CASE("properties: every number in the report is finite", "[properties]") {
  // Property: for valid input, every double of every outcome (positions, account, and each
  // Step.value that is present) is finite: no NaN and no infinity reaches the page.
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    const Report r = evaluate(s);
    REQUIRE(r.errors.empty());
    std::vector<std::pair<std::string, double>> numbers;
    for (const Outcome* o : outcomesOf(r)) collectNumbers(*o, numbers);
    for (const auto& [name, x] : numbers) {
      if (std::isfinite(x)) continue;
      INFO("scenario " << i << "\n" << describe(s) << name << " = " << x);
      CHECK(std::isfinite(x));
    }
  }
}

TEST_CASE("properties: liquidation lies on the adverse side, bankruptcy beyond it", "[properties]") {
  // Property: an isolated long that is not already past liquidation (distance > 0) has
  // LP <= mark, a short has LP >= mark; when both exist, bankruptcy lies beyond liquidation
  // (long: BP <= LP, short: BP >= LP), since the maintenance margin is never negative.
  // Checked for every isolated position, and for the cross position of one-position scenarios.
  int checked = 0;
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    const Report r = evaluate(s);
    std::vector<std::pair<const PositionOutcome*, const Position*>> cases;
    for (std::size_t k = 0; k < s.positions.size(); ++k) cases.emplace_back(&r.isolated->positions[k], &s.positions[k]);
    if (s.positions.size() == 1) cases.emplace_back(&r.cross->positions[0], &s.positions[0]);
    for (const auto& [o, p] : cases) {
      INFO("scenario " << i << ", " << toString(o->mode) << "\n" << describe(s));
      const double mark = p->mark();
      const bool isLong = p->side == Side::Long;
      if (o->liquidationPrice && o->distanceToLiquidation && *o->distanceToLiquidation > 0) {
        ++checked;
        if (isLong) CHECK(*o->liquidationPrice <= mark);
        else CHECK(*o->liquidationPrice >= mark);
      }
      if (o->liquidationPrice && o->bankruptcyPrice) {
        const double lp = *o->liquidationPrice, bp = *o->bankruptcyPrice;
        if (isLong) CHECK(bp <= lp * (1 + 1e-12));
        else CHECK(bp >= lp * (1 - 1e-12));
      }
    }
  }
  CHECK(checked > 100);
}

TEST_CASE("properties: more isolated margin never moves liquidation closer", "[properties][isolated]") {
  // Property: raising a position's isolated margin (x1.5 + 1% of its notional) never brings its
  // liquidation price closer to the mark: the signed distance to liquidation does not decrease
  // (no liquidation price counts as +infinity).
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    const Report before = evaluate(s);
    for (std::size_t k = 0; k < s.positions.size(); ++k) {
      Scenario more = s;
      const PositionOutcome& o = before.isolated->positions[k];
      more.positions[k].isolatedMargin = o.margin * 1.5 + 0.01 * o.notional;
      const Report after = evaluate(more);
      REQUIRE(after.errors.empty());
      const PositionOutcome& o2 = after.isolated->positions[k];
      INFO("scenario " << i << ", position " << k << ": margin " << o.margin << " -> " << o2.margin << "\n"
                       << describe(s) << "distance " << distanceKey(o) << " -> " << distanceKey(o2));
      CHECK(distanceKey(o2) >= distanceKey(o) - 1e-12);
      if (o.liquidationPrice && o2.liquidationPrice && o.distanceToLiquidation > 0) {
        if (s.positions[k].side == Side::Long) CHECK(*o2.liquidationPrice <= *o.liquidationPrice * (1 + 1e-12));
        else CHECK(*o2.liquidationPrice >= *o.liquidationPrice * (1 - 1e-12));
      }
    }
  }
}

namespace {

/// The cross outcomes before and after raising walletBalance (x1.5 plus 1% of the largest notional).
std::pair<Report, Report> richerWallet(const Scenario& s) {
  Report before = evaluate(s);
  double largest = 0;
  for (const PositionOutcome& o : before.cross->positions) largest = std::max(largest, o.notional);
  Scenario richer = s;
  richer.walletBalance = s.walletBalance * 1.5 + 0.01 * largest;
  Report after = evaluate(richer);
  REQUIRE(after.errors.empty());
  return {std::move(before), std::move(after)};
}

}  // namespace

TEST_CASE("properties: a larger cross wallet never moves liquidation closer", "[properties][cross]") {
  // Property: with walletBalance raised (x1.5 plus 1% of the largest notional), no cross
  // position's liquidation price is closer to its mark: the signed distance does not decrease,
  // and an absent liquidation price (DESIGN.md: "null only when no price liquidates") counts as
  // +infinity.
  // Regression first (simple profile, 0.5%): AAA long 10 @ 100 marked 80 (PnL -200, MM 4),
  // BBB short 1 @ 100, 10x. Wallet 100: E0 for BBB = 100 - 4 - 200 = -104, and
  // equity - MM = -104 - (P - 100) - 0.005 P < 0 at every P > 0: BBB is liquidated now, at its
  // mark (distance 0), not "never". Wallet 300: E0 = 96, LP = (96 + 100) / 1.005 = 195.02.
  {
    Scenario s{.rules = Rules::Simple, .walletBalance = 100};
    s.positions = {Position{.symbol = "AAA", .quantity = 10, .entryPrice = 100, .markPrice = 80, .leverage = 10},
                   Position{.symbol = "BBB", .side = Side::Short, .quantity = 1, .entryPrice = 100, .leverage = 10}};
    const PositionOutcome poor = evaluateOk(s).cross->positions[1];
    REQUIRE(poor.liquidationPrice);
    CHECK(*poor.liquidationPrice == 100);
    CHECK(*poor.distanceToLiquidation == 0);
    s.walletBalance = 300;
    const PositionOutcome rich = evaluateOk(s).cross->positions[1];
    REQUIRE(rich.liquidationPrice);
    CHECK_THAT(*rich.liquidationPrice, WithinRel(196.0 / 1.005, 1e-12));
    INFO("wallet 100: LP " << (poor.liquidationPrice ? std::to_string(*poor.liquidationPrice) : "null"));
    CHECK(distanceKey(rich) >= distanceKey(poor));
  }
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    const auto [before, after] = richerWallet(s);
    for (std::size_t k = 0; k < s.positions.size(); ++k) {
      const PositionOutcome& o = before.cross->positions[k];
      const PositionOutcome& o2 = after.cross->positions[k];
      INFO("scenario " << i << ", position " << k << "\n" << describe(s) << "distance " << distanceKey(o) << " -> "
                       << distanceKey(o2));
      CHECK(distanceKey(o2) >= distanceKey(o) - 1e-12);
    }
  }
}

TEST_CASE("properties: positions of one symbol must share one mark", "[properties][cross]") {
  // One symbol has one mark price: its positions move together in cross margin. Two shorts of
  // AAA entered at 100 and 150 without marks would default to two different marks; that is an
  // input error at the second position's markPrice, and giving both the same mark clears it.
  Scenario s{.rules = Rules::Simple, .walletBalance = 40};
  s.positions = {Position{.symbol = "AAA", .side = Side::Short, .quantity = 1, .entryPrice = 100, .leverage = 10},
                 Position{.symbol = "AAA", .side = Side::Short, .quantity = 1, .entryPrice = 150, .leverage = 10}};
  const Report bad = evaluate(s);
  CHECK(hasError(bad.errors, "positions[1].markPrice", ErrorCode::Mixed));
  CHECK_FALSE(bad.cross);
  for (Position& p : s.positions) p.markPrice = 120;
  const Report r = evaluateOk(s);
  for (std::size_t k = 0; k < 2; ++k) {
    const PositionOutcome& o = r.cross->positions[k];
    REQUIRE(o.liquidationPrice);
    REQUIRE(o.distanceToLiquidation);
    if (*o.distanceToLiquidation > 0) CHECK(*o.liquidationPrice >= 120);
  }
  CHECK(*r.cross->positions[0].liquidationPrice == *r.cross->positions[1].liquidationPrice);
}

namespace {

/// One-position scenarios with walletBalance set to the position's isolated margin.
template <class Check>
void forOnePositionAtItsMargin(Check check) {
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    Scenario s = scenarios()[i];
    s.positions.resize(1);
    const Report first = evaluate(s);
    REQUIRE(first.errors.empty());
    s.walletBalance = first.isolated->positions[0].margin;
    const Report r = evaluate(s);
    REQUIRE(r.errors.empty());
    check(i, s, r.isolated->positions[0], r.cross->positions[0]);
  }
}

void checkModesAgree(std::size_t i, const Scenario& s, const PositionOutcome& iso, const PositionOutcome& cross) {
  INFO("scenario " << i << "\n" << describe(s) << "isolated LP " << iso.liquidationPrice.value_or(-1) << ", cross LP "
                   << cross.liquidationPrice.value_or(-1) << "; isolated BP " << iso.bankruptcyPrice.value_or(-1)
                   << ", cross BP " << cross.bankruptcyPrice.value_or(-1));
  CHECK(iso.liquidationPrice.has_value() == cross.liquidationPrice.has_value());
  CHECK(iso.bankruptcyPrice.has_value() == cross.bankruptcyPrice.has_value());
  if (iso.liquidationPrice && cross.liquidationPrice)
    CHECK(closeRel(*iso.liquidationPrice, *cross.liquidationPrice, 1e-9));
  if (iso.bankruptcyPrice && cross.bankruptcyPrice)
    CHECK(closeRel(*iso.bankruptcyPrice, *cross.bankruptcyPrice, 1e-9));
}

}  // namespace

TEST_CASE("properties: one position, wallet = its isolated margin: isolated and cross agree", "[properties]") {
  // Property: with a single position and walletBalance equal to its isolated margin, the whole
  // cross wallet is that margin, so both modes give the same liquidation and bankruptcy prices
  // (both absent, or within 1e-9 relative), for every scenario except a bybit-uta position with extra isolated margin, where the profile
  // deliberately nets the fee out of the extra margin in isolated mode only (VENUES.md BY-4).
  // Bankruptcy prices agree for every profile.
  int checked = 0;
  forOnePositionAtItsMargin([&](std::size_t i, const Scenario& s, const PositionOutcome& iso, const PositionOutcome& cross) {
    const bool netOfFee = profileFor(s.rules).extraMarginNetOfFee && iso.margin != iso.initialMargin;
    if (netOfFee) {
      INFO("scenario " << i << "\n" << describe(s));
      CHECK(iso.bankruptcyPrice.has_value() == cross.bankruptcyPrice.has_value());
      if (iso.bankruptcyPrice && cross.bankruptcyPrice)
        CHECK(closeRel(*iso.bankruptcyPrice, *cross.bankruptcyPrice, 1e-9));
      return;
    }
    checkModesAgree(i, s, iso, cross);
    ++checked;
  });
  CHECK(checked > 250);
}

TEST_CASE("properties: sweepEquity agrees with evaluate, and equity = MM at the liquidation price", "[properties][sweep]") {
  // Property: sweepEquity at a price equals evaluate()'s account.equity when the marks of that
  // position's symbol are set to the price (isolated and cross, 1e-9 relative). The sweep moves
  // every position of the symbol, so evaluate() gets all of them re-marked. Near a bankruptcy
  // price the equity is a difference of large terms, so "relative" is taken against at least
  // 1e-3 of the scenario's amounts (an absolute floor of 1e-12 x amountScale).
  // Property: for a one-position scenario under a profile that applies maintenance at the price
  // (binance, simple, hyperliquid, dydx, okx), the cross account's equity at the cross
  // liquidation price equals its maintenance margin (1e-6 relative).
  Generator g(kSeed + 1);
  int atLiquidation = 0;
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    const Report base = evaluate(s);
    const std::size_t k = static_cast<std::size_t>(g.integer(0, static_cast<int>(s.positions.size()) - 1));
    const double mark = s.positions[k].mark();
    const double scale = amountScale(s);
    std::vector<double> prices = {mark, mark * g.uniform(0.3, 1.0), mark * g.uniform(1.0, 3.0)};
    for (const auto* o : {&base.isolated->positions[k], &base.cross->positions[k]}) {
      if (o->liquidationPrice) prices.push_back(*o->liquidationPrice);
      if (o->bankruptcyPrice) prices.push_back(*o->bankruptcyPrice);
    }
    // A valid sweep price (a liquidation price far out may exceed kMaxMagnitude).
    prices.erase(std::remove_if(prices.begin(), prices.end(), [](double x) { return !isValidPositive(x); }), prices.end());
    for (SweepMode mode : {SweepMode::Isolated, SweepMode::Cross}) {
      std::vector<double> out(prices.size());
      const auto errors = sweepEquity(s, SweepRequest{.mode = mode, .position = k}, prices, out);
      REQUIRE(errors.empty());
      for (std::size_t j = 0; j < prices.size(); ++j) {
        const Report at = evaluate(markedAt(s, s.positions[k].symbol, prices[j]));
        REQUIRE(at.errors.empty());
        const double equity = mode == SweepMode::Isolated ? at.isolated->account.equity : at.cross->account.equity;
        INFO("scenario " << i << ", position " << k << ", " << (mode == SweepMode::Isolated ? "isolated" : "cross")
                         << ", price " << prices[j] << "\n" << describe(s) << "sweep " << out[j] << ", evaluate " << equity);
        CHECK(std::abs(out[j] - equity) <= 1e-9 * std::max({std::abs(out[j]), std::abs(equity), 1e-3 * scale}));
      }
    }
    if (s.positions.size() == 1 && isAtPrice(s.rules) && base.cross->positions[0].liquidationPrice) {
      const double lp = *base.cross->positions[0].liquidationPrice;
      const Report at = evaluate(markedAt(s, s.positions[0].symbol, lp));
      REQUIRE(at.errors.empty());
      INFO("scenario " << i << ", cross LP " << lp << "\n" << describe(s) << "equity " << at.cross->account.equity
                       << ", maintenance " << at.cross->account.maintenanceMargin);
      CHECK(closeRel(at.cross->account.equity, at.cross->account.maintenanceMargin, 1e-6));
      ++atLiquidation;
    }
  }
  CHECK(atLiquidation > 20);
}

TEST_CASE("properties: an absent liquidation price is explained by a step without a value", "[properties]") {
  // Property: whenever liquidationPrice is absent, the position's steps hold a step with field
  // "liquidationPrice" and no value (its label says why).
  int absent = 0;
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    Report r = evaluate(s);
    explain(s, r);
    for (const Outcome* out : outcomesOf(r)) {
      for (std::size_t k = 0; k < out->positions.size(); ++k) {
        const PositionOutcome& o = out->positions[k];
        if (o.liquidationPrice) continue;
        ++absent;
        const auto steps = stepsFor(o, "liquidationPrice");
        INFO("scenario " << i << ", position " << k << ", " << toString(o.mode) << "\n" << describe(s));
        CHECK(std::any_of(steps.begin(), steps.end(), [](const Step& st) { return !st.value && !st.label.empty(); }));
        CHECK_FALSE(o.distanceToLiquidation);
      }
    }
  }
  CHECK(absent > 0);
}
