// SPDX-License-Identifier: MIT
// MarginLab: the scenario's entry check. After it, kernels assume valid input and never check.
#pragma once

#include <vector>

#include "marginlab/check.h"
#include "marginlab/errors.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Every input error in the scenario at once, each with the path of the field to fix.
/// Checks ranges, enum consistency, tier tables (given or default), and leverage against the
/// tier at the entry notional.
std::vector<InputError> validate(const Scenario& scenario);

}  // namespace marginlab
