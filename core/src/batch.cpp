// SPDX-License-Identifier: MIT
// MarginLab: the isolated liquidation batch: one model, one leg reused for every position.
#include "marginlab/batch.h"

#include <string>

#include "marginlab/format.h"
#include "marginlab/profile.h"
#include "marginlab/tiers.h"
#include "marginlab/validate.h"
#include "model.h"

namespace marginlab {

namespace {
constexpr std::size_t kMaxErrors = 100;
}  // namespace

std::vector<InputError> isolatedLiquidationBatch(const BatchRequest& request, std::span<const double> side,
                                                 std::span<const double> quantity, std::span<const double> entryPrice,
                                                 std::span<const double> leverage, std::span<double> out) {
  // The shared part is checked as a one-position scenario, so the rules are validate()'s.
  Scenario s{.rules = request.rules, .walletBalance = 0, .takerFeeRate = request.takerFeeRate};
  s.positions = {Position{.symbol = "BATCH", .contract = request.contract, .contractSize = request.contractSize,
                          .quantity = 1, .entryPrice = 1, .leverage = 1}};
  s.tiers["BATCH"] = request.tiers;
  std::vector<InputError> errors;
  for (InputError& e : validate(s)) {
    if (e.path.rfind("positions[0]", 0) == 0) continue;  // the placeholder position's own checks
    if (e.path.rfind("tiers.BATCH", 0) == 0) e.path = "tiers" + e.path.substr(11);
    errors.push_back(std::move(e));
  }
  const std::size_t count = out.size();
  if (count > kMaxBatch) errors.push_back({"out", ErrorCode::TooMany, "out has " + std::to_string(count) + " entries; at most " + std::to_string(kMaxBatch)});
  for (const auto& [name, array] : {std::pair{"side", side}, std::pair{"quantity", quantity}, std::pair{"entryPrice", entryPrice},
                                    std::pair{"leverage", leverage}}) {
    if (array.size() != count)
      errors.push_back({name, ErrorCode::OutOfRange,
                        std::string(name) + " has " + std::to_string(array.size()) + " entries but out has " + std::to_string(count)});
  }
  if (!errors.empty()) {
    if (errors.size() > kMaxErrors) errors.resize(kMaxErrors);  // a bad 64-row table gives up to 256
    return errors;
  }

  const Profile& profile = profileFor(request.rules);
  const std::vector<ResolvedTier> tiers = resolveTiers(request.tiers, profile);
  auto add = [&](std::string path, ErrorCode code, std::string message) {
    if (errors.size() < kMaxErrors) errors.push_back({std::move(path), code, std::move(message)});
  };
  for (std::size_t i = 0; i < count && errors.size() < kMaxErrors; ++i) {
    const double size = quantity[i] * request.contractSize;
    const double notional = request.contract == Contract::Linear ? size * entryPrice[i] : size / entryPrice[i];
    const bool valid = (side[i] == 1 || side[i] == -1) && isValidPositive(quantity[i]) && isValidPositive(entryPrice[i]) &&
                       leverage[i] > 0 && leverage[i] <= 1000 && notional <= tiers.back().cap &&
                       leverage[i] <= tiers[tierIndexAt(tiers, notional)].maxLeverage * (1 + 1e-12);
    if (valid) continue;  // the common case: no strings built
    const std::string at = "[" + std::to_string(i) + "]";
    if (side[i] != 1 && side[i] != -1) add("side" + at, ErrorCode::OutOfRange, "side" + at + " (" + formatNumber(side[i]) + ") must be 1 (long) or -1 (short)");
    if (!isValidPositive(quantity[i])) add("quantity" + at, ErrorCode::OutOfRange, "quantity" + at + " (" + formatNumber(quantity[i]) + ") must be a size > 0");
    if (!isValidPositive(entryPrice[i])) add("entryPrice" + at, ErrorCode::OutOfRange, "entryPrice" + at + " (" + formatNumber(entryPrice[i]) + ") must be a price > 0");
    if (!(leverage[i] > 0 && leverage[i] <= 1000)) {
      add("leverage" + at, ErrorCode::OutOfRange, "leverage" + at + " (" + formatNumber(leverage[i]) + ") must be > 0 and <= 1000");
    } else if (isValidPositive(quantity[i]) && isValidPositive(entryPrice[i])) {
      if (notional > tiers.back().cap) {
        add("quantity" + at, ErrorCode::OutOfRange, "the entry notional (" + formatNumber(notional) + ") of [" + std::to_string(i) + "] exceeds the last tier's cap (" + formatNumber(tiers.back().cap) + ")");
      } else if (leverage[i] > tiers[tierIndexAt(tiers, notional)].maxLeverage * (1 + 1e-12)) {
        add("leverage" + at, ErrorCode::OutOfRange, "leverage" + at + " (" + formatNumber(leverage[i]) + ") must be <= " +
            formatNumber(tiers[tierIndexAt(tiers, notional)].maxLeverage) + " for the tier at notional " + formatNumber(notional));
      }
    }
  }
  if (!errors.empty()) return errors;

  detail::Model m = detail::buildModel(s);
  detail::Leg& leg = m.legs.front();
  Position p = s.positions.front();
  for (std::size_t i = 0; i < count; ++i) {
    p.side = side[i] > 0 ? Side::Long : Side::Short;
    p.quantity = quantity[i];
    p.entryPrice = entryPrice[i];
    p.leverage = leverage[i];
    detail::fillLeg(m, p, leg);
    out[i] = detail::isolatedLiquidationPrice(m, leg, leg.isolatedMargin).value_or(0.0);
  }
  return errors;
}

}  // namespace marginlab
