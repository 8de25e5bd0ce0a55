// SPDX-License-Identifier: MIT
// MarginLab: the isolated liquidation batch: one model, one leg reused for every position.
#include "marginlab/batch.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>

#include "marginlab/format.h"
#include "marginlab/profile.h"
#include "marginlab/tiers.h"
#include "marginlab/validate.h"
#include "model.h"

namespace marginlab {

namespace {
constexpr std::size_t kMaxErrors = 100;

/// The batch's tier table, flat, with what the closed-form walk needs. The walk solves
/// f(u) = M + pnl(u) - MM(u) = 0 piece by piece in the one direction where f can reach zero,
/// which is the case when f is monotone in u for the position's sign of pnl1: on every piece
/// the slope has that sign, and no jump at a tier cap goes the other way (continuous tables:
/// no jump). Otherwise the position takes the general walk of both directions.
struct FlatTable {
  std::size_t rows = 0;
  bool atEntry = false;
  std::array<double, kMaxTierRows> cap{}, rate{}, amount{};  ///< rate: with the fees the profile adds
  bool monotoneRising = true;   ///< f rises with u when pnl1 > 0 (linear long, inverse short)
  bool monotoneFalling = true;  ///< f falls with u when pnl1 < 0 (linear short, inverse long)
};

FlatTable flatten(const std::vector<ResolvedTier>& tiers, const Profile& profile, double fee) {
  FlatTable t;
  t.rows = tiers.size();
  t.atEntry = profile.basis == MaintenanceBasis::AtEntry;
  const bool addFee = profile.feeInMaintenanceRate || profile.exitFeeInMaintenance;
  for (std::size_t i = 0; i < t.rows; ++i) {
    t.cap[i] = tiers[i].cap;
    t.rate[i] = tiers[i].rate + (addFee ? fee : 0.0);
    t.amount[i] = tiers[i].amount;
  }
  if (t.atEntry) return t;  // maintenance is constant: f is a line with slope pnl1
  for (std::size_t i = 0; i < t.rows; ++i) {
    if (!(t.rate[i] < 1)) t.monotoneRising = false;  // slope k (1 - rate) must stay > 0
    if (i + 1 == t.rows) break;
    // f's jump going up through cap i: MM_i(cap) - MM_{i+1}(cap). Rounding of continuous
    // amounts (about 1e-16 of the cap) counts as none.
    const double jump = (t.rate[i] - t.rate[i + 1]) * t.cap[i] - t.amount[i] + t.amount[i + 1];
    const double tolerance = 1e-12 * t.cap[i];
    if (jump < -tolerance) t.monotoneRising = false;
    if (jump > tolerance) t.monotoneFalling = false;
  }
  return t;
}

/// The liquidation price in u of one isolated position marked at entry, by the closed form on
/// each piece, walking from u0 toward the adverse side. NaN: not decided here (f <= 0 at entry,
/// or f not monotone), so the caller takes the general walk. 0: no price liquidates.
inline double fastLiquidationU(const FlatTable& t, double e0, double k, double pnl0, double pnl1, double u0,
                               double entryNotional) noexcept {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (t.atEntry) {
    std::size_t tier = 0;
    while (tier + 1 < t.rows && !(entryNotional <= t.cap[tier])) ++tier;
    const double c0 = e0 + pnl0 - (entryNotional * t.rate[tier] - t.amount[tier]), c1 = pnl1;
    if (!(c0 + c1 * u0 > 0)) return kNaN;
    if (c1 > 0) return c0 <= 0 ? std::clamp(-c0 / c1, 0.0, u0) : 0.0;  // down to u = 0
    return std::max(-c0 / c1, u0);                                       // up to u = infinity
  }
  std::size_t tier = 0;
  while (tier + 1 < t.rows && !(entryNotional <= t.cap[tier])) ++tier;
  if (!(pnl1 > 0 ? t.monotoneRising : t.monotoneFalling)) return kNaN;
  if (!(e0 + pnl0 + t.amount[tier] + (pnl1 - t.rate[tier] * k) * u0 > 0)) return kNaN;  // liquidated at entry
  double a = u0;
  if (pnl1 > 0) {
    for (;;) {  // down in u: pieces [cap[tier-1] / k, a]
      const double c0 = e0 + pnl0 + t.amount[tier], c1 = pnl1 - t.rate[tier] * k;
      if (!(c0 + c1 * a > 0)) return a;  // a jump at the cap (rounding only, as f is monotone)
      const double b = tier == 0 ? 0.0 : t.cap[tier - 1] / k;
      if (c0 + c1 * b <= 0) return std::clamp(-c0 / c1, b, a);
      if (tier == 0) return 0.0;
      a = b;
      --tier;
    }
  }
  for (;;) {  // up in u: pieces [a, cap[tier] / k]
    const double c0 = e0 + pnl0 + t.amount[tier], c1 = pnl1 - t.rate[tier] * k;
    if (!(c0 + c1 * a > 0)) return a;
    if (tier + 1 == t.rows) return std::max(-c0 / c1, a);  // c1 < 0: f reaches 0 at infinity's side
    const double b = t.cap[tier] / k;
    if (c0 + c1 * b <= 0) return std::clamp(-c0 / c1, a, b);
    a = b;
    ++tier;
  }
}
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
  const FlatTable flat = flatten(tiers, profile, m.fee);
  const bool linear = request.contract == Contract::Linear;
  const double contractSize = request.contractSize, feeShare = profile.feesInInitialMargin ? 2 * m.fee : 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    // fillLeg's terms, the same operations in the same order.
    const double s1 = side[i] > 0 ? 1.0 : -1.0, k = quantity[i] * contractSize, entry = entryPrice[i];
    const double entryNotional = linear ? k * entry : k / entry;
    double margin = entryNotional / leverage[i];
    if (feeShare != 0) margin += feeShare * entryNotional;
    const double pnl1 = linear ? s1 * k : -s1 * k, pnl0 = linear ? -s1 * k * entry : s1 * entryNotional;
    const double u = fastLiquidationU(flat, margin, k, pnl0, pnl1, linear ? entry : 1.0 / entry, entryNotional);
    if (u == u) {  // decided: u > 0 is a price, anything else none
      const double price = linear ? u : 1.0 / u;
      out[i] = u > 0 && isValidPositive(price) ? price : 0.0;
      continue;
    }
    p.side = side[i] > 0 ? Side::Long : Side::Short;  // the general walk
    p.quantity = quantity[i];
    p.entryPrice = entryPrice[i];
    p.leverage = leverage[i];
    detail::fillLeg(m, p, leg);
    out[i] = detail::isolatedLiquidationPrice(m, leg, leg.isolatedMargin).value_or(0.0);
  }
  return errors;
}

}  // namespace marginlab
