// SPDX-License-Identifier: MIT
// The ADL ranking (adl.h): Bybit's and BitMEX's PnL% x / ÷ effective leverage (help.bybit.com
// 900000031623, VENUES.md 2.1; BitMEX ranks "by profit and leverage", 4.1), Binance's LeveragePnL =
// max(0, uPnL)/max(1, WB) x MM/(WB + uPnL) (FAQ 360033525471, restated on dev.binance.vision/t/17801),
// and the place in an assumed crowd as five 20% buckets. Every expected number is worked by hand below.
#include "marginlab/adl.h"

#include <cmath>

#include "support.h"

using namespace mltest;

namespace {

/// BitMEX rules, no fee, long 10 @ 100, 100x, MM 0.5%: BP 99 (the margin 10 is used up 1 below entry).
Scenario bitmexLong(double mark) {
  Scenario s{.rules = Rules::Bitmex, .walletBalance = 10'000, .takerFeeRate = 0.0};
  s.tiers = {{"EXAMPLE", flatTier(0.005, 100)}};
  s.positions = {Position{.symbol = "EXAMPLE", .quantity = 10, .entryPrice = 100, .markPrice = mark, .leverage = 100}};
  return s;
}

AdlRankResult rank(const Scenario& s, const AdlRequest& r) {
  Result<AdlRankResult> out = adlRank(s, r);
  REQUIRE(out);
  REQUIRE(out.value);
  AdlRankResult a = *out.value;
  explain(s, r, a);
  CHECK(a.quantile == out.value->quantile);
  return a;
}

double stepValue(const AdlRankResult& a, const std::string& code) {
  for (const Step& x : a.steps)
    if (x.code == code) return x.value.value_or(NAN);
  FAIL("no step " << code);
  return NAN;
}

}  // namespace

TEST_CASE("ADL BitMEX/Bybit in profit: PnL% x effective leverage against a crowd at 10x", "[adl]") {
  // Mark 100.5: PnL% = (100.5 - 100)/100 = 0.005; EffLev = 100.5/|100.5 - 99| = 67; score 0.335.
  // Crowd: PnL% uniform on [-0.5, 0.5], leverage 10 for all. A crowd score is below 0.335 when PnL% <= 0
  // (score <= 0) or 10 x PnL% < 0.335, i.e. PnL% < 0.0335: P = 0.5335 -> floor(5 x 0.5335) + 1 = 3 lights.
  // Tolerance 1e-12 (a point mass of leverage: no integration error).
  const AdlRankResult a = rank(bitmexLong(100.5), {.pnlQuantiles = {-0.5, 0.5}, .leverageQuantiles = {10, 10}});
  CHECK_THAT(a.pnlPercent, WithinAbs(0.005, 1e-15));
  CHECK_THAT(a.leverage, WithinRel(67.0, 1e-12));
  CHECK_THAT(a.score, WithinRel(0.335, 1e-12));
  CHECK_THAT(a.quantile, WithinAbs(0.5335, 1e-12));
  CHECK(a.lights == 3);
  CHECK_THAT(stepValue(a, "adl.scoreProfit"), WithinRel(0.335, 1e-12));
  CHECK(stepValue(a, "adl.lights") == 3);
}

TEST_CASE("ADL BitMEX/Bybit at a loss: PnL% / effective leverage", "[adl]") {
  // Mark 99.8: PnL% = -0.2/100 = -0.002; EffLev = 99.8/0.8 = 124.75; score = -0.002/124.75 = -1.60320641e-5.
  // Crowd as above: below when PnL%/10 < score, PnL% < 10 x score = -1.60320641e-4:
  // P = 0.5 - 1.60320641e-4 = 0.499839679 -> 3 lights.
  const AdlRankResult a = rank(bitmexLong(99.8), {.pnlQuantiles = {-0.5, 0.5}, .leverageQuantiles = {10, 10}});
  CHECK_THAT(a.pnlPercent, WithinAbs(-0.002, 1e-15));
  CHECK_THAT(a.leverage, WithinRel(124.75, 1e-12));
  CHECK_THAT(a.score, WithinRel(-0.002 / 124.75, 1e-12));
  CHECK_THAT(a.quantile, WithinAbs(0.5 - 10 * 0.002 / 124.75, 1e-12));
  CHECK(a.lights == 3);
  CHECK_THAT(stepValue(a, "adl.scoreLoss"), WithinRel(-0.002 / 124.75, 1e-12));
}

TEST_CASE("ADL: the crowd's leverage integrated against the closed form", "[adl]") {
  // Crowd PnL% uniform on [0, 1], leverage uniform on [1, 3], independent; score S = 0.335 (mark 100.5).
  // P(PnL% x L < S) = E[min(1, S/L)] = (1/2) ∫_1^3 S/L dL = S ln(3)/2 = 0.18401756...
  // Midpoint rule over 1000 points: error about (b-a) h^2 max|f''| / 24 ~ 2 x (0.002)^2 x 0.67 / 24 ~ 2e-7.
  // Tolerance 1e-6. 0.184 -> 1 light.
  const AdlRankResult a = rank(bitmexLong(100.5), {.pnlQuantiles = {0, 1}, .leverageQuantiles = {1, 3}});
  CHECK_THAT(a.quantile, WithinAbs(0.335 * std::log(3.0) / 2, 1e-6));
  CHECK(a.lights == 1);
}

TEST_CASE("ADL Binance: LeveragePnL = PnL% x margin ratio", "[adl]") {
  // Binance, isolated long 1 BTCUSDT @ 60,000, 20x, mark 66,000, flat MMR 0.5% (no amount), no fee:
  // WB (its isolated margin) = 60,000/20 = 3,000; uPnL = 6,000; PnL% = 6,000/max(1, 3,000) = 2;
  // MM = 0.5% x 66,000 = 330; MR = 330/(3,000 + 6,000) = 0.036666...; LeveragePnL = 0.073333...
  // Crowd: PnL% uniform on [0, 4], margin ratio 0.02 for all: below when 0.02 x PnL% < 0.07333,
  // PnL% < 3.66667: P = 3.66667/4 = 0.916667 -> 5 lights.
  Scenario s{.rules = Rules::Binance, .walletBalance = 10'000, .takerFeeRate = 0.0};
  s.tiers = {{"BTCUSDT", flatTier(0.005, 125)}};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 60'000, .markPrice = 66'000, .leverage = 20}};
  const AdlRankResult a = rank(s, {.pnlQuantiles = {0, 4}, .leverageQuantiles = {0.02, 0.02}});
  CHECK_THAT(a.pnlPercent, WithinRel(2.0, 1e-12));
  CHECK_THAT(a.leverage, WithinRel(330.0 / 9'000.0, 1e-12));
  CHECK_THAT(a.score, WithinRel(660.0 / 9'000.0, 1e-12));
  CHECK_THAT(a.quantile, WithinAbs(660.0 / 9'000.0 / 0.02 / 4, 1e-12));
  CHECK(a.lights == 5);
  CHECK_THAT(stepValue(a, "adl.scoreBinance"), WithinRel(660.0 / 9'000.0, 1e-12));
  // At a loss Binance's PnL% is 0: score 0, no crowd score is below it, 1 light.
  s.positions[0].markPrice = 59'000;
  const AdlRankResult loss = rank(s, {});
  CHECK(loss.pnlPercent == 0);
  CHECK(loss.quantile == 0);
  CHECK(loss.lights == 1);
  CHECK(loss.leverageQuantiles == std::vector<double>{0.01, 0.05, 0.1, 0.3, 0.8});  // the stated default
}

TEST_CASE("ADL: errors at their paths", "[adl][validate]") {
  Scenario hl = bitmexLong(100.5);
  hl.rules = Rules::Hyperliquid;
  auto e = validate(hl, AdlRequest{});
  REQUIRE_FALSE(e.empty());
  CHECK(e.back().path == "scenario.rules");
  CHECK(e.back().rule == "adlNoRanking");
  e = validate(bitmexLong(100.5), {.pnlQuantiles = {0.1, -0.1}, .leverageQuantiles = {0, 5}});
  REQUIRE(e.size() == 2);
  CHECK(e[0].path == "request.pnlQuantiles[1]");
  CHECK(e[0].rule == "adlQuantileOrder");
  CHECK(e[1].path == "request.leverageQuantiles[0]");
  e = validate(bitmexLong(100.5), {.position = 3, .pnlQuantiles = {1}});
  REQUIRE(e.size() == 2);
  CHECK(e[0].path == "request.position");
  CHECK(e[1].rule == "adlQuantileCount");
  const AdlRankResult d = rank(bitmexLong(100.5), {});
  CHECK(d.pnlQuantiles == std::vector<double>{-0.5, -0.1, 0, 0.1, 0.5});
  CHECK(d.leverageQuantiles == std::vector<double>{1, 2, 5, 10, 25});
  CHECK(d.lights >= 1);
  CHECK(d.lights <= 5);
}

TEST_CASE("ADL OKX: no published formula; ranked only with the assumption named", "[adl][okx]") {
  // OKX, fee 0, isolated long 1 @ 100 at 10x, mark 110: margin 10, BP 90 (the margin used up 10 below entry).
  // Assumed (okxRanking 'pnlTimesLeverageAssumed', Bybit's formula): PnL% = (110 − 100)/100 = 0.1,
  // EffLev = 110/|110 − 90| = 5.5, score = 0.55. Crowd PnL% uniform on [−0.5, 0.5] at leverage 10: below when
  // PnL% < 0.055: P = 0.555 -> floor(5 × 0.555) + 1 = 3 lights. Tolerance 1e-12.
  Scenario s{.rules = Rules::Okx, .walletBalance = 10'000, .takerFeeRate = 0.0};
  s.tiers = {{"EXAMPLE", flatTier(0.005, 100)}};
  s.positions = {Position{.symbol = "EXAMPLE", .quantity = 1, .entryPrice = 100, .markPrice = 110, .leverage = 10}};
  const AdlRequest plain{.pnlQuantiles = {-0.5, 0.5}, .leverageQuantiles = {10, 10}};
  CHECK(hasError(adlRank(s, plain).errors, "scenario.rules", ErrorCode::Unsupported));
  AdlRequest assumed = plain;
  assumed.okxRanking = AdlOkxRanking::PnlTimesLeverageAssumed;
  const AdlRankResult a = rank(s, assumed);
  CHECK_THAT(a.pnlPercent, WithinRel(0.1, 1e-12));
  CHECK_THAT(a.leverage, WithinRel(5.5, 1e-12));
  CHECK_THAT(a.score, WithinRel(0.55, 1e-12));
  CHECK_THAT(a.quantile, WithinRel(0.555, 1e-12));
  CHECK(a.lights == 3);
  REQUIRE_FALSE(a.steps.empty());
  CHECK(a.steps.front().code == "adl.okxAssumed");
  // The option is read for OKX only: Bybit ranks the same with or without it.
  s.rules = Rules::Bybit;
  CHECK(adlRank(s, assumed).value->score == adlRank(s, plain).value->score);
}
