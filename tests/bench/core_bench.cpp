// SPDX-License-Identifier: MIT
// MarginLab: native benchmarks of the core kernels (DESIGN.md, "Budgets"). The wasm benchmarks
// (node, headless Chromium) must build THE SAME inputs; they are defined here exactly, in terms a
// JS harness can reproduce bit for bit (every formula below is plain IEEE double arithmetic,
// evaluated left to right as written; i is an integer converted to double).
//
// Run (fixed repetitions from the command line; no timed tests):
//   cmake --preset bench && cmake --build --preset bench -j2
//   ./build/bench/tests/bench/marginlab_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true --benchmark_format=json   (one command line)
//
// Benchmarks. Every one uses UseRealTime() (wall clock, like performance.now() in the JS
// harness; items_per_second = items / real_time), so Google Benchmark appends "/real_time" to
// each name. JSON "run_name" is the name below; "name" adds "_median", "_mean", "_stddev", "_cv"
// for the aggregates (then "aggregate_name" is "median", ...).
//   | benchmark              | JSON run_name                       | one iteration                                  | items per iteration | time_unit |
//   |------------------------|-------------------------------------|------------------------------------------------|---------------------|-----------|
//   | BM_Evaluate/1          | BM_Evaluate/1/real_time             | evaluate() of Scenario(1)                      | 1 (the call)        | us        |
//   | BM_Evaluate/10         | BM_Evaluate/10/real_time            | evaluate() of Scenario(10)                     | 1 (the call)        | us        |
//   | BM_Evaluate/100        | BM_Evaluate/100/real_time           | evaluate() of Scenario(100)                    | 1 (the call)        | us        |
//   | BM_EvaluateExplain/1   | BM_EvaluateExplain/1/real_time      | evaluate() then explain() of Scenario(1)       | 1 (the call)        | us        |
//   | BM_EvaluateExplain/10  | BM_EvaluateExplain/10/real_time     | evaluate() then explain() of Scenario(10)      | 1 (the call)        | us        |
//   | BM_EvaluateExplain/100 | BM_EvaluateExplain/100/real_time    | evaluate() then explain() of Scenario(100)     | 1 (the call)        | us        |
//   | BM_LiquidationBatch1e6 | BM_LiquidationBatch1e6/real_time    | isolatedLiquidationBatch() of 1,000,000 rows   | 1,000,000           | ms        |
//   | BM_Sweep1e6            | BM_Sweep1e6/real_time               | sweepEquity() over 1,000,000 prices            | 1,000,000           | ms        |
//   | BM_MonteCarlo          | BM_MonteCarlo/real_time             | monteCarlo() of 1000 paths x 250 steps         | 250,000 (paths x steps) | ms    |
//   | BM_EvaluateOptions20   | BM_EvaluateOptions20/real_time      | evaluateOptions() of Options(20), default request | 1 (the call)     | us        |
//   | BM_EvaluateOptions20Explain | BM_EvaluateOptions20Explain/real_time | the same, then explain() (every step) | 1 (the call)        | us        |
//   | BM_Stress10x101        | BM_Stress10x101/real_time           | stressGrid() of Scenario(10), 101 shocks       | 1 (the call)        | us        |
// Fields a script reads: run_name (or name), aggregate_name ("median"), real_time, time_unit,
// items_per_second. Example: the entry with run_name "BM_Sweep1e6/real_time" and aggregate_name
// "median" (name "BM_Sweep1e6/real_time_median").
//
// Inputs
// ------
// Tier table T (every symbol here): three rows, maintenanceAmount absent (the continuity default):
//   { notionalCap 50000,  maxLeverage 125, maintenanceMarginRate 0.004 }
//   { notionalCap 250000, maxLeverage 100, maintenanceMarginRate 0.005 }
//   { notionalCap 1e12,   maxLeverage 50,  maintenanceMarginRate 0.01  }
//
// Scenario(N), N = 1, 10, 100: version 1, rules "binance", walletBalance 1000000, no takerFeeRate;
//   positions i = 0 .. N-1:
//     symbol     "S" + (i % 10)                (S0 .. S9; tiers: T for each symbol that occurs)
//     contract   linear, contractSize 1
//     side       long if i is even, else short
//     quantity   0.5 + 0.01 * i
//     entryPrice 30000 + 100 * i
//     markPrice  the mark of its symbol: with k = i % 10,
//                (30000 + 100 * k) * (1 + 0.01 * ((k % 7) - 3))
//                For i < 10 (k = i) this is entryPrice * (1 + 0.01 * ((i % 7) - 3)). It is per
//                symbol, not per position, because a scenario has one mark per symbol: validate()
//                rejects positions of one symbol with different marks (N = 100 would fail).
//     leverage   10
//     marginMode absent (both modes are compared), isolatedMargin absent
//   One iteration of BM_Evaluate = one evaluate(scenario): isolated and cross outcomes and the
//   comparisons, numbers only. BM_EvaluateExplain adds explain(scenario, report): every step.
//
// Batch (1e6): rules "binance", contract linear, contractSize 1, tiers T, no takerFeeRate;
//   for i = 0 .. 999999:
//     side[i]       = i % 2 ? -1 : 1
//     quantity[i]   = 0.01 + (i % 97) * 0.01
//     entryPrice[i] = 20000 + (i % 1000) * 10
//     leverage[i]   = 1 + (i % 50)
//   One iteration = one isolatedLiquidationBatch() call writing 1e6 liquidation prices.
//
// Sweep (1e6): sweepEquity(Scenario(10), { mode cross, position 0 }, prices) with
//   m = markPrice of position 0 of Scenario(10) (= 30000 * (1 + 0.01 * (0 - 3)))
//   prices[i] = m * (0.5 + i / 999999)   for i = 0 .. 999999   (0.5 m to 1.5 m, evenly spaced)
//   One iteration = one sweepEquity() call writing 1e6 equities.
//
// Monte Carlo: monteCarlo(Scenario(10), request, begin 0, end 1000) with
//   volatility 0.6 for each of S0 .. S9; correlation 10x10, 1 on the diagonal and 0.5 elsewhere
//   (symbols in order of first appearance: S0 .. S9); drift absent (0); years 30 / 365;
//   steps 250; paths 1000; seed 1. One iteration = one call; items = paths * steps = 250000.
//
// Options(20): version 2, underlying "BTC", settlement inverse, walletBalance 10, underlyingPrice
//   60000, no valuationDate, interestRate 0, no surface, volDynamics stickyStrike;
//   futures: one, contract inverse, contractSize 10, long, quantity 1000, entryPrice 58000;
//   options i = 0 .. 19:
//     type        call if i is even, else put
//     strike      40000 + 2000 * i
//     expiryYears 0.02 + 0.02 * (i % 5)
//     side        short if i % 3 != 0, else long
//     quantity    0.5 + 0.1 * i
//     premium     0.01 + 0.002 * i
//     volatility  0.5 + 0.02 * (i % 7)
//   One iteration = one evaluateOptions(scenario) with the default OptionsRequest: the valuations,
//   the now view (later = now at days 0), two vol-shifted views, 13 short options and the future
//   isolated, each view's and position's liquidation prices (those of the 4001-point scan + Brent,
//   found by the bounded search of options.cpp), numbers only. BM_EvaluateOptions20Explain adds
//   explain(scenario, request, result): every step, as 0.1.0's evaluateOptions built them.
// Stress (10 x 101): stressGrid(Scenario(10), request) with request.shockRange = { from -0.5,
//   to 0.5, step 0.01 } (101 shocks, -50% to +50% by 1%), model oneFactor, no betas. One
//   iteration = one call, numbers only (no steps): 101 cells of both accounts and 10 positions.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "marginlab/batch.h"
#include "marginlab/evaluate.h"
#include "marginlab/odds.h"
#include "marginlab/options.h"
#include "marginlab/scenario.h"
#include "marginlab/stress.h"
#include "marginlab/sweep.h"

namespace {

using namespace marginlab;

/// "S0" .. "S9". (Not "S" + std::to_string(k): GCC 12 warns -Wrestrict on it, a false positive.)
std::string symbolName(std::size_t k) {
  std::string name = "S";
  name.push_back(static_cast<char>('0' + k % 10));
  return name;
}

TierTable benchTiers() {
  TierTable t(3);
  t[0].notionalCap = 50'000;
  t[0].maxLeverage = 125;
  t[0].maintenanceMarginRate = 0.004;
  t[1].notionalCap = 250'000;
  t[1].maxLeverage = 100;
  t[1].maintenanceMarginRate = 0.005;
  t[2].notionalCap = 1e12;
  t[2].maxLeverage = 50;
  t[2].maintenanceMarginRate = 0.01;
  return t;
}

Scenario benchScenario(std::size_t n) {
  Scenario s;
  s.version = 1;
  s.rules = Rules::Binance;
  s.walletBalance = 1'000'000;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i);
    Position p;
    p.symbol = symbolName(i % 10);
    p.contract = Contract::Linear;
    p.contractSize = 1;
    p.side = i % 2 == 0 ? Side::Long : Side::Short;
    p.quantity = 0.5 + 0.01 * x;
    p.entryPrice = 30'000 + 100 * x;
    const std::size_t k = i % 10;  // one mark per symbol: that of its first position
    p.markPrice = (30'000 + 100 * static_cast<double>(k)) * (1 + 0.01 * (static_cast<double>(k % 7) - 3));
    p.leverage = 10;
    s.tiers[p.symbol] = benchTiers();
    s.positions.push_back(std::move(p));
  }
  return s;
}

/// The inputs are fixed: an input error is a bug in this file or the core, not a measurement.
void requireNoErrors(const std::vector<InputError>& errors, const char* what) {
  if (errors.empty()) return;
  std::fprintf(stderr, "%s: %zu input error(s), first: %s: %s\n", what, errors.size(), errors.front().path.c_str(),
               errors.front().message.c_str());
  std::abort();
}

void BM_Evaluate(benchmark::State& state) {
  const Scenario scenario = benchScenario(static_cast<std::size_t>(state.range(0)));
  requireNoErrors(evaluate(scenario).errors, "evaluate");
  for (auto _ : state) {
    Report report = evaluate(scenario);
    benchmark::DoNotOptimize(report);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_Evaluate)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_EvaluateExplain(benchmark::State& state) {
  const Scenario scenario = benchScenario(static_cast<std::size_t>(state.range(0)));
  requireNoErrors(evaluate(scenario).errors, "evaluate");
  for (auto _ : state) {
    Report report = evaluate(scenario);
    explain(scenario, report);
    benchmark::DoNotOptimize(report);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EvaluateExplain)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond)->UseRealTime();

constexpr std::size_t kBatch = 1'000'000;

void BM_LiquidationBatch1e6(benchmark::State& state) {
  BatchRequest request;
  request.rules = Rules::Binance;
  request.contract = Contract::Linear;
  request.contractSize = 1;
  request.tiers = benchTiers();
  std::vector<double> side(kBatch), quantity(kBatch), entry(kBatch), leverage(kBatch), out(kBatch);
  for (std::size_t i = 0; i < kBatch; ++i) {
    side[i] = i % 2 ? -1 : 1;
    quantity[i] = 0.01 + static_cast<double>(i % 97) * 0.01;
    entry[i] = 20'000 + static_cast<double>(i % 1000) * 10;
    leverage[i] = 1 + static_cast<double>(i % 50);
  }
  requireNoErrors(isolatedLiquidationBatch(request, side, quantity, entry, leverage, out), "isolatedLiquidationBatch");
  for (auto _ : state) {
    auto errors = isolatedLiquidationBatch(request, side, quantity, entry, leverage, out);
    benchmark::DoNotOptimize(errors);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kBatch));
}
BENCHMARK(BM_LiquidationBatch1e6)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Sweep1e6(benchmark::State& state) {
  const Scenario scenario = benchScenario(10);
  const SweepRequest request{SweepMode::Cross, 0};
  const double m = scenario.positions[0].mark();
  std::vector<double> prices(kBatch), out(kBatch);
  for (std::size_t i = 0; i < kBatch; ++i) prices[i] = m * (0.5 + static_cast<double>(i) / 999'999.0);
  requireNoErrors(sweepEquity(scenario, request, prices, out), "sweepEquity");
  for (auto _ : state) {
    auto errors = sweepEquity(scenario, request, prices, out);
    benchmark::DoNotOptimize(errors);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kBatch));
}
BENCHMARK(BM_Sweep1e6)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MonteCarlo(benchmark::State& state) {
  const Scenario scenario = benchScenario(10);
  MonteCarloRequest request;
  constexpr std::size_t kSymbols = 10;
  request.correlation.assign(kSymbols, std::vector<double>(kSymbols, 0.5));
  for (std::size_t k = 0; k < kSymbols; ++k) {
    request.volatility[symbolName(k)] = 0.6;
    request.correlation[k][k] = 1;
  }
  request.years = 30.0 / 365.0;
  request.steps = 250;
  request.paths = 1000;
  request.seed = 1;
  requireNoErrors(monteCarlo(scenario, request, 0, request.paths).errors, "monteCarlo");
  for (auto _ : state) {
    auto result = monteCarlo(scenario, request, 0, request.paths);
    benchmark::DoNotOptimize(result);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(request.paths * request.steps));
}
BENCHMARK(BM_MonteCarlo)->Unit(benchmark::kMillisecond)->UseRealTime();

OptionsScenario optionsScenario(std::size_t n) {
  OptionsScenario s;
  s.underlying = "BTC";
  s.settlement = Contract::Inverse;
  s.walletBalance = 10;
  s.underlyingPrice = 60'000;
  s.futures = {Position{.contract = Contract::Inverse, .contractSize = 10, .side = Side::Long, .quantity = 1000,
                        .entryPrice = 58'000}};
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i);
    OptionPosition o;
    o.type = i % 2 == 0 ? OptionType::Call : OptionType::Put;
    o.strike = 40'000 + 2000 * x;
    o.expiryYears = 0.02 + 0.02 * static_cast<double>(i % 5);
    o.side = i % 3 != 0 ? Side::Short : Side::Long;
    o.quantity = 0.5 + 0.1 * x;
    o.premium = 0.01 + 0.002 * x;
    o.volatility = 0.5 + 0.02 * static_cast<double>(i % 7);
    s.options.push_back(std::move(o));
  }
  return s;
}

void BM_EvaluateOptions20(benchmark::State& state) {
  const OptionsScenario scenario = optionsScenario(20);
  requireNoErrors(evaluateOptions(scenario).errors, "evaluateOptions");
  for (auto _ : state) {
    auto result = evaluateOptions(scenario);
    benchmark::DoNotOptimize(result);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EvaluateOptions20)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_EvaluateOptions20Explain(benchmark::State& state) {
  const OptionsScenario scenario = optionsScenario(20);
  const OptionsRequest request;
  requireNoErrors(evaluateOptions(scenario, request).errors, "evaluateOptions");
  for (auto _ : state) {
    auto result = evaluateOptions(scenario, request);
    explain(scenario, request, *result.value);
    benchmark::DoNotOptimize(result);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
void BM_Stress10x101(benchmark::State& state) {
  const Scenario scenario = benchScenario(10);
  StressRequest request;
  request.shockRange = ShockRange{-0.5, 0.5, 0.01};
  requireNoErrors(stressGrid(scenario, request).errors, "stressGrid");
  for (auto _ : state) {
    auto result = stressGrid(scenario, request);
    benchmark::DoNotOptimize(result);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EvaluateOptions20Explain)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_Stress10x101)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
