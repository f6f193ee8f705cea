"""Database functions and triggers that carry the session rules (see models.py)."""

NEXT_NUMBER_FORWARD = r"""
CREATE SEQUENCE IF NOT EXISTS photo_sessions_session_number_seq;

CREATE OR REPLACE FUNCTION photo_sessions_next_number() RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n bigint;
    floor_ bigint;
BEGIN
    SELECT COALESCE((SELECT first_session_number FROM studio_studiosettings WHERE id = 1), 1)
      INTO floor_;
    n := nextval('photo_sessions_session_number_seq');
    IF n < floor_ THEN
        -- Raise the sequence to the studio's first number exactly once, even
        -- when several inserts race here.
        PERFORM pg_advisory_xact_lock(hashtext('photo_sessions_session_number_seq'));
        n := nextval('photo_sessions_session_number_seq');
        IF n < floor_ THEN
            PERFORM setval('photo_sessions_session_number_seq', floor_, true);
            n := floor_;
        END IF;
    END IF;
    -- Skip numbers staff gave to sessions by hand.
    WHILE EXISTS (SELECT 1 FROM photo_sessions_session WHERE number = n) LOOP
        n := nextval('photo_sessions_session_number_seq');
    END LOOP;
    RETURN n;
END;
$$;
"""

NEXT_NUMBER_REVERSE = r"""
DROP FUNCTION IF EXISTS photo_sessions_next_number();
DROP SEQUENCE IF EXISTS photo_sessions_session_number_seq;
"""

TRIGGERS_FORWARD = r"""
CREATE OR REPLACE FUNCTION photo_sessions_sync_primary_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE photo_sessions_calendarevent
       SET starts_at = NEW.starts_at, ends_at = NEW.ends_at,
           photographer_id = NEW.photographer_id, assistant_id = NEW.assistant_id,
           resource_id = NEW.camera_room_id, location = NEW.location,
           description = NEW.description
     WHERE session_id = NEW.id AND is_primary;
    IF NOT FOUND THEN
        INSERT INTO photo_sessions_calendarevent
            (session_id, is_primary, hidden, description, starts_at, ends_at,
             photographer_id, assistant_id, resource_id, location)
        VALUES (NEW.id, true, false, NEW.description, NEW.starts_at, NEW.ends_at,
                NEW.photographer_id, NEW.assistant_id, NEW.camera_room_id, NEW.location);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER photo_sessions_session_primary_event_ins
AFTER INSERT ON photo_sessions_session
FOR EACH ROW EXECUTE FUNCTION photo_sessions_sync_primary_event();

CREATE TRIGGER photo_sessions_session_primary_event_upd
AFTER UPDATE OF starts_at, ends_at, photographer_id, assistant_id, camera_room_id, location, description
ON photo_sessions_session
FOR EACH ROW EXECUTE FUNCTION photo_sessions_sync_primary_event();

CREATE OR REPLACE FUNCTION photo_sessions_primary_event_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The primary event is the session's own times: edit the session, not the row.
    IF TG_OP = 'UPDATE' AND OLD.is_primary AND pg_trigger_depth() = 1 AND (
        NEW.starts_at IS DISTINCT FROM OLD.starts_at OR NEW.ends_at IS DISTINCT FROM OLD.ends_at
        OR NEW.photographer_id IS DISTINCT FROM OLD.photographer_id
        OR NEW.assistant_id IS DISTINCT FROM OLD.assistant_id
        OR NEW.resource_id IS DISTINCT FROM OLD.resource_id OR NEW.location IS DISTINCT FROM OLD.location
        OR NEW.is_primary IS DISTINCT FROM OLD.is_primary OR NEW.session_id IS DISTINCT FROM OLD.session_id
    ) THEN
        RAISE EXCEPTION 'The primary calendar event follows its session; change the session instead.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER photo_sessions_primary_event_guard
BEFORE UPDATE ON photo_sessions_calendarevent
FOR EACH ROW EXECUTE FUNCTION photo_sessions_primary_event_guard();

CREATE OR REPLACE FUNCTION photo_sessions_clear_confirmed_on_move() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.confirmed AND (NEW.starts_at <> OLD.starts_at OR NEW.ends_at <> OLD.ends_at) THEN
        NEW.confirmed := false;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER photo_sessions_session_clear_confirmed
BEFORE UPDATE OF starts_at, ends_at ON photo_sessions_session
FOR EACH ROW EXECUTE FUNCTION photo_sessions_clear_confirmed_on_move();

CREATE OR REPLACE FUNCTION photo_sessions_participant_same_client() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM photo_sessions_session s
        JOIN clients_familymember f ON f.client_id = s.client_id
        WHERE s.id = NEW.session_id AND f.id = NEW.family_member_id
    ) THEN
        RAISE EXCEPTION 'Participants must be family members of the session''s own client.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER photo_sessions_participant_same_client
BEFORE INSERT OR UPDATE ON photo_sessions_sessionparticipant
FOR EACH ROW EXECUTE FUNCTION photo_sessions_participant_same_client();

CREATE OR REPLACE FUNCTION photo_sessions_drop_foreign_participants() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM photo_sessions_sessionparticipant p
     USING clients_familymember f
     WHERE p.session_id = NEW.id AND f.id = p.family_member_id AND f.client_id <> NEW.client_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER photo_sessions_session_client_changed
AFTER UPDATE OF client_id ON photo_sessions_session
FOR EACH ROW WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id)
EXECUTE FUNCTION photo_sessions_drop_foreign_participants();
"""

TRIGGERS_REVERSE = r"""
DROP TRIGGER IF EXISTS photo_sessions_session_client_changed ON photo_sessions_session;
DROP FUNCTION IF EXISTS photo_sessions_drop_foreign_participants();
DROP TRIGGER IF EXISTS photo_sessions_participant_same_client ON photo_sessions_sessionparticipant;
DROP FUNCTION IF EXISTS photo_sessions_participant_same_client();
DROP TRIGGER IF EXISTS photo_sessions_session_clear_confirmed ON photo_sessions_session;
DROP FUNCTION IF EXISTS photo_sessions_clear_confirmed_on_move();
DROP TRIGGER IF EXISTS photo_sessions_primary_event_guard ON photo_sessions_calendarevent;
DROP FUNCTION IF EXISTS photo_sessions_primary_event_guard();
DROP TRIGGER IF EXISTS photo_sessions_session_primary_event_upd ON photo_sessions_session;
DROP TRIGGER IF EXISTS photo_sessions_session_primary_event_ins ON photo_sessions_session;
DROP FUNCTION IF EXISTS photo_sessions_sync_primary_event();
"""
