let made = 0

/** An email address no other test uses, so tests can run in parallel against one database. */
export function uniqueEmail(): string {
  made += 1
  return `user-${process.pid}-${Date.now()}-${made}@example.com`
}
