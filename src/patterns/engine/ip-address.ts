/**
 * IP addresses and CIDR blocks as event-ruler (`CIDR.java`) handles them.
 *
 * event-ruler turns an address into the upper-case hex spelling of its bytes (8 digits for IPv4, 32
 * for IPv6) and matches a CIDR block as a range over those hex strings. Text counts as an address when
 * it passes event-ruler's regular expressions and then Java's `InetAddress` literal parsing (decimal
 * dotted quads of at most 15 characters; IPv6 without embedded dots; an IPv4-mapped IPv6 address
 * becomes its IPv4 address).
 */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX = '0123456789ABCDEF';

/** Whether text has the shape event-ruler tries as an address (its two regular expressions). */
export function looksLikeIpAddress(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/** Java's `IPAddressUtil.textToNumericFormatV4` restricted to four dotted parts (shape already checked). */
function parseIpv4(text: string): number[] | undefined {
  if (text.length === 0 || text.length > 15) {
    return undefined;
  }
  const bytes: number[] = [0, 0, 0, 0];
  let part = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      bytes[part++] = value;
      value = 0;
    } else {
      value = value * 10 + (c - 0x30);
      if (value > 255) {
        return undefined;
      }
    }
  }
  bytes[part] = value;
  return bytes;
}

/** Java's `IPAddressUtil.textToNumericFormatV6` for text without dots or zone ids. */
function parseIpv6(text: string): number[] | undefined {
  if (text.length < 2) {
    return undefined;
  }
  const dst = new Array<number>(16).fill(0);
  let i = 0;
  if (text[0] === ':' && text[++i] !== ':') {
    return undefined;
  }
  let colonp = -1;
  let j = 0;
  let sawDigit = false;
  let val = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i++];
    const digit = parseInt(ch, 16);
    if (!Number.isNaN(digit)) {
      val = (val << 4) | digit;
      if (val > 0xffff) {
        return undefined;
      }
      sawDigit = true;
      continue;
    }
    if (ch !== ':') {
      return undefined;
    }
    if (!sawDigit) {
      if (colonp !== -1) {
        return undefined;
      }
      colonp = j;
      continue;
    } else if (i === n) {
      return undefined;
    }
    if (j + 2 > 16) {
      return undefined;
    }
    dst[j++] = (val >> 8) & 0xff;
    dst[j++] = val & 0xff;
    sawDigit = false;
    val = 0;
  }
  if (sawDigit) {
    if (j + 2 > 16) {
      return undefined;
    }
    dst[j++] = (val >> 8) & 0xff;
    dst[j++] = val & 0xff;
  }
  if (colonp !== -1) {
    const moved = j - colonp;
    if (j === 16) {
      return undefined;
    }
    for (let k = 1; k <= moved; k++) {
      dst[16 - k] = dst[colonp + moved - k];
      dst[colonp + moved - k] = 0;
    }
    j = 16;
  }
  if (j !== 16) {
    return undefined;
  }
  // Java hands back an Inet4Address for an IPv4-mapped IPv6 address.
  if (dst.slice(0, 10).every((b) => b === 0) && dst[10] === 0xff && dst[11] === 0xff) {
    return dst.slice(12);
  }
  return dst;
}

/** The address bytes, or undefined when event-ruler would not accept the text as an address. */
export function parseIpAddress(text: string): number[] | undefined {
  if (IPV4_SHAPE.test(text)) {
    return parseIpv4(text);
  }
  if (IPV6_SHAPE.test(text)) {
    return parseIpv6(text);
  }
  return undefined;
}

function toHex(bytes: number[]): string {
  let s = '';
  for (const b of bytes) {
    s += HEX[(b >> 4) & 0xf] + HEX[b & 0xf];
  }
  return s;
}

/** Hex spelling of an address (event-ruler's `ipToString`), or undefined if not an address. */
export function ipAddressToHex(text: string): string | undefined {
  const bytes = parseIpAddress(text);
  return bytes ? toHex(bytes) : undefined;
}

/** Position of an upper-case hex digit in `HEX`, or -1 (event-ruler's range transitions exist only for these). */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) {
    return c - 0x30;
  }
  if (c >= 0x41 && c <= 0x46) {
    return c - 0x41 + 10;
  }
  return -1;
}

/**
 * A range over hex address strings, matched the way event-ruler's byte machine walks a range: bytes
 * common to both bounds must be equal, and as soon as a byte falls strictly inside the bounds the
 * value matches, whatever follows. (So an IPv4 value can match an IPv6 block and the other way round,
 * when their leading hex digits fit; event-ruler behaves so.) The machine has transitions only for the
 * digits 0-9 and A-F, so any other byte ends the walk without a match: a number such as `0e-0` never
 * falls in `0.0.0.0/0`.
 */
export class HexRange {
  constructor(
    readonly bottom: string,
    readonly openBottom: boolean,
    readonly top: string,
    readonly openTop: boolean) {}

  public contains(value: string): boolean {
    const b = this.bottom;
    const t = this.top;
    const last = b.length - 1;
    let i = 0;
    while (i <= last && b.charCodeAt(i) === t.charCodeAt(i)) {
      if (value.charCodeAt(i) !== b.charCodeAt(i)) {
        return false;
      }
      i++;
    }
    if (i > last || i >= value.length) {
      return false;
    }
    const c = value.charCodeAt(i);
    const bc = b.charCodeAt(i);
    const tc = t.charCodeAt(i);
    const digit = hexDigit(c);
    if (digit < 0) {
      return false;
    }
    if (digit > hexDigit(bc) && digit < hexDigit(tc)) {
      return true;
    }
    if (i === last) {
      return (c === bc && !this.openBottom) || (c === tc && !this.openTop);
    }
    if (c === bc) {
      return this.followBound(value, i + 1, b, true, this.openBottom);
    }
    if (c === tc) {
      return this.followBound(value, i + 1, t, false, this.openTop);
    }
    return false;
  }

  private followBound(value: string, from: number, bound: string, isBottom: boolean, open: boolean): boolean {
    const last = bound.length - 1;
    for (let i = from; i <= last; i++) {
      if (i >= value.length) {
        return false;
      }
      const c = value.charCodeAt(i);
      const bc = bound.charCodeAt(i);
      const digit = hexDigit(c);
      if (digit < 0) {
        return false;
      }
      if (isBottom ? digit > hexDigit(bc) : digit < hexDigit(bc)) {
        return true;
      }
      if (c !== bc) {
        return false;
      }
      if (i === last) {
        return !open;
      }
    }
    return !open;
  }
}

/** The single-address range event-ruler builds for a plain pattern string that is an address. */
export function exactAddressRange(text: string): HexRange | undefined {
  const hex = ipAddressToHex(text);
  if (hex === undefined) {
    return undefined;
  }
  const lastIndex = hex.length - 1;
  const lastChar = hex[lastIndex];
  const head = hex.substring(0, lastIndex);
  if (lastChar === 'F') {
    return new HexRange(head + 'E', true, hex, false);
  }
  const next = lastChar === '9' ? 'A' : HEX[HEX.indexOf(lastChar) + 1];
  return new HexRange(hex, false, head + next, true);
}

/** Parse a CIDR block; throws an Error with event-ruler's message when it is malformed. */
export function parseCidr(text: string): HexRange {
  // Java's String.split drops trailing empty strings.
  const slashed = text.split('/');
  while (slashed.length > 0 && slashed[slashed.length - 1] === '') {
    slashed.pop();
  }
  if (slashed.length !== 2) {
    throw new Error("Malformed CIDR, one '/' required");
  }
  const maskText = slashed[1];
  if (!/^[+-]?[0-9]+$/.test(maskText) || !Number.isSafeInteger(Number(maskText)) || Math.abs(Number(maskText)) > 2147483647) {
    throw new Error('Malformed CIDR, mask bits must be an integer');
  }
  const maskBits = Number(maskText);
  if (maskBits < 0) {
    throw new Error('Malformed CIDR, mask bits must not be negative');
  }
  const address = slashed[0];
  let bytes: number[] | undefined = [];
  if (looksLikeIpAddress(address)) {
    bytes = parseIpAddress(address);
    if (!bytes) {
      throw new Error(`Invalid IP address: ${address}`);
    }
  }
  if (bytes.length !== 4 && bytes.length !== 16) {
    throw new Error(`Nonstandard IP address: ${address}`);
  }
  if (bytes.length === 4 && maskBits > 31) {
    throw new Error('IPv4 mask bits must be < 32');
  }
  if (bytes.length === 16 && maskBits > 127) {
    throw new Error('IPv6 mask bits must be < 128');
  }
  let variable = bytes.length * 8 - maskBits;
  const low: number[] = new Array(bytes.length);
  const high: number[] = new Array(bytes.length);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (variable > 0) {
      const bits = Math.min(8, variable);
      const trailing = (1 << bits) - 1;
      low[i] = bytes[i] & ~trailing & 0xff;
      high[i] = bytes[i] | trailing;
    } else {
      low[i] = bytes[i];
      high[i] = bytes[i];
    }
    variable -= 8;
  }
  return new HexRange(toHex(low), false, toHex(high), false);
}
