// A self-signed X.509 certificate for the emulator's HTTPS listener, encoded here in DER and signed
// with node:crypto. The structure is RFC 5280's (https://www.rfc-editor.org/rfc/rfc5280#section-4.1)
// with the four extensions the emulator's certificate has always had: a CA (so that a client can
// trust it directly), its key usages, serverAuth, and its names. A library did this before, and
// loading its PKI stack took some 80 ms of every start on a new data folder (bench/README.md,
// round 5), for a structure of a few hundred bytes.

import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** A DER element: tag, definite length, content (X.690, section 8.1). */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const length = body.length;
  const header =
    length < 0x80 ? [tag, length]
    : length < 0x100 ? [tag, 0x81, length]
    : [tag, 0x82, length >> 8, length & 0xff];
  return Buffer.concat([Buffer.from(header), body]);
}

const sequence = (...content: Buffer[]) => der(0x30, ...content);
const set = (...content: Buffer[]) => der(0x31, ...content);
const octetString = (content: Buffer) => der(0x04, content);
const utf8String = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const TRUE = der(0x01, Buffer.from([0xff]));

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) base128.unshift((value & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280, section 4.1.2.5). */
function time(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(text.slice(2), 'ascii')) : der(0x18, Buffer.from(text, 'ascii'));
}

/** An IP address as the iPAddress name carries it: 4 or 16 bytes in network order. */
export function ipBytes(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!isIPv6(address)) throw new Error(`'${address}' is not an IP address`);
  // The URL parser writes an IPv6 address in hexadecimal words only (an IPv4 tail included).
  const text = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = '', tail] = text.split('::');
  const words = (part: string) => (part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)));
  const front = words(head);
  const back = tail === undefined ? [] : words(tail);
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = Buffer.alloc(16);
  all.forEach((word, i) => bytes.writeUInt16BE(word, i * 2));
  return bytes;
}

/** Whether a certificate name is an IP address (an iPAddress name) rather than a host name. */
export const isIp = (name: string) => isIPv4(name) || isIPv6(name);

/** dNSName is [2] IA5String, iPAddress [7] OCTET STRING, both implicit (RFC 5280, section 4.2.1.6). */
const generalName = (name: string) => (isIp(name) ? der(0x87, ipBytes(name)) : der(0x82, Buffer.from(name, 'ascii')));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [TRUE] : []), octetString(value));
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

/** PEM text of a DER document. */
function pem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * A new P-256 key and a certificate for `names` (host names and IP addresses; the first is the
 * common name), valid from `notBefore` to `notAfter`, signed with ECDSA-SHA256 by its own key.
 */
export function selfSignedCertificate(names: readonly string[], notBefore: Date, notAfter: Date): { cert: string; key: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const serial = randomBytes(16);
  // Positive (RFC 5280, section 4.1.2.2) and minimally encoded (DER: no leading zero byte).
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8String(names[0] ?? 'localhost'))));
  const extensions = sequence(
    extension('2.5.29.19', true, sequence(TRUE)), // basicConstraints: cA
    // keyUsage: digitalSignature (bit 0), keyEncipherment (2), keyCertSign (5); two unused bits.
    extension('2.5.29.15', true, der(0x03, Buffer.from([0x02, 0xa4]))),
    extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
    extension('2.5.29.17', false, sequence(...names.map(generalName))), // subjectAltName
  );
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([0x02]))), // [0] version: v3
    der(0x02, serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, extensions), // [3] extensions
  );
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA-Sig-Value
  const certificate = sequence(tbs, ECDSA_WITH_SHA256, der(0x03, Buffer.from([0x00]), signature));
  return { cert: pem('CERTIFICATE', certificate), key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
