"""The risk desk's admin: configuration, history, the workers' records and the stress test.

Thin by rule: each page parses input, checks the user's permission, calls one service or
selector and renders. See ``risk.roles`` for who may do what.
"""

from django.contrib import admin

from . import config, records  # noqa: F401  (registers the model admins)

admin.site.site_header = "Margin desk back office"
admin.site.site_title = "Margin desk"
admin.site.index_title = "Risk desk and support"
