-- Another database on the same server has its own owner, a member of quotebook_app too (00003),
-- perhaps with BYPASSRLS. With CONNECT that owner could open this database and read or delete
-- every row, directly or as quotebook_app. Now only this database's owner (and superusers) can
-- connect; grant CONNECT by name to any other role that must.
do $$
declare
  grantee text;
begin
  execute format('revoke connect, temporary on database %I from public', current_database());
  -- Neon grants ALL on each database it creates to neon_superuser, of which every role made in
  -- its console is a member, other databases' owners included. Granted by a superuser, such a
  -- grant counts as the owner's, so the owner can take it back.
  for grantee in
    select distinct acl.grantee::regrole::text
    from pg_database db, aclexplode(db.datacl) acl
    where db.datname = current_database()
      and acl.grantee not in (0, db.datdba)
      and acl.privilege_type in ('CONNECT', 'TEMPORARY')
  loop
    execute format('revoke connect, temporary on database %I from %s', current_database(), grantee);
  end loop;
end
$$;
