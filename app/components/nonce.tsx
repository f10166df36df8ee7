import { createContext, useContext } from 'react'

/**
 * The request's CSP nonce, provided by the server entry while it renders. In the browser it is
 * the empty string, which is what the DOM shows of a nonce once the page has loaded, so passing
 * it to <Scripts> and <ScrollRestoration> hydrates without a mismatch.
 */
export const NonceContext = createContext('')

export const useNonce = () => useContext(NonceContext)
