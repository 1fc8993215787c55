"""The browser and system of a session in plain words, and a shortened address.

A user agent string is a pile of historical claims ("Mozilla/5.0 … like Gecko … Safari");
the order of the checks matters: Edge and Opera also call themselves Chrome, Chrome also
calls itself Safari. Only what a person needs to recognise their own devices is named.
"""

from __future__ import annotations

import ipaddress

from django.utils.translation import gettext as _

BROWSERS = [
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
]


def describe_agent(user_agent: str) -> str:
    """``"Firefox on Windows"``; the unknown parts said so."""
    browser = next((name for token, name in BROWSERS if token in user_agent), None)
    system = next((name for token, name in SYSTEMS if token in user_agent), None)
    return _("%(browser)s on %(system)s") % {
        "browser": browser or _("An unknown browser"),
        "system": system or _("an unknown system"),
    }


def shorten_address(address: str) -> str:
    """``192.0.2.17`` → ``192.0.2.*``; IPv6 keeps its first three groups (the network)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if ip.version == 4:
        return ".".join(str(ip).split(".")[:3]) + ".*"
    return ":".join(ip.exploded.split(":")[:3]) + ":*"
