"""How values read in a report cell: ISO times in UTC, trimmed numbers, h:mm:ss durations."""
import math
from functools import lru_cache


def iso(moment, timespec="seconds"):
    return moment.isoformat(timespec=timespec) if moment else ""


@lru_cache(maxsize=4096, typed=True)  # a report writes the same few marks hundreds of thousands of times
def number(value, places=4):
    """A figure too large for a float (an overflowed sum) is left empty rather than shown wrong;
    very large ones read in exponent form (5e+307), not as 300 digits."""
    if value is None or not math.isfinite(value):
        return ""
    value = round(value, places)
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else str(value)


def duration(seconds):
    if seconds is None:
        return ""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"
