/**
 * Where the remote test server manager (`manager.ts`) listens: importable from browser tests too (no Node
 * imports here). Not 4190: that port (ManageSieve) is on the Fetch standard's list of blocked "bad ports",
 * so Chromium (ERR_UNSAFE_PORT) and Node's fetch ("bad port") refuse to connect to it.
 */
export const MANAGER_PORT = 4191;
export const MANAGER_URL = `http://127.0.0.1:${MANAGER_PORT}`;
