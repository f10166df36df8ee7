-- The user that migrates (and that the app connects as) must be able to switch to quotebook_app,
-- or every signed-in page fails with "permission denied to set role" (42501).
--
-- Postgres 16 changed what CREATE ROLE gives a creator who is not a superuser, such as Neon's
-- neondb_owner: membership WITH ADMIN OPTION, but neither INHERIT nor SET (unless
-- createrole_self_grant says otherwise). 00002 checked for membership, found it, and granted
-- nothing. This grants SET on 16 and newer, and membership on 15, once, for databases that
-- applied 00002 before this migration existed as much as for new ones.
do $$
declare
  app_role record;
begin
  select rolsuper, rolbypassrls into app_role from pg_roles where rolname = 'quotebook_app';
  -- A role made elsewhere (in Neon's console, say) may bypass the very policy it exists for.
  if app_role.rolsuper or app_role.rolbypassrls then
    raise exception 'The role quotebook_app exists but bypasses row-level security.'
      using hint = 'It was not made by these migrations (Neon console roles have BYPASSRLS). '
        'Drop or rename it, then run npm run db:migrate again.';
  end if;
  if current_setting('server_version_num')::int >= 160000 then
    if not pg_has_role(current_user, 'quotebook_app', 'SET') then
      execute format('grant quotebook_app to %I with inherit false, set true', current_user);
    end if;
  elsif not pg_has_role(current_user, 'quotebook_app', 'MEMBER') then
    execute format('grant quotebook_app to %I', current_user);
  end if;
exception
  -- Another database of the same server granted it at this very moment.
  when unique_violation then null;
  when insufficient_privilege then
    raise exception '% cannot be granted the role quotebook_app.', current_user
      using hint = 'The role was made by another user. As that user or an administrator, run: '
        || format('GRANT quotebook_app TO %I', current_user)
        || case when current_setting('server_version_num')::int >= 160000
             then ' WITH SET TRUE;' else ';' end;
end
$$;
