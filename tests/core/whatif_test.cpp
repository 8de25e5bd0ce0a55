// SPDX-License-Identifier: MIT
// What-if tools (whatif.h) against hand calculations, the venues' averaging examples, and
// round trips through evaluate().
#include "marginlab/whatif.h"

#include "generator.h"
#include "support.h"

using namespace mltest;

namespace {

/// Simple profile (MM = N x 0.5%, up to 125x): BTCUSDT long 0.5 @ 60,000, mark 61,000, 20x.
Scenario btcLong(std::optional<double> isolatedMargin = std::nullopt) {
  Scenario s{.rules = Rules::Simple, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.5, .entryPrice = 60'000, .markPrice = 61'000,
                          .leverage = 20, .isolatedMargin = isolatedMargin}};
  return s;
}

/// Simple profile, inverse BTCUSD (contract size 1 USD), wallet 1 BTC.
Scenario btcInverse(Side side, double contracts, double entry) {
  Scenario s{.rules = Rules::Simple, .walletBalance = 1};
  s.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .side = side, .quantity = contracts,
                          .entryPrice = entry, .leverage = 10}};
  return s;
}

/// The value of a result that must have no errors (by value: results are temporaries).
template <class T>
T valueOf(const Result<T>& r) {
  INFO("first error: " << (r.errors.empty() ? std::string("none") : r.errors.front().path + ": " + r.errors.front().message));
  REQUIRE(r.errors.empty());
  REQUIRE(r.value);
  return *r.value;
}

bool hasStep(const std::vector<Step>& steps, const std::string& field) {
  return std::any_of(steps.begin(), steps.end(), [&](const Step& s) { return s.field == field; });
}

/// The result with its steps: explain() on a copy.
template <class Request, class T>
T explained(const Scenario& s, const Request& request, T result) {
  explain(s, request, result);
  return result;
}

/// Every step has a label, and every value it carries is finite.
void checkSteps(const std::vector<Step>& steps) {
  REQUIRE_FALSE(steps.empty());
  for (const Step& s : steps) {
    CHECK_FALSE(s.label.empty());
    CHECK_FALSE(s.code.empty());
    if (s.value) CHECK(std::isfinite(*s.value));
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------
// adjustPosition

TEST_CASE("adjust: averaging in twice equals one combined order", "[whatif][adjust]") {
  // Fills 0.2 @ 62,000 and 0.3 @ 58,000, or one order of 0.5 at their average
  // (0.2 x 62000 + 0.3 x 58000) / 0.5 = 59,600. Either way:
  // EP = (0.5 x 60000 + 0.5 x 59600) / 1 = 59,800; M = 1500 + 0.5 x 59600 / 20 = 2,990
  // (= 1500 + 620 + 870). Isolated LP = (2990 - 59800) / (0.005 - 1) = 57,095.477...
  // Tolerance 1e-12 rel between the two paths, 1e-12 rel against the hand values.
  const Scenario s = btcLong(1'500);
  const AdjustResult& a1 = valueOf(adjustPosition(s, {.position = 0, .price = 62'000, .quantityDelta = 0.2}));
  const AdjustResult& twice = valueOf(adjustPosition(a1.scenario, {.position = 0, .price = 58'000, .quantityDelta = 0.3}));
  const AdjustResult& once = valueOf(adjustPosition(s, {.position = 0, .price = 59'600, .quantityDelta = 0.5}));
  CHECK_THAT(twice.entryPrice, WithinRel(once.entryPrice, 1e-12));
  CHECK_THAT(twice.entryPrice, WithinRel(59'800.0, 1e-12));
  CHECK_THAT(twice.quantity, WithinRel(1.0, 1e-12));
  CHECK_THAT(*twice.scenario.positions[0].isolatedMargin, WithinRel(2'990.0, 1e-12));
  CHECK_THAT(*once.scenario.positions[0].isolatedMargin, WithinRel(2'990.0, 1e-12));
  CHECK_THAT(*twice.report.isolated->positions[0].liquidationPrice, WithinRel(56'810.0 / 0.995, 1e-12));
  for (const auto* o : {&*twice.report.isolated, &*twice.report.cross}) {
    const auto* p = o == &*twice.report.isolated ? &*once.report.isolated : &*once.report.cross;
    CHECK_THAT(*o->positions[0].liquidationPrice, WithinRel(*p->positions[0].liquidationPrice, 1e-12));
  }
  // The mark does not move with the fills; nothing is realised on adds.
  CHECK(twice.scenario.positions[0].mark() == 61'000);
  CHECK(twice.realizedPnl == 0);
  CHECK(twice.scenario.walletBalance == 10'000);
  CHECK_FALSE(twice.flipped);
  checkSteps(explained(a1.scenario, AdjustRequest{.position = 0, .price = 58'000, .quantityDelta = 0.3}, twice).steps);
}

TEST_CASE("adjust: inverse averaging in twice equals one combined order", "[whatif][adjust][inverse]") {
  // Long 10,000 USD @ 50,000; fills 5,000 @ 40,000 and 5,000 @ 60,000, or one order of 10,000
  // at their harmonic average 10000 / (5000/40000 + 5000/60000) = 48,000.
  // EP = 20000 / (10000/50000 + 10000/48000) = 20000 / 0.408333... = 48,979.59...
  // Tolerance 1e-12 rel.
  const Scenario s = btcInverse(Side::Long, 10'000, 50'000);
  const AdjustResult& a1 = valueOf(adjustPosition(s, {.position = 0, .price = 40'000, .quantityDelta = 5'000}));
  const AdjustResult& twice = valueOf(adjustPosition(a1.scenario, {.position = 0, .price = 60'000, .quantityDelta = 5'000}));
  const AdjustResult& once = valueOf(adjustPosition(s, {.position = 0, .price = 48'000, .quantityDelta = 10'000}));
  CHECK_THAT(twice.entryPrice, WithinRel(once.entryPrice, 1e-12));
  CHECK_THAT(twice.entryPrice, WithinRel(20'000.0 / (0.2 + 10'000.0 / 48'000), 1e-12));
  CHECK_THAT(*twice.report.isolated->positions[0].liquidationPrice,
             WithinRel(*once.report.isolated->positions[0].liquidationPrice, 1e-12));
  CHECK_THAT(*twice.report.cross->positions[0].liquidationPrice,
             WithinRel(*once.report.cross->positions[0].liquidationPrice, 1e-12));
}

TEST_CASE("adjust: BY-12 and BY-13 averages through adjustPosition", "[whatif][adjust][bybit]") {
  // Bybit article 000001113. BY-12 inverse: 50 @ 10,000 + 50 @ 15,000 -> 12,000 (harmonic).
  // BY-13 linear: 1 @ 10,000 + 2 @ 13,000 -> 12,000; 0.5 @ 50,000 + 0.8 @ 51,000 -> 50,615.38.
  // Tolerance 1e-12 rel (the page's 50,615.38 is rounded: 0.005 abs).
  Scenario inv = btcInverse(Side::Long, 50, 10'000);
  CHECK_THAT(valueOf(adjustPosition(inv, {.position = 0, .price = 15'000, .quantityDelta = 50})).entryPrice,
             WithinRel(12'000.0, 1e-12));
  Scenario lin{.rules = Rules::Simple, .walletBalance = 10'000};
  lin.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 10'000, .leverage = 10}};
  CHECK_THAT(valueOf(adjustPosition(lin, {.position = 0, .price = 13'000, .quantityDelta = 2})).entryPrice,
             WithinRel(12'000.0, 1e-12));
  lin.positions[0].quantity = 0.5;
  lin.positions[0].entryPrice = 50'000;
  CHECK_THAT(valueOf(adjustPosition(lin, {.position = 0, .price = 51'000, .quantityDelta = 0.8})).entryPrice,
             WithinAbs(50'615.38, 0.005));
}

TEST_CASE("adjust: a partial reduce realises PnL and scales the isolated margin", "[whatif][adjust]") {
  // Long 1 @ 60,000, M 6,000; reduce 0.4 @ 57,000: rPnL = +1 x 0.4 x (57000 - 60000) = -1,200;
  // wallet 10000 - 1200 = 8,800; Q 0.6, EP unchanged, M = 6000 x 0.6 / 1 = 3,600.
  // Isolated LP = (3600 - 0.6 x 60000) / (0.6 x 0.005 - 0.6) = -32400 / -0.597 = 54,271.356...
  // Tolerance 1e-12 rel.
  Scenario s{.rules = Rules::Simple, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 60'000, .markPrice = 58'000,
                          .leverage = 10, .isolatedMargin = 6'000}};
  const AdjustResult& a = valueOf(adjustPosition(s, {.position = 0, .price = 57'000, .quantityDelta = -0.4}));
  CHECK_THAT(a.realizedPnl, WithinRel(-1'200.0, 1e-12));
  CHECK_THAT(a.scenario.walletBalance, WithinRel(8'800.0, 1e-12));
  CHECK_THAT(a.quantity, WithinRel(0.6, 1e-12));
  CHECK(a.entryPrice == 60'000);
  CHECK(a.side == Side::Long);
  CHECK_THAT(*a.scenario.positions[0].isolatedMargin, WithinRel(3'600.0, 1e-12));
  CHECK_THAT(*a.report.isolated->positions[0].liquidationPrice, WithinRel(32'400.0 / 0.597, 1e-12));
  const auto steps = explained(s, AdjustRequest{.position = 0, .price = 57'000, .quantityDelta = -0.4}, a).steps;
  CHECK(hasStep(steps, "realizedPnl"));
  CHECK(hasStep(steps, "walletBalance"));
}

TEST_CASE("adjust: a reduce past zero flips the side at the fill price", "[whatif][adjust]") {
  // Long 1 @ 60,000, M 6,000, mark 61,000, 10x; sell 1.5 @ 62,000: the long closes with
  // rPnL = 1 x (62000 - 60000) = 2,000 (wallet 12,000) and 0.5 opens short @ 62,000 with
  // M = 0.5 x 62000 / 10 = 3,100. Isolated LP short = (3100 + 0.5 x 62000) / (0.5 x 0.005 + 0.5)
  // = 34100 / 0.5025 = 67,860.696... Tolerance 1e-12 rel.
  Scenario s{.rules = Rules::Simple, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 60'000, .markPrice = 61'000,
                          .leverage = 10, .isolatedMargin = 6'000}};
  const AdjustResult& a = valueOf(adjustPosition(s, {.position = 0, .price = 62'000, .quantityDelta = -1.5}));
  CHECK(a.flipped);
  CHECK_FALSE(a.closed);
  CHECK(a.side == Side::Short);
  CHECK_THAT(a.quantity, WithinRel(0.5, 1e-12));
  CHECK(a.entryPrice == 62'000);
  CHECK_THAT(a.realizedPnl, WithinRel(2'000.0, 1e-12));
  CHECK_THAT(a.scenario.walletBalance, WithinRel(12'000.0, 1e-12));
  CHECK_THAT(*a.scenario.positions[0].isolatedMargin, WithinRel(3'100.0, 1e-12));
  CHECK_THAT(*a.report.isolated->positions[0].liquidationPrice, WithinRel(34'100.0 / 0.5025, 1e-12));
  // The page says so: a step on the side.
  const auto steps = explained(s, AdjustRequest{.position = 0, .price = 62'000, .quantityDelta = -1.5}, a).steps;
  REQUIRE(hasStep(steps, "side"));
  checkSteps(steps);
}

TEST_CASE("adjust: inverse realised PnL in coin", "[whatif][adjust][inverse]") {
  // Short 30,000 USD @ 50,000; buy back 10,000 @ 40,000:
  // rPnL = -1 x 10000 x (1/50000 - 1/40000) = -10000 x (-0.000005) = +0.05 BTC; wallet 1.05.
  // Tolerance 1e-12 rel.
  const Scenario s = btcInverse(Side::Short, 30'000, 50'000);
  const AdjustResult& a = valueOf(adjustPosition(s, {.position = 0, .price = 40'000, .quantityDelta = -10'000}));
  CHECK_THAT(a.realizedPnl, WithinRel(0.05, 1e-12));
  CHECK_THAT(a.scenario.walletBalance, WithinRel(1.05, 1e-12));
  CHECK_THAT(a.quantity, WithinRel(20'000.0, 1e-12));
  CHECK(a.side == Side::Short);
}

TEST_CASE("adjust: an exact close removes the position, unless it is the only one", "[whatif][adjust]") {
  // Two positions: closing BTC at 62,000 realises 0.5 x 2000 = 1,000 and leaves ETH.
  Scenario s = btcLong();
  s.positions.push_back(Position{.symbol = "ETHUSDT", .quantity = 2, .entryPrice = 3'000, .leverage = 10});
  const AdjustResult& a = valueOf(adjustPosition(s, {.position = 0, .price = 62'000, .quantityDelta = -0.5}));
  CHECK(a.closed);
  CHECK(a.quantity == 0);
  REQUIRE(a.scenario.positions.size() == 1);
  CHECK(a.scenario.positions[0].symbol == "ETHUSDT");
  CHECK_THAT(a.scenario.walletBalance, WithinRel(11'000.0, 1e-12));
  CHECK(a.report.errors.empty());
  // The only position: an error at request.quantityDelta, never an empty scenario.
  const auto only = adjustPosition(btcLong(), {.position = 0, .price = 62'000, .quantityDelta = -0.5});
  CHECK_FALSE(only.value);
  CHECK(hasError(only.errors, "request.quantityDelta", ErrorCode::OutOfRange));
}

TEST_CASE("adjust: input errors at request paths", "[whatif][adjust][errors]") {
  const Scenario s = btcLong();
  CHECK(hasError(adjustPosition(s, {.position = 3, .price = 60'000, .quantityDelta = 1}).errors, "request.position",
                 ErrorCode::OutOfRange));
  CHECK(hasError(adjustPosition(s, {.position = 0, .price = 0, .quantityDelta = 1}).errors, "request.price",
                 ErrorCode::NotPositive));
  CHECK(hasError(adjustPosition(s, {.position = 0, .price = 60'000, .quantityDelta = NAN}).errors,
                 "request.quantityDelta", ErrorCode::NotFinite));
  CHECK(hasError(adjustPosition(s, {.position = 0, .price = 60'000, .quantityDelta = 0}).errors,
                 "request.quantityDelta", ErrorCode::OutOfRange));
  // The scenario's own errors come first, with the request's beside them.
  Scenario bad = s;
  bad.walletBalance = -1;
  const auto both = adjustPosition(bad, {.position = 0, .price = -5, .quantityDelta = 1});
  CHECK(hasError(both.errors, "walletBalance", ErrorCode::Negative));
  CHECK(hasError(both.errors, "request.price", ErrorCode::NotPositive));
  // A loss larger than the wallet cannot be realised: the account was liquidated first.
  Scenario poor = btcLong();
  poor.walletBalance = 100;
  CHECK(hasError(adjustPosition(poor, {.position = 0, .price = 50'000, .quantityDelta = -0.2}).errors,
                 "request.price", ErrorCode::OutOfRange));
  // Adding past the leverage the next tier allows: Binance BTCUSDT, 100x, 0.5 @ 60,000 + 20
  // @ 60,000 = 1.23M notional, tier 4 (max 20x).
  Scenario bn{.rules = Rules::Binance, .walletBalance = 100'000};
  bn.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.5, .entryPrice = 60'000, .leverage = 100}};
  const auto big = adjustPosition(bn, {.position = 0, .price = 60'000, .quantityDelta = 20});
  CHECK(hasError(big.errors, "request.quantityDelta", ErrorCode::OutOfRange));
  for (const InputError& e : big.errors) CHECK(e.message.find("leverage") != std::string::npos);
}

// ------------------------------------------------------------------------------------------
// targetPrice

TEST_CASE("target price: linear PnL and ROE", "[whatif][target]") {
  // Long 0.5 @ 60,000, 20x, IM = 0.5 x 60000 / 20 = 1,500.
  // PnL +1,000: P = 60000 + 1000 / (0.5) = 62,000. ROE 100%: PnL 1,500 -> 63,000.
  // ROE -50%: PnL -750 -> 58,500. Short: PnL +1,000 -> 60000 + 1000 / (-0.5) = 58,000.
  // Tolerance 1e-12 rel.
  Scenario s = btcLong();
  CHECK_THAT(*valueOf(targetPrice(s, 0, TargetKind::Pnl, 1'000)).price, WithinRel(62'000.0, 1e-12));
  CHECK_THAT(*valueOf(targetPrice(s, 0, TargetKind::Roe, 1.0)).price, WithinRel(63'000.0, 1e-12));
  CHECK_THAT(*valueOf(targetPrice(s, 0, TargetKind::Roe, -0.5)).price, WithinRel(58'500.0, 1e-12));
  s.positions[0].side = Side::Short;
  CHECK_THAT(*valueOf(targetPrice(s, 0, TargetKind::Pnl, 1'000)).price, WithinRel(58'000.0, 1e-12));
  // A short cannot earn more than q x EP = 30,000: no positive price, and a step says why.
  const TargetResult& none = valueOf(targetPrice(s, 0, TargetKind::Pnl, 40'000));
  CHECK_FALSE(none.price);
  const auto steps = explained(s, TargetRequest{.position = 0, .target = 40'000}, none).steps;
  REQUIRE_FALSE(steps.empty());
  CHECK_FALSE(steps.back().value);
  CHECK(steps.back().label.find("No positive price") != std::string::npos);
}

TEST_CASE("target price: inverse harmonic", "[whatif][target][inverse]") {
  // Long V = 10,000 USD @ 50,000: PnL 0.05 BTC: 1/P = 1/50000 - 0.05/10000 = 0.000015 ->
  // 66,666.67; short: 1/P = 0.00002 + 0.000005 -> 40,000. A long earns less than
  // V/EP = 0.2 BTC: a target of 0.2 or more has no price. Tolerance 1e-12 rel.
  const Scenario lng = btcInverse(Side::Long, 10'000, 50'000);
  CHECK_THAT(*valueOf(targetPrice(lng, 0, TargetKind::Pnl, 0.05)).price, WithinRel(1 / 0.000015, 1e-12));
  CHECK_FALSE(valueOf(targetPrice(lng, 0, TargetKind::Pnl, 0.2)).price);
  CHECK_FALSE(valueOf(targetPrice(lng, 0, TargetKind::Pnl, 0.3)).price);
  const Scenario sht = btcInverse(Side::Short, 10'000, 50'000);
  CHECK_THAT(*valueOf(targetPrice(sht, 0, TargetKind::Pnl, 0.05)).price, WithinRel(40'000.0, 1e-12));
  // ROE on IM = 0.2 / 10 = 0.02 BTC: ROE 100% -> PnL 0.02: 1/P = 0.00002 + 0.000002 -> 45,454.545...
  CHECK_THAT(*valueOf(targetPrice(sht, 0, TargetKind::Roe, 1.0)).price, WithinRel(1 / 0.000022, 1e-12));
}

TEST_CASE("target price: evaluate at that mark gives the target back", "[whatif][target][property]") {
  // Property: with the mark set to the answer, evaluate's unrealizedPnl (or roe) is the target.
  // Tolerance 1e-9 rel.
  for (Side side : {Side::Long, Side::Short}) {
    for (Contract contract : {Contract::Linear, Contract::Inverse}) {
      Scenario s = contract == Contract::Linear ? btcLong() : btcInverse(side, 10'000, 50'000);
      s.positions[0].side = side;
      const double target = contract == Contract::Linear ? 777.0 : 0.0123;
      for (TargetKind kind : {TargetKind::Pnl, TargetKind::Roe}) {
        const double t = kind == TargetKind::Pnl ? target : 0.37;
        const TargetResult& r = valueOf(targetPrice(s, 0, kind, t));
        REQUIRE(r.price);
        s.positions[0].markPrice = *r.price;
        const Report rep = evaluateOk(s);
        const auto& p = rep.cross->positions[0];
        CHECK_THAT(kind == TargetKind::Pnl ? p.unrealizedPnl : p.roe, WithinRel(t, 1e-9));
        s.positions[0].markPrice.reset();
      }
    }
  }
}

TEST_CASE("target price: input errors", "[whatif][target][errors]") {
  const Scenario s = btcLong();
  CHECK(hasError(targetPrice(s, 0, TargetKind::Pnl, NAN).errors, "request.target", ErrorCode::NotFinite));
  CHECK(hasError(targetPrice(s, 0, TargetKind::Pnl, 1e300).errors, "request.target", ErrorCode::OutOfRange));
  CHECK(hasError(targetPrice(s, 2, TargetKind::Pnl, 1).errors, "request.position", ErrorCode::OutOfRange));
}

// ------------------------------------------------------------------------------------------
// maxOpenSize

namespace {
/// Binance BTCUSDT brackets (default table): long 0.1 @ 60,000, 10x, mark 62,000.
Scenario binanceAccount() {
  Scenario s{.rules = Rules::Binance, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.1, .entryPrice = 60'000, .markPrice = 62'000, .leverage = 10}};
  return s;
}


/// The outcome's available balance in an answer's report.
double availableIn(const Report& r, MarginMode mode) {
  return (mode == MarginMode::Cross ? *r.cross : *r.isolated).account.availableBalance;
}

/// maxOpen's answer, chained into adjust() on the symbol's position `k` (same side: adds; other
/// side: reduces through it): accepted, and the outcome's available balance stays >= 0 (to
/// rounding). A size 1e-9 larger is refused or leaves it < 0: nothing larger opens.
/// `exact` false: the outcome has no open loss (isolated), so a size past the answer may still
/// leave a balance; only "accepted" is checked.
MaxOpenResult checkChain(const Scenario& s, std::size_t k, const MaxOpenRequest& req, bool exact = true) {
  const MaxOpenResult m = valueOf(maxOpenSize(s, req));
  REQUIRE(m.quantity > 0);
  const double dir = s.positions[k].side == req.side ? 1 : -1;
  const auto fill = [&](double q) {
    return adjustPosition(s, {.position = k, .price = req.price, .quantityDelta = dir * q});
  };
  const AdjustResult a = valueOf(fill(m.quantity));
  INFO("maxOpen " << m.quantity << ", available after " << availableIn(a.report, req.mode));
  CHECK(availableIn(a.report, req.mode) >= -1e-9 * std::max(1.0, s.walletBalance));
  CHECK(a.side == req.side);
  const auto more = fill(m.quantity * (1 + 1e-9));
  if (exact) CHECK((!more.errors.empty() || availableIn(more.value->report, req.mode) < 0));
  return m;
}

}  // namespace

TEST_CASE("max open size: the balance or the tier cap bounds it", "[whatif][maxOpen][binance]") {
  // Cross available = 10000 + 0.1 x 2000 - 0.1 x 60000 / 10 = 9,600; isolated: 10000 - 600 = 9,400.
  // Brackets: 125x to 50k, 100x to 250k, 50x to 1M, 20x to 10M. Held: 0.1 long at entry notional
  // 6,000, so the room beside it is the cap - 6,000. Binance's default taker fee is 0 here (the
  // scenario gives none), and buying at 50,000 under the mark 62,000 has no open loss.
  // 20x cross: N = min(9600 x 20 = 192,000, 10M - 6,000) = 192,000, tier 2; Q = 192000 / 50000 = 3.84.
  // 20x isolated: N = 188,000; Q = 3.76. 125x: N = min(1.2M, 50k - 6k) = 44,000, tier 1, Q = 0.88,
  // IM 352. 100x: N = min(960k, 244k) = 244,000, tier 2, Q = 4.88. Tolerance 1e-12 rel.
  const Scenario s = binanceAccount();
  MaxOpenRequest req{.symbol = "BTCUSDT", .price = 50'000, .leverage = 20};
  const MaxOpenResult& a = valueOf(maxOpenSize(s, req));
  CHECK_THAT(a.notional, WithinRel(192'000.0, 1e-12));
  CHECK_THAT(a.quantity, WithinRel(3.84, 1e-12));
  CHECK_THAT(a.initialMargin, WithinRel(9'600.0, 1e-12));
  CHECK(a.heldQuantity == 0.1);
  CHECK(a.tier == 2);
  checkSteps(explained(s, req, a).steps);
  req.mode = MarginMode::Isolated;
  CHECK_THAT(valueOf(maxOpenSize(s, req)).quantity, WithinRel(3.76, 1e-12));
  req.mode = MarginMode::Cross;
  req.leverage = 125;
  const MaxOpenResult& b = valueOf(maxOpenSize(s, req));
  CHECK_THAT(b.notional, WithinRel(44'000.0, 1e-12));
  CHECK_THAT(b.quantity, WithinRel(0.88, 1e-12));
  CHECK_THAT(b.initialMargin, WithinRel(352.0, 1e-12));
  CHECK(b.tier == 1);
  req.leverage = 100;
  const MaxOpenResult& c = valueOf(maxOpenSize(s, req));
  CHECK_THAT(c.notional, WithinRel(244'000.0, 1e-12));
  CHECK_THAT(c.quantity, WithinRel(4.88, 1e-12));
  CHECK(c.tier == 2);
  // At the held leverage (10x) and the mark, the answer is what adjust() opens, and no more.
  req.leverage = 10;
  req.price = 62'000;
  checkChain(s, 0, req);
  req.mode = MarginMode::Isolated;
  checkChain(s, 0, req);
}

TEST_CASE("max open size: the size opens when the tier cap bounds it", "[whatif][maxOpen]") {
  // Found by agreement_test.cpp (maxOpenSize appended to the generated scenarios): the cap 100,000
  // bounds a 1x order at 2.4, and validate()'s recomputed notional could pass the cap by an ulp: the
  // quantity steps down by ulps until the position after the order is within it. The 1 AAA held
  // at 2.4 takes 2.4 of the cap: N = 99,997.6, Q = 99997.6 / 2.4 = 41,665.666...
  // Tolerance 1e-15 rel (a few ulps).
  Scenario s{.rules = Rules::Simple, .walletBalance = 1e6};
  s.tiers = {{"AAA", flatTier(0.01, 10, 100'000)}};
  s.positions = {Position{.symbol = "AAA", .quantity = 1, .entryPrice = 2.4, .leverage = 1}};
  const MaxOpenRequest req{.symbol = "AAA", .price = 2.4, .leverage = 1};
  const MaxOpenResult m = checkChain(s, 0, req);
  CHECK(m.notional == 100'000 - 2.4);
  CHECK_THAT(m.quantity, WithinRel((100'000 - 2.4) / 2.4, 1e-15));
}

TEST_CASE("max open size: inverse notional in coin", "[whatif][maxOpen][inverse]") {
  // Simple profile, BTCUSD table: 100x to 10 BTC, 20x to 100 BTC. Short 1,000 USD @ 50,000, 10x,
  // held; the order is a long at 40,000, so it first closes the short: IM 0.02 / 10 = 0.002 freed,
  // PnL at the mark (= entry) 0, realised -1 x 1000 x (1/50000 - 1/40000) = +0.005, no fee.
  // Cross available 1 - 0.002 = 0.998; with the close 1.005 BTC. 50x: rows allowing it: tier 1,
  // cap 10: N = min(1.005 x 50, 10) = 10 BTC; Q = 1,000 + 10 x 40000 = 401,000 contracts. 10x:
  // N = min(10.05, 100) = 10.05; Q = 1,000 + 402,000. Tolerance 1e-12 rel.
  Scenario s = btcInverse(Side::Short, 1'000, 50'000);
  s.tiers["BTCUSD"] = {Tier{.notionalCap = 10, .maxLeverage = 100, .maintenanceMarginRate = 0.005},
                       Tier{.notionalCap = 100, .maxLeverage = 20, .maintenanceMarginRate = 0.01}};
  MaxOpenRequest req{.symbol = "BTCUSD", .contract = Contract::Inverse, .price = 40'000, .leverage = 50};
  const MaxOpenResult& a = valueOf(maxOpenSize(s, req));
  CHECK_THAT(a.notional, WithinRel(10.0, 1e-12));
  CHECK_THAT(a.quantity, WithinRel(401'000.0, 1e-12));
  CHECK(a.closingQuantity == 1'000);
  CHECK(a.tier == 1);
  req.leverage = 10;
  const MaxOpenResult& b = valueOf(maxOpenSize(s, req));
  CHECK_THAT(b.notional, WithinRel(10.05, 1e-12));
  CHECK_THAT(b.quantity, WithinRel(403'000.0, 1e-12));
  checkSteps(explained(s, req, b).steps);
}

TEST_CASE("max open size: the issue's example, chained into adjust", "[whatif][maxOpen][binance][chain]") {
  // Binance default BTCUSDT brackets (125x to 50,000, 100x to 250,000), taker fee 0.05%, wallet
  // 1,000. Held: long 0.4 @ 99,875 at 125x (entry notional 39,950, IM 319.6), mark 100,000
  // (uPnL +50). Another long at 125x at the mark 100,000 (no open loss).
  // Cross available A = 1000 + 50 - 319.6 = 730.4.
  // Before: N = min(A x L, cap) = min(730.4 x 125 = 91,300, 50,000) = 50,000 -> Q = 0.5 BTC; the
  // position would be 39,950 + 50,000 = 89,950, past 50,000: adjust refused it (125x > 100x).
  // Now: the room beside the 39,950 held is 50,000 - 39,950 = 10,050; the balance pays for
  // 730.4 / (1/125 + 0 + 0.0005) = 730.4 / 0.0085 = 85,929.4; N = 10,050 (the cap bounds it,
  // tier 1), Q = 10050 / 100000 = 0.1005, IM = 10050 / 125 = 80.4, fee = 10050 x 0.0005 = 5.025,
  // cost = 85.425. Tolerance 1e-12 rel.
  Scenario s{.rules = Rules::Binance, .walletBalance = 1'000, .takerFeeRate = 0.0005};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.4, .entryPrice = 99'875, .markPrice = 100'000,
                          .leverage = 125}};
  const MaxOpenRequest req{.symbol = "BTCUSDT", .price = 100'000, .leverage = 125};
  const MaxOpenResult m = checkChain(s, 0, req);
  CHECK_THAT(m.notional, WithinRel(10'050.0, 1e-12));
  CHECK_THAT(m.quantity, WithinRel(0.1005, 1e-12));
  CHECK_THAT(m.initialMargin, WithinRel(80.4, 1e-12));
  CHECK_THAT(m.fee, WithinRel(5.025, 1e-12));
  CHECK_THAT(m.cost, WithinRel(85.425, 1e-12));
  CHECK(m.openLoss == 0);
  CHECK(m.heldQuantity == 0.4);
  CHECK(m.tier == 1);
  // The size the tool used to give, and adjust's answer to it.
  const auto old = adjustPosition(s, {.position = 0, .price = 100'000, .quantityDelta = 0.5});
  REQUIRE(old.errors.size() == 1);
  INFO(old.errors[0].message);
  CHECK(old.errors[0].message.find("(125) must be <= 100 for the tier at notional 89950") != std::string::npos);
  checkSteps(explained(s, req, m).steps);
}

TEST_CASE("max open size: Binance's cost to open (BN-6)", "[whatif][maxOpen][binance][chain]") {
  // VENUES.md BN-6: 1 BTC, order 9,253.30, 20x, MP 9,259.84: IM = 462.665 (shown 462.66), open
  // loss long 0, short 6.54; cost short 469.205 (shown 469.20). No fee (Binance's default here).
  // A short 0.1 held at the mark 9,259.84, 20x (IM 46.2992); the wallet leaves exactly the short's
  // cost of 1 BTC available: 469.205. maxOpen for a short at 9,253.30 is then 1 BTC, and adjust()
  // opens it with 0 left. Tolerance 1e-12 rel.
  Scenario s{.rules = Rules::Binance, .walletBalance = 469.205 + 46.2992};
  s.positions = {Position{.symbol = "BTCUSDT", .side = Side::Short, .quantity = 0.1, .entryPrice = 9'259.84,
                          .markPrice = 9'259.84, .leverage = 20}};
  const MaxOpenRequest req{.symbol = "BTCUSDT", .side = Side::Short, .price = 9'253.30, .leverage = 20};
  const MaxOpenResult m = checkChain(s, 0, req);
  CHECK_THAT(m.quantity, WithinRel(1.0, 1e-12));
  CHECK_THAT(m.initialMargin, WithinRel(462.665, 1e-12));
  CHECK_THAT(m.openLoss, WithinRel(6.54, 1e-11));
  CHECK_THAT(m.cost, WithinRel(469.205, 1e-12));
}

TEST_CASE("max open size: open loss, short held, other side, inverse, fees in the IM", "[whatif][maxOpen][chain]") {
  // Each chained into adjust(): accepted with available >= 0, 1e-9 more refused or < 0.
  Scenario s{.rules = Rules::Binance, .walletBalance = 400, .takerFeeRate = 0.0005};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.4, .entryPrice = 100'000, .markPrice = 100'000,
                          .leverage = 125}};
  // Long held, buy above the mark (BN-6 open loss): A = 400 - 320 = 80; per unit of notional
  // 1/125 + (100,100 - 100,000) / 100,100 + 0.0005; N = 80 / 0.0094990010 = 8,421.93..., under the
  // 10,000 room: the balance bounds it.
  MaxOpenRequest req{.symbol = "BTCUSDT", .price = 100'100, .leverage = 125};
  const MaxOpenResult a = checkChain(s, 0, req);
  CHECK_THAT(a.notional, WithinRel(80 / (0.008 + 100.0 / 100'100 + 0.0005), 1e-12));
  CHECK_THAT(a.openLoss, WithinRel(a.notional * 100 / 100'100, 1e-12));
  CHECK_THAT(a.cost, WithinRel(80.0, 1e-12));
  req.mode = MarginMode::Isolated;
  checkChain(s, 0, req, false);
  // Short held, sell under the mark: the same arithmetic mirrored.
  s.positions[0].side = Side::Short;
  req = {.symbol = "BTCUSDT", .side = Side::Short, .price = 99'900, .leverage = 125};
  const MaxOpenResult b = checkChain(s, 0, req);
  CHECK_THAT(b.notional, WithinRel(80 / (0.008 + 100.0 / 99'900 + 0.0005), 1e-12));
  // Other side: long 0.4 @ 100,000 at 20x (IM 2,000), mark 101,000, wallet 2,500; sell at 100,900.
  // Cross A0 = 2500 + 400 - 2000 = 900; closing frees 2000 - 400 + 0.4 x 900 - 0.4 x 100900 x
  // 0.0005 = 1,939.82; N = 2839.82 / (0.05 + 100/100900 + 0.0005) (the 20x cap, 10M, is far).
  s.walletBalance = 2'500;
  s.positions[0] = Position{.symbol = "BTCUSDT", .quantity = 0.4, .entryPrice = 100'000, .markPrice = 101'000,
                            .leverage = 20};
  req = {.symbol = "BTCUSDT", .side = Side::Short, .price = 100'900, .leverage = 20};
  const MaxOpenResult c = checkChain(s, 0, req);
  CHECK(c.closingQuantity == 0.4);
  CHECK_THAT(c.notional, WithinRel(2'839.82 / (0.05 + 100.0 / 100'900 + 0.0005), 1e-12));
  CHECK_THAT(c.quantity, WithinRel(0.4 + c.notional / 100'900, 1e-12));
  checkSteps(explained(s, req, c).steps);
  req.mode = MarginMode::Isolated;
  checkChain(s, 0, req, false);
  // Inverse (coin units): long 100 x 100 USD @ 50,000 at 20x (0.2 BTC, IM 0.01), wallet 1 BTC,
  // mark 50,000; buy at 50,500: open loss rate 50500/50000 - 1 = 0.01; N = 0.99 / (0.05 + 0.01 + 0.0005).
  Scenario inv{.rules = Rules::Binance, .walletBalance = 1, .takerFeeRate = 0.0005};
  inv.tiers["BTCUSD"] = {Tier{.notionalCap = 100, .maxLeverage = 20, .maintenanceMarginRate = 0.005}};
  inv.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 100, .quantity = 100,
                            .entryPrice = 50'000, .markPrice = 50'000, .leverage = 20}};
  req = {.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 100, .price = 50'500, .leverage = 20};
  const MaxOpenResult d = checkChain(inv, 0, req);
  CHECK_THAT(d.notional, WithinRel(0.99 / 0.0605, 1e-12));
  CHECK_THAT(d.quantity, WithinRel(0.99 / 0.0605 * 50'500 / 100, 1e-12));
  // BitMEX reserves the entry and exit fees in the IM (VENUES.md 4.1): IM = N (1/L + 2 x 0.00075),
  // and the wallet pays no separate fee. Long 1 @ 60,000 at 10x: IM 6,090, A = 3,910;
  // N = 3910 / 0.1015 = 38,522.16...
  Scenario bm{.rules = Rules::Bitmex, .walletBalance = 10'000};
  bm.tiers["XBTUSDT"] = flatTier(0.005, 100, 1e7);
  bm.positions = {Position{.symbol = "XBTUSDT", .quantity = 1, .entryPrice = 60'000, .markPrice = 60'000,
                           .leverage = 10}};
  req = {.symbol = "XBTUSDT", .price = 60'000, .leverage = 10};
  const MaxOpenResult e = checkChain(bm, 0, req);
  CHECK_THAT(e.notional, WithinRel(3'910 / 0.1015, 1e-12));
  CHECK(e.fee == 0);
}

TEST_CASE("max open size: nothing available, and input errors", "[whatif][maxOpen][errors]") {
  // Mark 40,000: cross PnL -2,000 on a 1,000 wallet: available < 0 -> 0 contracts, no error.
  Scenario poor = binanceAccount();
  poor.walletBalance = 1'000;
  poor.positions[0].markPrice = 40'000;
  const MaxOpenResult& z = valueOf(maxOpenSize(poor, {.symbol = "BTCUSDT", .price = 50'000, .leverage = 20}));
  CHECK(z.quantity == 0);
  CHECK(z.initialMargin == 0);
  const Scenario s = binanceAccount();
  CHECK(hasError(maxOpenSize(s, {.symbol = "BTCUSDT", .price = 50'000, .leverage = 150}).errors, "request.leverage",
                 ErrorCode::OutOfRange));
  CHECK(hasError(maxOpenSize(s, {.symbol = "BTCUSDT", .price = 50'000, .leverage = 0}).errors, "request.leverage",
                 ErrorCode::NotPositive));
  // Found by tests/fuzz: a subnormal leverage passed as > 0; 1 / 1e-320 = inf, and the initial
  // margin 0 x inf was NaN. A request's leverage is at least kMinMagnitude, like a position's.
  CHECK(hasError(maxOpenSize(s, {.symbol = "BTCUSDT", .price = 50'000, .leverage = 1e-320}).errors,
                 "request.leverage", ErrorCode::OutOfRange));
  CHECK(hasError(sizeFromStop(s, {.symbol = "BTCUSDT", .entryPrice = 50'000, .stopPrice = 49'000, .riskFraction = 0.01,
                                  .leverage = 1e-320}).errors,
                 "request.leverage", ErrorCode::OutOfRange));
  CHECK(hasError(maxOpenSize(s, {.symbol = "BTCUSDT", .price = NAN, .leverage = 10}).errors, "request.price",
                 ErrorCode::NotFinite));
  CHECK(hasError(maxOpenSize(s, {.symbol = "BTCUSDT", .contractSize = -1, .price = 1, .leverage = 10}).errors,
                 "request.contractSize", ErrorCode::NotPositive));
  CHECK(hasError(maxOpenSize(s, {.symbol = "FOOUSDT", .price = 1, .leverage = 10}).errors, "request.symbol",
                 ErrorCode::TierMissing));
  CHECK(hasError(maxOpenSize(s, {.symbol = "", .price = 1, .leverage = 10}).errors, "request.symbol", ErrorCode::Empty));
  CHECK(hasError(maxOpenSize(s, {.symbol = "BTCUSDT", .contract = Contract::Inverse, .price = 1, .leverage = 10}).errors,
                 "request.contract", ErrorCode::Mixed));
}

// ------------------------------------------------------------------------------------------
// sizeFromStop

namespace {
/// Simple profile, wallet 10,000, ETHUSDT long 1 @ 3,000 at its mark: equity 10,000.
Scenario ethAccount() {
  Scenario s{.rules = Rules::Simple, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "ETHUSDT", .quantity = 1, .entryPrice = 3'000, .leverage = 10}};
  return s;
}
}  // namespace

TEST_CASE("size from stop: linear, with the liquidation check", "[whatif][stop]") {
  // Risk 1% of 10,000 = 100; long BTCUSDT @ 60,000, stop 59,000: Q = 100 / 1000 = 0.1.
  // 10x isolated: M = 600; LP = (600 - 6000) / (0.1 x 0.005 - 0.1) = 54,271.356...: the stop
  // (59,000) comes first. 100x: M = 60; LP = (60 - 6000) / -0.0995 = 59,698.49...: the stop lies
  // beyond it. Tolerance 1e-12 rel.
  const Scenario s = ethAccount();
  StopSizeRequest req{.symbol = "BTCUSDT", .entryPrice = 60'000, .stopPrice = 59'000, .riskFraction = 0.01,
                      .leverage = 10};
  const StopSizeResult& a = valueOf(sizeFromStop(s, req));
  CHECK_THAT(a.riskAmount, WithinRel(100.0, 1e-12));
  CHECK_THAT(a.quantity, WithinRel(0.1, 1e-12));
  REQUIRE(a.liquidationPrice);
  CHECK_THAT(*a.liquidationPrice, WithinRel(5'400.0 / 0.0995, 1e-12));
  CHECK_FALSE(a.stopBeyondLiquidation);
  checkSteps(explained(s, req, a).steps);
  req.leverage = 100;
  const StopSizeResult& b = valueOf(sizeFromStop(s, req));
  REQUIRE(b.liquidationPrice);
  CHECK_THAT(*b.liquidationPrice, WithinRel(5'940.0 / 0.0995, 1e-12));
  CHECK(b.stopBeyondLiquidation);
  REQUIRE(hasStep(explained(s, req, b).steps, "stopBeyondLiquidation"));
  // Cross: the whole wallet backs it, LP far below, the stop first again.
  req.mode = MarginMode::Cross;
  CHECK_FALSE(valueOf(sizeFromStop(s, req)).stopBeyondLiquidation);
}

TEST_CASE("size from stop: short and inverse", "[whatif][stop][inverse]") {
  // Short @ 60,000, stop 61,500, risk 2% = 200: Q = 200 / 1500 = 0.1333...
  const StopSizeResult& a = valueOf(sizeFromStop(
      ethAccount(), {.symbol = "BTCUSDT", .side = Side::Short, .entryPrice = 60'000, .stopPrice = 61'500,
                     .riskFraction = 0.02, .leverage = 5}));
  CHECK_THAT(a.quantity, WithinRel(200.0 / 1500, 1e-12));
  CHECK_FALSE(a.stopBeyondLiquidation);
  // Inverse, contract 100 USD, wallet 2 BTC: risk 5% = 0.1 BTC; long @ 50,000, stop 40,000:
  // |1/50000 - 1/40000| = 0.000005 -> per contract 0.0005 BTC -> Q = 200 contracts (20,000 USD).
  // Check: loss at the stop = 20000 x 0.000005 = 0.1. Tolerance 1e-12 rel.
  Scenario inv = btcInverse(Side::Long, 1'000, 50'000);
  inv.walletBalance = 2;
  const StopSizeResult& b = valueOf(sizeFromStop(
      inv, {.symbol = "ETHUSD", .contract = Contract::Inverse, .contractSize = 100, .entryPrice = 50'000,
            .stopPrice = 40'000, .riskFraction = 0.05, .leverage = 2}));
  CHECK_THAT(b.riskAmount, WithinRel(0.1, 1e-12));
  CHECK_THAT(b.quantity, WithinRel(200.0, 1e-12));
  REQUIRE(b.liquidationPrice);
  CHECK_FALSE(b.stopBeyondLiquidation);  // 2x long inverse: LP about 33,4xx, below the stop
}

TEST_CASE("size from stop: the taker fees in and out are in the loss", "[whatif][stop][fees]") {
  // The case: a 1% stop, 1% of equity at risk, taker fee 0.05%. Equity 10,000 -> R = 100.
  // Long @ 60,000, stop 59,400: per contract the price loss is 600 and the fees
  // 0.0005 x (60,000 + 59,400) = 59.7; Q = 100 / 659.7 = 0.151584...
  // Without the fees the size was 100 / 600 = 0.16667, and its loss at the stop with the fees
  // 0.16667 x 659.7 = 109.95: the fees added 9.95% to the loss. Tolerance 1e-12 rel.
  Scenario s = ethAccount();
  s.takerFeeRate = 0.0005;
  const StopSizeRequest req{.symbol = "BTCUSDT", .entryPrice = 60'000, .stopPrice = 59'400, .riskFraction = 0.01,
                            .leverage = 10};
  const StopSizeResult r = valueOf(sizeFromStop(s, req));
  CHECK_THAT(r.riskAmount, WithinRel(100.0, 1e-12));
  CHECK_THAT(r.quantity, WithinRel(100 / 659.7, 1e-12));
  CHECK_THAT(r.fees, WithinRel(100 / 659.7 * 59.7, 1e-12));
  CHECK_THAT(100.0 / 600 * 659.7 / 100 - 1, WithinAbs(0.0995, 1e-12));
  checkSteps(explained(s, req, r).steps);
  // Chained: open the size (the fee in comes out of the wallet), then close it at the stop
  // with adjust(): the realised loss net of the fee out, and the fee in, add up to R.
  Scenario opened = s;
  opened.walletBalance -= r.quantity * 60'000 * 0.0005;
  opened.positions.push_back(Position{.symbol = "BTCUSDT", .quantity = r.quantity, .entryPrice = 60'000,
                                      .markPrice = 60'000, .leverage = 10});
  const AdjustResult closed = valueOf(adjustPosition(opened, {.position = 1, .price = 59'400,
                                                              .quantityDelta = -r.quantity}));
  CHECK_THAT(s.walletBalance - closed.scenario.walletBalance, WithinRel(100.0, 1e-12));
  // Short and inverse: short BTCUSD 100 USD contracts @ 50,000, stop 50,500 (1%), wallet 2 BTC,
  // risk 1% = 0.02 BTC: per contract 100 x (1/50000 - 1/50500) = 1.9802e-5 and fees
  // 0.0005 x 100 x (1/50000 + 1/50500) = 1.99010e-6; Q = 0.02 / (1.9802e-5 + 1.99010e-6).
  Scenario inv = btcInverse(Side::Long, 1'000, 50'000);
  inv.walletBalance = 2;
  inv.takerFeeRate = 0.0005;
  const StopSizeResult b = valueOf(sizeFromStop(
      inv, {.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 100, .side = Side::Short,
            .entryPrice = 50'000, .stopPrice = 50'500, .riskFraction = 0.01, .leverage = 2}));
  const double loss = 100 * (1 / 50'000.0 - 1 / 50'500.0), fees = 0.0005 * 100 * (1 / 50'000.0 + 1 / 50'500.0);
  CHECK_THAT(b.quantity, WithinRel(0.02 / (loss + fees), 1e-12));
}

TEST_CASE("adjust: taker fees on the fill", "[whatif][adjust][fees]") {
  // btcLong (long 0.5 @ 60,000, wallet 10,000) with a 0.05% taker fee.
  // Add 0.5 at 62,000: fee 0.5 x 62,000 x 0.0005 = 15.5 from the wallet; entry 61,000 (no fee in it).
  Scenario s = btcLong();
  s.takerFeeRate = 0.0005;
  const AdjustRequest add{.position = 0, .price = 62'000, .quantityDelta = 0.5};
  const AdjustResult a = valueOf(adjustPosition(s, add));
  CHECK_THAT(a.fee, WithinRel(15.5, 1e-12));
  CHECK_THAT(a.scenario.walletBalance, WithinRel(10'000 - 15.5, 1e-12));
  CHECK_THAT(a.entryPrice, WithinRel(61'000.0, 1e-12));
  checkSteps(explained(s, add, a).steps);
  // Reduce 0.2 at 62,000: gross 0.2 x 2,000 = 400, closing fee 0.2 x 62,000 x 0.0005 = 6.2: 393.8.
  const AdjustRequest cut{.position = 0, .price = 62'000, .quantityDelta = -0.2};
  const AdjustResult b = valueOf(adjustPosition(s, cut));
  CHECK_THAT(b.realizedPnl, WithinRel(393.8, 1e-12));
  CHECK_THAT(b.scenario.walletBalance, WithinRel(10'393.8, 1e-12));
  checkSteps(explained(s, cut, b).steps);
  // Flip by 0.8 at 62,000: closes 0.5 (1,000 - 15.5 = 984.5), opens 0.3 short (fee 9.3).
  const AdjustRequest flip{.position = 0, .price = 62'000, .quantityDelta = -0.8};
  const AdjustResult c = valueOf(adjustPosition(s, flip));
  CHECK_THAT(c.realizedPnl, WithinRel(984.5, 1e-12));
  CHECK_THAT(c.fee, WithinRel(15.5 + 9.3, 1e-12));
  CHECK_THAT(c.scenario.walletBalance, WithinRel(10'000 + 984.5 - 9.3, 1e-12));
  checkSteps(explained(s, flip, c).steps);
  // BitMEX reserves the entry fee in the IM (VENUES.md 4.1): the wallet is not charged on adding.
  Scenario bm{.rules = Rules::Bitmex, .walletBalance = 10'000};
  bm.tiers["XBTUSDT"] = flatTier(0.005, 100, 1e7);
  bm.positions = {Position{.symbol = "XBTUSDT", .quantity = 1, .entryPrice = 60'000, .leverage = 10}};
  CHECK(valueOf(adjustPosition(bm, {.position = 0, .price = 60'000, .quantityDelta = 1})).scenario.walletBalance ==
        10'000);
}

TEST_CASE("size from stop: input errors", "[whatif][stop][errors]") {
  const Scenario s = ethAccount();
  const StopSizeRequest ok{.symbol = "BTCUSDT", .entryPrice = 60'000, .stopPrice = 59'000, .riskFraction = 0.01,
                           .leverage = 10};
  StopSizeRequest r = ok;
  r.stopPrice = 61'000;  // above entry for a long
  CHECK(hasError(sizeFromStop(s, r).errors, "request.stopPrice", ErrorCode::OutOfRange));
  r.stopPrice = 60'000;
  CHECK(hasError(sizeFromStop(s, r).errors, "request.stopPrice", ErrorCode::OutOfRange));
  r = ok;
  r.side = Side::Short;  // 59,000 is below entry: wrong for a short
  CHECK(hasError(sizeFromStop(s, r).errors, "request.stopPrice", ErrorCode::OutOfRange));
  r = ok;
  r.riskFraction = 0;
  CHECK(hasError(sizeFromStop(s, r).errors, "request.riskFraction", ErrorCode::OutOfRange));
  r.riskFraction = 1.5;
  CHECK(hasError(sizeFromStop(s, r).errors, "request.riskFraction", ErrorCode::OutOfRange));
  r.riskFraction = INFINITY;
  CHECK(hasError(sizeFromStop(s, r).errors, "request.riskFraction", ErrorCode::NotFinite));
  r = ok;
  r.leverage = -2;
  CHECK(hasError(sizeFromStop(s, r).errors, "request.leverage", ErrorCode::NotPositive));
  // Leverage above the tier at the implied notional: Binance, wallet 100,000, risk 10% = 10,000,
  // stop 600 away -> Q = 16.67, notional 1M (tier 3, max 50x): 100x is refused.
  Scenario bn{.rules = Rules::Binance, .walletBalance = 100'000};
  bn.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.01, .entryPrice = 60'000, .leverage = 10}};
  const auto e = sizeFromStop(bn, {.symbol = "BTCUSDT", .entryPrice = 60'000, .stopPrice = 59'400,
                                   .riskFraction = 0.1, .leverage = 100});
  CHECK(hasError(e.errors, "request.leverage", ErrorCode::OutOfRange));
}

// ------------------------------------------------------------------------------------------
// marginToTarget

namespace {
/// Adds the amounts and re-evaluates: the isolated and cross liquidation prices.
std::pair<std::optional<double>, std::optional<double>> afterAdding(Scenario s, std::size_t i,
                                                                      const MarginToTargetResult& r) {
  const Report base = evaluateOk(s);
  Scenario iso = s;
  iso.positions[i].isolatedMargin = base.isolated->positions[i].margin + r.toAdd.isolated;
  Scenario cross = s;
  cross.walletBalance += r.toAdd.cross;
  return {evaluateOk(iso).isolated->positions[i].liquidationPrice,
          evaluateOk(cross).cross->positions[i].liquidationPrice};
}
}  // namespace

TEST_CASE("margin to target: one tier, isolated and cross", "[whatif][marginToTarget]") {
  // Long 1 @ 60,000 at its mark, 10x: M = 6,000. Target 50,000:
  // MM(T) = 50000 x 0.005 = 250; uPnL(T) = 50000 - 60000 = -10,000; E_T = 10,250;
  // isolated: add 10250 - 6000 = 4,250.
  // Cross with ETH long 2 @ 3,000 marked 2,900 (MM 5800 x 0.005 = 29, uPnL -200):
  // E0 = 10000 - 29 - 200 = 9,771; wallet to add = 10250 - 9771 = 479.
  // Round trip: LP = 50,000 within 1e-9 rel.
  Scenario s{.rules = Rules::Simple, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 60'000, .leverage = 10},
                 Position{.symbol = "ETHUSDT", .quantity = 2, .entryPrice = 3'000, .markPrice = 2'900, .leverage = 10}};
  const MarginToTargetResult& r = valueOf(marginToTarget(s, 0, 50'000));
  CHECK_THAT(r.toAdd.isolated, WithinRel(4'250.0, 1e-12));
  CHECK_THAT(r.toAdd.cross, WithinRel(479.0, 1e-12));
  CHECK(r.exact.isolated);
  CHECK(r.exact.cross);
  checkSteps(explained(s, MarginToTargetRequest{.position = 0, .targetLiquidationPrice = 50'000}, r).steps);
  const auto [iso, cross] = afterAdding(s, 0, r);
  CHECK_THAT(*iso, WithinRel(50'000.0, 1e-9));
  CHECK_THAT(*cross, WithinRel(50'000.0, 1e-9));
  // A nearer target frees margin: negative amounts, and the round trip still holds.
  const MarginToTargetResult& near = valueOf(marginToTarget(s, 0, 57'000));
  CHECK(near.toAdd.isolated < 0);
  CHECK(near.toAdd.cross < 0);
  const auto [iso2, cross2] = afterAdding(s, 0, near);
  CHECK_THAT(*iso2, WithinRel(57'000.0, 1e-9));
  CHECK_THAT(*cross2, WithinRel(57'000.0, 1e-9));
}

TEST_CASE("margin to target: across Binance tiers", "[whatif][marginToTarget][binance]") {
  // Long 4 @ 60,000 (240,000, tier 2), 20x: M = 12,000.
  // Target 50,000 (200,000, tier 2: MMR 0.5%, cum 50): MM = 1000 - 50 = 950; uPnL = -40,000;
  //   E_T = 40,950 -> add 28,950.
  // Target 12,000 (48,000, tier 1: MMR 0.4%, cum 0): MM = 192; uPnL = -192,000;
  //   E_T = 192,192 -> add 180,192.
  // Short 4 @ 60,000, target 70,000 (280,000, tier 3: MMR 1%, cum 1,300): MM = 1,500;
  //   uPnL = -40,000; E_T = 41,500 -> add 29,500. Tolerance 1e-12 rel; round trip 1e-9 rel.
  Scenario s{.rules = Rules::Binance, .walletBalance = 20'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 4, .entryPrice = 60'000, .leverage = 20}};
  const MarginToTargetResult& same = valueOf(marginToTarget(s, 0, 50'000));
  CHECK_THAT(same.toAdd.isolated, WithinRel(28'950.0, 1e-12));
  CHECK_THAT(same.toAdd.cross, WithinRel(40'950.0 - 20'000.0, 1e-12));
  auto [a, b] = afterAdding(s, 0, same);
  CHECK_THAT(*a, WithinRel(50'000.0, 1e-9));
  CHECK_THAT(*b, WithinRel(50'000.0, 1e-9));
  const MarginToTargetResult& across = valueOf(marginToTarget(s, 0, 12'000));
  CHECK_THAT(across.toAdd.isolated, WithinRel(180'192.0, 1e-12));
  CHECK(across.exact.isolated);
  auto [c, d] = afterAdding(s, 0, across);
  CHECK_THAT(*c, WithinRel(12'000.0, 1e-9));
  CHECK_THAT(*d, WithinRel(12'000.0, 1e-9));
  s.positions[0].side = Side::Short;
  const MarginToTargetResult& up = valueOf(marginToTarget(s, 0, 70'000));
  CHECK_THAT(up.toAdd.isolated, WithinRel(29'500.0, 1e-12));
  auto [e, f] = afterAdding(s, 0, up);
  CHECK_THAT(*e, WithinRel(70'000.0, 1e-9));
  CHECK_THAT(*f, WithinRel(70'000.0, 1e-9));
}

TEST_CASE("margin to target: round trips in every profile, both contracts", "[whatif][marginToTarget][property]") {
  // Property: adding the returned amount puts the liquidation price at the target, for
  // entry-value profiles (bybit, bitmex: MM constant), Bybit UTA (extra margin net of the fee,
  // inverted), OKX (fee in the rate), and inverse contracts. Targets inside the same tier and
  // across tier caps. Tolerance 1e-9 rel.
  struct Case { Rules rules; Contract contract; const char* symbol; Side side; double qty, entry, lev, target; };
  const Case cases[] = {
      {Rules::Bybit, Contract::Linear, "BTCUSDT", Side::Long, 2, 60'000, 20, 50'000},
      {Rules::Bybit, Contract::Linear, "BTCUSDT", Side::Short, 2, 60'000, 20, 66'000},
      {Rules::BybitUta, Contract::Linear, "BTCUSDT", Side::Long, 2, 60'000, 20, 52'000},
      {Rules::BybitUta, Contract::Linear, "BTCUSDT", Side::Long, 30, 70'000, 20, 60'000},  // 2.1M -> 1.8M
      {Rules::BybitUta, Contract::Linear, "BTCUSDT", Side::Short, 50, 60'000, 20, 64'000},  // 3M -> tier 2 at 3.2M
      {Rules::Bitmex, Contract::Inverse, "XBTUSD", Side::Long, 10'000'000, 50'000, 50, 40'000},
      {Rules::Simple, Contract::Inverse, "BTCUSD", Side::Short, 100'000, 50'000, 10, 60'000},
      {Rules::Binance, Contract::Linear, "BTCUSDT", Side::Long, 30, 60'000, 20, 20'000},  // 1.8M -> 600k
  };
  for (const Case& k : cases) {
    INFO(std::string(toString(k.rules)) << " " << toString(k.side) << " target " << k.target);
    Scenario s{.rules = k.rules, .walletBalance = k.contract == Contract::Linear ? 200'000.0 : 100.0};
    s.positions = {Position{.symbol = k.symbol, .contract = k.contract, .side = k.side, .quantity = k.qty,
                            .entryPrice = k.entry, .leverage = k.lev}};
    const MarginToTargetResult& r = valueOf(marginToTarget(s, 0, k.target));
    CHECK(r.exact.isolated);
    CHECK(r.exact.cross);
    const auto [iso, cross] = afterAdding(s, 0, r);
    REQUIRE(iso);
    REQUIRE(cross);
    CHECK_THAT(*iso, WithinRel(k.target, 1e-9));
    CHECK_THAT(*cross, WithinRel(k.target, 1e-9));
  }
  // OKX with the default fee in the rate, two legs of one symbol in cross moving together.
  Scenario okx{.rules = Rules::Okx, .walletBalance = 30'000};
  okx.tiers["BTC-USDT"] = {Tier{.notionalCap = 100'000, .maxLeverage = 50, .maintenanceMarginRate = 0.004},
                           Tier{.notionalCap = 1e9, .maxLeverage = 20, .maintenanceMarginRate = 0.004}};
  okx.positions = {Position{.symbol = "BTC-USDT", .quantity = 1, .entryPrice = 60'000, .leverage = 20},
                   Position{.symbol = "BTC-USDT", .quantity = 0.5, .entryPrice = 58'000, .markPrice = 60'000,
                            .leverage = 20}};
  const MarginToTargetResult& o = valueOf(marginToTarget(okx, 0, 45'000));
  const auto [iso, cross] = afterAdding(okx, 0, o);
  CHECK_THAT(*iso, WithinRel(45'000.0, 1e-9));
  CHECK_THAT(*cross, WithinRel(45'000.0, 1e-9));
}

TEST_CASE("margin to target: a maintenance step at a tier cap, said so", "[whatif][marginToTarget]") {
  // OKX-style table without continuity amounts: 0.4% to 100,000, 5% above (fee 0.05% on top).
  // Long 4 @ 60,000 (240,000 in tier 2), target 24,000 (96,000 in tier 1):
  // E_T = 96000 x 0.0045 + 144,000 = 144,432, but just above the cap (P = 25,000, tier 2)
  // the need is 100000 x 0.0505 + 140,000 = 145,050: the liquidation price cannot be exactly
  // 24,000. The amount covers 145,050 and the liquidation price lands at the cap, 25,000.
  Scenario s{.rules = Rules::Okx, .walletBalance = 200'000};
  s.tiers["BTCUSDT"] = {Tier{.notionalCap = 100'000, .maxLeverage = 50, .maintenanceMarginRate = 0.004},
                        Tier{.notionalCap = 1e9, .maxLeverage = 10, .maintenanceMarginRate = 0.05}};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 4, .entryPrice = 60'000, .leverage = 10}};
  const MarginToTargetResult& r = valueOf(marginToTarget(s, 0, 24'000));
  CHECK_FALSE(r.exact.isolated);
  CHECK_FALSE(r.exact.cross);
  CHECK_THAT(r.toAdd.isolated, WithinRel(145'050.0 - 24'000.0, 1e-12));
  const auto [iso, cross] = afterAdding(s, 0, r);
  CHECK_THAT(*iso, WithinRel(25'000.0, 1e-9));
  CHECK_THAT(*cross, WithinRel(25'000.0, 1e-9));
  const auto steps = explained(s, MarginToTargetRequest{.position = 0, .targetLiquidationPrice = 24'000}, r).steps;
  const bool said = std::any_of(steps.begin(), steps.end(), [](const Step& st) {
    return st.label.find("cannot be exactly the target") != std::string::npos;
  });
  CHECK(said);
}

TEST_CASE("margin to target: input errors", "[whatif][marginToTarget][errors]") {
  Scenario s = btcLong();  // long, mark 61,000
  CHECK(hasError(marginToTarget(s, 0, 61'000).errors, "request.targetLiquidationPrice", ErrorCode::OutOfRange));
  CHECK(hasError(marginToTarget(s, 0, 70'000).errors, "request.targetLiquidationPrice", ErrorCode::OutOfRange));
  CHECK(hasError(marginToTarget(s, 0, NAN).errors, "request.targetLiquidationPrice", ErrorCode::NotFinite));
  CHECK(hasError(marginToTarget(s, 0, -1).errors, "request.targetLiquidationPrice", ErrorCode::NotPositive));
  CHECK(hasError(marginToTarget(s, 1, 50'000).errors, "request.position", ErrorCode::OutOfRange));
  s.positions[0].side = Side::Short;
  CHECK(hasError(marginToTarget(s, 0, 50'000).errors, "request.targetLiquidationPrice", ErrorCode::OutOfRange));
  // Far targets give finite numbers, never NaN: a target just above zero for a 1x long.
  s.positions[0].side = Side::Long;
  const MarginToTargetResult& r = valueOf(marginToTarget(s, 0, 1e-6));
  CHECK(std::isfinite(r.toAdd.isolated));
  CHECK(std::isfinite(r.toAdd.cross));
}

// ------------------------------------------------------------------------------------------
// explain() changes no number

namespace {

bool same(const Report& a, const Report& b) {
  const auto outcome = [](const std::optional<Outcome>& x, const std::optional<Outcome>& y) {
    if (x.has_value() != y.has_value()) return false;
    if (!x) return true;
    if (x->account.equity != y->account.equity || x->positions.size() != y->positions.size()) return false;
    for (std::size_t i = 0; i < x->positions.size(); ++i)
      if (x->positions[i].liquidationPrice != y->positions[i].liquidationPrice ||
          x->positions[i].margin != y->positions[i].margin)
        return false;
    return true;
  };
  return outcome(a.isolated, b.isolated) && outcome(a.cross, b.cross) && outcome(a.asGiven, b.asGiven);
}
bool same(const AdjustResult& a, const AdjustResult& b) {
  return a.side == b.side && a.quantity == b.quantity && a.entryPrice == b.entryPrice &&
         a.realizedPnl == b.realizedPnl && a.fee == b.fee && a.flipped == b.flipped && a.closed == b.closed &&
         a.scenario.walletBalance == b.scenario.walletBalance && same(a.report, b.report);
}
bool same(const TargetResult& a, const TargetResult& b) { return a.price == b.price; }
bool same(const MaxOpenResult& a, const MaxOpenResult& b) {
  return a.quantity == b.quantity && a.notional == b.notional && a.initialMargin == b.initialMargin && a.tier == b.tier &&
         a.openLoss == b.openLoss && a.fee == b.fee && a.cost == b.cost && a.heldQuantity == b.heldQuantity &&
         a.closingQuantity == b.closingQuantity;
}
bool same(const StopSizeResult& a, const StopSizeResult& b) {
  return a.quantity == b.quantity && a.riskAmount == b.riskAmount && a.fees == b.fees &&
         a.liquidationPrice == b.liquidationPrice &&
         a.stopBeyondLiquidation == b.stopBeyondLiquidation;
}
bool same(const MarginToTargetResult& a, const MarginToTargetResult& b) {
  return a.toAdd.isolated == b.toAdd.isolated && a.toAdd.cross == b.toAdd.cross &&
         a.exact.isolated == b.exact.isolated && a.exact.cross == b.exact.cross;
}

/// explain() on a copy of a valid answer: the same numbers, and steps with finite values.
template <class Request, class T>
void checkExplain(const Scenario& s, const Request& request, const Result<T>& r) {
  if (!r) return;  // e.g. a size past the last tier: the errors are tested elsewhere
  CHECK(r.value->steps.empty());
  T copy = *r.value;
  explain(s, request, copy);
  CHECK(same(*r.value, copy));
  checkSteps(copy.steps);
}

}  // namespace

TEST_CASE("what-if tools: explain() changes no number", "[whatif][property]") {
  Generator g(kSeed + 13);
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    INFO("scenario " << i << "\n" << describe(s));
    const std::size_t k = static_cast<std::size_t>(g.integer(0, static_cast<int>(s.positions.size()) - 1));
    const Position& p = s.positions[k];
    const AdjustRequest adjust{.position = k, .price = p.mark() * g.uniform(0.9, 1.1),
                               .quantityDelta = p.quantity * g.uniform(-1.5, 1.5)};
    checkExplain(s, adjust, adjustPosition(s, adjust));
    const TargetRequest target{.position = k, .kind = g.chance(0.5) ? TargetKind::Pnl : TargetKind::Roe,
                               .target = g.uniform(-0.5, 0.5)};
    checkExplain(s, target, targetPrice(s, target));
    const MaxOpenRequest open{.symbol = p.symbol, .contract = p.contract, .contractSize = p.contractSize,
                              .price = p.mark(), .leverage = 1, .mode = g.chance(0.5) ? MarginMode::Cross : MarginMode::Isolated};
    checkExplain(s, open, maxOpenSize(s, open));
    const StopSizeRequest stop{.symbol = p.symbol, .contract = p.contract, .contractSize = p.contractSize,
                               .side = p.side, .entryPrice = p.mark(),
                               .stopPrice = p.side == Side::Long ? p.mark() * 0.95 : p.mark() * 1.05,
                               .riskFraction = 0.01, .leverage = 1};
    checkExplain(s, stop, sizeFromStop(s, stop));
    const MarginToTargetRequest margin{.position = k,
                                       .targetLiquidationPrice = p.side == Side::Long ? p.mark() * 0.7 : p.mark() * 1.3};
    checkExplain(s, margin, marginToTarget(s, margin));
  }
}
