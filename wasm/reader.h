// SPDX-License-Identifier: MIT
// MarginLab JS boundary: reading plain JS objects field by field, with a path-specific error for
// every wrong or missing field (shared by the scenario and the risk-lab request converters).
#pragma once

#include <emscripten/val.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/errors.h"
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

/// True when `e` concerns a field that already has a conversion error in `conversion` (the same
/// path or one inside it): that field kept its default, so only its conversion error is shown.
inline bool shadowed(const InputError& e, const std::vector<InputError>& conversion) {
  for (const InputError& c : conversion) {
    if (e.path == c.path) return true;
    if (e.path.size() > c.path.size() && e.path.compare(0, c.path.size(), c.path) == 0 &&
        (e.path[c.path.size()] == '.' || e.path[c.path.size()] == '['))
      return true;
  }
  return false;
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

class Reader {
 public:
  std::vector<InputError> errors;

  void add(std::string path, ErrorCode code, std::string message) {
    errors.push_back({std::move(path), code, std::move(message)});
  }

  /// A number field. Absent: std::nullopt (and a Missing error when required).
  std::optional<double> number(const Field& v, const Path& path, bool required) {
    if (v.kind == Kind::Undefined || (!required && v.kind == Kind::Null)) {
      if (required) missing(path);
      return std::nullopt;
    }
    if (v.kind != Kind::Number) {
      const std::string p = path.str();
      add(p, ErrorCode::WrongType, p + " must be a number, not " + std::string(typeName(v)));
      return std::nullopt;
    }
    return v.number;
  }

  /// A string field. Absent: std::nullopt (and a Missing error when required).
  std::optional<std::string> string(const Field& v, const Path& path, bool required, std::size_t maxLength = 64) {
    if (v.kind == Kind::Undefined || (!required && v.kind == Kind::Null)) {
      if (required) missing(path);
      return std::nullopt;
    }
    if (v.kind != Kind::String) {
      const std::string p = path.str();
      add(p, ErrorCode::WrongType, p + " must be a string, not " + std::string(typeName(v)));
      return std::nullopt;
    }
    if (v.number > static_cast<double>(maxLength)) {  // its length
      const std::string p = path.str();
      add(p, ErrorCode::OutOfRange, p + " must be at most " + std::to_string(maxLength) + " characters");
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
    if (!value) {
      const std::string p = path.str();
      add(p, ErrorCode::UnknownValue, p + " (\"" + *text + "\") must be one of " + accepted);
    }
    return value;
  }

  /// The same, reading obj[key].
  std::optional<double> number(const val& obj, const char* key, const Path& path, bool required) {
    return number(fieldOf(obj[key]), path, required);
  }
  std::optional<std::string> string(const val& obj, const char* key, const Path& path, bool required,
                                    std::size_t maxLength = 64) {
    return string(fieldOf(obj[key]), path, required, maxLength);
  }
  template <class E, class Parse>
  std::optional<E> choice(const val& obj, const char* key, const Path& path, bool required, Parse parse,
                          const char* accepted) {
    return choice<E>(fieldOf(obj[key]), path, required, parse, accepted);
  }

 private:
  void missing(const Path& path) {
    std::string p = path.str();
    add(p, ErrorCode::Missing, p + " is required");
  }
};

}  // namespace mljs
