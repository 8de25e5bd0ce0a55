// SPDX-License-Identifier: MIT
// MarginLab (internal): the account's settlement groups (account.cpp), shared with the venue view and
// the liquidation searches (account_risk.cpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "marginlab/account.h"

namespace marginlab::detail {

/// Positions that settle together: one kernel call.
struct Group {
  std::size_t asset = 0;                  ///< index into collateral
  std::optional<std::size_t> underlying;  ///< deribitStandard: index into underlyings
  Contract contract = Contract::Linear;
  std::vector<std::size_t> futures, options;  ///< indices into the account's lists
};

/// Margin "tiers" under the Bybit UTA rule set: options take Bybit's cross option margins
/// (account_venues.cpp), each underlying's options in a group of their own.
bool bybitOptions(const Account& a);
/// The options of `scenario` (no futures) at underlying `price` under Bybit UTA cross margin, in the
/// settlement asset: each option's part of the margin balance is the premium it received (short) or
/// paid (long), as Bybit's wallet balance carries it (the cross margin balance has no option value);
/// its mark (version 2's valuation) enters the short option's MM and IM (VENUES-PM.md 3.1, BUA-1);
/// a long option has no margin. `parts`, if given, gets each option's numbers (cleared first).
OptionsAccountPoint bybitOptionsAt(const OptionsScenario& scenario, double price, std::vector<OptionsAccountPoint>* parts);

/// The groups of the positions whose underlying and asset exist.
std::vector<Group> groupsOf(const Account& a);
/// The account is one group in its only asset, with no haircut: the kernel's scenario with its wallet.
bool delegates(const Account& a, const std::vector<Group>& groups);
Scenario tiersScenario(const Account& a, const Group& g, double wallet);
OptionsScenario optionsScenario(const Account& a, const Group& g, double wallet);

/// The venue's numbers from each asset's equity, IM and MM (units of the asset) at `prices`: fills
/// each asset's collateral values and the VenueView. `assets` holds equity, IM, MM and price.
void venueView(const Account& a, std::vector<AssetView>& assets, VenueView& out);
/// One step of the account's explanation.
inline Step accountStep(std::string field, std::string code, std::string label, std::string formula, std::string substituted,
                        std::optional<double> value) {
  return Step{.field = std::move(field), .label = std::move(label), .formula = std::move(formula),
              .substituted = std::move(substituted), .value = value, .code = std::move(code)};
}
/// The steps of the venue view, the liquidation prices and the one-factor moves (account_risk.cpp).
void explainVenue(const Account& a, const AccountView& v, std::vector<Step>& steps);

/// The liquidation prices per underlying and the one-factor moves (account_risk.cpp).
void liquidationViews(const Account& a, const AccountRequest& q, AccountView& view);

}  // namespace marginlab::detail
