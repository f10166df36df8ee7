-- Neon RLS: with DATABASE_AUTHENTICATED_URL set, the app's per-user statements run as the role
-- `authenticated`, and this policy admits only the rows of auth.user_id(): the `sub` of the
-- session token the database's side verified, not an id the app computed (sql/README.md).
--
-- On Neon (where pg_session_jwt is available), enabling RLS in the console creates the roles and
-- installs pg_session_jwt, which provides auth.user_id(): nothing of theirs is made here. Anywhere
-- else (the embedded database, a Postgres server) this makes the roles, NOLOGIN, and a stand-in
-- auth.user_id() that reads the claims the local transport verified, as pg_session_jwt's own
-- fallback does. The stand-in trusts claims any session can set, so it is for development and
-- tests only: in production the server refuses to start on it.
--
-- Safe to run again by hand (Neon's SQL editor) once Neon RLS is enabled on a database that was
-- migrated before: it skips the policy while `authenticated` or auth.user_id() does not exist.
do $$
declare
  on_neon constant boolean :=
    exists (select from pg_available_extensions where name = 'pg_session_jwt');
  role_name text;
  found_role record;
begin
  if not on_neon then
    foreach role_name in array array['authenticated', 'anonymous'] loop
      begin
        execute format('create role %I nologin', role_name);
      exception
        -- Roles belong to the whole server: another database of it may have made them.
        when duplicate_object or unique_violation then null;
      end;
      select rolsuper, rolbypassrls into found_role from pg_roles where rolname = role_name;
      if found_role.rolsuper or found_role.rolbypassrls then
        raise exception 'The role % exists but bypasses row-level security.', role_name
          using hint = 'It was not made by these migrations. Drop or rename it, then run '
            'npm run db:migrate again.';
      end if;
      -- The local transport, connected as this owner, switches to the role the connection string
      -- names, as Neon's proxy logs in as it (see 00003 for Postgres 15 and 16+).
      begin
        if current_setting('server_version_num')::int >= 160000 then
          if not pg_has_role(current_user, role_name, 'SET') then
            execute format('grant %I to %I with inherit false, set true', role_name, current_user);
          end if;
        elsif not pg_has_role(current_user, role_name, 'MEMBER') then
          execute format('grant %I to %I', role_name, current_user);
        end if;
      exception
        when unique_violation then null;
        when insufficient_privilege then
          raise exception '% cannot be granted the role %.', current_user, role_name
            using hint = 'The role was made by another user. As that user or an administrator, '
              || format('run: GRANT %I TO %I', role_name, current_user)
              || case when current_setting('server_version_num')::int >= 160000
                   then ' WITH INHERIT FALSE, SET TRUE;' else ';' end;
      end;
    end loop;

    create schema if not exists auth;
    grant usage on schema auth to authenticated, anonymous;
    if to_regprocedure('auth.user_id()') is null then
      create function auth.user_id() returns text
        language sql stable
        return nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub';
      comment on function auth.user_id() is
        'Quotebook''s stand-in for pg_session_jwt, for development and tests: the sub of '
        'request.jwt.claims, which any session can set.';
    end if;
  end if;

  if not exists (select from pg_roles where rolname = 'authenticated')
    or to_regprocedure('auth.user_id()') is null then
    raise notice 'No role authenticated or no auth.user_id() (Neon RLS is not enabled), so no policy for it: enable it, then run this file again in Neon''s SQL editor.';
    return;
  end if;
  -- Neon's proxy logs in as `authenticated`, and since 00004 only the owner may connect. Not
  -- elsewhere: there the local transport logs in as the owner, and on Postgres 15 every owner on
  -- the server is a member of `authenticated`, so CONNECT would let them all in.
  if on_neon then
    execute format('grant connect on database %I to authenticated', current_database());
  end if;
  grant usage on schema public to authenticated;
  grant select, insert, update, delete on user_messages to authenticated;
  -- Neon's Data API grants `authenticated` every table in public, so with it enabled any signed-in
  -- user could rewrite the migration runner's own record. That table is not theirs.
  revoke all on table migrations from authenticated;
  if exists (select from pg_roles where rolname = 'anonymous') then
    revoke all on table migrations from anonymous;
  end if;
  drop policy if exists user_messages_token_owner on user_messages;
  -- `(select …)`: evaluated once per statement, not once per row.
  create policy user_messages_token_owner on user_messages
    for all
    to authenticated
    using (user_id = (select auth.user_id()))
    with check (user_id = (select auth.user_id()));
end
$$;
