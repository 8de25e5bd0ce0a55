// SPDX-License-Identifier: MIT
// MarginLab JS boundary for accounts (scenario version 3, marginlab/account.h; marginlab-full only):
// plain objects in, a plain object with `errors` (empty on success) out. `options` is an object or
// undefined: { explain: true } adds the steps; without it no answer carries a `steps` key.
#pragma once

#include <emscripten/val.h>

#include "marginlab/account_fields.h"
#include "marginlab/venue_pm_fields.h"
#include "value_writer.h"

namespace mljs {

// The account's input structs: an absent optional stays absent when written, as the scenario's.
template <> inline constexpr bool kInput<marginlab::Account> = true;
template <> inline constexpr bool kInput<marginlab::CollateralBalance> = true;
template <> inline constexpr bool kInput<marginlab::Underlying> = true;
template <> inline constexpr bool kInput<marginlab::AccountFuture> = true;
template <> inline constexpr bool kInput<marginlab::AccountOption> = true;
template <> inline constexpr bool kInput<marginlab::AccountRequest> = true;
template <> inline constexpr bool kInput<marginlab::MarginByVenueRequest> = true;
template <> inline constexpr bool kInput<marginlab::SpanParams> = true;
template <> inline constexpr bool kInput<marginlab::SpanTier> = true;
template <> inline constexpr bool kInput<marginlab::SpanIntraSpread> = true;
template <> inline constexpr bool kInput<marginlab::SpanInterSpread> = true;
template <> inline constexpr bool kInput<marginlab::CollateralBand> = true;
template <> inline constexpr bool kInput<marginlab::CollateralTiers> = true;
template <> inline constexpr bool kInput<marginlab::AccountRules> = true;
template <> inline constexpr bool kInput<marginlab::BoundaryAxis> = true;
template <> inline constexpr bool kInput<marginlab::BoundaryRequest> = true;
template <> inline constexpr bool kInput<marginlab::VenueReverseRequest> = true;
template <> inline constexpr bool kInput<marginlab::NewLeg> = true;

/// account.h toAccount: (scenario version 1 or 2, options) -> { errors, account? }; the scenario's own
/// errors (conversion and core) at its paths, the account only without them.
emscripten::val toAccount(const emscripten::val& scenario, const emscripten::val& options);
/// account.h evaluateAccount: (account, request or undefined, options) -> { errors, report?,
/// optionsResult?, account, steps? }.
emscripten::val evaluateAccount(const emscripten::val& account, const emscripten::val& request,
                                const emscripten::val& options);
/// venue_pm.h marginByVenue: (account, request or undefined, options) -> { errors, venues?, steps? };
/// a venue without rules for the account is { venue, kind, supported: false, reason }.
emscripten::val marginByVenue(const emscripten::val& account, const emscripten::val& request,
                              const emscripten::val& options);
/// (account, { x: { asset, from, to }, y, n }, options) -> { errors, xs, ys, headroom, lines, today,
/// todayHeadroom, nearest?, distance?, steps? }: the liquidation boundary in two moves.
emscripten::val accountBoundary(const emscripten::val& account, const emscripten::val& request, const emscripten::val& options);
/// venue_pm_reverse.h venueReverse: (account, request or undefined, options) -> { errors, venues?, steps? }:
/// per marginByVenue row, a new leg's largest size and the liquidating moves.
emscripten::val venueReverse(const emscripten::val& account, const emscripten::val& request, const emscripten::val& options);
/// venue_pm_params.h: (venue) -> PmParameterSet[], every dated set of a venue, oldest first (data).
emscripten::val pmParameterSets(const emscripten::val& venue);
/// venue_pm_params.h pmParameterDiff: (venue, dateA, dateB, options) -> { errors, venue, setA, setB, changes, steps? }.
emscripten::val pmParameterDiff(const emscripten::val& venue, const emscripten::val& dateA, const emscripten::val& dateB,
                                const emscripten::val& options);
/// ({ unverified }?) -> AccountRules[]: the shipped venue rule sets, dated and sourced.
emscripten::val accountVenues(const emscripten::val& options);

}  // namespace mljs
