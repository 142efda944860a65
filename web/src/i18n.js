// The page's language: Indonesian by default, English on request, remembered in this browser.
// Static texts carry data-i18n* attributes and are refreshed here; panels that build their own
// texts subscribe with onChange() and render again.
import {strings} from './strings.js';

const STORAGE_KEY = 'sasaran.lang';
const LANGUAGES = ['id', 'en'];
const listeners = [];
let current = readStoredLanguage();

function readStoredLanguage() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(stored) ? stored : 'id';
  } catch {
    return 'id';  // storage refused (private mode): the default
  }
}

export function language() {
  return current;
}

/** The text for `key` in the current language, with `{name}` filled from `values`. */
export function t(key, values = {}) {
  const text = strings[current][key] ?? strings.id[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Fills the data-i18n (text), data-i18n-label (aria-label) and data-i18n-placeholder marks. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.documentElement.lang = current;
  document.title = t('page.title');
}

export function setLanguage(lang) {
  if (!LANGUAGES.includes(lang) || lang === current) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered; the switch still applies to this page
  }
  applyStatic();
  for (const listener of listeners) listener(lang);
}

export function toggleLanguage() {
  setLanguage(current === 'id' ? 'en' : 'id');
}

export function onChange(listener) {
  listeners.push(listener);
}

/** A date and time in the page's language. */
export function formatDateTime(value) {
  return new Intl.DateTimeFormat(current === 'id' ? 'id-ID' : 'en-GB', {dateStyle: 'long', timeStyle: 'short'}).format(value);
}

/** A number in the page's language (1.234 in Indonesian, 1,234 in English). */
export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(current === 'id' ? 'id-ID' : 'en-GB', options).format(value);
}

export function formatPercent(ratio) {
  return formatNumber(ratio, {style: 'percent', maximumFractionDigits: 1});
}

export function formatDistance(metres) {
  return metres < 1000
    ? t('distance.m', {value: formatNumber(Math.round(metres))})
    : t('distance.km', {value: formatNumber(metres / 1000, {maximumFractionDigits: 1})});
}

export function formatRupiah(amount) {
  return 'Rp ' + formatNumber(amount);
}
