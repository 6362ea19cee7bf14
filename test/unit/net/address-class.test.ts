// Every address class, at its edges: the first and last address of each range and the neighbours
// just outside it, in IPv4, IPv6, v4-mapped, NAT64, 6to4 and Teredo spellings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyAddress,
  isPublicAddress,
  type AddressClass,
} from '../../../app/policy/address-class.ts';

const TABLE: [string, AddressClass][] = [
  // unspecified and "this network"
  ['0.0.0.0', 'unspecified'],
  ['0.0.0.1', 'reserved'],
  ['0.255.255.255', 'reserved'],
  ['1.0.0.0', 'public'],
  // loopback
  ['126.255.255.255', 'public'],
  ['127.0.0.0', 'loopback'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.255', 'loopback'],
  ['128.0.0.0', 'public'],
  // RFC 1918
  ['9.255.255.255', 'public'],
  ['10.0.0.0', 'private'],
  ['10.255.255.255', 'private'],
  ['11.0.0.0', 'public'],
  ['172.15.255.255', 'public'],
  ['172.16.0.0', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.0', 'public'],
  ['192.167.255.255', 'public'],
  ['192.168.0.0', 'private'],
  ['192.168.255.255', 'private'],
  ['192.169.0.0', 'public'],
  // link-local and the metadata address inside it
  ['169.253.255.255', 'public'],
  ['169.254.0.0', 'link-local'],
  ['169.254.169.253', 'link-local'],
  ['169.254.169.254', 'cloud-metadata'],
  ['169.254.169.255', 'link-local'],
  ['169.254.255.255', 'link-local'],
  ['169.255.0.0', 'public'],
  // carrier-grade NAT and Alibaba's metadata address inside it
  ['100.63.255.255', 'public'],
  ['100.64.0.0', 'carrier-grade-nat'],
  ['100.100.100.199', 'carrier-grade-nat'],
  ['100.100.100.200', 'cloud-metadata'],
  ['100.127.255.255', 'carrier-grade-nat'],
  ['100.128.0.0', 'public'],
  // IETF protocol assignments and Oracle's metadata address inside them
  ['191.255.255.255', 'public'],
  ['192.0.0.0', 'reserved'],
  ['192.0.0.192', 'cloud-metadata'],
  ['192.0.0.255', 'reserved'],
  ['192.0.1.0', 'public'],
  ['168.63.129.16', 'cloud-metadata'],
  ['168.63.129.17', 'public'],
  // documentation
  ['192.0.2.0', 'documentation'],
  ['192.0.2.255', 'documentation'],
  ['192.0.3.0', 'public'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.255', 'documentation'],
  ['203.0.114.0', 'public'],
  ['192.88.99.1', 'reserved'],
  // benchmarking
  ['198.17.255.255', 'public'],
  ['198.18.0.0', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.20.0.0', 'public'],
  // multicast, reserved, broadcast
  ['223.255.255.255', 'public'],
  ['224.0.0.0', 'multicast'],
  ['239.255.255.255', 'multicast'],
  ['240.0.0.0', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['8.8.8.8', 'public'],
  // IPv6
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['::2', 'reserved'],
  ['::7f00:1', 'reserved'], // v4-compatible, deprecated
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'cloud-metadata'],
  ['::ffff:8.8.8.8', 'public'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'cloud-metadata'],
  ['64:ff9b::10.1.2.3', 'private'],
  ['64:ff9b::8.8.8.8', 'public'],
  ['64:ff9b::1:0:0:8.8.8.8', 'reserved'], // inside 64:ff9b::/32, outside the /96
  ['64:ff9b:1::10.0.0.1', 'private'],
  ['64:ff9b:1::8.8.8.8', 'private'],
  ['100::1', 'reserved'],
  ['2001::', 'reserved'], // Teredo with an obfuscated 255.255.255.255 client
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'documentation'], // RFC 4380's example, 192.0.2.45
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'], // client 127.0.0.1
  ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'public'], // client 8.8.8.8
  ['2001:2::1', 'benchmarking'],
  ['2001:2:1::1', 'reserved'],
  ['2001:10::1', 'reserved'],
  ['2001:1ff::1', 'reserved'],
  ['2001:200::1', 'public'],
  ['2001:db7:ffff::1', 'public'],
  ['2001:db8::', 'documentation'],
  ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation'],
  ['2001:db9::1', 'public'],
  ['2002:7f00:1::', 'loopback'],
  ['2002:a9fe:a9fe::1', 'cloud-metadata'],
  ['2002:c0a8:101::1', 'private'],
  ['2002:808:808::1', 'public'],
  ['2606:4700:4700::1111', 'public'],
  ['3fff::1', 'documentation'],
  ['3fff:fff::1', 'documentation'],
  ['3fff:1000::1', 'public'],
  ['3ffe:ffff::1', 'public'],
  ['4000::1', 'reserved'],
  ['5f00::1', 'reserved'],
  ['fbff:ffff::1', 'reserved'],
  ['fc00::', 'private'],
  ['fd00::1', 'private'],
  ['fd00:ec2::254', 'cloud-metadata'],
  ['fd00:ec2::253', 'private'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'private'],
  ['fe7f::1', 'reserved'],
  ['fe80::', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fec0::1', 'private'],
  ['feff::1', 'private'],
  ['ff00::', 'multicast'],
  ['ff02::1', 'multicast'],
];

test('every range classifies at its edges and just outside them', () => {
  const wrong = TABLE.filter(([address, expected]) => classifyAddress(address)?.class !== expected);
  assert.deepEqual(
    wrong.map(([a, e]) => `${a}: ${classifyAddress(a)?.class} (expected ${e})`),
    [],
  );
});

test('one address in other spellings is still the same class', () => {
  for (const spelling of ['127.1', '0x7f.0.0.1', '0177.0.0.1', '2130706433', '[::ffff:7f00:1]'])
    assert.deepEqual(classifyAddress(spelling), {
      family: 4,
      address: '127.0.0.1',
      class: 'loopback',
    });
  assert.equal(classifyAddress('[0:0:0:0:0:0:0:1]')?.class, 'loopback');
  assert.equal(classifyAddress('FD00:EC2:0:0:0:0:0:254')?.class, 'cloud-metadata');
  assert.equal(classifyAddress('0xa9.0xfe.0xa9.0xfe')?.class, 'cloud-metadata');
});

test('a translation prefix names the IPv4 address that decided the class', () => {
  assert.deepEqual(classifyAddress('64:ff9b::7f00:1')?.embedded, {
    via: 'nat64',
    address: '127.0.0.1',
  });
  assert.deepEqual(classifyAddress('2002:a00:1::')?.embedded, { via: '6to4', address: '10.0.0.1' });
  assert.equal(classifyAddress('2002:808:808::1')?.embedded, undefined);
});

test('host names and non-addresses are not classified', () => {
  for (const raw of ['example.com', 'localhost', '', '1.2.3.4.5', '::g', '[::1', '%eth0', 'a%b'])
    assert.equal(classifyAddress(raw), null, raw);
  assert.equal(isPublicAddress('8.8.8.8'), true);
  assert.equal(isPublicAddress('10.0.0.1'), false);
  assert.equal(isPublicAddress('example.com'), false);
});
