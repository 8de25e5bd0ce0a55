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
    HEAPF64[out + 1] = kind === 2 ? value : kind === 3 || kind === 6 ? value.length : 0;
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
  mljs_decode__deps: ['$Emval', '$mljsDecoder'],
  mljs_decode: function(ops, numbers, text, textLength, raw) {
    var bytes = HEAPU8, doubles = HEAPF64;
    var strings = textLength ? mljsDecoder.decode(bytes.subarray(text, text + textLength)).split('\0') : [];
    var n = numbers >> 3, s = 0, keys = [];
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
              : k === 11 ? mljsDecoder.decode(bytes.subarray(raw, raw += doubles[n++])) : keys[k - 16];
            object[key] = value(bytes[ops++]);
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
            var field = p & 2 ? strings[doubles[n++]] : strings[s++];
            var label = p & 4 ? strings[doubles[n++]] : strings[s++];
            var formula = p & 8 ? strings[doubles[n++]] : strings[s++];
            var substituted = p & 16 ? strings[doubles[n++]] : strings[s++];
            steps.push({ field: field, label: label, formula: formula, substituted: substituted,
              value: p & 1 ? doubles[n++] : null });
          }
          return steps;
        }
      }
    }
    return Emval.toHandle(value(bytes[ops++]));
  },
});
