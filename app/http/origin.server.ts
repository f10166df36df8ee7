import { env } from '../env.server'

/**
 * The origin the app is served at: APP_URL, or in development the request's own (whatever host
 * and port Vite picked). Sessions are accepted only for it; cookies are Secure when it is https.
 */
export const appOrigin = (request: Request) => env.APP_URL ?? new URL(request.url).origin

export const secureCookies = (request: Request) => appOrigin(request).startsWith('https:')
