// SPDX-License-Identifier: MIT
// MarginLab: the scenario's entry check. After it, kernels assume valid input and never check.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "marginlab/check.h"
#include "marginlab/errors.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Every input error in the scenario at once, each with the path of the field to fix.
/// Checks ranges, enum consistency, tier tables (given or default), and leverage against the
/// tier at the entry notional.
std::vector<InputError> validate(const Scenario& scenario);

/// The error at `path` for a symbol no table serves: tierOtherContract when the profile ships one for
/// the symbol's other contract (its caps are in the other unit), tierMissing otherwise.
void failNoTable(Checker& c, const std::string& path, Rules rules, std::string_view symbol, Contract contract);

}  // namespace marginlab
