// SPDX-License-Identifier: MIT
// MarginLab: one account (scenario version 3, account.h). The account is cut into settlement groups
// (the futures of one asset and contract kind under tiers; the positions of one underlying, asset
// and contract kind under deribitStandard); each group is a version 1 Scenario or a version 2
// OptionsScenario with no wallet, run through its own kernel, and the view sums the kernels' numbers
// per asset at the asset prices. An account that is one group in one asset with no haircut is that
// kernel's scenario with its wallet, and its numbers are the kernel's.
#include "marginlab/account.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "marginlab/check.h"
#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "marginlab/validate.h"
#include "account_internal.h"

namespace marginlab {

namespace {

Param num(std::string_view name, double x) { return {std::string(name), x}; }
Param text(std::string_view name, std::string_view x) { return {std::string(name), std::string(x)}; }

std::string at(std::string_view list, std::size_t i, std::string_view field = {}) {
  std::string out(list);
  out += '[';
  out += std::to_string(i);
  out += ']';
  if (!field.empty()) (out += '.') += field;
  return out;
}

template <class T, class Name>
std::optional<std::size_t> find(const std::vector<T>& list, std::string_view name, Name nameOf) {
  for (std::size_t i = 0; i < list.size(); ++i)
    if (nameOf(list[i]) == name) return i;
  return std::nullopt;
}
std::optional<std::size_t> assetIndex(const Account& a, std::string_view name) {
  return find(a.collateral, name, [](const CollateralBalance& c) -> const std::string& { return c.asset; });
}
std::optional<std::size_t> underlyingIndex(const Account& a, std::string_view name) {
  return find(a.underlyings, name, [](const Underlying& u) -> const std::string& { return u.name; });
}

/// A name is any text of at most kMaxAccountNameLength characters (version 2 reads its underlying so).
void checkName(Checker& c, const std::string& path, std::string_view name) {
  if (name.size() > kMaxAccountNameLength) c.fail(path, "tooLongText", {num("limit", kMaxAccountNameLength)});
}

/// Names that appear twice in a list: the later one is the error.
template <class T, class Name>
void checkUnique(Checker& c, const std::vector<T>& list, std::string_view listName, std::string_view field,
                 std::string_view item, Name nameOf) {
  for (std::size_t i = 0; i < list.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (nameOf(list[i]) == nameOf(list[j])) {
        c.fail(at(listName, i, field), "accountDuplicateName",
               {text("value", nameOf(list[i]).substr(0, kMaxAccountNameLength)), text("otherPath", at(listName, j, field)),
                text("item", item)});
        break;
      }
}

/// A fraction in [0, 1] (haircuts, ratios).
void checkFraction(Checker& c, const std::string& path, double x) {
  if (c.finite(path, x) && !(x >= 0 && x <= 1)) c.fail(path, "accountHaircut", {num("value", x)});
}

void checkBeta(Checker& c, const std::string& path, std::optional<double> beta) {
  constexpr double kMaxBeta = 10;
  if (beta && c.finite(path, *beta) && !(std::abs(*beta) <= kMaxBeta)) c.fail(path, "accountBeta", {num("value", *beta), num("limit", kMaxBeta)});
}

void checkCollateral(Checker& c, const Account& a) {
  if (!c.listSize("collateral", a.collateral.size(), kMaxAccountAssets, "collateral asset")) {
    if (a.collateral.size() > kMaxAccountAssets) return;
  }
  for (std::size_t i = 0; i < a.collateral.size(); ++i) {
    const CollateralBalance& b = a.collateral[i];
    checkName(c, at("collateral", i, "asset"), b.asset);
    const double x = b.balance;
    if (c.finite(at("collateral", i, "balance"), x) && !isValidNonNegative(x < 0 ? -x : x))
      c.fail(at("collateral", i, "balance"), "accountBalance", {num("value", x), num("low", kMinMagnitude), num("high", kMaxMagnitude)});
    c.positive(at("collateral", i, "price"), b.price);
    if (c.finite(at("collateral", i, "haircut"), b.haircut) && !(b.haircut >= 0 && b.haircut <= 1))
      c.fail(at("collateral", i, "haircut"), "accountHaircut", {num("value", b.haircut)});
    if (b.loan) c.nonNegative(at("collateral", i, "loan"), *b.loan);
    checkBeta(c, at("collateral", i, "beta"), b.beta);
  }
  checkUnique(c, a.collateral, "collateral", "asset", "asset", [](const CollateralBalance& b) -> const std::string& { return b.asset; });
}

void checkUnderlyings(Checker& c, const Account& a) {
  if (a.underlyings.size() > kMaxAccountUnderlyings) {
    c.fail("underlyings", "tooMany", {num("count", static_cast<double>(a.underlyings.size())), num("limit", kMaxAccountUnderlyings)});
    return;
  }
  std::size_t points = 0;
  for (std::size_t i = 0; i < a.underlyings.size(); ++i) {
    const Underlying& u = a.underlyings[i];
    checkName(c, at("underlyings", i, "name"), u.name);
    c.positive(at("underlyings", i, "price"), u.price);  // the kernel's checks of the rest run per group
    checkBeta(c, at("underlyings", i, "beta"), u.beta);
    if (!u.volSurface) continue;
    for (const auto& row : u.volSurface->vols) points += row.size();
    if (points > kMaxAccountSurfacePoints) {
      c.fail(at("underlyings", i, "volSurface"), "accountSurfacePoints",
             {num("count", static_cast<double>(points)), num("limit", kMaxAccountSurfacePoints)});
      points = 0;  // one error is enough
    }
  }
  checkUnique(c, a.underlyings, "underlyings", "name", "underlying", [](const Underlying& u) -> const std::string& { return u.name; });
}

void checkBands(Checker& c, const std::string& path, const CollateralTiers& t) {
  if (!c.listSize(path + ".bands", t.bands.size(), kMaxCollateralBands, "band")) return;
  checkName(c, path + ".asset", t.asset);
  for (std::size_t i = 0; i < t.bands.size(); ++i) {
    const std::string b = at(path + ".bands", i);
    checkFraction(c, b + ".ratio", t.bands[i].ratio);
    const double from = t.bands[i].from;
    if (!c.finite(b + ".from", from)) continue;
    if (i == 0 && from != 0) c.fail(b + ".from", "accountBandStart", {num("value", from)});
    if (i > 0 && !(from > t.bands[i - 1].from && from <= kMaxMagnitude))
      c.fail(b + ".from", "accountBandOrder", {num("value", from), num("previous", t.bands[i - 1].from)});
  }
}

/// The venue's rule set: bands, ratios and levels.
void checkVenue(Checker& c, const AccountRules& r) {
  if (r.source.size() > kMaxAccountNameLength) c.fail("venue.source", "tooLongText", {num("limit", kMaxAccountNameLength)});
  if (r.date.size() > kMaxAccountNameLength) c.fail("venue.date", "tooLongText", {num("limit", kMaxAccountNameLength)});
  if (r.collateral.size() > kMaxCollateralTiers) {
    c.fail("venue.collateral", "tooMany", {num("count", static_cast<double>(r.collateral.size())), num("limit", kMaxCollateralTiers)});
    return;
  }
  for (std::size_t i = 0; i < r.collateral.size(); ++i) checkBands(c, at("venue.collateral", i), r.collateral[i]);
  if (r.otherRatio) checkFraction(c, "venue.otherRatio", *r.otherRatio);
  checkFraction(c, "venue.loanMaintenanceRate", r.loanMaintenanceRate);
  constexpr double kMaxLevel = 1000;
  const auto level = [&](const char* path, std::optional<double> x) {
    // Positive as the kit counts it (at least kMinMagnitude): MM / level stays finite (the fuzzer found
    // DBL_MIN, and a headroom of -inf).
    if (x && c.finite(path, *x) && !(isValidPositive(*x) && *x <= kMaxLevel))
      c.fail(path, "accountLevel", {num("value", *x), num("limit", kMaxLevel)});
  };
  level("venue.warning", r.warning);
  level("venue.noNewOrders", r.noNewOrders);
  level("venue.liquidation", r.liquidation);
}

/// A position's underlying and settlement asset name entries of the account.
void checkLinks(Checker& c, const Account& a, std::string_view list, std::size_t i, const std::string& underlying,
                const std::string& asset) {
  if (!underlyingIndex(a, underlying))
    c.fail(at(list, i, "underlying"), "accountUnknownUnderlying", {text("value", underlying.substr(0, kMaxAccountNameLength))});
  if (!assetIndex(a, asset))
    c.fail(at(list, i, "settlementAsset"), "accountUnknownAsset", {text("value", asset.substr(0, kMaxAccountNameLength))});
}

/// The account's own checks (the groups' kernels check each position's fields).
Checker accountChecks(const Account& a) {
  Checker c;
  if (a.version != 3) c.fail("version", "accountVersion", {num("value", a.version)});
  if (a.takerFeeRate) {
    const double f = *a.takerFeeRate;
    if (c.finite("takerFeeRate", f) && !(f >= 0 && f < 0.1))
      c.fail("takerFeeRate", "takerFeeRate", {num("value", f), num("low", 0), num("limit", 0.1)});
  }
  checkCollateral(c, a);
  checkUnderlyings(c, a);
  if (a.venue) checkVenue(c, *a.venue);
  const std::size_t positions = a.futures.size() + a.options.size();
  if (positions > kMaxAccountPositions) {
    c.fail("futures", "accountTooManyPositions", {num("count", static_cast<double>(positions)), num("limit", kMaxAccountPositions)});
    return c;
  }
  for (std::size_t i = 0; i < a.futures.size(); ++i) {
    const AccountFuture& f = a.futures[i];
    checkLinks(c, a, "futures", i, f.underlying, f.settlementAsset);
    // deribitStandard: a future's own mark (a basis to its underlying); tiers: checked by version 1.
    if (a.margin == AccountMargin::DeribitStandard && f.markPrice) c.positive(at("futures", i, "markPrice"), *f.markPrice);
  }
  for (std::size_t i = 0; i < a.options.size(); ++i) {
    checkLinks(c, a, "options", i, a.options[i].underlying, a.options[i].settlementAsset);
    if (a.margin == AccountMargin::Tiers && !detail::bybitOptions(a)) c.fail(at("options", i), "accountOptionsNeedDeribit");
  }
  return c;
}

}  // namespace

// ---- settlement groups (account_internal.h) ---------------------------------------------------------

namespace detail {

bool bybitOptions(const Account& a) {
  return a.margin == AccountMargin::Tiers && a.venue && a.venue->venue == AccountVenue::BybitUnified;
}

Group& groupFor(std::vector<Group>& groups, std::size_t asset, std::optional<std::size_t> underlying, Contract contract) {
  for (Group& g : groups)
    if (g.asset == asset && g.underlying == underlying && g.contract == contract) return g;
  return groups.emplace_back(Group{.asset = asset, .underlying = underlying, .contract = contract});
}

/// The groups of the positions whose underlying and asset exist (the others are errors already).
std::vector<Group> groupsOf(const Account& a) {
  std::vector<Group> groups;
  const bool deribit = a.margin == AccountMargin::DeribitStandard;
  const bool options = deribit || bybitOptions(a);  // tiers under Bybit UTA: the options in groups of their own
  for (std::size_t i = 0; i < a.futures.size(); ++i) {
    const AccountFuture& f = a.futures[i];
    const auto asset = assetIndex(a, f.settlementAsset);
    const auto u = underlyingIndex(a, f.underlying);
    if (asset && u) groupFor(groups, *asset, deribit ? u : std::nullopt, f.contract).futures.push_back(i);
  }
  for (std::size_t i = 0; i < a.options.size() && options; ++i) {
    const AccountOption& o = a.options[i];
    const auto asset = assetIndex(a, o.settlementAsset);
    const auto u = underlyingIndex(a, o.underlying);
    if (asset && u) groupFor(groups, *asset, u, o.contract).options.push_back(i);
  }
  // An options account with no position yet is still its underlying's group (version 2 takes it).
  if (groups.empty() && deribit && a.underlyings.size() == 1 && a.collateral.size() == 1) {
    const bool coin = a.collateral[0].asset == a.underlyings[0].name;
    groups.push_back(Group{.asset = 0, .underlying = 0, .contract = coin ? Contract::Inverse : Contract::Linear});
  }
  return groups;
}

/// The account is one group in its only asset, with no haircut and a wallet the kernels accept:
/// the kernel's scenario with that wallet.
bool delegates(const Account& a, const std::vector<Group>& groups) {
  const bool ownMarks = std::any_of(a.futures.begin(), a.futures.end(), [&](const AccountFuture& f) {
    return a.margin == AccountMargin::DeribitStandard && f.markPrice.has_value();
  });
  return groups.size() == 1 && a.collateral.size() == 1 && a.collateral[0].haircut == 0 &&
         a.collateral[0].balance >= 0 && !ownMarks && !a.venue;
}

/// Per future of a deribitStandard group: its own mark over the underlying's price (1 without one).
std::vector<double> basisOf(const Account& a, const Group& g) {
  std::vector<double> basis;
  const double u = a.underlyings[*g.underlying].price;
  for (std::size_t i : g.futures) basis.push_back(a.futures[i].markPrice ? *a.futures[i].markPrice / u : 1.0);
  return basis;
}

Position positionOf(const Account& a, const AccountFuture& f) {
  const auto u = underlyingIndex(a, f.underlying);
  return Position{.symbol = f.symbol, .contract = f.contract, .contractSize = f.contractSize, .side = f.side,
                  .quantity = f.quantity, .entryPrice = f.entryPrice,
                  .markPrice = f.markPrice ? f.markPrice : std::optional<double>(u ? a.underlyings[*u].price : f.entryPrice),
                  .leverage = f.leverage, .marginMode = f.marginMode, .isolatedMargin = f.isolatedMargin};
}

Scenario tiersScenario(const Account& a, const Group& g, double wallet) {
  Scenario s{.rules = a.rules, .walletBalance = wallet, .takerFeeRate = a.takerFeeRate, .tiers = a.tiers};
  for (std::size_t i : g.futures) s.positions.push_back(positionOf(a, a.futures[i]));
  return s;
}

OptionsScenario optionsScenario(const Account& a, const Group& g, double wallet) {
  const Underlying& u = a.underlyings[*g.underlying];
  OptionsScenario s{.underlying = u.name, .settlement = g.contract, .walletBalance = wallet, .underlyingPrice = u.price,
                    .valuationDate = a.valuationDate, .interestRate = u.interestRate, .volSurface = u.volSurface,
                    .volDynamics = u.volDynamics, .futuresSizeRate = u.futuresSizeRate};
  for (std::size_t i : g.futures) {
    const AccountFuture& f = a.futures[i];
    s.futures.push_back(Position{.symbol = f.symbol, .contract = f.contract, .contractSize = f.contractSize, .side = f.side,
                                 .quantity = f.quantity, .entryPrice = f.entryPrice, .markPrice = std::nullopt,
                                 .leverage = f.leverage, .marginMode = f.marginMode, .isolatedMargin = f.isolatedMargin});
  }
  for (std::size_t i : g.options) s.options.push_back(a.options[i].option);
  return s;
}

double walletOf(const Account& a, const std::vector<Group>& groups) {
  return delegates(a, groups) ? a.collateral[0].balance : 0;
}

}  // namespace detail

namespace {

using namespace detail;

// ---- a group's errors at the account's paths -------------------------------------------------------

/// Replaces a leading `from` of the path (followed by '.', '[' or the end) with `to`, and the same
/// text in the message.
bool movePrefix(InputError& e, std::string_view from, const std::string& to) {
  if (e.path.rfind(from, 0) != 0) return false;
  if (e.path.size() > from.size() && e.path[from.size()] != '.' && e.path[from.size()] != '[') return false;
  const std::string old = e.path.substr(0, from.size());
  e.path = to + e.path.substr(from.size());
  if (const auto p = e.message.find(old); p != std::string::npos) e.message.replace(p, old.size(), to);
  return true;
}

/// "positions[i]" (v1) or "futures[i]" / "options[i]" (v2) to the account's index.
bool moveIndexed(InputError& e, std::string_view list, std::string_view to, const std::vector<std::size_t>& index) {
  for (std::size_t i = 0; i < index.size(); ++i)
    if (movePrefix(e, at(list, i), at(to, index[i]))) return true;
  return false;
}

void moveError(InputError& e, const Account& a, const Group& g) {
  const std::string asset = at("collateral", g.asset, "balance");
  if (movePrefix(e, "walletBalance", asset) || moveIndexed(e, "positions", "futures", g.futures) ||
      moveIndexed(e, "futures", "futures", g.futures) || moveIndexed(e, "options", "options", g.options))
    return;
  if (!g.underlying) return;  // tiers, takerFeeRate, rules: the account's own paths
  const std::string u = at("underlyings", *g.underlying);
  for (std::string_view field : {"volSurface", "interestRate", "futuresSizeRate", "volDynamics"})
    if (movePrefix(e, field, u + "." + std::string(field))) return;
  if (movePrefix(e, "underlyingPrice", u + ".price") || movePrefix(e, "underlying", u + ".name")) return;
  (void)a;
}

/// Appends the errors not listed yet (the tier tables are checked once per group).
void mergeUnique(std::vector<InputError>& into, std::vector<InputError> more) {
  for (InputError& e : more) {
    const bool seen = std::any_of(into.begin(), into.end(), [&](const InputError& x) { return x.path == e.path && x.rule == e.rule; });
    if (!seen) into.push_back(std::move(e));
  }
}

std::vector<InputError> groupErrors(const Account& a, const Group& g, double wallet) {
  std::vector<InputError> errors = g.underlying ? validateOptions(optionsScenario(a, g, wallet)) : validate(tiersScenario(a, g, wallet));
  for (InputError& e : errors) moveError(e, a, g);
  return errors;
}

}  // namespace

std::string_view toString(AccountMargin m) noexcept { return m == AccountMargin::Tiers ? "tiers" : "deribitStandard"; }
std::optional<AccountMargin> parseAccountMargin(std::string_view s) noexcept {
  if (s == "tiers") return AccountMargin::Tiers;
  if (s == "deribitStandard") return AccountMargin::DeribitStandard;
  return std::nullopt;
}

std::vector<InputError> validate(const Account& account) {
  Checker c = accountChecks(account);
  if (account.futures.size() + account.options.size() > kMaxAccountPositions || account.collateral.size() > kMaxAccountAssets ||
      account.underlyings.size() > kMaxAccountUnderlyings)
    return std::move(c.errors);
  const std::vector<Group> groups = groupsOf(account);
  const double wallet = walletOf(account, groups);
  for (const Group& g : groups) mergeUnique(c.errors, groupErrors(account, g, wallet));
  if (groups.empty() && !account.tiers.empty()) {  // tier tables without a position: checked alone
    Scenario s{.rules = account.rules, .takerFeeRate = account.takerFeeRate, .tiers = account.tiers};
    for (InputError& e : validate(s))
      if (e.path.rfind("tiers", 0) == 0) c.errors.push_back(std::move(e));
  }
  return std::move(c.errors);
}

// ---- conversions ------------------------------------------------------------------------------------

Account toAccount(const Scenario& s) {
  Account a{.margin = AccountMargin::Tiers, .rules = s.rules, .takerFeeRate = s.takerFeeRate, .tiers = s.tiers};
  const Position* first = s.positions.empty() ? nullptr : &s.positions.front();
  const std::string asset = first ? settlementAsset(first->symbol, first->contract) : std::string("quote");
  const bool inverse = first && first->contract == Contract::Inverse;
  a.collateral.push_back({.asset = asset, .balance = s.walletBalance, .price = inverse ? first->mark() : 1.0});
  for (const Position& p : s.positions) {
    const std::string coin = settlementAsset(p.symbol, Contract::Inverse);
    auto u = underlyingIndex(a, coin);
    if (!u) {
      a.underlyings.push_back({.name = coin, .price = p.mark()});
      u = a.underlyings.size() - 1;
    }
    // The mark as given; an absent one stays absent when the underlying's price is that mark.
    const bool markDiffers = !(p.mark() == a.underlyings[*u].price);
    a.futures.push_back({.underlying = coin, .settlementAsset = asset, .symbol = p.symbol, .contract = p.contract,
                         .contractSize = p.contractSize, .side = p.side, .quantity = p.quantity, .entryPrice = p.entryPrice,
                         .markPrice = markDiffers ? std::optional<double>(p.mark()) : p.markPrice, .leverage = p.leverage,
                         .marginMode = p.marginMode, .isolatedMargin = p.isolatedMargin});
  }
  return a;
}

Account toAccount(const OptionsScenario& s) {
  Account a{.margin = AccountMargin::DeribitStandard, .valuationDate = s.valuationDate};
  const bool inverse = s.settlement == Contract::Inverse;
  const std::string asset = inverse ? s.underlying : std::string("USD");
  a.collateral.push_back({.asset = asset, .balance = s.walletBalance, .price = inverse ? s.underlyingPrice : 1.0});
  a.underlyings.push_back({.name = s.underlying, .price = s.underlyingPrice, .interestRate = s.interestRate,
                           .volSurface = s.volSurface, .volDynamics = s.volDynamics, .futuresSizeRate = s.futuresSizeRate});
  for (const Position& p : s.futures)
    a.futures.push_back({.underlying = s.underlying, .settlementAsset = asset, .symbol = p.symbol, .contract = p.contract,
                         .contractSize = p.contractSize, .side = p.side, .quantity = p.quantity, .entryPrice = p.entryPrice,
                         .markPrice = p.markPrice, .leverage = p.leverage, .marginMode = p.marginMode,
                         .isolatedMargin = p.isolatedMargin});
  for (const OptionPosition& o : s.options)
    a.options.push_back({.underlying = s.underlying, .settlementAsset = asset, .contract = s.settlement, .option = o});
  return a;
}

// ---- evaluation -------------------------------------------------------------------------------------

namespace {

/// One position's numbers in its group, units of the settlement asset.
struct Part {
  double pnl = 0, initialMargin = 0, maintenanceMargin = 0;
};

/// What one group adds to its asset, in units of the asset.
struct GroupNumbers {
  double pnl = 0, initialMargin = 0, maintenanceMargin = 0;
  double equity = 0, available = 0;  ///< the kernel's account numbers (used when it delegates)
  std::optional<double> marginRatio;
  std::vector<Part> parts;  ///< the group's futures, then its options (Group::futures, Group::options)
};

GroupNumbers numbersOf(const Report& report) {
  const Outcome& o = report.asGiven ? *report.asGiven : *report.cross;
  GroupNumbers n{.maintenanceMargin = o.account.maintenanceMargin, .equity = o.account.equity,
                 .available = o.account.availableBalance, .marginRatio = o.account.marginRatio};
  for (const PositionOutcome& p : o.positions) {
    n.pnl += p.unrealizedPnl;
    n.initialMargin += p.initialMargin;
    n.parts.push_back({p.unrealizedPnl, p.initialMargin, p.maintenanceMargin});
  }
  return n;
}

GroupNumbers numbersOf(const OptionsAccountResult& r) {
  GroupNumbers n{.initialMargin = r.now.initialMargin, .maintenanceMargin = r.now.maintenanceMargin,
                 .equity = r.now.equity, .available = r.now.availableBalance, .marginRatio = r.now.marginRatio};
  for (const FutureValuation& f : r.futures) {
    n.pnl += f.unrealizedPnl;
    n.parts.push_back({f.unrealizedPnl, f.initialMargin, f.maintenanceMargin});
  }
  for (const OptionValuation& o : r.options) {
    n.pnl += o.unrealizedPnl;
    n.parts.push_back({o.unrealizedPnl, o.initialMargin, o.maintenanceMargin});
  }
  return n;
}

/// Each position of group `g` in the quote currency, at its index of the view's list (futures, then options).
void addParts(const Account& a, const Group& g, const GroupNumbers& n, AccountView& v) {
  const double price = a.collateral[g.asset].price;
  const std::string& asset = a.collateral[g.asset].asset;
  std::size_t k = 0;
  const auto put = [&](std::size_t at, std::string_view kind, std::size_t index, const std::string& underlying) {
    const Part& x = n.parts[k++];
    v.positions[at] = PositionContribution{.kind = std::string(kind), .index = index, .underlying = underlying, .settlementAsset = asset,
                                           .unrealizedPnl = x.pnl * price, .initialMargin = x.initialMargin * price,
                                           .maintenanceMargin = x.maintenanceMargin * price};
  };
  for (std::size_t i : g.futures) put(i, "future", i, a.futures[i].underlying);
  for (std::size_t i : g.options) put(a.futures.size() + i, "option", i, a.options[i].underlying);
}

/// One group through its kernel; the kernel's whole answer is kept when the account delegates.
GroupNumbers runGroup(const Account& a, const Group& g, const AccountRequest& q, double wallet, AccountResult* keep) {
  if (g.underlying && a.margin == AccountMargin::Tiers) {  // Bybit UTA options: version 2's marks, Bybit's margins
    std::vector<OptionsAccountPoint> parts;
    const OptionsAccountPoint p = bybitOptionsAt(optionsScenario(a, g, 0), a.underlyings[*g.underlying].price, &parts);
    GroupNumbers n{.pnl = p.equity, .initialMargin = p.initialMargin, .maintenanceMargin = p.maintenanceMargin};
    for (const OptionsAccountPoint& x : parts) n.parts.push_back({x.equity, x.initialMargin, x.maintenanceMargin});
    return n;
  }
  if (g.underlying && !keep) {  // the view needs only the account at the underlying's price, now
    const std::vector<double> basis = basisOf(a, g);  // the futures at their own marks
    std::vector<OptionsAccountPoint> parts;
    const OptionsAccountPoint p = optionsAccountAt(optionsScenario(a, g, wallet), basis, a.underlyings[*g.underlying].price, parts);
    GroupNumbers n{.pnl = p.equity - wallet, .initialMargin = p.initialMargin, .maintenanceMargin = p.maintenanceMargin};
    for (const OptionsAccountPoint& x : parts) n.parts.push_back({x.equity, x.initialMargin, x.maintenanceMargin});
    return n;
  }
  if (g.underlying) {
    Result<OptionsAccountResult> r = evaluateOptions(optionsScenario(a, g, wallet), q.options);
    const GroupNumbers n = numbersOf(*r.value);  // valid: validate(account) checked this group
    if (keep) keep->optionsResult = std::move(*r.value);
    return n;
  }
  Report r = evaluate(tiersScenario(a, g, wallet));
  const GroupNumbers n = numbersOf(r);
  if (keep) keep->report = std::move(r);
  return n;
}

/// The venue's collateral values per asset, then the sums in the quote currency.
void sumView(const Account& a, AccountView& v) {
  venueView(a, v.assets, v.venue);
  for (const AssetView& x : v.assets) {
    v.equity += x.value;
    v.collateralValue += x.collateralValue;
    v.initialMargin += x.initialMargin * x.price;
    v.maintenanceMargin += x.maintenanceMargin * x.price;
  }
  const double ratio = v.maintenanceMargin / v.collateralValue;
  if (v.collateralValue > 0 && isValidNumber(ratio)) v.marginRatio = ratio;
  v.availableBalance = v.collateralValue - v.initialMargin;
}

}  // namespace

Result<AccountResult> evaluateAccount(const Account& a, const AccountRequest& q) {
  Result<AccountResult> out;
  out.errors = validate(a);
  if (a.margin == AccountMargin::DeribitStandard) {
    std::vector<InputError> request = validateOptionsRequest(q.options);
    out.errors.insert(out.errors.end(), request.begin(), request.end());
  }
  if (!out.errors.empty()) return out;
  AccountResult r;
  AccountView& v = r.account;
  for (const CollateralBalance& c : a.collateral)
    v.assets.push_back({.asset = c.asset, .balance = c.balance, .equity = c.balance, .price = c.price, .haircut = c.haircut});
  const std::vector<Group> groups = groupsOf(a);
  const bool one = delegates(a, groups);
  v.positions.resize(a.futures.size() + a.options.size());
  for (const Group& g : groups) {
    const GroupNumbers n = runGroup(a, g, q, one ? a.collateral[0].balance : 0, one ? &r : nullptr);
    addParts(a, g, n, v);
    AssetView& x = v.assets[g.asset];
    x.unrealizedPnl += n.pnl;
    x.equity = one ? n.equity : x.equity + n.pnl;
    x.initialMargin += n.initialMargin;
    x.maintenanceMargin += n.maintenanceMargin;
    if (!one) continue;
    sumView(a, v);  // the kernel's own ratio and available balance, in the quote currency
    v.marginRatio = n.marginRatio;
    v.availableBalance = n.available * x.price;
    liquidationViews(a, q, v);
    out.value = std::move(r);
    return out;
  }
  sumView(a, v);
  liquidationViews(a, q, v);
  out.value = std::move(r);
  return out;
}

// ---- explanation ------------------------------------------------------------------------------------

namespace {

Step step(std::string field, std::string code, std::string label, std::string formula, std::string substituted,
          std::optional<double> value) {
  return accountStep(std::move(field), std::move(code), std::move(label), std::move(formula), std::move(substituted), value);
}

void explainAsset(const AssetView& x, std::size_t i, std::vector<Step>& steps) {
  const std::string at = "account.assets[" + std::to_string(i) + "].";
  const std::string e = formatNumber(x.equity), p = formatNumber(x.price), h = formatNumber(x.haircut);
  steps.push_back(step(at + "value", "account.assetValue", x.asset + ": equity at its price", "value = equity x price",
                       e + " x " + p, x.value));
  if (x.equity > 0)
    steps.push_back(step(at + "collateralValue", "account.haircut", x.asset + ": value after its haircut",
                         "collateral = value x (1 - haircut)", formatNumber(x.value) + " x (1 - " + h + ")", x.collateralValue));
  else
    steps.push_back(step(at + "collateralValue", "account.noHaircut", x.asset + ": a negative or zero equity counts in full",
                         "collateral = value", formatNumber(x.value), x.collateralValue));
}

/// A position's three numbers in the quote currency: its group's figure in the settlement asset x the price.
void explainPosition(const AccountView& v, const PositionContribution& x, std::size_t k, std::vector<Step>& steps) {
  const auto asset = std::find_if(v.assets.begin(), v.assets.end(), [&](const AssetView& y) { return y.asset == x.settlementAsset; });
  const double price = asset == v.assets.end() ? 1 : asset->price;
  const std::string at = "account.positions[" + std::to_string(k) + "].";
  const std::string name = (x.kind == "future" ? "futures[" : "options[") + std::to_string(x.index) + "] on " + x.underlying;
  const std::string in = " in " + x.settlementAsset + " x price";
  const auto add = [&](const char* field, const char* code, const char* what, const char* symbol, double value) {
    steps.push_back(step(at + field, code, name + ": " + what + " in the quote currency", std::string(symbol) + " = " + symbol + in,
                         formatNumber(value / price) + " x " + formatNumber(price), value));
  };
  add("unrealizedPnl", "account.positionPnl", "unrealized PnL", "PnL", x.unrealizedPnl);
  add("initialMargin", "account.positionInitialMargin", "initial margin", "IM", x.initialMargin);
  add("maintenanceMargin", "account.positionMaintenanceMargin", "maintenance margin", "MM", x.maintenanceMargin);
}

/// "a + b + c" of the assets' `part` in the quote currency.
template <class Part>
std::string terms(const AccountView& v, Part part) {
  std::string out;
  for (const AssetView& x : v.assets) out += (out.empty() ? "" : " + ") + formatNumber(part(x));
  return out.empty() ? "0" : out;
}

}  // namespace

void explain(const Account& a, const AccountRequest& q, AccountResult& r) {
  const std::vector<Group> groups = groupsOf(a);
  if (r.report) explain(tiersScenario(a, groups.front(), a.collateral[0].balance), *r.report);
  if (r.optionsResult) explain(optionsScenario(a, groups.front(), a.collateral[0].balance), q.options, *r.optionsResult);
  const AccountView& v = r.account;
  std::vector<Step>& s = r.steps;
  for (std::size_t i = 0; i < v.assets.size(); ++i) explainAsset(v.assets[i], i, s);
  for (std::size_t k = 0; k < v.positions.size(); ++k) explainPosition(v, v.positions[k], k, s);
  s.push_back(step("account.equity", "account.equity", "Equity in the quote currency", "equity = sum of values",
                   terms(v, [](const AssetView& x) { return x.value; }), v.equity));
  s.push_back(step("account.collateralValue", "account.collateralValue", "Collateral after haircuts",
                   "collateral = sum of collateral values", terms(v, [](const AssetView& x) { return x.collateralValue; }),
                   v.collateralValue));
  s.push_back(step("account.initialMargin", "account.initialMargin", "Initial margin in the quote currency",
                   "IM = sum of IM x price", terms(v, [](const AssetView& x) { return x.initialMargin * x.price; }), v.initialMargin));
  s.push_back(step("account.maintenanceMargin", "account.maintenanceMargin", "Maintenance margin in the quote currency",
                   "MM = sum of MM x price", terms(v, [](const AssetView& x) { return x.maintenanceMargin * x.price; }),
                   v.maintenanceMargin));
  s.push_back(step("account.marginRatio", "account.marginRatio",
                   v.marginRatio ? "Margin ratio" : "Margin ratio: none, the collateral is not positive",
                   "ratio = MM / collateral", formatNumber(v.maintenanceMargin) + " / " + formatNumber(v.collateralValue),
                   v.marginRatio));
  s.push_back(step("account.availableBalance", "account.availableBalance", "Available balance",
                   r.report || r.optionsResult ? "available = the account's available balance x price" : "available = collateral - IM",
                   r.report || r.optionsResult ? formatNumber(v.availableBalance / v.assets[0].price) + " x " + formatNumber(v.assets[0].price)
                                               : formatNumber(v.collateralValue) + " - " + formatNumber(v.initialMargin),
                   v.availableBalance));
  explainVenue(a, v, s);
}

}  // namespace marginlab
