"""``python -m bench``: measure the calendar pages and feeds (bench/calendar_queries.py)."""

from bench.calendar_queries import main

if __name__ == "__main__":
    raise SystemExit(main())
