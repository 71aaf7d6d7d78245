"""The notification layer: one way to tell people something, in their language, through the
channels they read (the inbox, email, template SMS, a community group's robot).

- ``notices``: the notices, declared by key in each app's ``notices.py``, and how their
  parameters are stored (``ref``, ``text``, ``day`` …);
- ``dispatch``: ``notify(template, params, recipients, key=…, url=…)`` and ``notify_group``;
- ``render``: a stored notice rendered for its reader, never stale, never in the sender's
  language; ``links``: absolute links from ``CLINIC_SITE_URL``;
- ``preferences``: each person's channels per kind of notice;
- ``backends``: email, SMS, robots, and the console/file/memory backends for development;
- ``digest``: the daily reminder of overdue work, one per person.
"""
