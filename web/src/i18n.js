// SPDX-License-Identifier: MIT
// The page's language: from ?lang= (BCP 47), else the browser's (navigator.languages), else
// English. English is the page as written; any other language loads its catalogue as a chunk of
// its own (web/src/i18n/translate.js), so an English page fetches nothing more.

/** The languages with a catalogue (web/src/i18n/<tag>.js), English first. */
export const LANGUAGES = ['en', 'zh-CN', 'es', 'ru', 'ja', 'ko', 'tr', 'vi'];
/** Right-to-left languages: none of ours yet; `dir` is set from here all the same. */
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

/** The catalogue language a BCP 47 tag asks for ('zh' and 'zh-Hans-CN' -> 'zh-CN', 'es-MX' -> 'es'), or null. */
export function supported(tag) {
  if (typeof tag !== 'string' || tag.length > 35) return null;
  const t = tag.trim().toLowerCase();
  const exact = LANGUAGES.find((l) => l.toLowerCase() === t);
  if (exact) return exact;
  const base = t.split('-')[0];
  if (base === 'zh') return /-(tw|hk|mo|hant)\b/.test(t) ? null : 'zh-CN';
  return LANGUAGES.find((l) => l === base) || null;
}

/** The page's language from the query's `lang`, then the browser's languages; 'en' when none is ours. */
export function chooseLanguage(search = location.search, preferred = typeof navigator === 'undefined' ? [] : navigator.languages || [navigator.language]) {
  const asked = new URLSearchParams(search).get('lang');
  if (asked !== null) return supported(asked) || 'en';
  for (const tag of preferred) {
    const l = supported(tag);
    if (l) return l;
  }
  return 'en';
}

/** The page's language, chosen when this module loads (before any field is written: form.js reads it). */
export const language = typeof location === 'undefined' ? 'en' : chooseLanguage();
/** The active catalogue's lookup, t(key, params) -> text or null; null while English (or loading). */
export let t = null;

/** Puts the page in its language: <html lang dir>, and for a language other than English, its catalogue (a chunk). */
export function startLanguage(setLocale, lang = language) {
  document.documentElement.lang = lang;
  document.documentElement.dir = RTL.has(lang.split('-')[0]) ? 'rtl' : 'ltr';
  if (lang === 'en') return Promise.resolve();
  setLocale(lang);
  return import('./i18n/translate.js').then((m) => m.start(lang)).then(useCatalogue);
}

/** Makes `lookup` the page's catalogue (startLanguage; tests give one directly). */
export function useCatalogue(lookup) {
  t = lookup;
}

/** A text drawn rather than written into the page (a chart's canvas): the catalogue's, else the English given. */
export function say(key, english, params) {
  return (t && t(key, params)) || english;
}
