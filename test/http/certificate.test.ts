// The certificate the emulator makes for itself (server/x509.ts), read back by node:crypto's X.509
// parser: a CA of its own key, every name in it, the key that signed it, and the dates as given.

import { createPrivateKey, X509Certificate } from 'node:crypto';
import t from 'tap';
import { ipBytes, selfSignedCertificate } from '../../server/x509.js';

t.test('a self-signed CA certificate for the names given, signed by the key that comes with it', async (t) => {
  const names = ['localhost', '127.0.0.1', '::1', 'patch-emulator', 'fd00::10'];
  const { cert, key } = selfSignedCertificate(names, new Date('2026-01-02T03:04:05Z'), new Date('2028-04-05T06:07:08Z'));
  const certificate = new X509Certificate(cert);
  t.equal(certificate.subject, 'CN=localhost');
  t.equal(certificate.issuer, 'CN=localhost');
  t.ok(certificate.ca, 'a CA, so that a client can trust it directly');
  t.ok(certificate.verify(certificate.publicKey), 'signed by its own key');
  t.ok(certificate.checkPrivateKey(createPrivateKey(key)), 'the key given with it');
  t.same(certificate.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'serverAuth');
  t.equal(certificate.checkHost('localhost'), 'localhost');
  t.equal(certificate.checkHost('patch-emulator'), 'patch-emulator');
  t.equal(certificate.checkHost('example.com'), undefined, 'no other name');
  t.equal(certificate.checkIP('127.0.0.1'), '127.0.0.1');
  t.equal(certificate.checkIP('::1'), '::1');
  t.equal(certificate.checkIP('fd00::10'), 'fd00::10');
  t.equal(certificate.checkIP('10.0.0.1'), undefined);
  t.equal(new Date(certificate.validFrom).toISOString(), '2026-01-02T03:04:05.000Z');
  t.equal(new Date(certificate.validTo).toISOString(), '2028-04-05T06:07:08.000Z');
  t.ok(certificate.raw.includes(Buffer.from('06082a8648ce3d040302', 'hex')), 'signed with ECDSA-SHA256 (its OID is in the certificate)');
});

t.test('dates from 2050 on are GeneralizedTime, and still read back', async (t) => {
  const { cert } = selfSignedCertificate(['localhost'], new Date('2049-12-31T23:59:59Z'), new Date('2050-01-01T00:00:00Z'));
  const certificate = new X509Certificate(cert);
  t.equal(new Date(certificate.validFrom).toISOString(), '2049-12-31T23:59:59.000Z');
  t.equal(new Date(certificate.validTo).toISOString(), '2050-01-01T00:00:00.000Z');
});

t.test('every certificate parses: its serial number is minimally encoded whatever its random bytes', async (t) => {
  // A leading zero byte is not DER, and OpenSSL refuses the certificate ("illegal padding").
  for (let i = 0; i < 300; i++) {
    const { cert } = selfSignedCertificate(['localhost'], new Date(), new Date(Date.now() + 1000));
    const serial = new X509Certificate(cert).serialNumber;
    if (!/^[4-7][0-9A-F]/.test(serial)) t.fail(`serial ${serial}`);
  }
  t.pass('300 certificates read back');
});

t.test('two certificates never share a key or a serial number', async (t) => {
  const [a, b] = [0, 1].map(() => new X509Certificate(selfSignedCertificate(['localhost'], new Date(), new Date(Date.now() + 1000)).cert));
  t.not(a!.serialNumber, b!.serialNumber);
  t.not(a!.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'), b!.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'));
});

t.test('IP addresses in the bytes of an iPAddress name', async (t) => {
  const hex = (address: string) => ipBytes(address).toString('hex');
  t.equal(hex('127.0.0.1'), '7f000001');
  t.equal(hex('::1'), '00000000000000000000000000000001');
  t.equal(hex('::'), '00000000000000000000000000000000');
  t.equal(hex('fe80::1'), 'fe800000000000000000000000000001');
  t.equal(hex('1:2:3:4:5:6:7:8'), '00010002000300040005000600070008');
  t.equal(hex('2001:db8::8:800:200c:417a'), '20010db80000000000080800200c417a');
  t.equal(hex('::ffff:1.2.3.4'), '00000000000000000000ffff01020304');
  t.throws(() => ipBytes('localhost'));
});
