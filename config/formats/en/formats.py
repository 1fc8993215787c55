# English screens for Norwegian users: dates as English writes them (Thursday 4 March 2027),
# numbers and short dates the Norwegian way (12 345,5; 04.03.2027), as the data is Norwegian.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3

# The project's own format names (see config/formats/nb/formats.py).
WEEKDAY_DATE_FORMAT = "l j F Y"  # Thursday 4 March 2027
SHORT_MONTH_FORMAT = "M"  # Mar (month names are capitalised in English)
DAY_MONTH_FORMAT = "j M"  # 4 Mar
