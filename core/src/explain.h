// SPDX-License-Identifier: MIT
// MarginLab (internal): writing explanation steps, shared by every kernel that reports them.
#pragma once

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "marginlab/format.h"
#include "marginlab/report.h"
#include "model.h"

namespace marginlab::detail {

/// A number as the steps print it ("%.10g").
inline std::string n(double x) { return formatNumber(x); }
/// The same, in parentheses when negative, for use inside a formula.
inline std::string sn(double x) { return x < 0 ? "(" + formatNumber(x) + ")" : formatNumber(x); }

/// n(x) or sn(x) without allocating: the text lives in the object, for cat() and append().
class Num {
 public:
  /// `parenthesized`: "(-2)" for a negative number, as sn() writes it.
  explicit Num(double x, bool parenthesized = false) noexcept {
    char* p = text_;
    const bool wrap = parenthesized && x < 0;
    if (wrap) *p++ = '(';
    p = formatNumber(x, p);
    if (wrap) *p++ = ')';
    size_ = static_cast<unsigned char>(p - text_);
  }
  [[nodiscard]] const char* data() const noexcept { return text_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  operator std::string_view() const noexcept { return {text_, size_}; }  // NOLINT: a text piece

 private:
  char text_[kNumberChars + 2];
  unsigned char size_;
};
inline Num num(double x) noexcept { return Num(x); }
inline Num snum(double x) noexcept { return Num(x, true); }

/// One piece of step text (by reference): a literal (its length known when compiled), a string,
/// a string_view or a Num. \warning An array of char is taken as a literal: all of it but the
/// last char, so pass a char buffer as a string_view.
class Text {
 public:
  template <std::size_t N>
  constexpr Text(const char (&literal)[N]) noexcept : data_(literal), size_(N - 1) {}  // NOLINT
  template <class T, std::enable_if_t<std::is_same_v<T, const char*>, int> = 0>
  Text(T text) noexcept : data_(text), size_(std::strlen(text)) {}  // NOLINT
  Text(std::string_view text) noexcept : data_(text.data()), size_(text.size()) {}  // NOLINT
  Text(const std::string& text) noexcept : data_(text.data()), size_(text.size()) {}  // NOLINT
  Text(const Num& number) noexcept : data_(number.data()), size_(number.size()) {}  // NOLINT
  [[nodiscard]] const char* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  const char* data_;
  std::size_t size_;
};

/// Appends the pieces to `out`: joined on the stack, then appended in one call, because the
/// size-optimised wasm build does not inline the string's members (each is a call).
inline void appendAll(std::string& out, std::initializer_list<Text> pieces) {
  std::size_t size = 0;
  for (const Text& piece : pieces) size += piece.size();
  char buffer[512];
  if (size > sizeof buffer) {  // rare: one append per piece
    out.reserve(out.size() + size);
    for (const Text& piece : pieces) out.append(piece.data(), piece.size());
    return;
  }
  char* p = buffer;
  for (const Text& piece : pieces) {
    std::memcpy(p, piece.data(), piece.size());
    p += piece.size();
  }
  out.append(buffer, size);
}
/// The pieces joined in one allocation.
template <class... Pieces>
std::string cat(const Pieces&... pieces) {
  std::string out;
  appendAll(out, {Text(pieces)...});
  return out;
}
/// The pieces appended to `out`.
template <class... Pieces>
void append(std::string& out, const Pieces&... pieces) {
  appendAll(out, {Text(pieces)...});
}

/// Text put together piece by piece on the stack (on the heap past 1 KB), then copied into a
/// string once: appending to a std::string piece by piece costs a call per piece in wasm.
class TextBuilder {
 public:
  TextBuilder() = default;
  TextBuilder(const TextBuilder&) = delete;
  TextBuilder& operator=(const TextBuilder&) = delete;

  template <class... Pieces>
  TextBuilder& add(const Pieces&... pieces) {
    (put(Text(pieces)), ...);
    return *this;
  }
  TextBuilder& add(char c) {
    if (size_ == sizeof stack_) spill();
    if (heap_.empty()) stack_[size_++] = c;
    else heap_ += c;
    return *this;
  }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0 && heap_.empty(); }
  /// Replaces `out` with the text.
  void copyTo(std::string& out) const {
    if (heap_.empty()) out.assign(stack_, size_);
    else out = heap_;
  }

 private:
  void put(Text t) {
    if (heap_.empty() && size_ + t.size() <= sizeof stack_) {
      std::memcpy(stack_ + size_, t.data(), t.size());
      size_ += t.size();
      return;
    }
    if (heap_.empty()) spill();
    heap_.append(t.data(), t.size());
  }
  void spill() {
    heap_.reserve(2 * sizeof stack_);
    heap_.assign(stack_, size_);
    size_ = 0;
  }

  char stack_[1024];
  std::size_t size_ = 0;
  std::string heap_;  ///< the whole text once it outgrew the stack
};

/// Appends a step with its field, value, label and formula, copied in place; the caller
/// writes `substituted` (and the label, when built) into the step returned, before adding
/// another step.
inline Step& addStep(std::vector<Step>& steps, Text field, std::optional<double> value, Text label = "",
                     Text formula = "") {
  Step& step = steps.emplace_back();
  step.field.assign(field.data(), field.size());
  step.label.assign(label.data(), label.size());
  step.formula.assign(formula.data(), formula.size());
  step.value = value;
  return step;
}

/// A number a step shows, by name.
struct NumberParam {
  std::string_view name;
  double value;
};

/// Appends parameters to a step, built in place (no temporary Param); `room`: how many more follow.
inline void addParams(Step& step, std::initializer_list<NumberParam> list, std::size_t room = 0) {
  step.params.reserve(step.params.size() + list.size() + room);
  for (const NumberParam& p : list) {
    Param& q = step.params.emplace_back();
    q.name.assign(p.name.data(), p.name.size());
    q.value = p.value;
  }
}
inline void addParam(Step& step, std::string_view name, double x) { addParams(step, {{name, x}}); }
inline void addParam(Step& step, std::string_view name, std::string_view text) {
  Param& q = step.params.emplace_back();
  q.name.assign(name.data(), name.size());
  q.value = std::string(text);
}
/// A number named "name[index]" (one per position of a sum).
inline void addParam(Step& step, std::string_view name, std::size_t index, double x) {
  char buffer[64];
  const std::size_t size = std::min(name.size(), sizeof buffer - 24);
  std::memcpy(buffer, name.data(), size);
  char* p = buffer + size;
  *p++ = '[';
  char digits[20];
  std::size_t count = 0;
  do digits[count++] = static_cast<char>('0' + index % 10);
  while ((index /= 10) != 0);
  while (count > 0) *p++ = digits[--count];
  *p++ = ']';
  addParams(step, {{std::string_view(buffer, static_cast<std::size_t>(p - buffer)), x}});
}

/// Appends the steps of a crossing that solveCrossing(model, group, e0, withMaintenance, &trace)
/// found: one per piece walked (formula, substitution, candidate), then why there is no price or
/// why it is the mark. `e0Symbol` names e0 in the formula ("M", "M'", "E0", "E0b"); `field` is the
/// steps' field ("liquidationPrice", "bankruptcyPrice"). Codes: "<field>.tier" (at-price
/// maintenance, one piece), "<field>.entryTier" (maintenance on the entry value), "<field>.solve"
/// (no maintenance: bankruptcy), "<field>.alreadyPast", "<field>.none".
void appendCrossingSteps(std::vector<Step>& steps, const Model& model, std::span<const Leg* const> group, double e0,
                         std::string_view e0Symbol, bool withMaintenance, std::string_view field,
                         const CrossingTrace& trace);

/// A crossing with its steps, for a tool whose own steps show the walk (funding).
struct ExplainedCrossing : Crossing {
  std::vector<Step> trace;
};
ExplainedCrossing explainedCrossing(const Model& model, std::span<const Leg* const> group, double e0,
                                    std::string_view e0Symbol, bool withMaintenance, std::string_view field);

}  // namespace marginlab::detail
