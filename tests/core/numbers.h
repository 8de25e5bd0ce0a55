// SPDX-License-Identifier: MIT
// Every number of a described struct (marginlab/fields.h), in the order of its fields(), with presence
// flags and list sizes, so that two answers compare number by number (tests/core, tests/fuzz). Steps
// are left out: explain() adds them and must change no other number.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "marginlab/fields.h"

namespace mltest {

struct Numbers {
  std::vector<double> out;
  template <class T, class... Tags>
  void operator()(std::string_view, const T& x, Tags...) { add(x); }
  template <class T>
  void add(const T& x) {
    using marginlab::Param;
    if constexpr (std::is_same_v<T, bool> || std::is_arithmetic_v<T>) out.push_back(static_cast<double>(x));
    else if constexpr (std::is_same_v<T, std::vector<Param>> || std::is_same_v<T, std::vector<marginlab::Step>> ||
                       std::is_same_v<T, std::string> || std::is_enum_v<T>)
      return;
    else if constexpr (marginlab::Described<T>) fields(*this, x);
    else if constexpr (requires { x.has_value(); }) {
      out.push_back(x ? 1 : 0);
      if (x) add(*x);
    } else if constexpr (requires { x.size(); x.begin(); }) {
      out.push_back(static_cast<double>(x.size()));
      for (const auto& e : x) add(e);
    }
  }
};

template <class T>
std::vector<double> numbersOf(const T& x) {
  Numbers n;
  n.add(x);
  return n.out;
}

}  // namespace mltest
