import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { foldText } from '../../src/crypto/blind-index/normalise.ts';

function assertFolds(rows: readonly (readonly [string, string])[]): void {
  for (const [input, expected] of rows) assert.equal(foldText(input), expected, JSON.stringify(input));
}

describe('foldText (ENC-3)', () => {
  test('ignores case, diacritics and surrounding or repeated whitespace', () => {
    assertFolds([
      ['  JOSÉ  maría ', 'jose maria'],
      ['José', 'jose'],
      ['Zoë', 'zoe'],
      ['Müller', 'muller'],
      ['François', 'francois'],
      ['Nguyễn', 'nguyen'],
      ['Çelik', 'celik'],
      ['Łukasz Øster', 'lukasz oster'],
      ['\tAnna\n\u00A0Maria\u2003', 'anna maria'],
    ]);
  });

  test('folds Turkish dotted and dotless i to i, German ß to ss and Greek final sigma to σ', () => {
    assertFolds([
      ['İSMAİL', 'ismail'],
      ['Işık', 'isik'],
      ['IŞIK', 'isik'],
      ['Straße', 'strasse'],
      ['STRAẞE', 'strasse'],
      ['ΟΔΥΣΣΕΥΣ', 'οδυσσευσ'],
      ['Οδυσσευς', 'οδυσσευσ'],
    ]);
  });

  test('applies compatibility normalisation (full-width, ligatures)', () => {
    assertFolds([
      ['ＡＨＭＥＤ', 'ahmed'],
      ['ﬁrdaus', 'firdaus'],
    ]);
  });

  test('removes harakat, shadda, tanwin, superscript alef and tatweel', () => {
    assertFolds([
      ['مُحَمَّد', 'محمد'],
      ['محـــمد', 'محمد'],
      ['رحمٰن', 'رحمن'],
      ['كتابٌ', 'كتاب'],
    ]);
  });

  test('unifies Arabic-script letter variants', () => {
    assertFolds([
      ['أحمد', 'احمد'],
      ['إبراهيم', 'ابراهيم'],
      ['آمنة', 'امنه'],
      ['ٱلله', 'الله'],
      ['مصطفى', 'مصطفي'],
      ['رحیمی', 'رحيمي'],
      ['کریم', 'كريم'],
      ['فاطمة', 'فاطمه'],
      ['مؤمن', 'مومن'],
      ['عائشة', 'عايشه'],
      ['اللہ', 'الله'],
    ]);
  });

  test('reads a word-initial ئ as a vowel seat (Kurdish), a medial one as yeh', () => {
    assertFolds([
      ['ئازاد', 'اازاد'],
      ['رائد', 'رايد'],
    ]);
  });

  test('writes Arabic-Indic and Persian digits as ASCII', () => {
    assertFolds([
      ['٠١٢٣٤٥٦٧٨٩', '0123456789'],
      ['۰۱۲۳۴۵۶۷۸۹', '0123456789'],
    ]);
  });

  test('turns punctuation and separators into single spaces', () => {
    assertFolds([
      ['Jean-Pierre', 'jean pierre'],
      ['al-Rahman', 'al rahman'],
      ['J.R.R. Tolkien', 'j r r tolkien'],
      ['Smith, John', 'smith john'],
      ['أحمد، محمد', 'احمد محمد'],
      ['Anna – Maria / Lena', 'anna maria lena'],
    ]);
  });

  test('removes apostrophes inside words instead of splitting them', () => {
    assertFolds([
      ["Sa'id", 'said'],
      ['Saʼid', 'said'],
      ['Sa’id', 'said'],
      ['ʿUmar', 'umar'],
      ['Gʻulom', 'gulom'],
      ["Мар'яна", 'маряна'],
      ["O'Brien", 'obrien'],
    ]);
  });

  test('removes zero-width and bidi characters', () => {
    assertFolds([
      ['مح\u200Cمد', 'محمد'],
      ['Mo\u200Bham\u200Dmed', 'mohammed'],
      ['\uFEFFAhmed', 'ahmed'],
      ['\u200F\u202Bعلي\u202C\u200E', 'علي'],
      ['Ah\u00ADmed', 'ahmed'],
    ]);
  });

  test('keeps Cyrillic й as a letter but drops the diaeresis of ё and ї', () => {
    assertFolds([
      ['Сергій', 'сергій'],
      ['Йосип', 'йосип'],
      ['Фёдор', 'федор'],
      ['Київ', 'киів'],
    ]);
  });

  test('gives an empty string for nothing but separators and invisible characters', () => {
    assertFolds([
      ['', ''],
      [' \u200C - ,. ', ''],
    ]);
  });
});
