"""The organisation's audit trail, read from django-simple-history's tables.

``registry`` (which models, from ``settings.AUDIT_TRAIL``), ``query`` (which records: one
UNION ALL), ``records`` (what a page shows of them: one more query), ``values`` (values as
people read them), ``forms`` (the filters). See docs/audit-trail.md.
"""
