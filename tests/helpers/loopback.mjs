// This machine's names, for the checks that refuse or count requests to any other host. Plain
// JavaScript, so the `node --import` preloads can use it as well as the TypeScript tests.
const names = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])

/** @param {string} hostname as URL.hostname gives it */
export const isLoopback = (hostname) => names.has(hostname)
