import { describe, expect, test } from 'vitest';
import { checkV1Door, type DoorRequest } from './v1-door';

const ORIGIN = 'http://127.0.0.1:4173';
const req = (over: Partial<Omit<DoorRequest, 'headers'>> & { headers?: Record<string, string> } = {}): DoorRequest => ({
  method: 'POST', mode: 'cors', destination: '', ...over, headers: new Headers({ 'Content-Type': 'application/json', ...over.headers }),
});

describe('the /v1 door', () => {
  test('a same-origin fetch() with a JSON body, or a GET, goes through', () => {
    expect(checkV1Door(req(), ORIGIN)).toBeNull();
    expect(checkV1Door(req({ mode: 'same-origin', headers: { 'Content-Type': 'Application/JSON; charset=utf-8', Origin: ORIGIN, 'Sec-Fetch-Site': 'same-origin' } }), ORIGIN)).toBeNull();
    expect(checkV1Door(req({ method: 'GET', headers: { 'Content-Type': '' } }), ORIGIN)).toBeNull();
  });

  test('navigations, form posts and non-fetch loads are 403 navigation_forbidden', () => {
    for (const r of [req({ mode: 'navigate', destination: 'document' }), req({ mode: 'navigate', destination: 'iframe', headers: { 'Content-Type': 'text/plain' } }),
      req({ method: 'GET', mode: 'no-cors', destination: 'image' }), req({ method: 'GET', mode: 'no-cors', destination: 'script' })]) {
      expect(checkV1Door(r, ORIGIN)).toMatchObject({ status: 403, type: 'permission_error', code: 'navigation_forbidden' });
    }
  });

  test('another site or origin (Sec-Fetch-Site, Origin, an opaque origin) is 403 cross_origin_forbidden', () => {
    for (const headers of [{ 'Sec-Fetch-Site': 'cross-site' } as Record<string, string>, { 'Sec-Fetch-Site': 'same-site' }, { 'Sec-Fetch-Site': 'none' },
      { Origin: 'http://127.0.0.2:4173' }, { Origin: 'http://127.0.0.1:4174' }, { Origin: 'null' }]) {
      expect(checkV1Door(req({ headers }), ORIGIN)).toMatchObject({ status: 403, code: 'cross_origin_forbidden' });
    }
  });

  test('a body not sent as application/json is 415 unsupported_media_type', () => {
    for (const ct of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', '']) {
      expect(checkV1Door(req({ headers: { 'Content-Type': ct } }), ORIGIN), ct).toMatchObject({ status: 415, type: 'invalid_request_error', code: 'unsupported_media_type' });
    }
    expect(checkV1Door(req({ method: 'put', headers: { 'Content-Type': 'text/plain' } }), ORIGIN)?.status).toBe(415);
  });
});
