"""How values read in a report cell: ISO times in UTC, trimmed numbers, h:mm:ss durations."""


def iso(moment, timespec="seconds"):
    return moment.isoformat(timespec=timespec) if moment else ""


def number(value, places=4):
    if value is None:
        return ""
    value = round(value, places)
    return str(int(value)) if value == int(value) else str(value)


def duration(seconds):
    if seconds is None:
        return ""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"
