import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { PanoptesError } from '@panoptes/db-core';

const REFUSED = new Set(['private', 'loopback', 'linkLocal', 'uniqueLocal', 'unspecified', 'carrierGradeNat', 'reserved', 'broadcast']);

/** Refuses a URL whose host resolves into a private, loopback or link-local range (SSRF guard). */
export async function refusePrivateTarget(url: string): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  for (const address of addresses) {
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    if (REFUSED.has(parsed.range())) {
      throw new PanoptesError('PRIVATE_TARGET_REFUSED', `${new URL(url).host} resolves to ${address} (${parsed.range()}): targets in private ranges are refused by configuration`);
    }
  }
}
