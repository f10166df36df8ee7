-- Another database on the same server has its own owner, a member of quotebook_app too (00003),
-- perhaps with BYPASSRLS. With PUBLIC's CONNECT that owner could open this database and read or
-- delete every row, directly or as quotebook_app. Now only this database's owner (and superusers)
-- can connect; grant CONNECT by name to any other role that must.
do $$
begin
  execute format('revoke connect, temporary on database %I from public', current_database());
end
$$;
