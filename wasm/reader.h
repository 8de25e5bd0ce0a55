// SPDX-License-Identifier: MIT
// MarginLab JS boundary: reading plain JS objects field by field, with a path-specific error for
// every wrong or missing field (shared by the scenario and the risk-lab request converters).
#pragma once

#include <emscripten/val.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/check.h"
#include "marginlab/errors.h"
#include "marginlab/fields.h"
#include "transfer.h"

namespace mljs {

using emscripten::val;
using marginlab::ErrorCode;
using marginlab::InputError;

/// Array.isArray(v).
inline bool isArray(const val& v) { return val::global("Array").call<bool>("isArray", v); }

inline bool isObject(const val& v) {
  return v.typeOf().as<std::string>() == "object" && !v.isNull() && !isArray(v);
}

inline std::string typeName(const val& v) {
  if (v.isNull()) return "null";
  if (isArray(v)) return "array";
  return v.typeOf().as<std::string>();
}

/// A field's path, built only for an error message: "positions", 1 and "leverage" give
/// "positions[1].leverage". \warning It refers to the text it is given: build it in the call.
class Path {
 public:
  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);
  Path(const std::string& whole) : head_(whole) {}  // NOLINT: any path text
  Path(const char* whole) : head_(whole) {}         // NOLINT
  Path(std::string_view head, std::string_view name) : head_(head), name_(name) {}
  Path(std::string_view head, std::size_t index, std::string_view name = {})
      : head_(head), name_(name), index_(index) {}
  [[nodiscard]] std::string str() const {
    std::string out(head_);
    if (index_ != kNoIndex) out += "[" + std::to_string(index_) + "]";
    if (!name_.empty()) {
      if (!out.empty()) out += '.';
      out += name_;
    }
    return out;
  }

 private:
  std::string_view head_, name_;
  std::size_t index_ = kNoIndex;
};

/// Reads request fields from JS values; every problem goes to `errors` with its path, as a row of the
/// message table (messages.h).
class Reader {
 public:
  std::vector<InputError> errors;

  /// The error of a message-table rule.
  void fail(std::string path, marginlab::Rule rule, std::initializer_list<marginlab::Param> params = {}) {
    marginlab::Checker c;
    c.fail(std::move(path), rule, params);
    errors.push_back(std::move(c.errors.front()));
  }

  /// A number field. Absent: std::nullopt (and a Missing error when required).
  std::optional<double> number(const Field& v, const Path& path, bool required) {
    if (v.kind == Kind::Undefined || (!required && v.kind == Kind::Null)) {
      if (required) fail(path.str(), "missing");
      return std::nullopt;
    }
    if (v.kind != Kind::Number) {
      wrongType(path, "a number", typeName(v));
      return std::nullopt;
    }
    return v.number;
  }

  /// A string field. Absent: std::nullopt (and a Missing error when required).
  std::optional<std::string> string(const Field& v, const Path& path, bool required,
                                    std::size_t maxLength = marginlab::kMaxTextLength) {
    if (v.kind == Kind::Undefined || (!required && v.kind == Kind::Null)) {
      if (required) fail(path.str(), "missing");
      return std::nullopt;
    }
    if (v.kind != Kind::String) {
      wrongType(path, "a string", typeName(v));
      return std::nullopt;
    }
    if (v.number > static_cast<double>(maxLength)) {  // its length
      fail(path.str(), "tooLongText", {{"limit", static_cast<double>(maxLength)}});
      return std::nullopt;
    }
    return v.string();
  }

  /// An enum string: parsed, or an UnknownValue error listing the accepted values.
  template <class E, class Parse>
  std::optional<E> choice(const Field& v, const Path& path, bool required, Parse parse, const char* accepted) {
    const auto text = string(v, path, required);
    if (!text) return std::nullopt;
    const auto value = parse(*text);
    if (!value)
      fail(path.str(), "unknownValue", {{"value", *text}, {"accepted", std::string(accepted)}});
    return value;
  }

  /// The same, reading obj[key].
  std::optional<double> number(const val& obj, const char* key, const Path& path, bool required) {
    return number(fieldOf(obj[key]), path, required);
  }
  std::optional<std::string> string(const val& obj, const char* key, const Path& path, bool required,
                                    std::size_t maxLength = marginlab::kMaxTextLength) {
    return string(fieldOf(obj[key]), path, required, maxLength);
  }
  template <class E, class Parse>
  std::optional<E> choice(const val& obj, const char* key, const Path& path, bool required, Parse parse,
                          const char* accepted) {
    return choice<E>(fieldOf(obj[key]), path, required, parse, accepted);
  }

 private:
  void wrongType(const Path& path, std::string_view expected, std::string_view actual) {
    fail(path.str(), "wrongType", {{"expected", std::string(expected)}, {"actual", std::string(actual)}});
  }
};

}  // namespace mljs
