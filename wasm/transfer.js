// SPDX-License-Identifier: MIT
// MarginLab JS boundary, the JS half of transfer.h (an Emscripten --js-library): plain objects
// cross in one call each way instead of one Embind call per property. No formula lives here.
mergeInto(LibraryManager.library, {
  $mljsDecoder: '=new TextDecoder()',
  // What a JS value is, in the order of mljs::Kind (transfer.h): typeName() prints these.
  $mljsKinds: "=['undefined', 'null', 'number', 'string', 'boolean', 'object', 'array', 'function', 'bigint', 'symbol']",
  $mljsKeys: '=new Map()',  // key text by the address of its C string literal (mljsKey)

  // One value as mljs::Field: out[0] its kind, out[1] its number (numbers) or length (strings,
  // arrays), out[2] a new handle to it (strings, objects, arrays, functions) or 0. A string of
  // up to 64 characters goes instead into the scratch bytes [scratch[0], scratch[1]) when they
  // have room: out[2] is then -1 - (offset * 256 + its UTF-8 length).
  $mljsDescribe__deps: ['$Emval', '$mljsKinds'],
  $mljsDescribe: function(value, out, scratch) {
    var kind = value === null ? 1 : Array.isArray(value) ? 6 : mljsKinds.indexOf(typeof value);
    HEAPF64[out] = kind;
    HEAPF64[out + 1] = kind === 2 ? value : kind === 3 || kind === 6 ? value.length : kind === 4 ? +value : 0;
    if (kind === 3 && scratch && value.length <= 64 && scratch[1] - scratch[0] > 3 * value.length) {
      var length = stringToUTF8Array(value, HEAPU8, scratch[0], 3 * value.length + 1);
      HEAPF64[out + 2] = -1 - (scratch[0] * 256 + length);
      scratch[0] += length;
    } else {
      HEAPF64[out + 2] = kind === 3 || kind === 5 || kind === 6 || kind === 7 ? Emval.toHandle(value) : 0;
    }
  },

  // One value (a handle) as mljsDescribe writes it, at `out`.
  mljs_describe__deps: ['$Emval', '$mljsDescribe'],
  mljs_describe: function(handle, out) {
    mljsDescribe(Emval.toValue(handle), out >> 3);
  },

  // The text of a key: the C string literal at `address`, read once.
  $mljsKey__deps: ['$mljsKeys'],
  $mljsKey: function(address) {
    var key = mljsKeys.get(address);
    if (key === undefined) mljsKeys.set(address, key = UTF8ToString(address));
    return key;
  },

  // object[key] for `count` keys (addresses of C string literals at `keys`), or, when keys is 0,
  // object[0 .. count): three doubles per value at `out` (mljsDescribe), short strings in the
  // bytes [scratch, scratchEnd).
  mljs_read__deps: ['$Emval', '$mljsDescribe', '$mljsKey'],
  mljs_read: function(handle, keys, count, out, scratch, scratchEnd) {
    var object = Emval.toValue(handle), room = [scratch, scratchEnd];
    out >>= 3;
    for (var i = 0; i < count; i++, out += 3) {
      mljsDescribe(object[keys ? mljsKey(HEAPU32[(keys >> 2) + i]) : i], out, room);
    }
  },

  // array[0 .. count), each followed by its `keyCount` fields when it is a plain object: per
  // element 3 * (1 + keyCount) doubles at `out`, its kind first (no handle), then the fields.
  mljs_read_table__deps: ['$Emval', '$mljsDescribe', '$mljsKey', '$mljsKinds'],
  mljs_read_table: function(handle, keys, keyCount, count, out, scratch, scratchEnd) {
    var array = Emval.toValue(handle), room = [scratch, scratchEnd];
    out >>= 3;
    for (var i = 0; i < count; i++) {
      var row = array[i];
      var kind = row === null ? 1 : Array.isArray(row) ? 6 : mljsKinds.indexOf(typeof row);
      HEAPF64[out] = kind;
      out += 3;
      for (var k = 0; k < keyCount; k++, out += 3) {
        if (kind === 5) mljsDescribe(row[mljsKey(HEAPU32[(keys >> 2) + k])], out, room);
        else HEAPF64[out] = HEAPF64[out + 2] = 0;
      }
    }
  },

  // A value written by mljs::JsWriter: `ops` one byte per item (transfer.cpp), numbers at
  // `numbers`, strings in `text` (UTF-8, each ended by a zero byte; a step's text may instead
  // be the number of one sent before), strings that hold a zero byte in `raw` (their lengths
  // among the numbers). Returns a handle to the value.
  // A text sent before, by its number among the numbers: i >= 0, the text i of this value; i < 0, the
  // name -1 - i (mljsNames), which the first value that uses it also sends as its next text.
  $mljsNames: '=[]',
  mljs_decode__deps: ['$Emval', '$mljsDecoder', '$mljsNames'],
  mljs_decode: function(ops, numbers, text, textLength, raw) {
    var bytes = HEAPU8, doubles = HEAPF64;
    var strings = textLength ? mljsDecoder.decode(bytes.subarray(text, text + textLength)).split('\0') : [];
    var n = numbers >> 3, s = 0, keys = [];
    function ref(i) {
      if (i >= 0) return strings[i];
      var name = mljsNames[-1 - i];
      return name !== undefined ? name : (mljsNames[-1 - i] = strings[s++]);
    }
    function value(op) {
      switch (op) {
        case 3: return doubles[n++];
        case 4: return null;
        case 5: return strings[s++];
        case 6: return true;
        case 7: return false;
        case 9: return mljsDecoder.decode(bytes.subarray(raw, raw += doubles[n++]));
        case 1: {
          var object = {};
          for (var k; (k = bytes[ops++]) !== 0;) {
            var key = k === 10 ? (keys[keys.length] = strings[s++]) : k === 12 ? strings[s++]
              : k === 13 ? ref(doubles[n++])
              : k === 11 ? mljsDecoder.decode(bytes.subarray(raw, raw += doubles[n++])) : keys[k - 16];
            var op = bytes[ops++];
            object[key] = op === 3 ? doubles[n++] : value(op);  // a number, the usual value, without a call
          }
          return object;
        }
        case 2: {
          var array = [];
          for (var a; (a = bytes[ops++]) !== 0;) array.push(value(a));
          return array;
        }
        case 8: {
          var steps = [];
          for (var p; (p = bytes[ops++]) !== 0;) {
            if (p === 1) {  // a step with a zero byte in a text, written as any object
              steps.push(value(1));
              continue;
            }
            var field = p & 2 ? ref(doubles[n++]) : strings[s++];
            var code = p & 4 ? ref(doubles[n++]) : strings[s++];
            var label = p & 8 ? ref(doubles[n++]) : strings[s++];
            var formula = p & 16 ? ref(doubles[n++]) : strings[s++];
            var substituted = p & 32 ? ref(doubles[n++]) : strings[s++];
            var stepValue = p & 1 ? doubles[n++] : null;
            steps.push({ field: field, code: code, label: label, formula: formula, substituted: substituted,
              value: stepValue, params: value(bytes[ops++]) });
          }
          return steps;
        }
      }
    }
    return Emval.toHandle(value(bytes[ops++]));
  },

  // ---- JS values handed over by plain exported functions (transfer.h handOver) ---------------------
  $mljsHeld: '=undefined',
  mljs_hand__deps: ['$Emval', '$mljsHeld'],
  mljs_hand: function(handle) {
    mljsHeld = Emval.toValue(handle);
  },
  $mljsTake__deps: ['$mljsHeld'],
  $mljsTake: function() {
    var held = mljsHeld;
    mljsHeld = undefined;
    return held;
  },

  // ---- the packed scenario (packed.h): one slot per field, in the order of fields() ---------------
  // Where the slots go (mljs_input's area: addresses, capacities and the readers' limits) and how many
  // slots (v) and text bytes (t) this packing has written.
  $mljsIn: '={ values: 0, kinds: 0, text: 0, slots: 0, textBytes: 0, maxPositions: 0, maxTables: 0, maxRows: 0, maxText: 0, v: 0, t: 0 }',

  // Room for `slots` more slots and `bytes` more bytes of text (mljsSlot checks each slot too; a list
  // asks for all of its slots at once).
  $mljsRoom__deps: ['$mljsIn'],
  $mljsRoom: function(slots, bytes) {
    var a = mljsIn;
    if (a.v + slots <= a.slots && a.t + bytes <= a.textBytes) return;
    var area = _mljs_input(a.v + slots, a.t + bytes) >> 2, u = HEAPU32;
    a.values = u[area] >> 3;
    a.kinds = u[area + 1];
    a.text = u[area + 2];
    a.slots = u[area + 3];
    a.textBytes = u[area + 4];
    a.maxPositions = u[area + 5];
    a.maxTables = u[area + 6];
    a.maxRows = u[area + 7];
    a.maxText = u[area + 8];
  },

  // mljs::Kind of a value.
  $mljsKind: function(x) {
    switch (typeof x) {
      case 'undefined': return 0;
      case 'number': return 2;
      case 'string': return 3;
      case 'boolean': return 4;
      case 'object': return x === null ? 1 : Array.isArray(x) ? 6 : 5;
      case 'function': return 7;
      case 'bigint': return 8;
      default: return 9;
    }
  },
  // One slot: a kind and a value.
  $mljsSlot__deps: ['$mljsIn', '$mljsRoom'],
  $mljsSlot: function(kind, value) {
    var a = mljsIn;
    if (a.v >= a.slots) mljsRoom(64, 0);
    var i = a.v++;
    HEAPU8[a.kinds + i] = kind;
    HEAPF64[a.values + i] = value;
  },
  // A number field: the number, or the kind of what is there instead.
  $mljsNumber__deps: ['$mljsSlot', '$mljsKind'],
  $mljsNumber: function(x) {
    if (typeof x === 'number') mljsSlot(2, x);
    else mljsSlot(mljsKind(x), 0);
  },
  // A string field: its UTF-8 bytes appended to the text, their count in the slot. A string longer than
  // maxText (in UTF-16 units) goes as its length only (kind 10), unless it is a key (`any`).
  $mljsText__deps: ['$mljsIn', '$mljsRoom', '$mljsSlot', '$mljsKind'],
  $mljsText: function(x, any) {
    if (typeof x !== 'string') return mljsSlot(mljsKind(x), 0);
    var a = mljsIn, n = x.length;
    if (n > a.maxText && !any) return mljsSlot(10, n);
    if (a.v >= a.slots || a.t + 3 * n + 1 > a.textBytes) mljsRoom(1, 3 * n + 1);
    var at = a.text + a.t, j = 0;
    for (var c; j < n && (c = x.charCodeAt(j)) < 128; j++) HEAPU8[at + j] = c;  // ASCII, the usual case
    if (j < n) j = stringToUTF8Array(x, HEAPU8, at, 3 * n + 1);
    a.t += j;
    mljsSlot(3, j);
  },
  // A list of objects: its length (more than `limit`: the length only), then per element its kind and,
  // for an object, its fields (`each`, `size` slots at most with the kind).
  $mljsList__deps: ['$mljsIn', '$mljsRoom', '$mljsSlot', '$mljsNumber', '$mljsKind'],
  $mljsList: function(x, limit, size, each) {
    if (!Array.isArray(x)) return mljsNumber(x);
    var n = x.length;
    mljsRoom(1 + (n <= limit ? n * size : 0), 0);
    mljsSlot(6, n);
    if (n > limit) return;
    for (var i = 0; i < n; i++) {
      var e = x[i], kind = mljsKind(e);
      mljsSlot(kind, 0);
      if (kind === 5) each(e);
    }
  },
  // fields(Position), fields(Tier), fields(Scenario) of marginlab/fields.h, in their order (a test
  // checks the names read against the module's describe()).
  $mljsPosition__deps: ['$mljsNumber', '$mljsText'],
  $mljsPosition: function(p) {
    mljsText(p.symbol);
    mljsText(p.contract);
    mljsNumber(p.contractSize);
    mljsText(p.side);
    mljsNumber(p.quantity);
    mljsNumber(p.entryPrice);
    mljsNumber(p.markPrice);
    mljsNumber(p.leverage);
    mljsText(p.marginMode);
    mljsNumber(p.isolatedMargin);
  },
  $mljsTier__deps: ['$mljsNumber'],
  $mljsTier: function(t) {
    mljsNumber(t.notionalCap);
    mljsNumber(t.maxLeverage);
    mljsNumber(t.maintenanceMarginRate);
    mljsNumber(t.maintenanceAmount);
  },
  // The tier tables: an object's key count (more than maxTables: the count only), then per key the
  // key and its list of rows.
  $mljsTiers__deps: ['$mljsIn', '$mljsRoom', '$mljsSlot', '$mljsKind', '$mljsText', '$mljsList', '$mljsTier'],
  $mljsTiers: function(tiers) {
    var kind = mljsKind(tiers);
    if (kind !== 5) return mljsSlot(kind, 0);
    var a = mljsIn, keys = Object.keys(tiers);
    mljsSlot(5, keys.length);
    if (keys.length > a.maxTables) return;
    for (var i = 0; i < keys.length; i++) {
      mljsRoom(2, 0);
      mljsText(keys[i], true);
      mljsList(tiers[keys[i]], a.maxRows, 5, mljsTier);  // an own key: its own value, "__proto__" too
    }
  },
  // Packs `scenario` from slot 0: its own kind first, then its fields. Returns the slots written.
  $mljsPackScenario__deps: ['$mljsIn', '$mljsRoom', '$mljsSlot', '$mljsKind', '$mljsNumber', '$mljsText', '$mljsList',
    '$mljsPosition', '$mljsTiers'],
  $mljsPackScenario: function(s) {
    var a = mljsIn;
    a.v = a.t = 0;
    mljsRoom(6, 0);
    var kind = mljsKind(s);
    mljsSlot(kind, 0);
    if (kind !== 5) return a.v;
    mljsNumber(s.version);
    mljsText(s.rules);
    mljsNumber(s.walletBalance);
    mljsNumber(s.takerFeeRate);
    mljsList(s.positions, a.maxPositions, 11, mljsPosition);
    mljsTiers(s.tiers);
    return a.v;
  },
  // For C++ (transfer.h packScenario): packs the scenario at `handle`; the text's size at textBytes.
  mljs_pack_scenario__deps: ['$Emval', '$mljsIn', '$mljsPackScenario'],
  mljs_pack_scenario: function(handle, textBytes) {
    var slots = mljsPackScenario(Emval.toValue(handle));
    HEAPU32[textBytes >> 2] = mljsIn.t;
    return slots;
  },

  // For C++ (transfer.h packBatchRequest): fields(BatchRequest), packed as mljs_pack_scenario packs.
  mljs_pack_batch__deps: ['$Emval', '$mljsIn', '$mljsRoom', '$mljsSlot', '$mljsKind', '$mljsNumber', '$mljsText', '$mljsList',
    '$mljsTier'],
  mljs_pack_batch: function(handle, textBytes) {
    var a = mljsIn, request = Emval.toValue(handle), kind = mljsKind(request);
    a.v = a.t = 0;
    mljsRoom(6, 0);
    mljsSlot(kind, 0);
    if (kind === 5) {
      mljsText(request.rules);
      mljsText(request.contract);
      mljsNumber(request.contractSize);
      mljsNumber(request.takerFeeRate);
      mljsList(request.tiers, a.maxRows, 5, mljsTier);
    }
    HEAPU32[textBytes >> 2] = a.t;
    return a.v;
  },

  // ---- a report's numbers (packed.h writeNumbers), decoded into evaluate's object -------------------
  // A NaN is an absent number (null); a list is its length, then its entries; an enum is its index.
  // fields() of marginlab/fields.h, in their order: a test checks the keys against describe() and the
  // numbers against the explain path's writer, which walks them. One function with a local index: the
  // objects are built from fixed offsets, with no call per number.
  $mljsModes: "=['isolated', 'cross']",
  $mljsOutcomes: "=['isolated', 'cross', 'asGiven']",  // a report's optional outcomes, in their order
  $mljsOr: function(x) {  // an absent number: NaN in, null out
    return x === x ? x : null;
  },
  // A short text of a report: its length, then each byte's code (packed.cpp NumberWriter). The last
  // one is kept: a settlement asset recurs from call to call, and is then not built again.
  $mljsLastText: "=''",
  $mljsShortText__deps: ['$mljsLastText'],
  $mljsShortText: function(f, i) {
    var n = f[i++], last = mljsLastText, same = n === last.length;
    for (var k = 0; same && k < n; k++) same = f[i + k] === last.charCodeAt(k);
    if (same) return last;
    var text = '';
    for (var j = 0; j < n; j++) text += String.fromCharCode(f[i + j]);
    return (mljsLastText = text);
  },
  $mljsReport__deps: ['$mljsModes', '$mljsOutcomes', '$mljsOr', '$mljsShortText'],
  $mljsReport: function(address) {
    var f = HEAPF64, i = address >> 3, report = {}, names = mljsOutcomes, or = mljsOr;
    for (var k = 0; k < 3; k++) {
      if (!f[i++]) continue;
      var positions = [];
      for (var n = f[i++]; n > 0; n--) {
        var boundaries = [], o = {
          mode: mljsModes[f[i]], liquidationPrice: or(f[i + 1]), bankruptcyPrice: or(f[i + 2]), notional: f[i + 3],
          initialMargin: f[i + 4], maintenanceMargin: f[i + 5], maintenanceMarginRate: f[i + 6], tier: f[i + 7],
          liquidationTier: or(f[i + 8]), unrealizedPnl: f[i + 9], roe: f[i + 10], margin: f[i + 11],
          marginRatio: or(f[i + 12]), distanceToLiquidation: or(f[i + 13]), maxLoss: f[i + 14],
          pastLiquidation: f[i + 15] === 1, pastBankruptcy: f[i + 16] === 1, tierBoundaries: boundaries };
        i += 17;
        for (var b = f[i++]; b > 0; b--, i += 3) boundaries.push({ price: f[i], notional: f[i + 1], tier: f[i + 2] });
        positions.push(o);
      }
      report[names[k]] = { positions: positions, account: { equity: f[i], maintenanceMargin: f[i + 1],
        marginRatio: or(f[i + 2]), availableBalance: f[i + 3], maxLoss: f[i + 4], pastLiquidation: f[i + 5] === 1 } };
      i += 6;
    }
    var comparisons = [];
    for (var c = f[i++]; c > 0; c--, i += 6) {
      comparisons.push({ position: f[i], isolatedDistance: or(f[i + 1]), crossDistance: or(f[i + 2]),
        distanceGain: or(f[i + 3]), isolatedMaxLoss: f[i + 4], crossMaxLoss: f[i + 5] });
    }
    report.comparisons = comparisons;
    report.settlementAsset = mljsShortText(f, i);
    report.errors = [];
    return report;
  },

  // evaluate: the scenario packed, one call, the numbers decoded (or, with errors or explain, the JS
  // value the call handed over). flags: 1 explain; 2 replay (bench: the call reads the scenario and
  // answers the last numbers again, without evaluating: what the boundary alone costs).
  // The wrapper calls it as core.mljsEvaluate.
  mljs_evaluate_js__deps: ['$mljsIn', '$mljsPackScenario', '$mljsReport', '$mljsTake'],
  mljs_evaluate_js__postset: "Module['mljsEvaluate'] = _mljs_evaluate_js;",
  mljs_evaluate_js: function(scenario, flags) {
    var slots = mljsPackScenario(scenario);
    var address = _mljs_evaluate(slots, mljsIn.t, flags);
    return address ? mljsReport(address) : mljsTake();
  },
});
