// SPDX-License-Identifier: MIT
// MarginLab (internal): appending a tool's step with its kind and the numbers and names it mentions;
// the one helper of the risk lab's and the options account's explanation passes.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/report.h"

namespace marginlab::detail {

/// Appends a step of kind `code` (a stable id: "adjust.quantity.add") that explains `field`, with
/// the numbers and names it mentions by name (`params`), so a page or a translation can phrase it
/// without parsing the text.
inline Step& add(std::vector<Step>& steps, std::string_view code, std::string field, std::string label,
                 std::string formula, std::string substituted, std::optional<double> value,
                 std::initializer_list<Param> params = {}) {
  Step& s = steps.emplace_back();
  s.field = std::move(field);
  s.label = std::move(label);
  s.formula = std::move(formula);
  s.substituted = std::move(substituted);
  s.value = value;
  s.code = std::string(code);
  s.params.assign(params.begin(), params.end());
  return s;
}
/// The same with the parameters gathered in a list.
inline Step& add(std::vector<Step>& steps, std::string_view code, std::string field, std::string label,
                 std::string formula, std::string substituted, std::optional<double> value, std::vector<Param> params) {
  Step& s = add(steps, code, std::move(field), std::move(label), std::move(formula), std::move(substituted), value);
  s.params = std::move(params);
  return s;
}
/// The same with the code and the parameters first, as the odds and the engine write their steps.
inline void codedStep(std::vector<Step>& steps, std::string_view code, std::initializer_list<Param> params,
                      std::string field, std::string label, std::string formula, std::string substituted,
                      std::optional<double> value) {
  add(steps, code, std::move(field), std::move(label), std::move(formula), std::move(substituted), value, params);
}

}  // namespace marginlab::detail
