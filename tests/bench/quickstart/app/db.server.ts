import { neon, neonConfig } from '@neondatabase/serverless'
import { localTransport } from '../../../../app/db/local-transport.server'

// Neon's guide: one neon() client for the app. Here it reaches the bench's Postgres server
// through Quotebook's local transport, as Quotebook's own client does, so the two apps differ in
// what they do per request, not in how a query travels.
neonConfig.fetchFunction = localTransport
export const sql = neon(process.env.DATABASE_URL!)
