// SPDX-License-Identifier: MIT
// marginlab/fields.h: the one description per struct. The JS side checks the d.ts, the encoder and
// the decoder against it (tests/js/boundary.test.mjs); here, that it agrees with the enums' own strings
// and names every member a reader must fill.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "marginlab/fields.h"

using namespace marginlab;

namespace {

/// The names a description visits, in order.
struct Names {
  std::vector<std::string> names;
  template <class T, class... Tags>
  void operator()(std::string_view name, const T&, Tags...) {
    names.emplace_back(name);
  }
};

template <class T>
std::vector<std::string> namesOf() {
  Names n;
  const T x{};
  fields(n, x);
  return n.names;
}

template <class E, class Parse>
void checkEnum(Parse parse) {
  const auto names = enumNames(E{});
  for (std::size_t i = 0; i < names.size(); ++i) {
    CHECK(toString(static_cast<E>(i)) == names[i]);
    CHECK(parse(names[i]) == static_cast<E>(i));
  }
}

}  // namespace

TEST_CASE("fields.h: each enum's strings are toString's and parse back", "[fields]") {
  checkEnum<Rules>(parseRules);
  checkEnum<Contract>(parseContract);
  checkEnum<Side>(parseSide);
  checkEnum<MarginMode>(parseMarginMode);
  CHECK(enumNames(Rules{}).size() == 8);
}

TEST_CASE("fields.h: outputs end with their steps, the report with its errors", "[fields]") {
  // The objects JS has always seen end with their steps; the explain path writes fields() in order.
  CHECK(namesOf<PositionOutcome>().back() == "steps");
  CHECK(namesOf<AccountOutcome>().back() == "steps");
  CHECK(namesOf<Comparison>().back() == "steps");
  CHECK(namesOf<Report>().back() == "errors");
  CHECK(namesOf<Scenario>().size() == 6);  // marginlab.d.ts's Scenario, checked name by name from JS
}

TEST_CASE("fields.h: the risk lab's described requests name every member", "[fields]") {
  CHECK(namesOf<AdjustRequest>() == std::vector<std::string>{"position", "price", "quantityDelta"});
  CHECK(namesOf<MaxOpenRequest>().size() == 7);
  CHECK(namesOf<StopSizeRequest>().size() == 9);
  CHECK(namesOf<MarginToTargetRequest>() == std::vector<std::string>{"position", "targetLiquidationPrice"});
  CHECK(namesOf<FundingRequest>() == std::vector<std::string>{"position", "rate", "intervals"});
}

TEST_CASE("fields.h: the odds' and the engine's requests name every member", "[fields]") {
  CHECK(namesOf<OddsRequest>() == std::vector<std::string>{"position", "volatility", "years", "days", "drift", "fundingRate",
                                                           "fundingIntervalHours", "volatilityFrom"});
  CHECK(namesOf<VolatilityFrom>() == std::vector<std::string>{"surface", "strike"});
  CHECK(namesOf<UnwindRequest>().size() == 12);  // ... insuranceFund, order, partial, stepDown
  CHECK(namesOf<UnwindRequest>().back() == "stepDown");
  CHECK(namesOf<BookLevel>() == std::vector<std::string>{"price", "size"});
  CHECK(enumNames(UnwindStyle{}).size() == 3);
  CHECK(enumNames(UnwindOrder{}).size() == 2);
  CHECK(enumNames(UnwindPartial{}).size() == 2);
  CHECK(enumNames(UnwindStepDown{}).size() == 3);
}

TEST_CASE("fields.h: the stress request reads its range before the shocks it stands for", "[fields]") {
  CHECK(namesOf<StressRequest>() == std::vector<std::string>{"shockRange", "shocks", "model", "betas"});
  CHECK(namesOf<ShockRange>() == std::vector<std::string>{"from", "to", "step"});
}

TEST_CASE("fields.h: the cascade reads its path before the marks it stands for", "[fields]") {
  CHECK(namesOf<CascadeRequest>() == std::vector<std::string>{"path", "marks", "style", "liquidationFeeRate"});
  CHECK(namesOf<CascadePath>() == std::vector<std::string>{"move", "steps"});
  CHECK(enumNames(CascadeLiquidation{}).size() == 2);
}

TEST_CASE("fields.h: the Monte Carlo request names every member", "[fields]") {
  CHECK(namesOf<MonteCarloRequest>() ==
        std::vector<std::string>{"volatility", "drift", "correlation", "years", "days", "steps", "paths", "seed",
                                 "fundingRate", "fundingIntervalHours", "jumps"});
  CHECK(namesOf<JumpModel>() == std::vector<std::string>{"intensity", "meanLog", "stdevLog"});
}

TEST_CASE("fields.h: the options account's requests name every member", "[fields]") {
  CHECK(namesOf<OptionsRequest>() == std::vector<std::string>{"days", "volShifts", "scanLow", "scanHigh", "scanPoints"});
  CHECK(namesOf<OptionsSweepRequest>() == std::vector<std::string>{"days", "volShift"});
  CHECK(namesOf<PortfolioMarginRequest>() == std::vector<std::string>{"priceMoves", "volShocks", "volShockKind", "vegaPower"});
  checkEnum<VolShockKind>(parseVolShockKind);
}

TEST_CASE("fields.h: reconcile's answer in the order JS has always seen it, steps last", "[fields]") {
  CHECK(namesOf<ReconciledFigures>() ==
        std::vector<std::string>{"liquidationPrice", "bankruptcyPrice", "initialMargin", "maintenanceMargin", "marginRatio"});
  CHECK(namesOf<FigureDifference>() == std::vector<std::string>{"field", "venue", "computed", "difference", "tolerance", "within"});
  CHECK(namesOf<PositionReconciliation>() ==
        std::vector<std::string>{"position", "marginLab", "agrees", "reproduced", "conventions", "figures", "differences",
                                 "distance", "tried", "available", "steps"});
  CHECK(namesOf<ReconcileResult>() == std::vector<std::string>{"positions"});
  // The strings of the conventions JS sees (marginlab.d.ts Convention), one per value.
  REQUIRE(enumNames(Convention{}).size() == kConventionCount);
  CHECK(toString(Convention::TierAtEntry) == "tierAtEntry");
  CHECK(toString(Convention::OpenOrders) == "openOrders");
  CHECK(toString(Convention::RateRounding) == "rateRounding");
}

TEST_CASE("fields.h: the venue calls' requests and answers name every member", "[fields]") {
  CHECK(namesOf<TickRequest>() == std::vector<std::string>{"rules", "side", "price", "tickSize", "priceSigFigs"});
  CHECK(namesOf<TickResult>() == std::vector<std::string>{"price", "exact", "decimals", "rounding", "steps"});
  CHECK(namesOf<LotRequest>() == std::vector<std::string>{"contract", "quantity", "lotSize", "contractSize", "baseAsset"});
  CHECK(namesOf<LotResult>() == std::vector<std::string>{"quantity", "lots", "decimals", "unit", "steps"});
  CHECK(enumNames(TickRounding::Conservative)[static_cast<std::size_t>(TickRounding::Conservative)] == "conservative");
}
