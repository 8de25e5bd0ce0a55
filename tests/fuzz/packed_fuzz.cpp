// SPDX-License-Identifier: MIT
// libFuzzer target for the JS boundary's packed path (wasm/packed.cpp, built natively): the slots
// transfer.js writes, read back by walking fields(). The first byte picks the input:
//   0  raw slots: kind bytes and values of any shape, text of any bytes (what a bug in transfer.js, or
//      a hostile caller of the exported function, could hand over);
//   1  a Scenario decoded with encode.h (the scenario fuzzer's format; its seeds work with this byte in
//      front), packed as transfer.js packs it (Packer below walks fields() too), then some slots changed;
//   2  raw slots read as a liquidation batch's request.
// Invariants: no crash, leak or undefined behaviour (ASan, UBSan); every error carries its table rule's
// code, a message and a well-formed path; a packed scenario that reads without errors packs back to
// the same slots; reading into a scenario kept from the input before gives what a fresh one gives.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "encode.h"
#include "marginlab/fields.h"
#include "packed.h"

using namespace marginlab;
using mljs::Kind;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "invariant failed: %s\n", what.c_str());
  std::abort();
}
void require(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

/// Packs as transfer.js does (mljsPackScenario): the root's kind, then fields() in order.
struct Packer {
  std::vector<double> values;
  std::vector<std::uint8_t> kinds;
  std::string text;

  void slot(Kind k, double v) {
    kinds.push_back(static_cast<std::uint8_t>(k));
    values.push_back(v);
  }
  void string(std::string_view s, bool any = false) {
    if (s.size() > kMaxTextLength && !any) return slot(Kind::LongString, static_cast<double>(s.size()));
    text.append(s);
    slot(Kind::String, static_cast<double>(s.size()));
  }
  template <class... Tags>
  void operator()(std::string_view, const double& x, Tags...) { slot(Kind::Number, x); }
  void operator()(std::string_view, const std::optional<double>& x) { x ? slot(Kind::Number, *x) : slot(Kind::Undefined, 0); }
  template <class... Tags>
  void operator()(std::string_view, const int& x, Tags...) { slot(Kind::Number, x); }
  template <class... Tags>
  void operator()(std::string_view, const std::string& s, Tags...) { string(s); }
  template <NamedEnum E, class... Tags>
  void operator()(std::string_view, const E& e, Tags...) { string(enumNames(e)[static_cast<std::size_t>(e)]); }
  template <NamedEnum E>
  void operator()(std::string_view, const std::optional<E>& e) { e ? (*this)({}, *e) : slot(Kind::Undefined, 0); }
  template <Described T, class... Tags>
  void operator()(std::string_view, const std::vector<T>& list, Tags...) {
    slot(Kind::Array, static_cast<double>(list.size()));
    const std::size_t limit = std::is_same_v<T, Tier> ? kMaxTierRows : kMaxPositions;
    if (list.size() > limit) return;
    for (const T& x : list) {
      slot(Kind::Object, 0);
      fields(*this, x);
    }
  }
  void operator()(std::string_view, const std::map<std::string, TierTable, std::less<>>& tables, Limit limit) {
    if (tables.empty()) return slot(Kind::Undefined, 0);
    slot(Kind::Object, static_cast<double>(tables.size()));
    if (tables.size() > limit.entries) return;
    for (const auto& [symbol, rows] : tables) {
      string(symbol, true);
      (*this)({}, rows);
    }
  }

  mljs::Packed packed() const { return {values.data(), kinds.data(), values.size(), text.data(), text.size()}; }
  bool operator==(const Packer& o) const {
    return kinds == o.kinds && text == o.text && values.size() == o.values.size() &&
           std::memcmp(values.data(), o.values.data(), values.size() * sizeof(double)) == 0;
  }
};

Packer pack(const Scenario& s) {
  Packer p;
  p.slot(Kind::Object, 0);
  fields(p, s);
  return p;
}

/// Raw slots: per slot a kind byte (any value, kinds past the last included) and a value: a small
/// integer, a special value, or 8 raw bytes; the text is the input's tail after a length byte.
Packer rawSlots(mlfuzz::Reader& in, std::size_t size) {
  Packer p;
  std::size_t textLength = 0;
  in.size(textLength);
  textLength = std::min(textLength, size);
  for (std::size_t i = 0; i < textLength; ++i) p.text.push_back(static_cast<char>(in.byte()));
  while (in.consumed() < size && p.values.size() < 4096) {
    const std::uint8_t kind = in.byte() % (mljs::kKinds + 2);
    double v = 0;
    const std::uint8_t tag = in.byte();
    if (tag < 0xC0) v = tag % 72;  // counts and lengths around the limits' small cases
    else if (tag < 0xF0) v = mlfuzz::specials()[tag % mlfuzz::specials().size()];
    else if (tag == 0xF0) v = 1001;
    else if (tag == 0xF1) v = 201;
    else if (tag == 0xF2) v = 65;
    else in.raw(&v, sizeof v);
    p.kinds.push_back(kind);
    p.values.push_back(v);
  }
  return p;
}

void checkErrors(const std::vector<InputError>& errors, const char* where) {
  for (const InputError& e : errors) {
    require(!e.message.empty(), std::string(where) + ": an error without a message at " + e.path);
    if (!e.rule.empty()) require(messageFor(e.rule) != nullptr && messageFor(e.rule)->code == e.code,
                                 std::string(where) + ": rule " + e.rule + " and its code");
    // A path: names joined by '.', indices in brackets; a tier table's key may hold anything.
    if (e.path.rfind("tiers.", 0) == 0 || e.path.rfind("request.", 0) == 0) continue;
    for (std::size_t i = 0; i < e.path.size(); ++i) {
      const char c = e.path[i];
      require(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '[' || c == ']',
              std::string(where) + ": a path character in " + e.path);
    }
  }
}

bool sameErrors(const std::vector<InputError>& a, const std::vector<InputError>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].path != b[i].path || a[i].code != b[i].code || a[i].message != b[i].message) return false;
  return true;
}

/// A scenario read into memory an earlier input left (what the wasm module does from call to call).
Scenario& kept() {
  static Scenario s;
  return s;
}

void checkScenario(const Packer& input) {
  const mljs::Packed in = input.packed();
  Scenario fresh;
  const std::vector<InputError> errors = mljs::readScenario(in, fresh);
  checkErrors(errors, "readScenario");
  const std::vector<InputError> again = mljs::readScenario(in, kept());
  require(sameErrors(errors, again), "readScenario into a kept scenario: the same errors");
  if (!errors.empty()) return;
  require(pack(kept()) == pack(fresh), "readScenario into a kept scenario: the same scenario");
  const Packer back = pack(fresh);
  require(mljs::readScenario(back.packed(), fresh).empty(), "a scenario read packs back to slots that read");
  require(pack(fresh) == back, "pack, read, pack: the same slots");
  checkErrors(validate(fresh), "validate");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  mlfuzz::Reader in(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      checkScenario(rawSlots(in, size - 1));
      break;
    case 1: {
      Scenario s;
      mlfuzz::scenarioSchema(in, s);
      Packer p = pack(s);
      // Some slots changed: a kind, or a value (a count, a length) moved.
      while (in.consumed() + 1 < size - 1 && !p.values.empty()) {
        const std::size_t at = (in.byte() * 256u + in.byte()) % p.values.size();
        if (in.byte() & 1) p.kinds[at] = in.byte() % (mljs::kKinds + 2);
        else p.values[at] += static_cast<std::int8_t>(in.byte());
      }
      checkScenario(p);
      break;
    }
    default: {
      const Packer p = rawSlots(in, size - 1);
      const auto request = mljs::readBatchRequest(p.packed());
      checkErrors(request.errors, "readBatchRequest");
      require(request.value.has_value() == request.errors.empty(), "readBatchRequest: a value iff no errors");
      break;
    }
  }
  // The numbers of a valid scenario's report fit the room writeNumbers gives them.
  if (data[0] == 1 && size < 400) {
    Scenario s;
    mlfuzz::Reader again(data + 1, size - 1);
    mlfuzz::scenarioSchema(again, s);
    if (s.positions.size() <= mlfuzz::kFuzzPositions && validate(s).empty()) {
      const Report r = evaluate(s);
      mljs::Buffer<double> out;
      mljs::writeNumbers(r, out);
      require(out.size() > 0 && out.size() <= out.capacity(), "writeNumbers: within its room");
    }
  }
  return 0;
}
