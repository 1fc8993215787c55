# Django's Norwegian formats list ISO first; forms show (and users type) 31.12.2026.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]

# The project's own format names (Django looks up any name in these modules first): one home
# per way of writing a date, so templates and code never spell a format out
# (docs/architecture.md, "Dates").
WEEKDAY_DATE_FORMAT = "l j. F Y"  # torsdag 4. mars 2027
SHORT_MONTH_FORMAT = "b"  # mar (months are written in lower case)
DAY_MONTH_FORMAT = "j.n."  # 4.3.
