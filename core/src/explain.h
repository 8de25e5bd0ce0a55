// SPDX-License-Identifier: MIT
// MarginLab (internal): writing explanation steps, shared by every kernel that reports them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "marginlab/format.h"
#include "marginlab/report.h"

namespace marginlab::detail {

/// A number as the steps print it ("%.10g").
inline std::string n(double x) { return formatNumber(x); }
/// The same, in parentheses when negative, for use inside a formula.
inline std::string sn(double x) { return x < 0 ? "(" + formatNumber(x) + ")" : formatNumber(x); }

/// Appends one step: the field it explains, plain words, the formula, the numbers, the value.
inline void add(std::vector<Step>& steps, std::string field, std::string label, std::string formula,
                std::string substituted, std::optional<double> value) {
  steps.push_back({std::move(field), std::move(label), std::move(formula), std::move(substituted), value});
}

}  // namespace marginlab::detail
