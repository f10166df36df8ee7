-- The seed's table: one favourite quote per user, keyed by the identity provider's user id.
create table user_messages (
  user_id text primary key,
  create_ts timestamptz not null default now(),
  update_ts timestamptz not null default now(),
  -- char_length counts code points, as the form's validation does.
  message text not null check (char_length(message) between 1 and 500)
);
