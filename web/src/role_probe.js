// Who is signed in. The API has no "who am I" endpoint (docs/api.md), so the role is read from
// how it answers two harmless reads, each decided by the caller's role alone
// (server/pledge_routes.cpp, server/audit_routes.cpp):
//
//   GET /api/v1/pledges            200: collaborator or aggregator (their own pledges)
//                                  403: pic (may list pledges only by area)
//                                  400: planner or admin (must name a collaborator)
//                                  401: the token is malformed, unknown or revoked
//   GET /api/v1/audit?limit=1      200: admin; 403: planner
//   GET /api/v1/pledges?collaborator=-   403 "role aggregator may not ...": which kind of giver
//
// Nothing here writes. When the server grows an endpoint that says who the caller is, this file
// is the one to change.
import {ApiError} from './api_client.js';

async function statusOf(api, path, query, token) {
  try {
    const answer = await api.request('GET', path, {query, token});
    return {status: answer.status, data: answer.data};
  } catch (error) {
    if (error instanceof ApiError && error.status !== 401 && error.status < 500)
      return {status: error.status, data: error.problem};
    throw error;  // a bad token (401), a server fault or no answer: sign-in fails with it
  }
}

/** {role, pledges?} for `token`; throws the server's refusal for a bad token. */
export async function identify(api, token) {
  const own = await statusOf(api, 'api/v1/pledges', {}, token);
  if (own.status === 200) {
    const giver = await statusOf(api, 'api/v1/pledges', {collaborator: '-'}, token);
    const word = /role (\w+) may not/.exec(giver.data?.detail ?? '')?.[1];
    return {role: word === 'aggregator' ? 'aggregator' : 'collaborator', pledges: own.data?.pledges ?? []};
  }
  if (own.status === 403) return {role: 'pic'};
  const audit = await statusOf(api, 'api/v1/audit', {limit: 1}, token);
  return {role: audit.status === 200 ? 'admin' : 'planner'};
}
