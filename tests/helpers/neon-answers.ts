// Neon's error answers as its proxy sends them (neondatabase/neon at 6a35a3e,
// proxy/src/serverless/sql_over_http.rs:220-240): always these 17 keys, absent ones null, `code`
// and `severity` "" without a Postgres error, and `Access-Control-Allow-Origin: *`.

/** The proxy's error body: `message`, and any fields a Postgres error would fill. */
export const errorBody = (message: string, fields: Record<string, string | null> = {}) => ({
  message,
  code: '',
  detail: null,
  hint: null,
  position: null,
  internalPosition: null,
  internalQuery: null,
  severity: '',
  where: null,
  table: null,
  column: null,
  schema: null,
  dataType: null,
  constraint: null,
  file: null,
  line: null,
  routine: null,
  ...fields,
})

/** An answer of the proxy's with a JSON body, made anew for each request. */
export const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' },
  })
