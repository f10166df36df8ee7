import { embeddedDatabase, IN_MEMORY } from '../../app/db/embedded.server'

// The bench's embedded database, in a process of its own so the app and the baseline share it.
const database = await embeddedDatabase(IN_MEMORY)
console.log(`DATABASE_URL=${database.url}`)
process.stdin.resume()
process.stdin.on('end', () => void database.close().then(() => process.exit(0)))
