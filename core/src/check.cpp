// SPDX-License-Identifier: MIT
// MarginLab: the checks every validator shares, writing the rows of the one message table (messages.h).
#include "marginlab/check.h"

#include <algorithm>
#include <cmath>

#include "marginlab/format.h"

namespace marginlab {

namespace {

void appendValue(std::string& out, const Param& p) {
  if (const double* x = std::get_if<double>(&p.value)) out += formatNumber(*x);
  else out += std::get<std::string>(p.value);
}

// Not inlined: one copy, not one per call site (marginlab.wasm is built for size).
[[gnu::noinline]] Param num(std::string_view name, double x) { return {std::string(name), x}; }

}  // namespace

const Message* messageFor(std::string_view rule) noexcept {
  for (const Message* m : msg::kAll)
    if (m->rule == rule) return m;
  return nullptr;
}

std::string formatMessage(std::string_view path, const Message& message, std::initializer_list<Param> params) {
  std::string out;
  const std::string_view text = message.text;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '{') {
      const std::size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        const std::string_view name = text.substr(i + 1, close - i - 1);
        if (name == "path") {
          out += path;
          i = close + 1;
          continue;
        }
        const auto it = std::find_if(params.begin(), params.end(), [&](const Param& p) { return p.name == name; });
        if (it != params.end()) appendValue(out, *it);
        i = close + 1;  // an absent optional parameter ("{hint}") reads as nothing
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

void Checker::fail(std::string path, Rule rule, std::initializer_list<Param> params) {
  const Message& m = rule.message();
  InputError e;
  e.message = formatMessage(path, m, params);
  e.path = std::move(path);
  e.code = m.code;
  e.rule = std::string(m.rule);
  e.params.assign(params.begin(), params.end());
  errors.push_back(std::move(e));
}

void Checker::merge(std::vector<InputError> more) {
  errors.insert(errors.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

bool Checker::finite(const std::string& path, double x) {
  if (isValidNumber(x)) return true;
  fail(path, "notFinite");
  return false;
}

bool Checker::positive(const std::string& path, double x) {
  if (isValidPositive(x)) return true;
  if (!isValidNumber(x)) fail(path, "notFinite");
  else if (!(x > 0)) fail(path, "mustBePositive", {num("value", x)});
  else fail(path, "magnitude", {num("value", x), num("low", kMinMagnitude), num("high", kMaxMagnitude)});
  return false;
}

bool Checker::nonNegative(const std::string& path, double x) {
  if (isValidNonNegative(x)) return true;
  if (!isValidNumber(x)) fail(path, "notFinite");
  else if (x < 0) fail(path, "mustBeNonNegative", {num("value", x)});
  else fail(path, "zeroOrMagnitude", {num("value", x), num("low", kMinMagnitude), num("high", kMaxMagnitude)});
  return false;
}

bool Checker::between(const std::string& path, double x, double low, double high, std::string_view hint) {
  if (!isValidNumber(x)) return fail(path, "notFinite"), false;
  if (x >= low && x <= high) return true;
  if (hint.empty()) fail(path, "between", {num("value", x), num("low", low), num("high", high)});
  else
    fail(path, "between",
         {num("value", x), num("low", low), num("high", high), Param{"hint", " (" + std::string(hint) + ")"}});
  return false;
}

bool Checker::atMost(const std::string& path, double x, double limit) {
  if (!isValidNumber(x)) return fail(path, "notFinite"), false;
  if (x <= limit) return true;
  fail(path, "atMost", {num("value", x), num("limit", limit)});
  return false;
}

bool Checker::atLeast(const std::string& path, double x, double limit) {
  if (!isValidNumber(x)) return fail(path, "notFinite"), false;
  if (x >= limit) return true;
  fail(path, "atLeast", {num("value", x), num("limit", limit)});
  return false;
}

bool Checker::whole(const std::string& path, double x, double low, double high) {
  if (!isValidNumber(x)) return fail(path, "notFinite"), false;
  if (x >= low && x <= high && std::floor(x) == x) return true;
  fail(path, "whole", {num("value", x), num("low", low), num("high", high)});
  return false;
}

bool Checker::listSize(const std::string& path, std::size_t size, std::size_t limit, std::string_view item) {
  if (size == 0) return fail(path, "empty", {Param{"item", std::string(item)}}), false;
  if (size <= limit) return true;
  fail(path, "tooMany", {num("count", static_cast<double>(size)), num("limit", static_cast<double>(limit))});
  return false;
}

bool checkPositive(std::vector<InputError>& errors, const std::string& path, double x) {
  if (isValidPositive(x)) return true;
  Checker c;
  c.positive(path, x);
  errors.insert(errors.end(), std::make_move_iterator(c.errors.begin()), std::make_move_iterator(c.errors.end()));
  return false;
}

}  // namespace marginlab
