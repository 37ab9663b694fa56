"""The identifying patterns :class:`~hrp_coding.transcripts.Deidentifier` replaces by default: e-mail addresses,
URLs, phone numbers (US and international), street addresses and P.O. boxes, dates and ages.

Examples
--------
>>> import re
>>> category, regex = DEFAULT_PATTERNS["age_word"]
>>> category, re.search(regex, "she was age 34 then").group("value")
('AGE', '34')
"""

from __future__ import annotations

__all__ = ["DEFAULT", "DEFAULT_PATTERNS"]

_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_STREET = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|Terrace|Ter|"
           r"Parkway|Pkwy|Highway|Hwy|Square|Sq|Circle|Cir|Trail|Alley|Row)")
_AGE_EXCLUDED_UNITS = (r"(?!\s*(?:%|percent|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|dollars|bucks|cents|times|"
                       r"miles|km|pounds|lbs|kilos?|kg|degrees|mg|ml|pills|people|clients|patients|[:.,]\d))")

#: The default patterns: name -> (category, regular expression). A group named ``value``, when present,
#: is the part replaced (``age 34`` -> ``age [AGE_1]``).
DEFAULT_PATTERNS: dict[str, tuple[str, str]] = {
    "email": ("EMAIL", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?<![.-])"),
    "url": ("URL", r"(?i)(?<![\w@/])(?:(?:https?://|www\.)[^\s<>\"']+|"
                   r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|io|info|biz|us|uk|ca|au|de|fr|nl|eu)"
                   r"(?:/[^\s<>\"']*)?)(?<![.,;:!?)\]'\"])(?![\w@])"),
    "phone_international": ("PHONE", r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\w)"),
    "phone_us": ("PHONE", r"(?<![\w+])(?:1[\s.-])?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\w)"),
    "phone_local": ("PHONE", r"(?<![\w.-])\d{3}-\d{4}(?![\w-])"),
    "address": ("ADDRESS", rf"(?<!\w)\d{{1,5}}[A-Za-z]?\s+(?:[A-Z0-9][\w'.-]*\s+){{1,4}}{_STREET}\b"
                           r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|#)\.?\s*#?\w+)?"),
    "po_box": ("ADDRESS", r"(?i)(?<!\w)P\.?\s?O\.?\s+Box\s+\d+(?!\w)"),
    "date_iso": ("DATE", r"(?<![\w.-])\d{4}-\d{1,2}-\d{1,2}(?![\w-])"),
    "date_numeric": ("DATE", r"(?<![\w./-])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\w/.-]\d|\w)"),
    "date_month_day": ("DATE", rf"(?<!\w){_MONTHS}\s+{_DAY}(?:,?\s+\d{{4}})?(?!\w)"),
    "date_day_month": ("DATE", rf"(?<!\w){_DAY}\s+(?:of\s+)?{_MONTHS}(?:,?\s+\d{{4}})?(?!\w)"),
    "date_month_year": ("DATE", rf"(?<!\w){_MONTHS}\s+\d{{4}}(?!\w)"),
    "age_year_old": ("AGE", r"(?i)(?<![\w.])(?P<value>\d{1,3})(?:\s*-\s*|\s+)(?:years?|yrs?)(?:\s*-\s*|\s+)old(?!\w)"),
    "age_word": ("AGE", r"(?i)(?<!\w)(?:age|aged)\s+(?P<value>\d{1,3})(?!\w)" + _AGE_EXCLUDED_UNITS),
    "age_was": ("AGE", r"(?i)(?<!\w)(?:I|he|she|they|we|you)(?:\s+(?:was|am|were|is|are|turned|turn)|['’]m|['’]re)"
                       r"\s+(?:only\s+|just\s+|about\s+|like\s+)?(?P<value>\d{1,3})(?!\w)" + _AGE_EXCLUDED_UNITS),
}
#: Sentinel for the default patterns.
DEFAULT = DEFAULT_PATTERNS
