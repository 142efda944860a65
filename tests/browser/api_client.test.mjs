// The web map's API client on its own, with fetch stubbed: how it meets a server that sheds
// load (503 with Retry-After) and how refusals become errors. No browser or server needed.
import {test} from 'node:test';
import assert from 'node:assert/strict';

import {createApiClient, ApiError} from '../../web/src/api_client.js';

function answers(...list) {
  const seen = [];
  globalThis.fetch = async (url, init) => {
    seen.push({url: String(url), method: init.method, headers: init.headers});
    const [status, body, headers] = list[Math.min(seen.length - 1, list.length - 1)];
    return new Response(JSON.stringify(body), {status, headers});
  };
  return seen;
}

const client = createApiClient({base: 'http://sasaran.test/', getToken: () => ''});
const busy = [503, {status: 503, title: 'Service Unavailable', detail: 'busy'}, {'Retry-After': '0'}];

test('a read shed with 503 and Retry-After is tried again and then succeeds', async () => {
  const seen = answers(busy, busy, [200, {rows: [1]}]);
  assert.deepEqual(await client.get('api/v1/coverage', {level: 'rw'}), {rows: [1]});
  assert.equal(seen.length, 3);
  assert.equal(seen[2].url, 'http://sasaran.test/api/v1/coverage?level=rw');
});

test('a read still shed after two retries fails with the server’s detail', async () => {
  const seen = answers(busy);
  await assert.rejects(client.get('api/v1/coverage'), (e) => e instanceof ApiError && e.status === 503 && e.message === 'busy');
  assert.equal(seen.length, 3);
});

test('a write without an Idempotency-Key is not repeated, one with it is', async () => {
  let seen = answers(busy, [201, {id: 'P1'}]);
  await assert.rejects(client.post('api/v1/pledges', {target: 'T1'}), ApiError);
  assert.equal(seen.length, 1);
  seen = answers(busy, [201, {id: 'P1'}]);
  const created = await client.post('api/v1/pledges', {target: 'T1'}, {headers: {'Idempotency-Key': 'k1'}});
  assert.equal(created.status, 201);
  assert.equal(seen.length, 2);
});

test('a 503 without Retry-After, or with a long one, is not waited for', async () => {
  let seen = answers([503, {detail: 'loading'}, {}]);
  await assert.rejects(client.get('api/v1/lookup'), ApiError);
  assert.equal(seen.length, 1);
  seen = answers([503, {detail: 'later'}, {'Retry-After': '3600'}]);
  await assert.rejects(client.get('api/v1/lookup'), ApiError);
  assert.equal(seen.length, 1);
});
