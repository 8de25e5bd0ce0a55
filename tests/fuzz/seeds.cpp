// SPDX-License-Identifier: MIT
// fuzz_seeds DIR: writes the fuzzer's seed corpus from the venue examples of tests/core/*_test.cpp
// (every profile, linear and inverse, isolated, cross and as given, custom and shipped tier
// tables), encoded with encode.h, with parameters that every tool accepts: per example one input
// that runs every tool and one per tool (cheaper inputs for the fuzzer to mutate); and the options
// accounts of tests/core/options_test.cpp (Tool kOptionsAccount), each alone and with every tool.
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "encode.h"

using namespace mlfuzz;

namespace {

TierTable flat(double rate, double maxLeverage = 125, double cap = 1e12) {
  return {Tier{.notionalCap = cap, .maxLeverage = maxLeverage, .maintenanceMarginRate = rate}};
}

/// binance_test.cpp: the 2021 BTCUSDT / ETHUSDT brackets of BN-1.
TierTable btc2021() {
  return {{50'000, 125, 0.004, 0},         {250'000, 100, 0.005, 50},       {1'000'000, 50, 0.01, 1'300},
          {10'000'000, 20, 0.025, 16'300}, {20'000'000, 10, 0.05, 266'300}, {50'000'000, 5, 0.10, 1'266'300}};
}
TierTable eth2021() {
  return {{10'000, 100, 0.005, 0},      {100'000, 75, 0.0065, 15},     {500'000, 50, 0.01, 365},
          {1'000'000, 25, 0.02, 5'365}, {2'000'000, 10, 0.05, 35'365}, {5'000'000, 5, 0.10, 135'365},
          {10'000'000, 4, 0.125, 260'365}};
}

struct Seed {
  std::string name;
  Scenario scenario;
};

std::vector<Seed> examples() {
  std::vector<Seed> out;
  {  // binance_test.cpp BN-1: cross account, BTCUSDT and ETHUSDT longs, custom brackets.
    Scenario s{.rules = Rules::Binance, .walletBalance = 1'535'443.01};
    s.positions = {Position{.symbol = "BTCUSDT", .quantity = 109.488, .entryPrice = 32'481.98, .markPrice = 31'967.27,
                            .leverage = 1},
                   Position{.symbol = "ETHUSDT", .quantity = 3'683.979, .entryPrice = 1'456.84, .markPrice = 1'335.18,
                            .leverage = 1}};
    s.tiers = {{"BTCUSDT", btc2021()}, {"ETHUSDT", eth2021()}};
    out.push_back({"binance-bn1-cross", s});
  }
  {  // binance_test.cpp BN-7: isolated long moving to the bracket at the liquidation price.
    Scenario s{.rules = Rules::Binance, .walletBalance = 10'000};
    s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 67'000, .leverage = 10}};
    s.tiers = {{"BTCUSDT", btc2021()}};
    out.push_back({"binance-bn7-isolated", s});
  }
  {  // binance_test.cpp BN-4: COIN-M inverse, 100 contracts of 100 USD.
    Scenario s{.rules = Rules::Binance, .walletBalance = 1};
    s.positions = {Position{.symbol = "BTCUSD_PERP", .contract = Contract::Inverse, .contractSize = 100,
                            .quantity = 100, .entryPrice = 25'000, .markPrice = 25'000, .leverage = 20}};
    s.tiers = {{"BTCUSD_PERP", {{5, 125, 0.004, 0}, {10, 100, 0.005, 0.005}}}};
    out.push_back({"binance-bn4-inverse", s});
  }
  {  // Binance's shipped BTCUSDT table (no custom tiers), a short marked against it.
    Scenario s{.rules = Rules::Binance, .walletBalance = 5'000};
    s.positions = {Position{.symbol = "BTCUSDT", .side = Side::Short, .quantity = 0.5, .entryPrice = 60'000,
                            .markPrice = 61'000, .leverage = 20, .marginMode = MarginMode::Isolated}};
    out.push_back({"binance-default-table", s});
  }
  {  // bybit_test.cpp BY-1: classic linear isolated long, 50x, flat 0.5%.
    Scenario s{.rules = Rules::Bybit, .walletBalance = 100'000};
    s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 20'000, .leverage = 50}};
    s.tiers = {{"BTCUSDT", flat(0.005)}};
    out.push_back({"bybit-by1-linear", s});
  }
  {  // bybit_test.cpp BY-8b: classic inverse, 8,000 contracts of 1 USD @ 8,000, 50x.
    Scenario s{.rules = Rules::Bybit, .walletBalance = 100'000};
    s.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .quantity = 8'000,
                            .entryPrice = 8'000, .leverage = 50}};
    s.tiers = {{"BTCUSD", flat(0.005)}};
    out.push_back({"bybit-by8b-inverse", s});
  }
  {  // bybit_test.cpp BY-4: UTA linear isolated long with 3,000 USDT extra margin.
    Scenario s{.rules = Rules::BybitUta, .walletBalance = 100'000, .takerFeeRate = 0.00055};
    s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 40'000, .leverage = 50,
                            .isolatedMargin = 3'800}};
    s.tiers = {{"BTCUSDT", flat(0.005)}};
    out.push_back({"bybit-uta-by4-extra-margin", s});
  }
  {  // okx_test.cpp OKX-3: long 1 @ 10, 5x, MMR 1%, fee 0.06%.
    Scenario s{.rules = Rules::Okx, .walletBalance = 1'000'000, .takerFeeRate = 0.0006};
    s.positions = {Position{.symbol = "BTC-USDT-SWAP", .quantity = 1, .entryPrice = 10, .leverage = 5}};
    s.tiers = {{"BTC-USDT-SWAP", flat(0.01)}};
    out.push_back({"okx-okx3", s});
  }
  {  // hyperliquid_test.cpp HL-8: BTC isolated long on the shipped table.
    Scenario s{.rules = Rules::Hyperliquid, .walletBalance = 50'000};
    s.positions = {Position{.symbol = "BTC", .quantity = 1, .entryPrice = 100'000, .leverage = 10}};
    out.push_back({"hyperliquid-hl8-default", s});
  }
  {  // hyperliquid_test.cpp HL-7: a row without a rate (MMR = 1 / (2 x max leverage)).
    Scenario s{.rules = Rules::Hyperliquid, .walletBalance = 5'000};
    s.tiers = {{"ALT", {Tier{.notionalCap = 1e12, .maxLeverage = 20}}}};
    s.positions = {Position{.symbol = "ALT", .quantity = 100, .entryPrice = 100, .leverage = 10}};
    out.push_back({"hyperliquid-hl7-derived-rate", s});
  }
  {  // bitmex_test.cpp MX-1: long 1 contract @ 100, 100x, no fee.
    Scenario s{.rules = Rules::Bitmex, .walletBalance = 10, .takerFeeRate = 0.0};
    s.tiers = {{"EXAMPLE", flat(0.005, 100)}};
    s.positions = {Position{.symbol = "EXAMPLE", .quantity = 1, .entryPrice = 100, .leverage = 100}};
    out.push_back({"bitmex-mx1", s});
  }
  {  // bitmex_test.cpp MX-2: XBTUSD inverse on the shipped risk limits, 180 XBT.
    Scenario s{.rules = Rules::Bitmex, .walletBalance = 100, .takerFeeRate = 0.0};
    s.positions = {Position{.symbol = "XBTUSD", .contract = Contract::Inverse, .quantity = 1'800'000,
                            .entryPrice = 10'000, .leverage = 50}};
    out.push_back({"bitmex-mx2-inverse-default", s});
  }
  {  // dydx_test.cpp DY-3: short 500 ABC @ 1, bankrupt at 1.2, marked at 2 (past it).
    Scenario s{.rules = Rules::Dydx, .walletBalance = 100};
    s.tiers = {{"ABC-USD", flat(0.03, 20)}};
    s.positions = {Position{.symbol = "ABC-USD", .side = Side::Short, .quantity = 500, .entryPrice = 1,
                            .markPrice = 2, .leverage = 5}};
    out.push_back({"dydx-dy3-past-bankruptcy", s});
  }
  {  // evaluate_test.cpp mixedModes: isolated BTC beside cross ETH (as given), simple profile.
    Scenario s{.rules = Rules::Simple, .walletBalance = 10'000};
    s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.5, .entryPrice = 60'000, .markPrice = 61'000,
                            .leverage = 20, .marginMode = MarginMode::Isolated},
                   Position{.symbol = "ETHUSDT", .side = Side::Short, .quantity = 4, .entryPrice = 3'000,
                            .markPrice = 2'950, .leverage = 10, .marginMode = MarginMode::Cross}};
    out.push_back({"simple-mixed-modes", s});
  }
  {  // properties_test.cpp: two shorts of one symbol sharing one mark, cross.
    Scenario s{.rules = Rules::Simple, .walletBalance = 40};
    s.positions = {Position{.symbol = "AAA", .side = Side::Short, .quantity = 1, .entryPrice = 100, .markPrice = 120,
                            .leverage = 10},
                   Position{.symbol = "AAA", .side = Side::Short, .quantity = 1, .entryPrice = 150, .markPrice = 120,
                            .leverage = 10}};
    out.push_back({"simple-one-symbol-two-shorts", s});
  }
  return out;
}

// ---- options accounts (options_test.cpp), for Tool kOptionsAccount -----------------------------

constexpr double kU = 60'000;
constexpr double kYears30d = 30.0 / 365;

/// An option priced at its own Black-76 mark (in coin when inverse), as options_test.cpp's atMark.
OptionPosition atMark(OptionType type, Side side, double strike, double quantity, double vol, double years,
                      Contract settlement = Contract::Inverse, double u = kU) {
  const double quote = black76Price(type, strike, u, vol * std::sqrt(years));
  return OptionPosition{.type = type, .strike = strike, .expiryYears = years, .side = side, .quantity = quantity,
                        .premium = settlement == Contract::Inverse ? quote / u : quote, .volatility = vol};
}

OptionsScenario shortStraddle() {
  OptionsScenario s{.walletBalance = 0.5, .underlyingPrice = kU};
  s.options = {atMark(OptionType::Call, Side::Short, kU, 1, 0.6, kYears30d),
               atMark(OptionType::Put, Side::Short, kU, 1, 0.6, kYears30d)};
  return s;
}

struct OptionsSeed {
  std::string name;
  OptionsScenario scenario;
};

std::vector<OptionsSeed> optionsExamples() {
  std::vector<OptionsSeed> out;
  {  // DB-5: short call K = 55,000 at U = 50,000.
    OptionsScenario s{.walletBalance = 0.3, .underlyingPrice = 50'000};
    s.options = {atMark(OptionType::Call, Side::Short, 55'000, 1, 0.6, kYears30d, Contract::Inverse, 50'000)};
    out.push_back({"options-db5-short-call", s});
  }
  {  // DB-6: short put K = 45,000 at U = 50,000.
    OptionsScenario s{.walletBalance = 0.3, .underlyingPrice = 50'000};
    s.options = {atMark(OptionType::Put, Side::Short, 45'000, 1, 0.6, kYears30d, Contract::Inverse, 50'000)};
    out.push_back({"options-db6-short-put", s});
  }
  out.push_back({"options-short-straddle", shortStraddle()});
  {  // A short call read from a surface, sticky moneyness.
    OptionsScenario s{.walletBalance = 1, .underlyingPrice = kU, .volDynamics = VolDynamics::StickyMoneyness};
    s.volSurface = VolSurface{.expiries = {0.05, 0.5}, .strikes = {40'000, 60'000, 80'000},
                              .vols = {{0.9, 0.6, 0.8}, {0.8, 0.55, 0.7}}};
    s.options = {OptionPosition{.type = OptionType::Call, .strike = 70'000, .expiryYears = 0.2, .side = Side::Short,
                                .quantity = 1, .premium = 0.02}};
    out.push_back({"options-surface", s});
  }
  {  // Expiry by date, ACT/365.
    OptionsScenario s{.walletBalance = 1, .underlyingPrice = kU, .valuationDate = "2026-03-01"};
    s.options = {OptionPosition{.type = OptionType::Put, .strike = 50'000, .expiryDate = "2026-03-27T08:00:00Z",
                                .side = Side::Short, .quantity = 1, .premium = 0.01, .volatility = 0.5}};
    out.push_back({"options-expiry-date", s});
  }
  {  // Quote-settled: a short put beside a short future.
    OptionsScenario s{.settlement = Contract::Linear, .walletBalance = 20'000, .underlyingPrice = kU};
    s.options = {atMark(OptionType::Put, Side::Short, 55'000, 2, 0.5, kYears30d, Contract::Linear)};
    s.futures = {Position{.contract = Contract::Linear, .side = Side::Short, .quantity = 0.5, .entryPrice = 58'000}};
    out.push_back({"options-linear-put-future", s});
  }
  {  // An inverse long future alone, and a long call beside it.
    OptionsScenario s{.walletBalance = 1, .underlyingPrice = 50'000};
    s.futures = {Position{.contract = Contract::Inverse, .quantity = 100'000, .entryPrice = 50'000}};
    s.options = {OptionPosition{.type = OptionType::Call, .strike = 65'000, .expiryYears = 0.25, .side = Side::Long,
                                .quantity = 2, .premium = 0.03, .volatility = 0.7}};
    out.push_back({"options-inverse-future-long-call", s});
  }
  {  // A future at its entry price beside the smallest accepted nonzero wallet (a subnormal one, which
     // made the margin ratio overflow to +inf, is now refused as in version 1): the edge of the accepted
     // wallets.
    OptionsScenario s{.walletBalance = kMinMagnitude, .underlyingPrice = 50'000};
    s.futures = {Position{.contract = Contract::Inverse, .quantity = 100'000, .entryPrice = 50'000}};
    out.push_back({"options-future-smallest-wallet", s});
  }
  return out;
}

/// The options tool's parameters: the scenario, a 128-point scan, 7 days, +-10 vol points, the
/// default portfolio grid, and a sweep around U.
void setOptions(Params& prm, const OptionsScenario& s) {
  prm.options = s;
  prm.optionsRequest = OptionsRequest{.days = 7, .volShifts = {-0.10, 0.10}, .scanPoints = 128};
  prm.portfolio = PortfolioMarginRequest{};
  const double u = s.underlyingPrice;
  prm.optionsSweepPrices = {u * 0.8, u, u * 1.2};
  prm.optionsSweep = OptionsSweepRequest{.days = 7, .volShift = 0.1};
}

/// A fitSurface request svi.h accepts: two expiries of seven strikes around the forward, the raw SVI
/// smile (0.04, 0.4, -0.4, 0.05, 0.1) per year of total variance, calls priced by Black-76 at and above
/// the forward, puts quoted by volatility below.
SurfaceFitRequest surfaceQuotes() {
  SurfaceFitRequest r{.underlyingPrice = 60'000, .interestRate = 0.02};
  for (double years : {0.25, 0.5})
    for (int i = -3; i <= 3; ++i) {
      const double k = 0.1 * i, strike = 60'000 * std::exp(0.02 * years + k), x = k - 0.05,
                   vol = std::sqrt(0.04 + 0.4 * (-0.4 * x + std::sqrt(x * x + 0.01)));
      const OptionType type = i >= 0 ? OptionType::Call : OptionType::Put;
      OptionQuote q{.expiryYears = years, .strike = strike, .type = type, .volatility = vol};
      if (i >= 0) q.price = black76Price(type, strike, 60'000 * std::exp(0.02 * years), vol * std::sqrt(years), std::exp(-0.02 * years));
      r.quotes.push_back(q);
    }
  return r;
}

/// Parameters every tool accepts for this scenario (position 0).
Params paramsFor(const Scenario& s) {
  const Report r = evaluate(s);
  const Position& p = s.positions[0];
  const double mark = p.mark();
  const bool isLong = p.side == Side::Long;
  const double lp = r.isolated->positions[0].liquidationPrice.value_or(isLong ? mark * 0.5 : mark * 2);
  Params prm;
  prm.position = 0;
  prm.sweepPrices = {mark * 0.9, lp, mark * 1.1};
  prm.adjustPrice = mark;
  prm.adjustDelta = p.quantity / 2;
  prm.target = r.isolated->positions[0].initialMargin / 2;
  prm.orderSymbol = p.symbol;
  prm.orderContract = p.contract;
  prm.orderContractSize = p.contractSize;
  prm.orderSide = p.side;
  prm.orderPrice = mark;
  prm.orderStop = isLong ? mark * 0.98 : mark * 1.02;
  prm.orderLeverage = std::min(p.leverage, 2.0);
  prm.riskFraction = 0.01;
  prm.liquidationTarget = isLong ? (lp + mark) / 2 * 0.9 : (lp + mark) / 2 * 1.1;
  prm.shocks = {-0.2, 0.0, 0.2};
  const std::vector<std::string> symbols = symbolsOf(s);
  for (double factor : {0.95, 0.8, 1.3}) {
    std::vector<std::optional<double>> step;
    for (const std::string& symbol : symbols)
      for (const Position& q : s.positions)
        if (q.symbol == symbol) {
          step.push_back(q.mark() * factor);
          break;
        }
    prm.cascadeMarks.push_back(step);
  }
  prm.fundingRate = 0.0001;
  prm.fundingIntervals = 30;
  prm.volatility.assign(symbols.size(), 0.8);
  prm.drift.assign(symbols.size(), std::nullopt);
  prm.mcSteps = 16;
  prm.mcPaths = 32;
  prm.mcBegin = 0;
  prm.mcEnd = 32;
  prm.mcSeed = 7;
  if (s.positions.size() % 2 == 1) {  // funding and jumps in the odds, 2 steps: the value at risk runs too
    prm.oddsFundingRate = 0.0001;
    prm.jumpsGiven = true;
    prm.mcSteps = 2;
  } else {
    prm.surfaceGiven = true;
    prm.surfaceStrike = mark;
  }
  prm.unwindStyle = UnwindStyle::Twap;
  prm.slices = 3;
  prm.replenish = 0.5;
  prm.depthPerPercent = p.quantity;
  prm.insuranceFund = r.isolated->positions[0].initialMargin;
  prm.fills = {{p.quantity, p.entryPrice}, {p.quantity / 2, mark}};
  prm.strike = mark;
  prm.forward = mark * 1.02;
  prm.optionPrice = black76Price(OptionType::Call, prm.strike, prm.forward, prm.optionVolatility * std::sqrt(prm.optionYears));
  setOptions(prm, shortStraddle());
  prm.surfaceFit = surfaceQuotes();
  // SPAN with its spreads: two tiers (the second with its own PSR), one calendar spread, one inter spread
  prm.venueRequest.span = {{.underlying = "BTC", .priceScanRange = 0.1,
                            .tiers = {{.maxYears = 0.25}, {.maxYears = 0.5, .priceScanRange = 0.12}},
                            .intraSpreads = {{.tierA = 0, .tierB = 1, .charge = 100}}},
                           {.underlying = "ETH", .priceScanRange = 0.1}};
  prm.venueRequest.spanInter = {{.first = "BTC", .second = "ETH", .secondDelta = 20, .creditRate = 0.5}};
  return prm;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  int written = 0;
  const auto write = [&](const std::string& name, const Scenario& s, const Params& prm) {
    const std::vector<std::uint8_t> bytes = encode(s, prm);
    // The decoder reads back what the encoder wrote: encoding the decoded input gives the same bytes.
    const Decoded d = decode(bytes.data(), bytes.size());
    if (encode(d.scenario, d.params) != bytes) {
      std::fprintf(stderr, "fuzz_seeds: %s does not decode to itself\n", name.c_str());
      return false;
    }
    const std::string path = dir + "/seed-" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
      std::fprintf(stderr, "fuzz_seeds: cannot write %s\n", path.c_str());
      return false;
    }
    ++written;
    return true;
  };
  // Each options example alone (kOptionsAccount) and with every tool, beside the first v1 example.
  const Scenario v1 = examples().front().scenario;
  for (const OptionsSeed& seed : optionsExamples()) {
    if (!validateOptions(seed.scenario).empty()) {
      std::fprintf(stderr, "fuzz_seeds: %s is not a valid options scenario\n", seed.name.c_str());
      return 1;
    }
    Params prm = paramsFor(v1);
    setOptions(prm, seed.scenario);
    prm.tools = static_cast<std::uint32_t>(1u << kOptionsAccount);
    if (!write(seed.name + "-tool" + std::to_string(kOptionsAccount), v1, prm)) return 1;
    prm.tools = kAllTools;
    if (!write(seed.name + "-all", v1, prm)) return 1;
  }
  for (const Seed& seed : examples()) {
    if (!validate(seed.scenario).empty()) {
      std::fprintf(stderr, "fuzz_seeds: %s is not a valid scenario\n", seed.name.c_str());
      return 1;
    }
    // Each example once with every tool, and once per tool (cheaper inputs to mutate).
    for (unsigned t = 0; t <= kToolCount; ++t) {
      Params prm = paramsFor(seed.scenario);
      prm.tools = t == kToolCount ? kAllTools : static_cast<std::uint32_t>(1u << t);
      if (!write(seed.name + (t == kToolCount ? std::string("-all") : "-tool" + std::to_string(t)), seed.scenario, prm))
        return 1;
    }
    // Hyperliquid: the unwind with the venue's partial liquidation (a market order, as it needs).
    if (seed.scenario.rules == Rules::Hyperliquid) {
      Params prm = paramsFor(seed.scenario);
      prm.tools = static_cast<std::uint32_t>(1u << kUnwind);
      prm.unwindStyle = UnwindStyle::Market;
      prm.unwindPartial = UnwindPartial::Venue;
      if (!write(seed.name + "-partial", seed.scenario, prm)) return 1;
    }
    // The tiered venues: the unwind with the assumed tier step down.
    if (seed.scenario.rules == Rules::Binance || seed.scenario.rules == Rules::Bybit || seed.scenario.rules == Rules::Okx) {
      Params prm = paramsFor(seed.scenario);
      prm.tools = static_cast<std::uint32_t>(1u << kUnwind);
      prm.unwindStyle = UnwindStyle::Market;
      prm.unwindPartial = UnwindPartial::Venue;
      prm.unwindStepDown = UnwindStepDown::LowerTierAssumed;
      if (!write(seed.name + "-stepdown", seed.scenario, prm)) return 1;
    }
  }
  std::printf("fuzz_seeds: %d seeds in %s\n", written, dir.c_str());
  return 0;
}
