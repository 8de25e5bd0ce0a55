// SPDX-License-Identifier: MIT
// MarginLab: equity against price for one symbol, one pass over the prices.
#include "marginlab/sweep.h"

#include <string>

#include "marginlab/check.h"
#include "marginlab/validate.h"
#include "model.h"

namespace marginlab {

namespace {
/// Index of the first price that is not a valid price, or prices.size().
[[gnu::flatten]] std::size_t firstInvalidPrice(std::span<const double> prices) noexcept {
  for (std::size_t i = 0; i < prices.size(); ++i)
    if (!isValidPositive(prices[i])) return i;
  return prices.size();
}
/// Flattened so that the size-optimised wasm build inlines equity.at instead of calling it.
[[gnu::flatten]] void sweepAll(const detail::EquityModel& equity, std::span<const double> prices,
                               std::span<double> out) noexcept {
  for (std::size_t i = 0; i < prices.size(); ++i) out[i] = equity.at(prices[i]);
}
}  // namespace

std::vector<InputError> validate(const Scenario& scenario, const SweepRequest& request) {
  Checker c;
  c.merge(validate(scenario));
  if (request.position >= scenario.positions.size() && !scenario.positions.empty()) {
    c.fail("position", "sweepPosition",
           {Param{"value", static_cast<double>(request.position)},
            Param{"limit", static_cast<double>(scenario.positions.size())}});
  }
  return std::move(c.errors);
}

std::vector<InputError> sweepEquity(const Scenario& scenario, const SweepRequest& request,
                                    std::span<const double> prices, std::span<double> out) {
  Checker c;
  c.merge(validate(scenario, request));
  if (out.size() != prices.size()) {
    c.fail("out", "sweepOutSize",
           {Param{"count", static_cast<double>(out.size())}, Param{"prices", static_cast<double>(prices.size())}});
  }
  if (const std::size_t i = firstInvalidPrice(prices); i < prices.size()) {  // the first says the array is bad
    c.fail("prices[" + std::to_string(i) + "]", isValidNumber(prices[i]) ? Rule("sweepPrice") : Rule("sweepPriceNotFinite"),
           {Param{"value", prices[i]}, Param{"limit", kMaxMagnitude}});
  }
  if (!c.ok()) return std::move(c.errors);

  const detail::Model m = detail::buildModel(scenario);
  std::vector<MarginMode> modes;
  modes.reserve(scenario.positions.size());
  for (const Position& p : scenario.positions) {
    switch (request.mode) {
      case SweepMode::Isolated: modes.push_back(MarginMode::Isolated); break;
      case SweepMode::Cross: modes.push_back(MarginMode::Cross); break;
      case SweepMode::AsGiven: modes.push_back(p.marginMode.value_or(MarginMode::Cross)); break;
    }
  }
  const detail::EquityModel equity(m, modes, scenario.positions[request.position].symbol);
  sweepAll(equity, prices, out);
  return {};
}

}  // namespace marginlab
