import { describe, expect, it } from 'vitest';
import { countSegments, isGsm7 } from '../../src/core/messaging/segments.js';

describe('countSegments', () => {
  it('counts the empty string as 0 segments', () => {
    expect(countSegments('')).toMatchObject({ encoding: 'GSM-7', characters: 0, segments: 0 });
  });

  it('fits 160 GSM-7 characters in one segment and splits 161 into two', () => {
    expect(countSegments('a'.repeat(160))).toEqual({
      encoding: 'GSM-7',
      characters: 160,
      segments: 1,
      perSegment: 160,
    });
    expect(countSegments('a'.repeat(161))).toEqual({
      encoding: 'GSM-7',
      characters: 161,
      segments: 2,
      perSegment: 153,
    });
  });

  it('uses 153 septets per concatenated GSM-7 segment', () => {
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('treats the GSM-7 basic set (accents, Greek, @, £, newline) as one septet each', () => {
    const text = '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà\n\r';
    expect(isGsm7(text)).toBe(true);
    expect(countSegments(text)).toMatchObject({ encoding: 'GSM-7', characters: text.length });
  });

  it('counts extension characters as two septets', () => {
    expect(countSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', characters: 160, segments: 1 });
    expect(countSegments('€'.repeat(81))).toMatchObject({ encoding: 'GSM-7', characters: 162, segments: 2 });
    for (const char of ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f']) {
      expect(countSegments(char).characters).toBe(2);
    }
  });

  it('never splits an escape sequence across concatenated segments', () => {
    // 152 septets then a 2-septet '€': the '€' cannot start in segment 1's last septet.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(countSegments(text)).toMatchObject({ characters: 306, segments: 3 });
    expect(countSegments(`${'a'.repeat(151)}€${'a'.repeat(153)}`).segments).toBe(2);
  });

  it('switches the whole message to UCS-2 for ₦', () => {
    const text = `Your balance is ₦5,000. ${'a'.repeat(100)}`;
    expect(isGsm7(text)).toBe(false);
    expect(countSegments('₦')).toEqual({ encoding: 'UCS-2', characters: 1, segments: 1, perSegment: 70 });
    expect(countSegments(text)).toMatchObject({ encoding: 'UCS-2', characters: text.length, segments: 2 });
  });

  it('fits 70 UCS-2 characters in one segment, 71 in two, 67 per concatenated segment', () => {
    expect(countSegments(`₦${'a'.repeat(69)}`)).toEqual({
      encoding: 'UCS-2',
      characters: 70,
      segments: 1,
      perSegment: 70,
    });
    expect(countSegments(`₦${'a'.repeat(70)}`)).toEqual({
      encoding: 'UCS-2',
      characters: 71,
      segments: 2,
      perSegment: 67,
    });
    expect(countSegments(`₦${'a'.repeat(133)}`).segments).toBe(2);
    expect(countSegments(`₦${'a'.repeat(134)}`).segments).toBe(3);
  });

  it('counts an emoji as two UTF-16 code units', () => {
    expect(countSegments('😀')).toEqual({ encoding: 'UCS-2', characters: 2, segments: 1, perSegment: 70 });
    expect(countSegments(`😀${'a'.repeat(68)}`)).toMatchObject({ characters: 70, segments: 1 });
    expect(countSegments(`😀${'a'.repeat(69)}`)).toMatchObject({ characters: 71, segments: 2 });
  });

  it('never splits a surrogate pair across concatenated segments', () => {
    const text = `${'a'.repeat(66)}😀${'a'.repeat(66)}`; // 134 units, but the emoji cannot straddle
    expect(countSegments(text)).toMatchObject({ encoding: 'UCS-2', characters: 134, segments: 3 });
  });

  it('treats Yoruba diacritics as UCS-2', () => {
    const text = 'Ẹ kú àárọ̀';
    expect(countSegments(text)).toMatchObject({ encoding: 'UCS-2', characters: text.length, segments: 1 });
  });

  it('treats characters that merely look like GSM (curly quote, ç, ESC) as UCS-2', () => {
    expect(countSegments('it’s').encoding).toBe('UCS-2');
    expect(countSegments('ç').encoding).toBe('UCS-2');
    expect(countSegments('\u001b').encoding).toBe('UCS-2');
  });
});
