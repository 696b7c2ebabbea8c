import { describeEachDialect } from '@panoptes/db-core/testing';
import { expect, it } from 'vitest';
import { servers, setupAdmin } from './harness.js';

describeEachDialect('deleting a target group', (fixture) => {
  const start = servers(fixture);

  it('names the hosts that still use it, and goes once they are gone', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const group = (await admin.call('POST', '/api/proxy/target-groups', { name: 'web' })).body;
    const host = (await admin.call('POST', '/api/proxy/hosts', { domain: 'shop.example', targetGroupId: group.id })).body;

    const refused = await admin.call('DELETE', `/api/proxy/target-groups/${group.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', message: 'the target group is used by the host shop.example; point it at another group or delete it first' });
    expect((await admin.call('GET', '/api/proxy/target-groups')).body.target_groups).toHaveLength(1);
    // From another project the group does not exist, and its hosts are not named.
    const other = (await admin.call('POST', '/api/projects', { name: 'other' })).body.project;
    const elsewhere = await admin.call('DELETE', `/api/proxy/target-groups/${group.id}`, undefined, { 'x-project': other.uuid });
    expect(elsewhere.status).toBe(404);
    expect(JSON.stringify(elsewhere.body)).not.toContain('shop.example');

    expect((await admin.call('DELETE', `/api/proxy/hosts/${host.id}`)).status).toBe(204);
    expect((await admin.call('DELETE', `/api/proxy/target-groups/${group.id}`)).status).toBe(204);
    expect((await admin.call('DELETE', `/api/proxy/target-groups/${group.id}`)).status).toBe(404);
    expect((await admin.call('DELETE', '/api/proxy/target-groups/abc')).status).toBe(400);
  });
});
