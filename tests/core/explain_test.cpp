// SPDX-License-Identifier: MIT
// explain(): evaluate() computes numbers only; explain() adds every step and changes no number.
// Over the generated scenarios (generator.h) and a few built by hand: evaluate() alone has no step,
// explain() gives steps to every position, account and comparison, each with a code from the
// list below and finite parameters, and every code in the list occurs. Also the settlement asset.
#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "generator.h"

using namespace mltest;

namespace {

/// Every step code evaluate's explanation writes. A new kind of step adds its code here (and the
/// page or a translation that renders codes learns it); a code may not change its meaning.
const std::vector<std::string> kStepCodes = {
    // A position's numbers at the mark.
    "notional.linear", "notional.inverse", "initialMargin.entry", "initialMargin.withFees",
    "maintenanceMargin.atMark", "maintenanceMargin.atMarkWithFee", "maintenanceMargin.onEntry",
    "maintenanceMargin.onEntryWithFee", "maintenanceMargin.feeToClose", "unrealizedPnl.linear",
    "unrealizedPnl.inverse", "roe",
    // The margin backing it.
    "margin.cross", "margin.isolatedGiven", "margin.isolatedInitial", "liquidationPrice.crossBacking",
    "bankruptcyPrice.crossBacking", "liquidationPrice.netOfFee",
    // The solver's walk.
    "liquidationPrice.tier", "liquidationPrice.entryTier", "liquidationPrice.alreadyPast", "liquidationPrice.none",
    "bankruptcyPrice.solve", "bankruptcyPrice.alreadyPast", "bankruptcyPrice.none",
    // What follows from it.
    "distanceToLiquidation.fromMark", "distanceToLiquidation.alreadyPast", "distanceToLiquidation.none",
    "marginRatio.isolated", "marginRatio.isolatedNone", "marginRatio.cross", "marginRatio.crossNone",
    "maxLoss.isolated", "maxLoss.cross",
    // The account.
    "equity.account", "maintenanceMargin.account", "marginRatio.account", "marginRatio.accountNone",
    "availableBalance.cross", "availableBalance.isolated", "availableBalance.shortfall", "maxLoss.account",
    // Isolated against cross.
    "distanceGain.both", "distanceGain.isolatedNever", "distanceGain.crossNever", "distanceGain.neither",
    "maxLoss.comparison"};

/// Every number of a report (steps aside), as exact bits, with a name for the message.
struct Numbers {
  std::vector<std::pair<std::string, double>> list;
  void add(const std::string& name, double x) { list.emplace_back(name, x); }
  void add(const std::string& name, const std::optional<double>& x) {
    list.emplace_back(name + (x ? "" : " (absent)"), x.value_or(0));
  }
};

Numbers numbersOf(const Report& r) {
  Numbers n;
  n.add("settlementAsset " + r.settlementAsset, 0.0);
  n.add("errors", static_cast<double>(r.errors.size()));
  const std::pair<const char*, const std::optional<Outcome>*> outcomes[] = {
      {"isolated", &r.isolated}, {"cross", &r.cross}, {"asGiven", &r.asGiven}};
  for (const auto& [name, outcome] : outcomes) {
    n.add(std::string(name) + " present", *outcome ? 1.0 : 0.0);
    if (!*outcome) continue;
    for (std::size_t i = 0; i < (*outcome)->positions.size(); ++i) {
      const PositionOutcome& p = (*outcome)->positions[i];
      const std::string at = std::string(name) + ".positions[" + std::to_string(i) + "].";
      n.add(at + "mode", p.mode == MarginMode::Isolated ? 0.0 : 1.0);
      n.add(at + "liquidationPrice", p.liquidationPrice);
      n.add(at + "bankruptcyPrice", p.bankruptcyPrice);
      n.add(at + "notional", p.notional);
      n.add(at + "initialMargin", p.initialMargin);
      n.add(at + "maintenanceMargin", p.maintenanceMargin);
      n.add(at + "maintenanceMarginRate", p.maintenanceMarginRate);
      n.add(at + "tier", p.tier);
      n.add(at + "liquidationTier", p.liquidationTier ? std::optional<double>(*p.liquidationTier) : std::nullopt);
      n.add(at + "unrealizedPnl", p.unrealizedPnl);
      n.add(at + "roe", p.roe);
      n.add(at + "margin", p.margin);
      n.add(at + "marginRatio", p.marginRatio);
      n.add(at + "distanceToLiquidation", p.distanceToLiquidation);
      n.add(at + "maxLoss", p.maxLoss);
      for (const TierBoundary& b : p.tierBoundaries) {
        n.add(at + "tierBoundary.price", b.price);
        n.add(at + "tierBoundary.notional", b.notional);
        n.add(at + "tierBoundary.tier", b.tier);
      }
    }
    const AccountOutcome& a = (*outcome)->account;
    n.add(std::string(name) + ".account.equity", a.equity);
    n.add(std::string(name) + ".account.maintenanceMargin", a.maintenanceMargin);
    n.add(std::string(name) + ".account.marginRatio", a.marginRatio);
    n.add(std::string(name) + ".account.availableBalance", a.availableBalance);
    n.add(std::string(name) + ".account.maxLoss", a.maxLoss);
  }
  for (const Comparison& c : r.comparisons) {
    const std::string at = "comparisons[" + std::to_string(c.position) + "].";
    n.add(at + "isolatedDistance", c.isolatedDistance);
    n.add(at + "crossDistance", c.crossDistance);
    n.add(at + "distanceGain", c.distanceGain);
    n.add(at + "isolatedMaxLoss", c.isolatedMaxLoss);
    n.add(at + "crossMaxLoss", c.crossMaxLoss);
  }
  return n;
}

/// Exact equality, bit for bit (a NaN never occurs; -0 and +0 are told apart).
void checkSameNumbers(const Report& before, const Report& after) {
  const Numbers a = numbersOf(before), b = numbersOf(after);
  REQUIRE(a.list.size() == b.list.size());
  for (std::size_t i = 0; i < a.list.size(); ++i) {
    INFO(a.list[i].first);
    CHECK(a.list[i].first == b.list[i].first);
    CHECK(std::memcmp(&a.list[i].second, &b.list[i].second, sizeof(double)) == 0);
  }
}

/// Every steps list of a report.
std::vector<const std::vector<Step>*> stepLists(const Report& r) {
  std::vector<const std::vector<Step>*> out;
  for (const auto* o : {&r.isolated, &r.cross, &r.asGiven}) {
    if (!*o) continue;
    for (const PositionOutcome& p : (*o)->positions) out.push_back(&p.steps);
    out.push_back(&(*o)->account.steps);
  }
  for (const Comparison& c : r.comparisons) out.push_back(&c.steps);
  return out;
}

/// The steps of an explained report: every list non-empty, every step labelled, coded from the
/// list, its parameters named and finite. Adds the codes seen to `seen`.
void checkSteps(const Report& r, std::set<std::string>& seen) {
  for (const std::vector<Step>* steps : stepLists(r)) {
    REQUIRE_FALSE(steps->empty());
    for (const Step& st : *steps) {
      INFO(st.field << ": " << st.label << " [" << st.code << "]");
      CHECK_FALSE(st.label.empty());
      CHECK(std::find(kStepCodes.begin(), kStepCodes.end(), st.code) != kStepCodes.end());
      CHECK((st.code.rfind(st.field + ".", 0) == 0 || st.code == st.field));  // "<field>.<kind>"
      seen.insert(st.code);
      for (const Param& p : st.params) {
        CHECK_FALSE(p.name.empty());
        if (const double* x = std::get_if<double>(&p.value)) CHECK(std::isfinite(*x));
      }
      if (st.value) CHECK(std::isfinite(*st.value));
    }
  }
}

/// A few scenarios the generator rarely makes: every step code occurs among them and the
/// generated ones.
std::vector<Scenario> handMade() {
  std::vector<Scenario> out;
  // Inverse cross: a long BTC beside an ETH short far under water. Inverse PnL is bounded above,
  // so the BTC long is below its maintenance (and below zero) at every price: already past.
  Scenario past{.rules = Rules::Simple, .walletBalance = 0.01};
  past.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 100,
                             .side = Side::Long, .quantity = 1, .entryPrice = 40'000, .leverage = 10},
                    Position{.symbol = "ETHUSD", .contract = Contract::Inverse, .contractSize = 10,
                             .side = Side::Short, .quantity = 100, .entryPrice = 2'000, .markPrice = 4'000,
                             .leverage = 10}};
  past.tiers = {{"BTCUSD", flatTier(0.005)}, {"ETHUSD", flatTier(0.005)}};
  out.push_back(past);
  // A 1x linear long: no liquidation or bankruptcy price, isolated or cross.
  Scenario none{.rules = Rules::Simple, .walletBalance = 100};
  none.positions = {Position{.symbol = "ABCUSDT", .quantity = 1, .entryPrice = 100, .leverage = 1}};
  none.tiers = {{"ABCUSDT", flatTier(0.005)}};
  out.push_back(none);
  // A 1x long beside a 10x short: cross can liquidate the long, isolated cannot.
  Scenario crossOnly{.rules = Rules::Simple, .walletBalance = 100};
  crossOnly.positions = {Position{.symbol = "ABCUSDT", .quantity = 1, .entryPrice = 100, .leverage = 1},
                         Position{.symbol = "XYZUSDT", .side = Side::Short, .quantity = 10, .entryPrice = 100,
                                  .leverage = 10}};
  crossOnly.tiers = {{"ABCUSDT", flatTier(0.005)}, {"XYZUSDT", flatTier(0.005)}};
  out.push_back(crossOnly);
  // A wallet below the isolated margins; every profile once, linear and inverse.
  for (int rules = 0; rules < 8; ++rules) {
    for (const Contract contract : {Contract::Linear, Contract::Inverse}) {
      if (contract == Contract::Inverse && profileFor(static_cast<Rules>(rules)).linearOnly) continue;  // refused
      Scenario s{.rules = static_cast<Rules>(rules), .walletBalance = 10};
      Position p{.symbol = "BTCUSDT", .contract = contract, .contractSize = contract == Contract::Linear ? 0.001 : 100,
                 .quantity = 10, .entryPrice = 60'000, .markPrice = 59'000, .leverage = 10, .isolatedMargin = 100};
      if (contract == Contract::Inverse) p.symbol = "BTCUSD";
      s.positions = {p};
      s.tiers = {{p.symbol, {Tier{.notionalCap = 1'000, .maxLeverage = 50, .maintenanceMarginRate = 0.01},
                             Tier{.notionalCap = 1e9, .maxLeverage = 20, .maintenanceMarginRate = 0.02}}}};
      out.push_back(s);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("explain: evaluate has no steps; explain adds them everywhere and changes no number", "[explain][properties]") {
  std::set<std::string> seen;
  std::vector<Scenario> all = scenarios();
  for (Scenario& s : handMade()) all.push_back(std::move(s));
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Scenario& s = all[i];
    INFO("scenario " << i << "\n" << describe(s));
    const Report plain = evaluate(s);
    REQUIRE(plain.errors.empty());
    for (const std::vector<Step>* steps : stepLists(plain)) CHECK(steps->empty());
    Report explained = plain;
    explain(s, explained);
    checkSameNumbers(plain, explained);
    checkSteps(explained, seen);
    // A second pass gives the same steps (it replaces, never appends).
    Report twice = explained;
    explain(s, twice);
    const auto a = stepLists(explained), b = stepLists(twice);
    for (std::size_t k = 0; k < a.size(); ++k) CHECK(a[k]->size() == b[k]->size());
  }
  for (const std::string& code : kStepCodes) {
    INFO("code " << code << " never occurred");
    CHECK(seen.count(code) == 1);
  }
}

TEST_CASE("explain: a report with errors is left as it is", "[explain]") {
  Scenario s{.rules = Rules::Simple, .walletBalance = -1};
  s.positions = {Position{.symbol = "ABCUSDT", .quantity = 1, .entryPrice = 100}};
  s.tiers = {{"ABCUSDT", flatTier(0.005)}};
  Report r = evaluate(s);
  REQUIRE_FALSE(r.errors.empty());
  explain(s, r);
  CHECK_FALSE(r.isolated);
  CHECK(r.comparisons.empty());
}

TEST_CASE("explain: the parameters of a step name the numbers it substitutes", "[explain]") {
  Scenario s{.rules = Rules::Binance, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.5, .entryPrice = 60'000, .markPrice = 61'000, .leverage = 20}};
  Report r = evaluate(s);
  explain(s, r);
  const std::vector<Step>& steps = r.isolated->positions[0].steps;
  const Step& notional = steps[0];
  CHECK(notional.code == "notional.linear");
  CHECK(notional.substituted == "0.5×1×61000");
  REQUIRE(notional.params.size() == 3);
  CHECK(notional.params[0].name == "quantity");
  CHECK(std::get<double>(notional.params[0].value) == 0.5);
  CHECK(notional.params[2].name == "markPrice");
  CHECK(std::get<double>(notional.params[2].value) == 61'000);
  const auto lp = std::find_if(steps.begin(), steps.end(), [](const Step& st) { return st.code == "liquidationPrice.tier"; });
  REQUIRE(lp != steps.end());
  const auto named = [&](const std::string& name) {
    return std::find_if(lp->params.begin(), lp->params.end(), [&](const Param& p) { return p.name == name; });
  };
  REQUIRE(named("backing") != lp->params.end());
  CHECK(std::get<std::string>(named("backing")->value) == "M");
  REQUIRE(named("tier[0]") != lp->params.end());
  CHECK(std::get<double>(named("tier[0]")->value) == 1);
}

TEST_CASE("settlementAsset: the quote of a linear symbol, the coin of an inverse one", "[names]") {
  struct Row {
    const char* symbol;
    Contract contract;
    const char* asset;
  };
  const Row rows[] = {
      {"BTCUSDT", Contract::Linear, "USDT"},     {"ETHUSDC", Contract::Linear, "USDC"},
      {"BTCFDUSD", Contract::Linear, "FDUSD"},   {"BNBBUSD", Contract::Linear, "BUSD"},
      {"BTC-USD-SWAP", Contract::Linear, "USD"}, {"BTC-USDT-SWAP", Contract::Linear, "USDT"},
      {"ETH_USDC_PERP", Contract::Linear, "USDC"}, {"btcusdt", Contract::Linear, "USDT"},
      {"XBTUSD", Contract::Linear, "USD"},       {"BTCEUR", Contract::Linear, "quote"},
      {"", Contract::Linear, "quote"},           {"S0", Contract::Linear, "quote"},
      {"BTCUSD", Contract::Inverse, "BTC"},      {"XBTUSD", Contract::Inverse, "XBT"},
      {"ETHUSD_PERP", Contract::Inverse, "ETH"}, {"BTC-USD-SWAP", Contract::Inverse, "BTC"},
      {"BTCUSDT", Contract::Inverse, "BTC"},     {"SOLUSDC", Contract::Inverse, "SOL"},
      {"btcusd", Contract::Inverse, "BTC"},      {"ETH", Contract::Inverse, "ETH"},
      {"BTCUSDUSD", Contract::Inverse, "BTCUSD"}, {"1000PEPEUSD", Contract::Inverse, "1000PEPE"},
      {"BTC.USD", Contract::Inverse, "coin"},    {"", Contract::Inverse, "coin"},
      {"-USD", Contract::Inverse, "coin"},
  };
  for (const Row& row : rows) {
    INFO(row.symbol << " " << toString(row.contract));
    CHECK(settlementAsset(row.symbol, row.contract) == row.asset);
  }
  // The report carries it, from the first position.
  Scenario s{.rules = Rules::Binance, .walletBalance = 1'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.01, .entryPrice = 60'000, .leverage = 10}};
  CHECK(evaluate(s).settlementAsset == "USDT");
}
