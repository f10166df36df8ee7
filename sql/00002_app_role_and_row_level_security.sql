-- Defence in depth: the app's per-user queries run as quotebook_app, a role that can touch only
-- the rows whose user_id is the session's (app.user_id, set per transaction by the app).
--
-- A separate role, because on Neon every role made in the console (neondb_owner included) is a
-- member of neon_superuser and bypasses row-level security, and a table's owner bypasses it
-- unless it is forced.

do $$
begin
  -- With a long random password that nobody keeps: NOLOGIN means it is never used, but Neon
  -- refuses a role without one ("Neon does not support roles with empty passwords").
  execute format(
    'create role quotebook_app nologin password %L',
    replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
  );
exception
  -- Roles belong to the whole server: another database of it may have made this one already,
  -- perhaps at this very moment.
  when duplicate_object or unique_violation then null;
end
$$;

-- The migrating user (and so the app, when it connects as the same user) is allowed to switch to
-- it by 00003, which knows the rules of Postgres 15 and 16+ apart.

grant usage on schema public to quotebook_app;
grant select, insert, update, delete on user_messages to quotebook_app;

alter table user_messages enable row level security;
alter table user_messages force row level security;

create policy user_messages_own_rows on user_messages
  for all
  to quotebook_app
  using (user_id = current_setting('app.user_id', true))
  with check (user_id = current_setting('app.user_id', true));
