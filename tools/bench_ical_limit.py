"""Benchmark of refusing a calendar file with too many events: not a test, a measurement.

Makes an .ics file of 5,000 one-line-title events (under the 1 MB upload limit, over the 2,000
events a file may hold) and times ``parse_calendar`` refusing it, with the peak of memory
Python allocated meanwhile (tracemalloc), and for comparison a file of exactly 2,000 events,
which is read in full.

    DJANGO_SETTINGS_MODULE=config.test_settings .venv/bin/python tools/bench_ical_limit.py
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from yearwheel.ical_read import MAX_EVENTS, ImportFileError, parse_calendar  # noqa: E402


def calendar_of(count: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Benchmark//NB"]
    for n in range(count):
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{n}@bench.test",
            f"SUMMARY:Møte {n}",
            f"DTSTART;VALUE=DATE:2026{(n % 12) + 1:02d}{(n % 28) + 1:02d}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def measure(content: bytes, runs: int) -> tuple[float, float, str]:
    times = []
    outcome = ""
    for _run in range(runs):
        start = time.perf_counter()
        try:
            parsed = parse_calendar(content)
            outcome = f"read, {len(parsed.rows)} rows"
        except ImportFileError:
            outcome = "refused"
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    with contextlib.suppress(ImportFileError):
        parse_calendar(content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / (1024 * 1024), outcome


def main() -> None:
    for count, runs in ((5000, 5), (MAX_EVENTS, 3)):
        content = calendar_of(count)
        seconds, megabytes, outcome = measure(content, runs)
        print(
            f"{count} events ({len(content) / 1024:.0f} KB): {outcome} in {seconds * 1000:.0f} ms "
            f"(median of {runs}), peak {megabytes:.1f} MB allocated"
        )


if __name__ == "__main__":
    main()
