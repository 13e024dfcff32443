import { describe, expect, test } from 'vitest';
import { APP_CSP, BRIDGE_CSP, cspOrigins, securityHeaders, withSecurityHeaders } from './security-headers';

const directives = (csp: string) => Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

describe('security headers', () => {
  test('the CSP allows wasm but no JavaScript eval and no inline script; the app is framed by itself only, the bridge by anyone', () => {
    for (const csp of [APP_CSP, BRIDGE_CSP]) {
      const d = directives(csp);
      expect(d['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(csp.split(/[\s;]+/)).not.toContain("'unsafe-eval'");
      expect(d['object-src']).toEqual(["'none'"]);
      expect(d['base-uri']).toEqual(["'none'"]);
    }
    expect(directives(APP_CSP)['frame-ancestors']).toEqual(["'self'"]);
    expect(directives(BRIDGE_CSP)['frame-ancestors']).toEqual(['*']);
    expect(securityHeaders('/bridge.html')['Content-Security-Policy']).toBe(BRIDGE_CSP);
    expect(securityHeaders('/app/bridge')['Content-Security-Policy']).toBe(BRIDGE_CSP);
    expect(securityHeaders('/')['Content-Security-Policy']).toBe(APP_CSP);
    expect(securityHeaders('/assets/bridge-x.js')['Content-Security-Policy']).toBe(APP_CSP);
    expect(securityHeaders('/')).toMatchObject({
      'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
      'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'strict-origin-when-cross-origin',
    });
  });

  test('withSecurityHeaders replaces the host\'s values, keeps status, body and other headers', async () => {
    const bare = new Response('<!doctype html>', { status: 203, statusText: 'Meh', headers: { 'Content-Type': 'text/html', 'Content-Security-Policy': "default-src *" } });
    const res = withSecurityHeaders(bare, '/index.html');
    expect([res.status, res.statusText, res.headers.get('Content-Type'), await res.text()]).toEqual([203, 'Meh', 'text/html', '<!doctype html>']);
    expect(res.headers.get('Content-Security-Policy')).toBe(APP_CSP);
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(withSecurityHeaders(new Response(null, { status: 304 }), '/').status).toBe(304);
    const opaque = Response.error();
    expect(withSecurityHeaders(opaque, '/')).toBe(opaque);
  });

  test('connect-src gains the origins of the user\'s servers, well-formed ones only, never on the bridge', () => {
    const csp = securityHeaders('/', ['http://127.0.0.1:11434', 'http://LAB.local:8000'])['Content-Security-Policy'] ?? '';
    expect(directives(csp)['connect-src']).toEqual(["'self'", 'https:', 'blob:', 'data:', 'http://127.0.0.1:11434', 'http://lab.local:8000']);
    // Anything that could smuggle a directive, a path or a wildcard is dropped.
    expect(cspOrigins(['http://a.b; script-src *', 'http://x/y', '*', 'javascript:1', 'http://[::1]:8080', 42, 'https://h.example'])).toEqual(['http://[::1]:8080', 'https://h.example']);
    const hostile = securityHeaders('/', ["http://a; script-src 'unsafe-eval'"])['Content-Security-Policy'];
    expect(hostile).toBe(APP_CSP);
    expect(securityHeaders('/bridge.html', ['http://127.0.0.1:11434'])['Content-Security-Policy']).toBe(BRIDGE_CSP);
    expect(withSecurityHeaders(new Response('x'), '/sw-child.js', ['http://127.0.0.1:1']).headers.get('Content-Security-Policy')).toContain('http://127.0.0.1:1');
  });
});
