-- With several tills on one server, a method (its reader) may belong to
-- one till: '' offers it on every till's register.
ALTER TABLE payment_methods ADD COLUMN till TEXT NOT NULL DEFAULT '';
