// SPDX-License-Identifier: MIT
// MarginLab JS boundary: reading plain JS objects field by field, with a path-specific error for
// every wrong or missing field (shared by the scenario and the risk-lab request converters).
#pragma once

#include <emscripten/val.h>

#include <optional>
#include <string>
#include <vector>

#include "marginlab/errors.h"

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

class Reader {
 public:
  std::vector<InputError> errors;

  void add(std::string path, ErrorCode code, std::string message) {
    errors.push_back({std::move(path), code, std::move(message)});
  }

  /// A number field. Absent: std::nullopt (and a Missing error when required).
  std::optional<double> number(const val& obj, const char* key, const std::string& path, bool required) {
    const val v = obj[key];
    if (v.isUndefined() || (!required && v.isNull())) {
      if (required) add(path, ErrorCode::Missing, path + " is required");
      return std::nullopt;
    }
    if (!v.isNumber()) {
      add(path, ErrorCode::WrongType, path + " must be a number, not " + typeName(v));
      return std::nullopt;
    }
    return v.as<double>();
  }

  /// A string field. Absent: std::nullopt (and a Missing error when required).
  std::optional<std::string> string(const val& obj, const char* key, const std::string& path, bool required,
                                    std::size_t maxLength = 64) {
    const val v = obj[key];
    if (v.isUndefined() || (!required && v.isNull())) {
      if (required) add(path, ErrorCode::Missing, path + " is required");
      return std::nullopt;
    }
    if (!v.isString()) {
      add(path, ErrorCode::WrongType, path + " must be a string, not " + typeName(v));
      return std::nullopt;
    }
    if (v["length"].as<double>() > static_cast<double>(maxLength)) {
      add(path, ErrorCode::OutOfRange, path + " must be at most " + std::to_string(maxLength) + " characters");
      return std::nullopt;
    }
    return v.as<std::string>();
  }

  /// An enum string: parsed, or an UnknownValue error listing the accepted values.
  template <class E, class Parse>
  std::optional<E> choice(const val& obj, const char* key, const std::string& path, bool required, Parse parse,
                          const char* accepted) {
    const auto text = string(obj, key, path, required);
    if (!text) return std::nullopt;
    const auto value = parse(*text);
    if (!value) add(path, ErrorCode::UnknownValue, path + " (\"" + *text + "\") must be one of " + accepted);
    return value;
  }
};


}  // namespace mljs
